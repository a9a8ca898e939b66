/**
 * Field validation (handler/hipchat/fields.ts) against hostile values: a field of the wrong type is
 * HipChat's 400 naming the field, whatever the value does when it is turned into a string, and list
 * lengths are checked before their elements.
 */
import * as fc from "fast-check";
import type { ALBResult } from "aws-lambda";
import { ProxyError } from "../../handler/errors";
import { createFieldParsers, type FieldParsers } from "../../handler/hipchat/fields";
import { albEvent } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const q = `auth_token=${TOKENS.admin}`;
const errorOf = (res: ALBResult) =>
  (JSON.parse(res.body ?? "{}") as { error: { code: number; message: string } }).error;

describe("a field of the wrong type is a 400 naming it, even when the value cannot be turned into a string", () => {
  // `{"toString":1}`: rendering it with `${value}` throws "Cannot convert object to primitive value".
  const hostile = { toString: 1 };
  it.each<[string, string, Record<string, unknown>, string]>([
    ["notification message", "/v2/room/Ops/notification", { message: hostile }, "message"],
    ["notification from", "/v2/room/Ops/notification", { message: "m", from: hostile }, "from"],
    ["notification color", "/v2/room/Ops/notification", { message: "m", color: hostile }, "color"],
    ["notification notify", "/v2/room/Ops/notification", { message: "m", notify: hostile }, "notify"],
    [
      "notification message_format",
      "/v2/room/Ops/notification",
      { message: "m", message_format: hostile },
      "message_format",
    ],
    ["notification attach_to", "/v2/room/Ops/notification", { message: "m", attach_to: hostile }, "attach_to"],
    [
      "card.title",
      "/v2/room/Ops/notification",
      { message: "m", card: { style: "link", title: hostile } },
      "card.title",
    ],
    ["card.style", "/v2/room/Ops/notification", { message: "m", card: { style: hostile, title: "t" } }, "card.style"],
    [
      "card.description",
      "/v2/room/Ops/notification",
      { message: "m", card: { style: "link", title: "t", description: [hostile] } },
      "card.description",
    ],
    [
      "card.attributes[0].value.label",
      "/v2/room/Ops/notification",
      { message: "m", card: { style: "link", title: "t", attributes: [{ value: { label: hostile } }] } },
      "card.attributes.0.value.label",
    ],
    ["v1 room_id", "/v1/rooms/message", { room_id: hostile, message: "m" }, "room_id"],
    ["v1 message", "/v1/rooms/message", { room_id: "Ops", message: hostile }, "message"],
    ["room message", "/v2/room/Ops/message", { message: hostile }, "message"],
    ["share link", "/v2/room/Ops/share/link", { link: hostile }, "link"],
    ["share link message", "/v2/room/Ops/share/link", { link: "https://e.example/", message: hostile }, "message"],
    ["user message", "/v2/user/123/message", { message: hostile }, "message"],
  ])("%s", async (_name, path, json, field) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `${path}?${q}`, json }));
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({
      code: 400,
      message: expect.stringMatching(`^Field ${field} is invalid`),
      type: "Bad Request",
    });
    expect(h.sent).toHaveLength(0);
  });

  it("every key a JSON object can use to break string conversion, in every field of a notification", async () => {
    const h = createHarness();
    const keys = ["toString", "valueOf", "toJSON", "__proto__", "constructor", "Symbol.toPrimitive"];
    const fields = ["message", "from", "color", "notify", "message_format", "attach_to"];
    for (const key of keys) {
      for (const field of fields) {
        const body = `{"message":"m",${JSON.stringify(field)}:{${JSON.stringify(key)}:1}}`;
        const res = await h.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: body }));
        expect([key, field, res.statusCode, errorOf(res).message]).toEqual([
          key,
          field,
          400,
          expect.stringMatching(`^Field ${field} is invalid`),
        ]);
      }
    }
  });
});

