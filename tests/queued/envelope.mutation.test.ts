/**
 * The envelope's small parts, pinned exactly: the ids and refs it carries, the FIFO group of a
 * channel, the text SQS is given, and each reason a body is refused when read back. The worker
 * dead-letters an envelope with the EnvelopeError's message as its reason, so each message is part
 * of what an operator sees.
 */
import {
  decodeEnvelope,
  ENVELOPE_MAX_BYTES,
  ENVELOPE_VERSION,
  type Envelope,
  EnvelopeError,
  encodeEnvelope,
  envelopeBytes,
  isRef,
  messageGroupId,
  newEnvelopeId,
  newRef,
  SQS_MESSAGE_MAX_BYTES,
} from "../../handler/delivery/envelope";

/** What decoding a body does: the envelope, or the error's class and message. */
function decodeOutcome(body: string): { envelope: Envelope } | { error: [string, string, boolean] } {
  try {
    return { envelope: decodeEnvelope(body) };
  } catch (err) {
    const e = err as Error;
    return { error: [e.name, e.message, e instanceof EnvelopeError] };
  }
}

const VALID = {
  v: 1,
  id: "0b6f6c8e-5d0f-4a43-9b43-2f1e0f6f2a11",
  channel: "#ops",
  route: "room.message",
  acceptedAt: 1_700_000_000_123,
  ref: "1700000000.123456789",
  message: { channel: "#ops", text: "deploy finished", mrkdwn: true },
};
const body = (patch: Record<string, unknown>, drop: string[] = []) => {
  const doc: Record<string, unknown> = { ...VALID, ...patch };
  for (const k of drop) delete doc[k];
  return JSON.stringify(doc);
};

describe("reading an envelope back", () => {
  // Every reason is the dead letter's reason: it must say exactly which part was missing, and be an
  // EnvelopeError (never a TypeError from reading a field of nothing), so the worker dead-letters it.
  it.each([
    ["not JSON at all", "{", "not JSON"],
    ["an empty body", "", "not JSON"],
    ["JSON null", "null", "not an object"],
    ["a number", "5", "not an object"],
    ["a string", '"x"', "not an object"],
    ["an array (an object without a version)", "[]", "unknown version undefined"],
    ["no version", body({}, ["v"]), "unknown version undefined"],
    ["a later version", body({ v: 2 }), "unknown version 2"],
    ["the version as a string", body({ v: "1" }), "unknown version 1"],
    ["no id", body({}, ["id"]), "no id"],
    ["an empty id", body({ id: "" }), "no id"],
    ["an id that is a number", body({ id: 7 }), "no id"],
    ["no channel", body({}, ["channel"]), "no channel"],
    ["an empty channel", body({ channel: "", message: { channel: "", text: "t" } }), "no channel"],
    ["a channel that is a number", body({ channel: 5 }), "no channel"],
    ["no acceptedAt", body({}, ["acceptedAt"]), "no acceptedAt"],
    ["acceptedAt as a string", body({ acceptedAt: "1700000000123" }), "no acceptedAt"],
    ["no message", body({}, ["message"]), "no message for its channel"],
    ["a null message", body({ message: null }), "no message for its channel"],
    ["a message that is text", body({ message: "deploy finished" }), "no message for its channel"],
    ["a message without text", body({ message: { channel: "#ops" } }), "no message for its channel"],
    [
      "a message whose text is not a string",
      body({ message: { channel: "#ops", text: 1 } }),
      "no message for its channel",
    ],
    ["a message for another channel", body({ message: { channel: "#dev", text: "t" } }), "no message for its channel"],
  ])("refuses %s", (_what, input, reason) => {
    expect(decodeOutcome(input)).toEqual({ error: ["EnvelopeError", reason, true] });
  });

  it("gives back exactly the envelope's fields, dropping anything else", () => {
    expect(decodeEnvelope(body({ extra: "dropped", v: 1 }))).toStrictEqual({
      v: ENVELOPE_VERSION,
      id: VALID.id,
      channel: "#ops",
      route: "room.message",
      acceptedAt: 1_700_000_000_123,
      ref: "1700000000.123456789",
      message: { channel: "#ops", text: "deploy finished", mrkdwn: true },
    });
  });

  // An older or foreign producer may leave out the route or the ref: the route is only for the log,
  // and an envelope without a string ref simply has none (no `ref` key at all, not `ref: undefined`).
  it.each([
    ["no route and no ref", body({}, ["route", "ref"]), { route: "unknown" }],
    [
      "a route that is not a string, a ref that is not a string",
      body({ route: 3, ref: 1700000000 }),
      { route: "unknown" },
    ],
    ["an empty route and an empty ref", body({ route: "", ref: "" }), { route: "", ref: "" }],
  ])("fills in what is missing: %s", (_what, input, expected) => {
    expect(decodeEnvelope(input)).toStrictEqual({
      v: 1,
      id: VALID.id,
      channel: "#ops",
      acceptedAt: 1_700_000_000_123,
      message: VALID.message,
      ...expected,
    });
  });

  it("is an Error named EnvelopeError", () => {
    const err = new EnvelopeError("no id");
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.message]).toEqual(["EnvelopeError", "no id"]);
  });
});

