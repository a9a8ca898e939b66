/**
 * The HipChat message fields, validated with superstruct schemas that follow HipChat's own limits
 * (see docs/hipchat-api.md). Unknown fields are ignored, because real clients pad
 * their bodies (`room_id`, `api`, `token`…). Each exported parser turns one call's fields into a
 * `HipChatMessage` or throws a BadRequestError that names the field.
 */
import {
  array,
  coerce,
  enums,
  integer,
  min,
  optional,
  size,
  string,
  type,
  union,
  unknown,
  boolean,
  validate,
  type Infer,
  type Struct,
} from "superstruct";
import { badRequest } from "../errors";
import type { HipChatCard, HipChatMessage } from "../convert/types";
import type { BodyFields } from "./body";

/** HipChat's documented limit for `message`. */
export const MAX_MESSAGE_LENGTH = 10_000;

/** The field schemas of every route. */
function buildSchemas() {
  const FORMAT = enums(["html", "text"] as const);
  const COLOR = enums(["yellow", "green", "red", "purple", "gray", "random"] as const);

  /** `notify` is documented as "STR | BOO" in v2 and 0/1 in v1; accept every spelling clients use. */
  // The coercion conditions are `unknown()`, which never fails: a failing condition makes superstruct
  // build a StructError (with a stack trace) for every value it leaves alone, ~10% of request CPU.
  const NOTIFY = coerce(boolean(), unknown(), (v) => {
    if (typeof v !== "string" && typeof v !== "number") return v;
    const s = String(v).trim().toLowerCase();
    if (s === "true" || s === "1" || s === "on" || s === "yes") return true;
    if (s === "false" || s === "0" || s === "off" || s === "no" || s === "") return false;
    return v;
  });

  /** Numbers are accepted where clients send ids as numbers (`room_id: 123`). */
  const ID = coerce(size(string(), 1, 100), unknown(), (v) => (typeof v === "number" ? String(v) : v));

  const ICON = union([size(string(), 1, 250), type({ url: size(string(), 1, 250), "url@2x": optional(string()) })]);

  const CARD = type({
    style: enums(["file", "image", "application", "link", "media"] as const),
    title: size(string(), 1, 500),
    id: optional(size(string(), 1, 256)),
    url: optional(size(string(), 0, 2000)),
    format: optional(enums(["compact", "medium"] as const)),
    description: optional(union([size(string(), 0, 1000), type({ value: size(string(), 1, 1000), format: FORMAT })])),
    thumbnail: optional(
      type({
        url: size(string(), 1, 250),
        "url@2x": optional(size(string(), 1, 250)),
        width: optional(min(integer(), 0)),
        height: optional(min(integer(), 0)),
      }),
    ),
    activity: optional(type({ html: size(string(), 1, 5000), icon: optional(ICON) })),
    attributes: optional(
      size(
        array(
          type({
            label: optional(size(string(), 0, 50)),
            value: type({
              label: size(string(), 1, 1000),
              url: optional(size(string(), 0, 2000)),
              style: optional(string()),
              icon: optional(ICON),
            }),
          }),
        ),
        0,
        50,
      ),
    ),
    icon: optional(ICON),
  }) as unknown as Struct<HipChatCard, unknown>;

  const MESSAGE = size(string(), 1, MAX_MESSAGE_LENGTH);
  /** `from: ""` (hipchat-notifier's default) means "no label". */
  const FROM = optional(size(string(), 0, 64));

  const NOTIFICATION = type({
    message: MESSAGE,
    message_format: optional(FORMAT),
    color: optional(COLOR),
    notify: optional(NOTIFY),
    from: FROM,
    card: optional(CARD),
    attach_to: optional(size(string(), 0, 36)),
  });

  const V1_MESSAGE = type({
    room_id: ID,
    message: MESSAGE,
    from: FROM,
    message_format: optional(FORMAT),
    color: optional(COLOR),
    notify: optional(NOTIFY),
    format: optional(enums(["json", "xml"] as const)),
  });

  const USER_MESSAGE = type({
    message: MESSAGE,
    message_format: optional(FORMAT),
    notify: optional(NOTIFY),
    from: FROM,
  });

  const ROOM_MESSAGE = type({ message: MESSAGE });

  const SHARE_LINK = type({
    link: size(string(), 1, 2000),
    message: optional(size(string(), 0, MAX_MESSAGE_LENGTH)),
    from: FROM,
  });

  return { NOTIFICATION, V1_MESSAGE, USER_MESSAGE, ROOM_MESSAGE, SHARE_LINK };
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
  /** `send_message` posts as the user: HipChat treats it as a text message (mentions, emoticons). */
  roomMessage(fields: BodyFields): ParsedMessage;
  /** Private messages default to text, like hipchat-rb's `user.send`. */
  userMessage(fields: BodyFields): ParsedMessage;
  /** A shared link renders as the optional message followed by the link. */
  shareLink(fields: BodyFields): ParsedMessage;
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
  };
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

/** Runs a schema and turns its first failure into a HipChat-style 400 naming the field. */
// biome-ignore lint/suspicious/noExplicitAny: any schema of any shape; Infer<S> recovers its type.
function check<S extends Struct<any, any>>(fields: BodyFields, schema: S): Infer<S> {
  const [err, value] = validate(fields, schema, { coerce: true });
  if (!err) return value as Infer<S>;
  const failure = err.failures()[0] ?? err;
  const field = failure.path.join(".") || "body";
  if (failure.value === undefined) throw badRequest(`Field ${field} is required`);
  throw badRequest(`Field ${field} is invalid: ${describeFailure(failure.type, failure.refinement)}`);
}

function describeFailure(type: string, refinement: string | undefined): string {
  if (refinement === "size") return "wrong length";
  if (type === "enums") return "not one of the allowed values";
  return `expected ${type}`;
}