describe("list lengths are checked before their elements", () => {
  it("an authenticated card with 100,000 attributes is refused by the 50-attribute limit, without validating one", async () => {
    const h = createHarness();
    // Every element is invalid: validating elements first would name `card.attributes.0.value` instead.
    const attributes = Array.from({ length: 100_000 }, () => ({}));
    const res = await h.invoke(
      albEvent({
        url: "/v2/room/Ops/notification",
        headers: { Authorization: `Bearer ${TOKENS.admin}` },
        json: { message: "m", card: { style: "link", title: "t", attributes } },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toBe("Field card.attributes is invalid: wrong length (at most 50 elements)");
  });

  it("51 valid attributes are refused, 50 are accepted", async () => {
    const h = createHarness();
    const attr = { label: "l", value: { label: "v" } };
    const post = (n: number) =>
      h.invoke(
        albEvent({
          url: `/v2/room/Ops/notification?${q}`,
          json: { message: "m", card: { style: "link", title: "t", attributes: Array(n).fill(attr) } },
        }),
      );
    expect((await post(51)).statusCode).toBe(400);
    expect((await post(50)).statusCode).toBe(204);
  });
});

describe("the v1 room_id is validated like the v2 room", () => {
  const parse = createFieldParsers();
  it.each<[string, unknown, string | undefined]>([
    ["a name", "Ops", "Ops"],
    ["a number", 42, "42"],
    ["absent", undefined, undefined],
  ])("%s → %p", (_n, roomId, expected) => {
    expect(parse.v1RoomId(roomId === undefined ? {} : { room_id: roomId })).toBe(expected);
  });

  it.each<[string, unknown, RegExp]>([
    ["over 100 characters", "r".repeat(101), /^Field room_id is invalid: wrong length/],
    ["900,000 characters", "r".repeat(900_000), /^Field room_id is invalid: wrong length/],
    ["empty", "", /^Field room_id is invalid: wrong length/],
    ["with a control character", "Ops\u0000", /^Field room_id is invalid: contains control characters/],
    ["with a newline", "Ops\r\nX: y", /^Field room_id is invalid: contains control characters/],
    ["an object", { toString: 1 }, /^Field room_id is invalid: expected a string or a number/],
    ["an array", ["Ops"], /^Field room_id is invalid/],
  ])("%s → 400 naming room_id", (_n, roomId, message) => {
    expect(() => parse.v1RoomId({ room_id: roomId })).toThrow(message);
    expect(() => parse.v1Message({ room_id: roomId, message: "m" })).toThrow(message);
  });

  it("a v1 form with a 900,000-character room_id → 400 naming room_id", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({ url: `/v1/rooms/message?${q}`, form: { room_id: "r".repeat(900_000), message: "m" } }),
    );
    expect(res.statusCode).toBe(400);
    expect(h.sent).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: any hostile value, in any field position of any parser, is a 400 naming that position.

const boom = () => {
  throw new Error("hostile conversion");
};
/** Values that throw, or cannot be converted at all, when turned into a string or a primitive. */
const hostileValues: fc.Arbitrary<unknown> = fc
  .constantFrom<() => unknown>(
    () => ({ toString: 1 }),
    () => ({ toString: null, valueOf: null }),
    () => ({ toString: boom }),
    () => ({ valueOf: boom, toString: boom }),
    () => ({ [Symbol.toPrimitive]: boom }),
    () => ({ [Symbol.toPrimitive]: 1 }),
    () => ({ toJSON: boom, toString: boom }),
    () => Object.create(null),
    () => [{ toString: 1 }],
    () => [[Object.create(null)]],
    () => Symbol("hostile"),
    () => Object.assign(() => 0, { toString: boom }),
    () => 10n ** 30n,
    () => Number.NaN,
    () => null,
    () => true,
    () => 7,
  )
  .map((make) => make());

type Parser = keyof FieldParsers;
/** A valid call for each parser, and every field position its schema reads. */
const ROUTES: Record<Parser, { valid: Record<string, unknown>; positions: string[] }> = {
  notification: {
    valid: {
      message: "m",
      card: {
        style: "link",
        title: "t",
        description: { value: "d", format: "text" },
        thumbnail: { url: "https://e.example/t.png", width: 1, height: 1 },
        activity: { html: "<b>a</b>", icon: { url: "https://e.example/i.png" } },
        attributes: [{ label: "l", value: { label: "v", icon: "https://e.example/i.png" } }],
        icon: "https://e.example/i.png",
      },
    },
    positions: [
      "message",
      "message_format",
      "color",
      "notify",
      "from",
      "attach_to",
      "card",
      "card.style",
      "card.title",
      "card.id",
      "card.url",
      "card.format",
      "card.description",
      "card.description.value",
      "card.description.format",
      "card.thumbnail",
      "card.thumbnail.url",
      "card.thumbnail.url@2x",
      "card.thumbnail.width",
      "card.thumbnail.height",
      "card.activity",
      "card.activity.html",
      "card.activity.icon",
      "card.activity.icon.url",
      "card.activity.icon.url@2x",
      "card.attributes",
      "card.attributes.0",
      "card.attributes.0.label",
      "card.attributes.0.value",
      "card.attributes.0.value.label",
      "card.attributes.0.value.url",
      "card.attributes.0.value.style",
      "card.attributes.0.value.icon",
      "card.icon",
    ],
  },
  v1Message: {
    valid: { room_id: "Ops", message: "m" },
    positions: ["room_id", "message", "from", "message_format", "color", "notify", "format"],
  },
  v1RoomId: { valid: { room_id: "Ops" }, positions: ["room_id"] },
  roomMessage: { valid: { message: "m" }, positions: ["message"] },
  userMessage: { valid: { message: "m" }, positions: ["message", "message_format", "notify", "from"] },
  shareLink: { valid: { link: "https://e.example/" }, positions: ["link", "message", "from"] },
  topic: { valid: { topic: "t" }, positions: ["topic"] },
  v1Topic: { valid: { room_id: "Ops", topic: "t" }, positions: ["room_id", "topic", "from"] },
};

/** A copy of `doc` with the value at a dotted path replaced (intermediate objects created). */
function withValueAt(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  const keys = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
  return copy;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("property: a hostile value in any field position of any call is a 400 naming that position", () => {
  const parse = createFieldParsers();
  const cases = fc
    .constantFrom(...(Object.keys(ROUTES) as Parser[]))
    .chain((parser) => fc.tuple(fc.constant(parser), fc.constantFrom(...ROUTES[parser].positions), hostileValues));

  it("every parser, every position (2,000 runs)", () => {
    fc.assert(
      fc.property(cases, ([parser, position, value]) => {
        // Some positions accept the value's kind (an object where an object goes, a number where a
        // count goes): those must be a 400 too, for a field within, or a valid parse.
        const fields = withValueAt(ROUTES[parser].valid, position, value);
        let thrown: unknown;
        try {
          (parse[parser] as (f: Record<string, unknown>) => unknown)(fields);
        } catch (err) {
          thrown = err;
        }
        if (thrown === undefined) return; // accepted: a value of the right kind
        expect(thrown).toBeInstanceOf(ProxyError);
        const error = thrown as ProxyError;
        expect(error.statusCode).toBe(400);
        expect(error.message).toMatch(new RegExp(`^Field ${escapeRegExp(position)}[ .]`));
      }),
      { numRuns: 2_000, seed: 0xf1e1d5 },
    );
  });

  it("the values that cannot be strings are refused in every string field", () => {
    for (const [parser, { valid, positions }] of Object.entries(ROUTES) as [Parser, (typeof ROUTES)[Parser]][]) {
      for (const position of positions) {
        const fields = withValueAt(valid, position, { [Symbol.toPrimitive]: boom, toString: boom, valueOf: boom });
        // An object is never a valid leaf here: the call is refused, naming the position or a field in it.
        expect(() => (parse[parser] as (f: Record<string, unknown>) => unknown)(fields)).toThrow(
          new RegExp(`^Field ${escapeRegExp(position)}[ .]`),
        );
      }
    }
  });
});
