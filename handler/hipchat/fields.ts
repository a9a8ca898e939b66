/**
 * The HipChat message fields, validated with superstruct schemas that follow HipChat's own limits
 * (see docs/hipchat-api.md). Unknown fields are ignored, because real clients pad
 * their bodies (`room_id`, `api`, `token`…). Each exported parser turns one call's fields into a
 * `HipChatMessage` or throws a BadRequestError that names the field.
 *
 * The schemas are built from the small structs below, not from superstruct's `string()`, `enums()`,
 * `union()`, `array()` or `size()`: those build their failure text with `${value}`, which throws for
 * a JSON object such as `{"toString":1}` (its `toString` is not callable) and turned a wrong-typed
 * field into a 500. Every failure here carries fixed text, never the value. Lists check their
 * length before their elements, so 100,000 card attributes are refused without validating one.
 */
import { coerce, optional, Struct, unknown, validate, type Infer } from "superstruct";
import { badRequest } from "../errors";
import type { HipChatCard, HipChatMessage } from "../convert/types";
import type { BodyFields } from "./body";

/** HipChat's documented limit for `message`. */
export const MAX_MESSAGE_LENGTH = 10_000;

/** A room id or name: what HipChat allowed, and what the v2 path check allows too. */
const MAX_ROOM_LENGTH = 100;

// ---------------------------------------------------------------------------------------------
// Structs whose failures never render the value

// biome-ignore lint/suspicious/noExplicitAny: any struct of any shape, as superstruct's own helpers take.
type AnyStruct = Struct<any, any>;

/**
 * A failure with a fixed reason. superstruct renders a failure without a message with `${value}`,
 * so every failure here has one; `reason` (copied onto the StructError) is what the client reads.
 */
const fail = (reason: string) => ({ message: reason, reason });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const units = (min: number, max: number, unit: string) =>
  max === Number.POSITIVE_INFINITY
    ? `at least ${min} ${unit}`
    : min === 0
      ? `at most ${max} ${unit}`
      : `${min} to ${max} ${unit}`;

/** A string of `min`–`max` UTF-16 units. */
function text(min: number, max = Number.POSITIVE_INFINITY): Struct<string, null> {
  return new Struct<string, null>({
    type: "text",
    schema: null,
    validator: (v) =>
      typeof v !== "string"
        ? fail("expected a string")
        : v.length < min || v.length > max
          ? fail(`wrong length (${units(min, max, "characters")})`)
          : true,
  });
}

/** One of a fixed set of strings. */
function choice<const T extends string>(values: readonly T[]): Struct<T, null> {
  const allowed: ReadonlySet<unknown> = new Set(values);
  const reason = `not one of the allowed values (${values.join(", ")})`;
  return new Struct<T, null>({ type: "choice", schema: null, validator: (v) => allowed.has(v) || fail(reason) });
}

const flag = new Struct<boolean, null>({
  type: "flag",
  schema: null,
  validator: (v) => typeof v === "boolean" || fail("expected true or false"),
});

const count = new Struct<number, null>({
  type: "count",
  schema: null,
  validator: (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0) || fail("expected a whole number ≥ 0"),
});

/** The value type of an object schema: optional structs make optional keys. */
type Shape<S extends Record<string, AnyStruct>> = {
  [K in keyof S as undefined extends Infer<S[K]> ? never : K]: Infer<S[K]>;
} & { [K in keyof S as undefined extends Infer<S[K]> ? K : never]?: Infer<S[K]> };

/** An object with these fields (others are ignored). Only own properties are read. */
function fields<S extends Record<string, AnyStruct>>(schema: S): Struct<Shape<S>, S> {
  const keys = Object.keys(schema);
  return new Struct<Shape<S>, S>({
    type: "fields",
    schema,
    validator: (v) => isRecord(v) || fail("expected an object"),
    // A shallow copy, so coercion (notify "1" → true) never writes into the request's own fields.
    coercer: (v) => (isRecord(v) ? { ...v } : v),
    *entries(v) {
      if (!isRecord(v)) return;
      for (const k of keys) yield [k, Object.hasOwn(v, k) ? v[k] : undefined, schema[k]];
    },
  });
}

/** An array of `min`–`max` elements; the length is checked first, and elements only when it fits. */
function list<T>(element: Struct<T, unknown>, min: number, max: number): Struct<T[], Struct<T, unknown>> {
  const fits = (v: unknown): v is unknown[] => Array.isArray(v) && v.length >= min && v.length <= max;
  return new Struct<T[], Struct<T, unknown>>({
    type: "list",
    schema: element,
    validator: (v) =>
      !Array.isArray(v) ? fail("expected an array") : fits(v) || fail(`wrong length (${units(min, max, "elements")})`),
    coercer: (v) => (fits(v) ? v.slice() : v),
    *entries(v) {
      if (fits(v)) for (let i = 0; i < v.length; i++) yield [i, v[i], element];
    },
  });
}

