import { toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { HipChatColor, HipChatMessage, SlackPayload } from "../../../handler/convert";
import { ATTACHMENT_TEXT_MAX, FALLBACK_MAX, MENTIONS_MAX, TEXT_MAX } from "../../../handler/convert/limits";
import { payloadProblems } from "./invariants";

const OPTS = { translateMentions: true, mentionUsers: { ann: "U0ANN" }, random: () => 0.5 };

describe("toSlackPayload", () => {
  it.each<[string, HipChatMessage, SlackPayload]>([
    [
      "html, no color: plain text",
      { message: "<b>Deploy</b> done", format: "html" },
      { text: "*Deploy* done", mrkdwn: true },
    ],
    [
      "text, no color: mentions and emoticons",
      { message: "@all deploy (successful) @ann", format: "text" },
      { text: "<!channel> deploy :white_check_mark: <@U0ANN>", mrkdwn: true },
    ],
    [
      "color: the message once, in the attachment; plain-text fallback; no top-level text",
      { message: "<p><b>Build #42</b> failed</p><ul><li>test_a</li></ul>", format: "html", color: "red" },
      {
        text: "",
        mrkdwn: true,
        attachments: [
          {
            color: "danger",
            text: "*Build #42* failed\n\n• test_a",
            fallback: "Build #42 failed\n\n• test_a",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ],
    [
      "color, one line of text",
      { message: "deploy *done* https://x.io/d/1", format: "text", color: "green" },
      {
        text: "",
        mrkdwn: true,
        attachments: [
          {
            color: "good",
            text: "deploy ∗done∗ <https://x.io/d/1>",
            fallback: "deploy *done* https://x.io/d/1",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ],
    [
      "color, code block: fallback without fences",
      { message: "<pre>exit 1</pre>", format: "html", color: "gray" },
      {
        text: "",
        mrkdwn: true,
        attachments: [{ color: "#A0A0A0", text: "```\nexit 1\n```", fallback: "exit 1", mrkdwn_in: ["text"] }],
      },
    ],
    [
      "color with mentions: top-level text holds only the mentions, so Slack notifies",
      { message: "@here build failed, @ann and @here please look", format: "text", color: "red" },
      {
        text: "<!here> <@U0ANN>",
        mrkdwn: true,
        attachments: [
          {
            color: "danger",
            text: "<!here> build failed, <@U0ANN> and <!here> please look",
            fallback: "<!here> build failed, <@U0ANN> and <!here> please look",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ],
    [
      "color, empty message: placeholder in the attachment",
      { message: "<p> </p>", format: "html", color: "yellow" },
      {
        text: "",
        mrkdwn: true,
        attachments: [
          { color: "warning", text: "_(empty message)_", fallback: "(empty message)", mrkdwn_in: ["text"] },
        ],
      },
    ],
    [
      "from becomes a trimmed username",
      { message: "hi", format: "text", from: "  Jenkins\n CI " },
      { text: "hi", mrkdwn: true, username: "Jenkins CI" },
    ],
    ["blank from gives no username", { message: "hi", format: "text", from: "   " }, { text: "hi", mrkdwn: true }],
    [
      "message that shows nothing gets a placeholder",
      { message: "<p></p><br><script>x</script>&nbsp;", format: "html" },
      { text: "_(empty message)_", mrkdwn: true },
    ],
    [
      "whitespace-only message gets a placeholder",
      { message: "  \n ", format: "text" },
      { text: "_(empty message)_", mrkdwn: true },
    ],
  ])("%s", (_name, msg, expected) => {
    // Act
    const payload = toSlackPayload(msg, OPTS);
    // Assess
    expect(payload).toEqual(expected);
  });

  it.each<[HipChatColor, string]>([
    ["yellow", "warning"],
    ["green", "good"],
    ["red", "danger"],
    ["purple", "#8E44AD"],
    ["gray", "#A0A0A0"],
    ["random", "danger"],
  ])("color %s → attachment color %s", (color, expected) => {
    const payload = toSlackPayload({ message: "x", format: "text", color }, OPTS);
    expect(payload.attachments?.[0].color).toBe(expected);
  });

  it("mentions are left alone when translation is off", () => {
    const payload = toSlackPayload(
      { message: "@all @ann", format: "text" },
      { translateMentions: false, mentionUsers: { ann: "U0ANN" } },
    );
    expect(payload.text).toBe("@all @ann");
  });

  it("a colored message never repeats its words at the top level", () => {
    const payload = toSlackPayload({ message: `${"word ".repeat(100)}\nsecond`, format: "text", color: "green" }, OPTS);
    expect(payload.text).toBe("");
    expect(payload.attachments?.[0].text).toBe(`${"word ".repeat(100)}\nsecond`);
  });

  it("the mention line is bounded, cut between mentions", () => {
    const users = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`u${i}`, `U${String(i).padStart(9, "0")}`]),
    );
    const message = Array.from({ length: 200 }, (_, i) => `@u${i}`).join(" ");
    const payload = toSlackPayload({ message, format: "text", color: "red" }, { ...OPTS, mentionUsers: users });
    expect(payload.text.length).toBeLessThanOrEqual(MENTIONS_MAX);
    expect(payload.text).toMatch(/^<@U000000000> <@U000000001> .*<@U\d{9}>…$/);
    expect(payloadProblems(payload, true)).toEqual([]);
  });

  it.each<[string, string, string]>([
    ["a mention", "<!channel>", "‹!channel›"],
    ["a user mention", "<@U123>", "‹@U123›"],
    ["a link", "<http://evil|x>", "‹http://evil|x›"],
    ["an ampersand", "R&D bot", "R＆D bot"],
    ["an entity", "&lt;b&gt;", "＆lt;b＆gt;"],
  ])("from with %s reaches username without &, < or >", (_name, from, username) => {
    // Act
    const payload = toSlackPayload({ message: "x", format: "text", from }, OPTS);
    // Assess
    expect(payload.username).toBe(username);
    expect(payload.username).not.toMatch(/[&<>]/);
  });

  it("a look-alike username reads the same in the bold prefix when the scope is missing", () => {
    const payload = toSlackPayload({ message: "x", format: "text", from: "<!here> & co" }, OPTS);
    expect(withFromPrefix(payload, payload.username!).text).toBe("*‹!here› ＆ co*: x");
  });

  it("username is cut to 80 characters", () => {
    const payload = toSlackPayload({ message: "x", format: "text", from: "n".repeat(200) }, OPTS);
    expect(payload.username).toBe("n".repeat(80));
  });

  it.each([
    ["text, every character escaped 5x", { message: "&".repeat(10_000), format: "text" } as HipChatMessage],
    ["html, long", { message: "<p>&lt;x&gt; ".repeat(5_000), format: "html" } as HipChatMessage],
    ["text with color", { message: "<".repeat(10_000), format: "text", color: "red" } as HipChatMessage],
    [
      "pre block cut keeps its fence closed",
      { message: `<pre>${"<>&".repeat(5_000)}</pre>`, format: "html", color: "red" } as HipChatMessage,
    ],
  ])("fits Slack's limits: %s", (_name, msg) => {
    // Act
    const payload = toSlackPayload(msg, OPTS);
    // Assess
    expect(payload.text.length).toBeLessThanOrEqual(TEXT_MAX);
    for (const a of payload.attachments ?? []) {
      expect(a.text?.length ?? 0).toBeLessThanOrEqual(ATTACHMENT_TEXT_MAX);
      expect(a.fallback.length).toBeLessThanOrEqual(FALLBACK_MAX);
      expect(((a.text ?? "").match(/```/g) ?? []).length % 2).toBe(0);
      expect(a.fallback.match(/```/g)?.length ?? 0).toBeLessThanOrEqual(2);
    }
    expect(payload.text === "" ? payload.attachments?.[0].text : payload.text).toMatch(/…(\n```)?$/);
  });

  it("never throws, even on input that broke the declared type", () => {
    const bad = [
      { message: undefined, format: "html" },
      { message: 42, format: "text", color: "blue", from: 7 },
      { message: "x", format: "html", card: "not a card" },
      { message: "x", format: "html", card: { attributes: "nope", description: 5 } },
    ] as unknown as HipChatMessage[];
    for (const msg of bad) {
      expect(() => toSlackPayload(msg, OPTS)).not.toThrow();
      const payload = toSlackPayload(msg, OPTS);
      expect(payload.text !== "" || (payload.attachments ?? []).every((a) => a.fallback !== "")).toBe(true);
    }
  });
});

describe("withFromPrefix", () => {
  it.each<[string, SlackPayload, string, SlackPayload]>([
    ["plain message", { text: "hello", mrkdwn: true, username: "CI" }, "CI", { text: "*CI*: hello", mrkdwn: true }],
    [
      "attachment fallback gets the prefix too",
      {
        text: "Build failed",
        mrkdwn: true,
        username: "CI",
        attachments: [
          { color: "danger", text: "Build failed\nmore", fallback: "Build failed\nmore", mrkdwn_in: ["text"] },
        ],
      },
      "CI",
      {
        text: "*CI*: Build failed",
        mrkdwn: true,
        attachments: [
          { color: "danger", text: "Build failed\nmore", fallback: "CI: Build failed\nmore", mrkdwn_in: ["text"] },
        ],
      },
    ],
    [
      "from is escaped",
      { text: "x", mrkdwn: true },
      "<!channel> & co",
      { text: "*&lt;!channel&gt; &amp; co*: x", mrkdwn: true },
    ],
    [
      "from is trimmed to one line and * cannot break the bold",
      { text: "x", mrkdwn: true },
      "  *bot*\nname ",
      { text: "*\u2217bot\u2217 name*: x", mrkdwn: true },
    ],
    ["blank from only removes username", { text: "x", mrkdwn: true, username: "u" }, "  ", { text: "x", mrkdwn: true }],
    [
      "no top-level text: the name goes above the attachment, as pretext",
      {
        text: "",
        mrkdwn: true,
        username: "CI",
        attachments: [{ color: "danger", text: "*Build* failed", fallback: "Build failed", mrkdwn_in: ["text"] }],
      },
      "CI",
      {
        text: "",
        mrkdwn: true,
        attachments: [
          {
            color: "danger",
            text: "*Build* failed",
            fallback: "CI: Build failed",
            pretext: "*CI*",
            mrkdwn_in: ["text", "pretext"],
          },
        ],
      },
    ],
  ])("%s", (_name, payload, from, expected) => {
    // Prepare
    const before = JSON.stringify(payload);
    // Act
    const out = withFromPrefix(payload, from);
    // Assess
    expect(out).toEqual(expected);
    expect(JSON.stringify(payload)).toBe(before);
  });

  it("still fits the limits after prefixing", () => {
    const payload = toSlackPayload({ message: "&".repeat(10_000), format: "text", color: "red" }, OPTS);
    const big: SlackPayload = { ...payload, text: "a".repeat(TEXT_MAX) };
    const out = withFromPrefix(big, "x".repeat(500));
    expect(out.text.length).toBeLessThanOrEqual(TEXT_MAX);
    expect(out.attachments?.[0].fallback.length).toBeLessThanOrEqual(FALLBACK_MAX);
    expect(out.text.startsWith(`*${"x".repeat(79)}…*: `)).toBe(true);
  });
});

describe("a conversion that fails", () => {
  it("is reported through onError and the message still goes out as escaped text", () => {
    const onError = jest.fn();
    const msg = {
      message: "a <b>bold</b> & brave message",
      format: "html" as const,
      get card(): never {
        throw new Error("boom");
      },
    };
    const payload = toSlackPayload(msg, { translateMentions: true, onError });
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "boom" }));
    expect(payload.text).toBe("a &lt;b&gt;bold&lt;/b&gt; &amp; brave message");
  });
});
