import { toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { HipChatColor, HipChatMessage, SlackPayload } from "../../../handler/convert";
import { ATTACHMENT_TEXT_MAX, FALLBACK_MAX, SUMMARY_MAX, TEXT_MAX } from "../../../handler/convert/limits";

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
      "color: body in an attachment, first line on top",
      { message: "<p><b>Build #42</b> failed</p><ul><li>test_a</li></ul>", format: "html", color: "red" },
      {
        text: "*Build #42* failed",
        mrkdwn: true,
        attachments: [
          {
            color: "danger",
            text: "*Build #42* failed\n\n• test_a",
            fallback: "*Build #42* failed\n\n• test_a",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ],
    [
      "summary skips blank lines and code fences",
      { message: "<pre>exit 1</pre>", format: "html", color: "gray" },
      {
        text: "exit 1",
        mrkdwn: true,
        attachments: [
          { color: "#A0A0A0", text: "```\nexit 1\n```", fallback: "```\nexit 1\n```", mrkdwn_in: ["text"] },
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

  it("long first line is summarised to 150 characters", () => {
    const payload = toSlackPayload({ message: `${"word ".repeat(100)}\nsecond`, format: "text", color: "green" }, OPTS);
    expect(payload.text.length).toBeLessThanOrEqual(SUMMARY_MAX);
    expect(payload.text.endsWith("word…")).toBe(true);
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
    expect(payload.text).toMatch(/…(\n```)?$/);
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
      expect(toSlackPayload(msg, OPTS).text).not.toBe("");
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
          { color: "danger", text: "Build failed\nmore", fallback: "*CI*: Build failed\nmore", mrkdwn_in: ["text"] },
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