/** A string, or an object of the given shape (HipChat's "STR | OBJ" fields). */
function textOr<O>(str: Struct<string, null>, obj: Struct<O, unknown>): Struct<string | O, null> {
  const none: Iterable<[string | number, unknown, AnyStruct]> = [];
  return new Struct<string | O, null>({
    type: "text or fields",
    schema: null,
    validator: (v, ctx) =>
      typeof v === "string"
        ? str.validator(v, ctx)
        : isRecord(v)
          ? obj.validator(v, ctx)
          : fail("expected a string or an object"),
    coercer: (v, ctx) => (isRecord(v) ? obj.coercer(v, ctx) : v),
    entries: (v, ctx) => (isRecord(v) ? obj.entries(v, ctx) : none),
    refiner: (v, ctx) => (typeof v === "string" ? str.refiner(v, ctx) : isRecord(v) ? obj.refiner(v, ctx) : []),
  });
}

/** Room ids and names: 1–100 characters, no control characters (as the v2 path's room). */
const ROOM = new Struct<string, null>({
  type: "room",
  schema: null,
  validator: (v) =>
    typeof v !== "string"
      ? fail("expected a string or a number")
      : v.length < 1 || v.length > MAX_ROOM_LENGTH
        ? fail(`wrong length (${units(1, MAX_ROOM_LENGTH, "characters")})`)
        : !/\p{Cc}/u.test(v) || fail("contains control characters"),
});

// ---------------------------------------------------------------------------------------------

/** The field schemas of every route. */
function buildSchemas() {
  const FORMAT = choice(["html", "text"] as const);
  const COLOR = choice(["yellow", "green", "red", "purple", "gray", "random"] as const);

  /** `notify` is documented as "STR | BOO" in v2 and 0/1 in v1; accept every spelling clients use. */
  // The coercion conditions are `unknown()`, which never fails: a failing condition makes superstruct
  // build a StructError (with a stack trace) for every value it leaves alone, ~10% of request CPU.
  const NOTIFY = coerce(flag, unknown(), (v) => {
    if (typeof v !== "string" && typeof v !== "number") return v;
    const s = String(v).trim().toLowerCase();
    if (s === "true" || s === "1" || s === "on" || s === "yes") return true;
    if (s === "false" || s === "0" || s === "off" || s === "no" || s === "") return false;
    return v;
  });

  /** Numbers are accepted where clients send ids as numbers (`room_id: 123`). */
  const ID = coerce(ROOM, unknown(), (v) => (typeof v === "number" ? String(v) : v));

  const ICON = textOr(text(1, 250), fields({ url: text(1, 250), "url@2x": optional(text(0)) }));

  const CARD = fields({
    style: choice(["file", "image", "application", "link", "media"] as const),
    title: text(1, 500),
    id: optional(text(1, 256)),
    url: optional(text(0, 2000)),
    format: optional(choice(["compact", "medium"] as const)),
    description: optional(textOr(text(0, 1000), fields({ value: text(1, 1000), format: FORMAT }))),
    thumbnail: optional(
      fields({
        url: text(1, 250),
        "url@2x": optional(text(1, 250)),
        width: optional(count),
        height: optional(count),
      }),
    ),
    activity: optional(fields({ html: text(1, 5000), icon: optional(ICON) })),
    attributes: optional(
      list(
        fields({
          label: optional(text(0, 50)),
          value: fields({
            label: text(1, 1000),
            url: optional(text(0, 2000)),
            style: optional(text(0)),
            icon: optional(ICON),
          }),
        }),
        0,
        50,
      ),
    ),
    icon: optional(ICON),
  }) as unknown as Struct<HipChatCard, unknown>;

  const MESSAGE = text(1, MAX_MESSAGE_LENGTH);
  /** `from: ""` (hipchat-notifier's default) means "no label". */
  const FROM = optional(text(0, 64));

  const NOTIFICATION = fields({
    message: MESSAGE,
    message_format: optional(FORMAT),
    color: optional(COLOR),
    notify: optional(NOTIFY),
    from: FROM,
    card: optional(CARD),
    attach_to: optional(text(0, 36)),
  });

  const V1_MESSAGE = fields({
    room_id: ID,
    message: MESSAGE,
    from: FROM,
    message_format: optional(FORMAT),
    color: optional(COLOR),
    notify: optional(NOTIFY),
    format: optional(choice(["json", "xml"] as const)),
  });

  const V1_ROOM = fields({ room_id: optional(ID) });

  const USER_MESSAGE = fields({
    message: MESSAGE,
    message_format: optional(FORMAT),
    notify: optional(NOTIFY),
    from: FROM,
  });

  const ROOM_MESSAGE = fields({ message: MESSAGE });

  const SHARE_LINK = fields({
    link: text(1, 2000),
    message: optional(text(0, MAX_MESSAGE_LENGTH)),
    from: FROM,
  });

  /** A room topic: 0–250 characters, as HipChat (and Slack) allow; `""` clears it. */
  const TOPIC_TEXT = text(0, 250);
  const TOPIC = fields({ topic: TOPIC_TEXT });
  /** v1 also sends `from`, which a Slack topic has no place for. */
  const V1_TOPIC = fields({ room_id: ID, topic: TOPIC_TEXT, from: FROM });

  return { NOTIFICATION, V1_MESSAGE, V1_ROOM, USER_MESSAGE, ROOM_MESSAGE, SHARE_LINK, TOPIC, V1_TOPIC };
}