describe("the text SQS is given", () => {
  // SQS takes 256 KiB per message; the proxy stores at most 8 KiB less, for a dead letter's attributes.
  it("is at most 256 KiB less 8 KiB", () => {
    expect([SQS_MESSAGE_MAX_BYTES, ENVELOPE_MAX_BYTES]).toEqual([262_144, 253_952]);
  });

  const envelope = (text: string): Envelope => ({
    v: 1,
    id: "e1",
    channel: "#ops",
    route: "room.notification",
    acceptedAt: 5,
    message: { channel: "#ops", text, mrkdwn: true },
  });

  // SQS refuses U+FFFE and U+FFFF in a body: each one (every occurrence) is written as a JSON escape,
  // and everything else is JSON.stringify's text unchanged.
  it.each([
    ["plain text", "deploy finished", "deploy finished"],
    ["U+FFFE", "a\uFFFEb", "a\\ufffeb"],
    ["U+FFFF", "a\uFFFFb", "a\\uffffb"],
    ["each of several", "\uFFFF\uFFFE\uFFFF", "\\uffff\\ufffe\\uffff"],
    ["U+FFFD, which SQS takes", "\uFFFD", "\uFFFD"],
  ])("%s", (_what, text, written) => {
    const encoded = encodeEnvelope(envelope(text));
    expect(encoded).toBe(
      `{"v":1,"id":"e1","channel":"#ops","route":"room.notification","acceptedAt":5,"message":{"channel":"#ops","text":"${written}","mrkdwn":true}}`,
    );
    expect(decodeEnvelope(encoded)).toEqual(envelope(text));
  });

  it.each([
    ["ASCII", "abc", 3],
    ["2-byte", "é", 2],
    ["3-byte", "€", 3],
    ["4-byte", "\u{1F600}", 4],
  ])("is measured in UTF-8 bytes, as SQS counts them: %s", (_what, text, bytes) => {
    expect(envelopeBytes(text)).toBe(bytes);
  });
});

describe("ids and refs", () => {
  it("an envelope id is a random UUID", () => {
    const ids = Array.from({ length: 50 }, newEnvelopeId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(50);
  });

  // The fraction is the millisecond (3 digits, zero-padded) then 6 random digits (zero-padded): with
  // 2000 refs, some random part is below 100000 (each has a 1 in 10 chance), so an unpadded one shows.
  it.each([
    [1_700_000_000_123, "1700000000", "123"],
    [1_700_000_000_007, "1700000000", "007"],
    [1_700_000_000_999, "1700000000", "999"],
    [1_700_000_001_000, "1700000001", "000"],
  ])("a ref made at %d ms is <seconds>.<ms><6 random digits>", (nowMs, seconds, ms) => {
    const refs = Array.from({ length: 2000 }, () => newRef(nowMs));
    const shape = new RegExp(`^${seconds}\\.${ms}\\d{6}$`);
    expect(refs.filter((ref) => !shape.test(ref) || !isRef(ref))).toEqual([]);
    // The random digits are spread over 0–999999, not stuck in a corner of it.
    const randoms = refs.map((r) => Number(r.slice(-6)));
    expect(Math.min(...randoms)).toBeLessThan(100_000);
    expect(Math.max(...randoms)).toBeGreaterThanOrEqual(900_000);
  });

  it("a ref made without a time is made at the current time", () => {
    jest.useFakeTimers({ now: 1_650_000_000_042 });
    try {
      expect(newRef()).toMatch(/^1650000000\.042\d{6}$/);
    } finally {
      jest.useRealTimers();
    }
  });

  // A worker treats an id as a ref (to look up in its store) only when it has the ref's shape: at
  // least 9 digits of seconds and exactly 9 of fraction. A Slack ts (6 digits) never is one.
  it.each([
    ["a ref", "1700000000.123456789", true],
    ["the fewest digits of seconds", "123456789.123456789", true],
    ["many digits of seconds", "170000000000.123456789", true],
    ["a Slack ts", "1700000000.123456", false],
    ["8 digits of seconds", "12345678.123456789", false],
    ["10 digits of fraction", "1700000000.1234567890", false],
    ["8 digits of fraction", "1700000000.12345678", false],
    ["a letter before it", "x1700000000.123456789", false],
    ["a letter after it", "1700000000.123456789x", false],
    ["no dot", "1700000000x123456789", false],
    ["letters for digits", "abcdefghij.abcdefghi", false],
    ["empty", "", false],
    ["nothing", undefined, false],
  ])("isRef: %s (%j) → %s", (_what, id, expected) => {
    expect(isRef(id)).toBe(expected);
  });
});

describe("the FIFO group of a channel", () => {
  // SQS takes 1–128 characters from ! to ~ as a group id; anything else becomes `h-` and the first 40
  // hex digits of the channel's SHA-256 (in UTF-8), so one channel is always one group.
  it.each([
    ["a channel name", "#deploys", "#deploys"],
    ["a channel id", "C0123ABCD", "C0123ABCD"],
    ["the lowest character SQS takes", "!", "!"],
    ["the highest character SQS takes", "~", "~"],
    ["128 characters", "x".repeat(128), "x".repeat(128)],
    ["129 characters", "x".repeat(129), "h-0ec9eb33e74510bcdd1f2ea55206e82f21649c5c"],
    ["an accented name", "#déploiements", "h-53d7a604c2e1a33578e39651da408d84c59afa50"],
    ["a space", "a b", "h-c8687a08aa5d6ed2044328fa6a697ab8e96dc342"],
    ["nothing", "", "h-e3b0c44298fc1c149afbf4c8996fb92427ae41e4"],
  ])("%s", (_what, channel, group) => {
    expect(messageGroupId(channel)).toBe(group);
  });

  it.each([
    ["DEL", "#a\x7f"],
    ["a tab", "#a\tb"],
    ["a newline at the end", "#a\n"],
  ])("a channel with %s gets a digest", (_what, channel) => {
    expect(messageGroupId(channel)).toMatch(/^h-[0-9a-f]{40}$/);
  });
});
