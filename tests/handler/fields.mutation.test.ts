/**
 * The field schemas (handler/hipchat/fields.ts) at their edges: each length limit at its exact
 * boundary with the message a client reads, every failure's fixed reason, the spellings `notify`
 * takes, whole numbers for card sizes, the defaults each call fills in, and share/link's URL and
 * combined-length rules. Called directly (each parser is what the core runs on a body's fields), plus
 * one request through the proxy for the HipChat error shape.
 */
import type { ALBResult } from "aws-lambda";
import { ProxyError } from "../../handler/errors";
import type { BodyFields } from "../../handler/hipchat/body";
import { createFieldParsers, MAX_MESSAGE_LENGTH } from "../../handler/hipchat/fields";
import { albEvent } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const parse = createFieldParsers();
type Call = keyof typeof parse;

/** The 400 message a parser answers for these fields, or "ok" when it takes them. */
function outcome(call: Call, fields: BodyFields): string {
  try {
    parse[call](fields);
    return "ok";
  } catch (err) {
    if (err instanceof ProxyError && err.statusCode === 400) return err.message;
    throw err;
  }
}

const x = (n: number) => "x".repeat(n);
const card = (extra: Record<string, unknown>) => ({ message: "m", card: { style: "link", title: "t", ...extra } });

describe("lengths are checked at their exact limits, and the message states the limit", () => {
  const MESSAGE_LENGTH = `Field message is invalid: wrong length (1 to ${MAX_MESSAGE_LENGTH} characters)`;
  it.each<[string, Call, BodyFields, string]>([
    ["a message of 1 character", "notification", { message: "m" }, "ok"],
    ["an empty message", "notification", { message: "" }, MESSAGE_LENGTH],
    [`a message of ${MAX_MESSAGE_LENGTH} characters`, "notification", { message: x(MAX_MESSAGE_LENGTH) }, "ok"],
    [
      `a message of ${MAX_MESSAGE_LENGTH + 1} characters`,
      "notification",
      { message: x(MAX_MESSAGE_LENGTH + 1) },
      MESSAGE_LENGTH,
    ],
    [
      "a v1 message over the limit",
      "v1Message",
      { room_id: "Ops", message: x(MAX_MESSAGE_LENGTH + 1) },
      MESSAGE_LENGTH,
    ],
    ["a room message that is empty", "roomMessage", { message: "" }, MESSAGE_LENGTH],
    ["a private message over the limit", "userMessage", { message: x(MAX_MESSAGE_LENGTH + 1) }, MESSAGE_LENGTH],
    ["an empty from", "notification", { message: "m", from: "" }, "ok"],
    ["a from of 64 characters", "notification", { message: "m", from: x(64) }, "ok"],
    [
      "a from of 65 characters",
      "notification",
      { message: "m", from: x(65) },
      "Field from is invalid: wrong length (at most 64 characters)",
    ],
    ["an attach_to of 36 characters", "notification", { message: "m", attach_to: x(36) }, "ok"],
    [
      "an attach_to of 37 characters",
      "notification",
      { message: "m", attach_to: x(37) },
      "Field attach_to is invalid: wrong length (at most 36 characters)",
    ],
    ["a card title of 500 characters", "notification", card({ title: x(500) }), "ok"],
    [
      "a card title of 501 characters",
      "notification",
      card({ title: x(501) }),
      "Field card.title is invalid: wrong length (1 to 500 characters)",
    ],
    [
      "an empty card title",
      "notification",
      card({ title: "" }),
      "Field card.title is invalid: wrong length (1 to 500 characters)",
    ],
    ["a room_id of 100 characters", "v1RoomId", { room_id: x(100) }, "ok"],
    [
      "a room_id of 101 characters",
      "v1RoomId",
      { room_id: x(101) },
      "Field room_id is invalid: wrong length (1 to 100 characters)",
    ],
    ["an empty topic (it clears the topic)", "topic", { topic: "" }, "ok"],
    ["a topic of 250 characters", "topic", { topic: x(250) }, "ok"],
    [
      "a topic of 251 characters",
      "topic",
      { topic: x(251) },
      "Field topic is invalid: wrong length (at most 250 characters)",
    ],
    [
      "a v1 topic of 251 characters",
      "v1Topic",
      { room_id: "Ops", topic: x(251) },
      "Field topic is invalid: wrong length (at most 250 characters)",
    ],
    ["a link of 2000 characters", "shareLink", { link: `https://e.example/${x(2000 - 18)}` }, "ok"],
    [
      "a link of 2001 characters",
      "shareLink",
      { link: `https://e.example/${x(2001 - 18)}` },
      "Field link is invalid: wrong length (1 to 2000 characters)",
    ],
    ["no card attributes", "notification", card({ attributes: [] }), "ok"],
    ["50 card attributes", "notification", card({ attributes: Array(50).fill({ value: { label: "v" } }) }), "ok"],
    [
      "51 card attributes",
      "notification",
      card({ attributes: Array(51).fill({ value: { label: "v" } }) }),
      "Field card.attributes is invalid: wrong length (at most 50 elements)",
    ],
    ["a card icon given as a URL of 250 characters", "notification", card({ icon: x(250) }), "ok"],
    [
      "a card icon given as a URL of 251 characters",
      "notification",
      card({ icon: x(251) }),
      "Field card.icon is invalid: wrong length (1 to 250 characters)",
    ],
    ["a card description given as text", "notification", card({ description: x(1000) }), "ok"],
    [
      "a card description of 1001 characters",
      "notification",
      card({ description: x(1001) }),
      "Field card.description is invalid: wrong length (at most 1000 characters)",
    ],
  ])("%s", (_name, call, fields, expected) => {
    expect(outcome(call, fields)).toBe(expected);
  });
});