const SCHEMAS = buildSchemas();

/** A message plus the HipChat-only extras the core still acts on. */
export interface ParsedMessage extends HipChatMessage {
  notify: boolean;
  /** A Slack `ts` when the client attaches to a message the proxy returned; else undefined. */
  threadTs?: string;
}

/** The request-field parsers, one per kind of call. Each throws a 400 naming the bad field. */
export interface FieldParsers {
  notification(fields: BodyFields): ParsedMessage;
  v1Message(fields: BodyFields): ParsedMessage & { roomId: string; responseFormat: "json" | "xml" };
  /**
   * The v1 `room_id` alone (a string, or a number as clients send it), checked like the v2 path's
   * room: 1–100 characters without control characters, else a 400 naming `room_id`. Undefined when
   * absent (`v1Message` then answers that it is required). Call it before the room is logged.
   */
  v1RoomId(fields: BodyFields): string | undefined;
  /** `send_message` posts as the user: HipChat treats it as a text message (mentions, emoticons). */
  roomMessage(fields: BodyFields): ParsedMessage;
  /** Private messages default to text, like hipchat-rb's `user.send`. */
  userMessage(fields: BodyFields): ParsedMessage;
  /** A shared link renders as the optional message followed by the link. */
  shareLink(fields: BodyFields): ParsedMessage;
  /** `PUT /v2/room/{room}/topic`: the new topic. */
  topic(fields: BodyFields): { topic: string };
  /** `POST /v1/rooms/topic`: the room and its new topic (`from` is accepted and not used). */
  v1Topic(fields: BodyFields): { roomId: string; topic: string };
}

export function createFieldParsers(): FieldParsers {
  const S = SCHEMAS;
  return {
    notification(fields) {
      const f = check(fields, S.NOTIFICATION);
      return {
        message: f.message,
        format: f.message_format ?? "html",
        color: f.color,
        from: nonEmpty(f.from),
        card: f.card,
        notify: f.notify ?? false,
        threadTs: f.attach_to && /^\d{9,}\.\d{1,9}$/.test(f.attach_to) ? f.attach_to : undefined,
      };
    },
    v1Message(fields) {
      const f = check(fields, S.V1_MESSAGE);
      return {
        roomId: f.room_id,
        message: f.message,
        format: f.message_format ?? "html",
        color: f.color,
        from: nonEmpty(f.from),
        notify: f.notify ?? false,
        responseFormat: f.format ?? "json",
      };
    },
    v1RoomId(fields) {
      return check(fields, S.V1_ROOM).room_id;
    },
    roomMessage(fields) {
      const f = check(fields, S.ROOM_MESSAGE);
      return { message: f.message, format: "text", notify: false };
    },
    userMessage(fields) {
      const f = check(fields, S.USER_MESSAGE);
      return {
        message: f.message,
        format: f.message_format ?? "text",
        from: nonEmpty(f.from),
        notify: f.notify ?? false,
      };
    },
    shareLink(fields) {
      const f = check(fields, S.SHARE_LINK);
      if (!/^https?:\/\/[^\s]+$/i.test(f.link.trim())) {
        throw badRequest("Field link must be an absolute URL");
      }
      const text = f.message?.trim() ? `${f.message.trim()}\n${f.link.trim()}` : f.link.trim();
      if (text.length > MAX_MESSAGE_LENGTH) throw badRequest("Field message is too long");
      return { message: text, format: "text", from: nonEmpty(f.from), notify: false };
    },
    topic(fields) {
      return { topic: check(fields, S.TOPIC).topic };
    },
    v1Topic(fields) {
      const f = check(fields, S.V1_TOPIC);
      return { roomId: f.room_id, topic: f.topic };
    },
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** Runs a schema and turns its first failure into a HipChat-style 400 naming the field. */
function check<S extends AnyStruct>(fields: BodyFields, schema: S): Infer<S> {
  const [err, value] = validate(fields, schema, { coerce: true });
  if (!err) return value as Infer<S>;
  // The first failure only: `err.failures()` would go on to validate (and describe) the whole body.
  const field = err.path.join(".") || "body";
  if (err.value === undefined) throw badRequest(`Field ${field} is required`);
  const reason = (err as { reason?: unknown }).reason;
  throw badRequest(`Field ${field} is invalid: ${typeof reason === "string" ? reason : "not an allowed value"}`);
}
