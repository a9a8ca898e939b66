/**
 * handler/convert/payload.ts: the edges of `toSlackPayload` and `withFromPrefix` that the main suite
 * does not reach: a message whose plain text is empty, cards that show only part of themselves, the
 * `username` at its length limit, the escaped-text fallback when conversion throws, and the name
 * prefix on payloads without text or with several attachments.
 */
import { toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { ConvertOptions, HipChatCard, HipChatMessage, SlackPayload } from "../../../handler/convert";

const OPTS: ConvertOptions = { translateMentions: true, random: () => 0.5 };

/** A random source that fails, which makes `build` throw for `color: "random"`. */
const failingRandom = (): number => {
  throw new Error("no randomness");
};

/** Input that slipped past validation (a missing message, no options), typed as the real thing. */
function loose<T>(v: unknown): T {
  return v as T;
}

describe("a message with nothing to show as plain text", () => {
  it("an image alone links it, with the placeholder as the fallback", () => {
    // The mrkdwn holds the image's link; the plain text is empty, and an empty fallback would leave
    // notifications blank.
    const msg: HipChatMessage = { message: "<img src='https://x.io/a.png'>", format: "html", color: "green" };
    expect(toSlackPayload(msg, OPTS)).toStrictEqual({
      text: "",
      mrkdwn: true,
      attachments: [{ color: "good", text: "<https://x.io/a.png>", fallback: "(empty message)", mrkdwn_in: ["text"] }],
    });
  });

  it("a missing message is the placeholder, not some other text", () => {
    expect(toSlackPayload(loose<HipChatMessage>({ format: "html" }), OPTS)).toStrictEqual({
      text: "_(empty message)_",
      mrkdwn: true,
    });
  });
});

describe("a card without a title", () => {
  const base = { style: "application", title: "" } as const;
  const msg = (card: HipChatCard, message = "Build 42"): HipChatMessage => ({ message, format: "text", card });

  // Each part alone makes the card worth showing: the message stays its fallback and is not put
  // into the attachment's text.
  it.each<[string, HipChatCard, Record<string, unknown>]>([
    ["a description", { ...base, description: "Build #42 details" }, { text: "Build #42 details" }],
    [
      "attributes",
      { ...base, attributes: [{ label: "Status", value: { label: "passed" } }] },
      { fields: [{ title: "Status", value: "passed", short: true }] },
    ],
    ["an activity line", { ...base, activity: { html: "<b>Ann</b> commented" } }, { footer: "Ann commented" }],
  ])("showing only %s keeps the message as the fallback", (_part, card, shown) => {
    expect(toSlackPayload(msg(card), OPTS)).toStrictEqual({
      text: "",
      mrkdwn: true,
      attachments: [{ fallback: "Build 42", mrkdwn_in: ["text"], ...shown }],
    });
  });

  it("with an empty message, the fallback is the placeholder", () => {
    // Neither the message nor the (empty) title can be the fallback.
    expect(toSlackPayload(msg({ ...base, description: "d" }, ""), OPTS)).toStrictEqual({
      text: "",
      mrkdwn: true,
      attachments: [{ fallback: "(empty message)", mrkdwn_in: ["text"], text: "d" }],
    });
  });

  it("a card of null is no card", () => {
    const m = loose<HipChatMessage>({ message: "hi", format: "text", color: "green", card: null });
    expect(toSlackPayload(m, OPTS)).toStrictEqual({
      text: "",
      mrkdwn: true,
      attachments: [{ color: "good", text: "hi", fallback: "hi", mrkdwn_in: ["text"] }],
    });
  });
});

describe("username", () => {
  const payload = (from: string): SlackPayload => toSlackPayload({ message: "hi", format: "text", from }, OPTS);

  it.each<[string, string, string]>([
    // Spaces at the start are dropped before the 80-character cut, so they do not use up the limit.
    ["leading spaces do not count towards the limit", ` ${"a".repeat(80)}`, "a".repeat(80)],
    // The cut at 80 lands right after a space, which is then dropped too.
    ["a space left at the cut is dropped", `${"a".repeat(79)} b`, "a".repeat(79)],
    ["runs of spaces become one", " Build \t  bot ", "Build bot"],
  ])("%s", (_behaviour, from, expected) => {
    expect(payload(from)).toStrictEqual({ text: "hi", mrkdwn: true, username: expected });
  });

  it("a blank name leaves no username key at all", () => {
    const out = payload(" \t ");
    expect(out).toStrictEqual({ text: "hi", mrkdwn: true });
    expect(Object.keys(out)).toEqual(["text", "mrkdwn"]);
  });
});

describe("when conversion throws, the message goes out as escaped text", () => {
  const throwing: ConvertOptions = { translateMentions: false, random: failingRandom };

  it.each<[string, unknown, ConvertOptions | undefined, SlackPayload]>([
    // No options at all: `build` fails reading the random source for the color.
    ["without options", { message: " hi ", format: "html", color: "green" }, undefined, { text: "hi", mrkdwn: true }],
    [
      "options without onError",
      { message: "a < b", format: "text", color: "random" },
      throwing,
      { text: "a &lt; b", mrkdwn: true },
    ],
    [
      "a blank message",
      { message: "  ", format: "text", color: "random" },
      throwing,
      { text: "_(empty message)_", mrkdwn: true },
    ],
    ["no message", { format: "text", color: "random" }, throwing, { text: "_(empty message)_", mrkdwn: true }],
    ["no message object", undefined, OPTS, { text: "_(empty message)_", mrkdwn: true }],
  ])("%s", (_case, msg, opts, expected) => {
    expect(toSlackPayload(loose<HipChatMessage>(msg), loose<ConvertOptions>(opts))).toStrictEqual(expected);
  });

  it("onError is told the error", () => {
    const onError = jest.fn();
    const out = toSlackPayload({ message: "hi", format: "text", color: "random" }, { ...throwing, onError });
    expect(out).toStrictEqual({ text: "hi", mrkdwn: true });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(new Error("no randomness"));
  });
});

describe("withFromPrefix", () => {
  it("a payload with neither text nor attachments gets the bare name", () => {
    // No trailing space after the colon, where the text would have been.
    expect(withFromPrefix({ text: "", mrkdwn: true }, "Bob")).toStrictEqual({ text: "*Bob*:", mrkdwn: true });
  });

  it("an empty fallback gets the bare name", () => {
    const out = withFromPrefix({ text: "", mrkdwn: true, attachments: [{ fallback: "", mrkdwn_in: ["text"] }] }, "Bob");
    expect(out.attachments).toStrictEqual([{ fallback: "Bob:", pretext: "*Bob*", mrkdwn_in: ["text", "pretext"] }]);
  });

  it("only the first of several attachments gets the name as pretext", () => {
    const out = withFromPrefix(
      {
        text: "",
        mrkdwn: true,
        attachments: [
          { fallback: "one", mrkdwn_in: ["text"] },
          { fallback: "two", mrkdwn_in: ["text"] },
        ],
      },
      "Bob",
    );
    expect(out).toStrictEqual({
      text: "",
      mrkdwn: true,
      attachments: [
        { fallback: "Bob: one", pretext: "*Bob*", mrkdwn_in: ["text", "pretext"] },
        { fallback: "Bob: two", mrkdwn_in: ["text"] },
      ],
    });
  });

  it.each<[string, SlackPayload["attachments"], string[]]>([
    [
      "pretext is listed once, after the other fields",
      [{ fallback: "f", mrkdwn_in: ["pretext", "text"] }],
      ["text", "pretext"],
    ],
    ["an attachment without mrkdwn_in gets pretext alone", [{ fallback: "f" }], ["pretext"]],
  ])("%s", (_behaviour, attachments, expected) => {
    const out = withFromPrefix({ text: "", mrkdwn: true, attachments }, "Bob");
    expect(out.attachments?.[0].mrkdwn_in).toEqual(expected);
  });
});