describe("every refusal names the field and gives a fixed reason", () => {
  it.each<[string, Call, unknown, string]>([
    ["a missing message", "notification", {}, "Field message is required"],
    ["a missing v1 room_id", "v1Message", { message: "m" }, "Field room_id is required"],
    ["a missing topic", "topic", {}, "Field topic is required"],
    ["a number as message", "notification", { message: 5 }, "Field message is invalid: expected a string"],
    ["null as message", "roomMessage", { message: null }, "Field message is invalid: expected a string"],
    ["a list as from", "userMessage", { message: "m", from: ["ci"] }, "Field from is invalid: expected a string"],
    [
      "an unknown color",
      "notification",
      { message: "m", color: "blue" },
      "Field color is invalid: not one of the allowed values (yellow, green, red, purple, gray, random)",
    ],
    [
      "an unknown message_format",
      "notification",
      { message: "m", message_format: "markdown" },
      "Field message_format is invalid: not one of the allowed values (html, text)",
    ],
    [
      "an unknown v1 response format",
      "v1Message",
      { room_id: "Ops", message: "m", format: "yaml" },
      "Field format is invalid: not one of the allowed values (json, xml)",
    ],
    ["null as card", "notification", { message: "m", card: null }, "Field card is invalid: expected an object"],
    ["a list as card", "notification", { message: "m", card: [] }, "Field card is invalid: expected an object"],
    ["a string as card", "notification", { message: "m", card: "link" }, "Field card is invalid: expected an object"],
    ["a card without a style", "notification", { message: "m", card: { title: "t" } }, "Field card.style is required"],
    [
      "a string as card attributes",
      "notification",
      card({ attributes: "a" }),
      "Field card.attributes is invalid: expected an array",
    ],
    [
      "a number as card icon",
      "notification",
      card({ icon: 5 }),
      "Field card.icon is invalid: expected a string or an object",
    ],
    [
      "null as card icon",
      "notification",
      card({ icon: null }),
      "Field card.icon is invalid: expected a string or an object",
    ],
    [
      "an empty card icon url",
      "notification",
      card({ icon: { url: "" } }),
      "Field card.icon.url is invalid: wrong length (1 to 250 characters)",
    ],
    [
      "an attribute value without a label",
      "notification",
      card({ attributes: [{ value: {} }] }),
      "Field card.attributes.0.value.label is required",
    ],
    ["true as room_id", "v1RoomId", { room_id: true }, "Field room_id is invalid: expected a string or a number"],
    [
      "a room_id with a control character",
      "v1RoomId",
      { room_id: "Ops\u0000" },
      "Field room_id is invalid: contains control characters",
    ],
    // Only a body that is no object at all has no field to name.
    ["a body that is a list", "notification", [], "Field body is invalid: expected an object"],
  ])("%s", (_name, call, fields, expected) => {
    expect(outcome(call, fields as BodyFields)).toBe(expected);
  });

  it("a refusal is answered 400 in HipChat's shape, and nothing is sent", async () => {
    const h = createHarness();
    const res: ALBResult = await h.invoke(
      albEvent({ url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`, json: { message: "m", card: null } }),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body ?? "{}")).toEqual({
      error: { code: 400, message: "Field card is invalid: expected an object", type: "Bad Request" },
    });
    expect(h.sent).toHaveLength(0);
  });
});

describe("parsing never writes into the request's own fields", () => {
  it("coerced values (notify, a numeric room_id) and copied card parts leave the request as it came", () => {
    const attribute = { label: "l", value: { label: "v", icon: { url: "https://e.example/i.png" } } };
    const fields = {
      room_id: 42,
      message: "m",
      notify: "1",
      card: { style: "link", title: "t", attributes: [attribute] },
    };
    const before = structuredClone(fields);
    parse.notification(fields);
    parse.v1Message(fields);
    expect(fields).toEqual(before);
    expect(fields.card.attributes[0]).toBe(attribute);
  });
});

describe("notify takes every spelling clients send", () => {
  it.each<[unknown, boolean]>([
    [true, true],
    [false, false],
    ["true", true],
    [" TRUE ", true],
    ["1", true],
    ["on", true],
    ["yes", true],
    [1, true],
    ["false", false],
    ["0", false],
    ["off", false],
    ["no", false],
    ["", false],
    [0, false],
  ])("%j → %p", (notify, expected) => {
    expect(parse.notification({ message: "m", notify }).notify).toBe(expected);
    expect(parse.v1Message({ room_id: "Ops", message: "m", notify }).notify).toBe(expected);
  });

  it.each<unknown>(["maybe", 2, null, {}, ["1"]])("%j → 400", (notify) => {
    expect(outcome("notification", { message: "m", notify })).toBe("Field notify is invalid: expected true or false");
  });

  it("absent → false", () => {
    expect(parse.notification({ message: "m" }).notify).toBe(false);
    expect(parse.userMessage({ message: "m" }).notify).toBe(false);
  });
});

describe("card sizes are whole numbers ≥ 0", () => {
  it.each<[unknown, string]>([
    [0, "ok"],
    [120, "ok"],
    [-1, "Field card.thumbnail.width is invalid: expected a whole number ≥ 0"],
    [1.5, "Field card.thumbnail.width is invalid: expected a whole number ≥ 0"],
    ["120", "Field card.thumbnail.width is invalid: expected a whole number ≥ 0"],
    [null, "Field card.thumbnail.width is invalid: expected a whole number ≥ 0"],
    [true, "Field card.thumbnail.width is invalid: expected a whole number ≥ 0"],
  ])("width %j → %s", (width, expected) => {
    expect(outcome("notification", card({ thumbnail: { url: "https://e.example/t.png", width } }))).toBe(expected);
  });
});

describe("each call fills in HipChat's defaults", () => {
  it("a notification: html, not notified, no label, no thread", () => {
    expect(parse.notification({ message: "m" })).toEqual({
      message: "m",
      format: "html",
      color: undefined,
      from: undefined,
      card: undefined,
      notify: false,
      threadTs: undefined,
    });
  });

  it("a notification keeps what the client set, with from trimmed", () => {
    const c = { style: "link", title: "t" };
    expect(
      parse.notification({ message: "m", message_format: "text", color: "red", from: " ci ", notify: "1", card: c }),
    ).toEqual({ message: "m", format: "text", color: "red", from: "ci", card: c, notify: true, threadTs: undefined });
  });

  it("a v1 message: html, JSON answer; or what the client set", () => {
    expect(parse.v1Message({ room_id: 42, message: "m" })).toEqual({
      roomId: "42",
      message: "m",
      format: "html",
      color: undefined,
      from: undefined,
      notify: false,
      responseFormat: "json",
    });
    expect(
      parse.v1Message({
        room_id: "Ops",
        message: "m",
        message_format: "text",
        color: "gray",
        from: "cron",
        format: "xml",
      }),
    ).toMatchObject({ roomId: "Ops", format: "text", color: "gray", from: "cron", responseFormat: "xml" });
  });

  it("a room message is text and never notifies", () => {
    expect(parse.roomMessage({ message: "m", notify: true, message_format: "html" })).toEqual({
      message: "m",
      format: "text",
      notify: false,
    });
  });

  it("a private message: text unless the client says html", () => {
    expect(parse.userMessage({ message: "m", from: "  " })).toEqual({
      message: "m",
      format: "text",
      from: undefined,
      notify: false,
    });
    expect(parse.userMessage({ message: "m", message_format: "html", notify: "yes" })).toMatchObject({
      format: "html",
      notify: true,
    });
  });

  it("topics", () => {
    expect(parse.topic({ topic: "Deploys" })).toEqual({ topic: "Deploys" });
    expect(parse.v1Topic({ room_id: 7, topic: "Deploys", from: "ci" })).toEqual({ roomId: "7", topic: "Deploys" });
  });

  it.each<[string, string | undefined]>([
    ["1700000000.000100", "1700000000.000100"],
    ["123456789.1", "123456789.1"],
    ["1700000000.123456789", "1700000000.123456789"],
    ["12345678.1", undefined],
    ["1700000000.1234567890", undefined],
    ["1700000000", undefined],
    ["1700000000.", undefined],
    ["x1700000000.1", undefined],
    ["1700000000.1x", undefined],
    ["", undefined],
  ])("attach_to %j attaches to thread %p (only a Slack ts)", (attachTo, threadTs) => {
    expect(parse.notification({ message: "m", attach_to: attachTo }).threadTs).toBe(threadTs);
  });
});

describe("share/link", () => {
  it.each<[string, BodyFields, string]>([
    ["a link alone", { link: "https://e.example/a" }, "https://e.example/a"],
    ["a link alone, trimmed", { link: " https://e.example/a\n" }, "https://e.example/a"],
    ["an http link in capitals", { link: "HTTP://E.EXAMPLE" }, "HTTP://E.EXAMPLE"],
    [
      "a link and a message, both trimmed",
      { link: " https://e.example/a\n", message: " see " },
      "see\nhttps://e.example/a",
    ],
    ["a blank message", { link: "https://e.example/a", message: "  " }, "https://e.example/a"],
  ])("%s → the message, then the link", (_name, fields, message) => {
    expect(parse.shareLink(fields)).toEqual({ message, format: "text", from: undefined, notify: false });
  });

  it("from labels it", () => {
    expect(parse.shareLink({ link: "https://e.example/a", from: " ci " }).from).toBe("ci");
  });

  it.each<string>([
    "ftp://e.example/a",
    "e.example/a",
    "https://",
    "https://e.example/a b",
    "see https://e.example/a",
    "javascript:alert(1)",
  ])("%j → 400: not an absolute URL", (link) => {
    expect(outcome("shareLink", { link })).toBe("Field link must be an absolute URL");
  });

  it(`a message and link of ${MAX_MESSAGE_LENGTH} characters together are taken; one more → 400`, () => {
    const link = "https://e.example/a"; // the message, a line break, the link
    const message = x(MAX_MESSAGE_LENGTH - link.length - 1);
    expect(parse.shareLink({ link, message }).message).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(outcome("shareLink", { link, message: `${message}x` })).toBe("Field message is too long");
  });
});
