/**
 * Non-secret settings (rooms, users, switches) and the secret ones (Slack token, allowed HipChat
 * tokens), each validated by an exported pure function that names the bad key. In Lambda the first
 * come from environment variables and the second from one Secrets Manager secret; locally both come
 * from the environment or a settings file (see local/settings.ts).
 */
import {
  array,
  integer,
  min,
  nonempty,
  optional,
  record,
  refine,
  size,
  string,
  type,
  union,
  validate,
  type Struct,
} from "superstruct";

/** Thrown at cold start; the message names the setting so an operator can fix it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    // Set explicitly: in the serialized Lambda, `super` does not set the message (see ProxyError).
    this.message = message;
    this.name = "SettingsError";
  }
}

/**
 * The settings schemas, built when settings are parsed (once per container), never at module load:
 * superstruct's Struct objects cannot pass through Pulumi's closure serialization.
 */
function schemas() {
  const SLACK_CHANNEL = refine(size(string(), 1, 81), "SlackChannel", (v) =>
    /^#?[^\s,#<>|@!]{1,80}$/u.test(v) ? true : `"${v}" is not a Slack channel name or ID`,
  );
  const SLACK_USER_ID = refine(string(), "SlackUserId", (v) =>
    /^[UW][A-Z0-9]{2,}$/.test(v) ? true : `"${v}" is not a Slack user ID (U… or W…)`,
  );

  const ROOM_VALUE = union([
    SLACK_CHANNEL,
    type({ channel: SLACK_CHANNEL, id: optional(min(integer(), 1)), name: optional(size(string(), 1, 100)) }),
  ]);

  const ROOM_CHANNELS_SCHEMA = record(size(string(), 1, 100), ROOM_VALUE);
  const USER_MAP_SCHEMA = record(size(string(), 1, 254), SLACK_USER_ID);

  const HIPCHAT_TOKENS_SCHEMA = array(
    type({
      token: size(string(), 8, 256),
      rooms: optional(nonempty(array(union([size(string(), 1, 100), min(integer(), 1)])))),
    }),
  );

  return { SLACK_CHANNEL, ROOM_CHANNELS_SCHEMA, USER_MAP_SCHEMA, HIPCHAT_TOKENS_SCHEMA };
}

/** One configured room. */
export interface Room {
  id: number;
  name: string;
  channel: string;
}

/** Room lookup by numeric id or by name (case-insensitive). */
export class RoomDirectory {
  private readonly byKey = new Map<string, Room>();
  readonly rooms: readonly Room[];

  constructor(rooms: readonly Room[]) {
    this.rooms = rooms;
    for (const room of rooms) {
      this.byKey.set(String(room.id), room);
      this.byKey.set(roomKey(room.name), room);
    }
  }

  find(idOrName: string): Room | undefined {
    return this.byKey.get(roomKey(idOrName));
  }
}

/** The normalised form room names and ids are compared in. */
export function roomKey(idOrName: string | number): string {
  return String(idOrName).trim().toLowerCase();
}

/**
 * A stable numeric id for a room configured by name only, so that `GET /v2/room` can list an id a
 * client may later send to. FNV-1a keeps it the same across containers and deploys.
 */
export function stableRoomId(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(roomKey(name), "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 1_000_000 + (h % 1_000_000_000);
}

export interface ProxySettings {
  rooms: RoomDirectory;
  /** Channel for rooms not in the map; without it an unmapped room is a 404. */
  defaultChannel?: string;
  /** HipChat user (id, email or mention name; lower-case, no `@`) → Slack user ID. */
  users: ReadonlyMap<string, string>;
  /** Translate `@all`/`@here`/`@name` in text messages into Slack mentions. */
  translateMentions: boolean;
  /** How long the secret is trusted before it is fetched again (rotation). */
  secretTtlMs: number;
  /** Per-call HTTP timeout for Slack. */
  slackTimeoutMs: number;
}

export interface AllowedToken {
  token: string;
  /** Room keys (see roomKey) this token may post to; undefined means every room. */
  rooms?: ReadonlySet<string>;
}

export interface ProxySecrets {
  /** Undefined only locally, where messages are then printed instead of sent. */
  slackToken?: string;
  tokens: readonly AllowedToken[];
}

/** Raw settings, named as the environment variables that carry them in Lambda. */
export interface RawSettings {
  ROOM_CHANNELS?: string;
  DEFAULT_CHANNEL?: string;
  USER_MAP?: string;
  TRANSLATE_MENTIONS?: string;
  SECRET_TTL_SECONDS?: string;
  SLACK_TIMEOUT_MS?: string;
}

/** Validates raw settings; throws SettingsError naming the first bad key. */
export function parseSettings(raw: RawSettings): ProxySettings {
  const S = schemas();
  const rooms = parseJsonSetting("ROOM_CHANNELS", raw.ROOM_CHANNELS, S.ROOM_CHANNELS_SCHEMA) ?? {};
  const users = parseJsonSetting("USER_MAP", raw.USER_MAP, S.USER_MAP_SCHEMA) ?? {};
  const defaultChannel = raw.DEFAULT_CHANNEL?.trim() || undefined;
  if (defaultChannel !== undefined) check("DEFAULT_CHANNEL", defaultChannel, S.SLACK_CHANNEL);
  return {
    rooms: buildRooms(rooms),
    defaultChannel,
    users: new Map(Object.entries(users).map(([k, v]) => [userKey(k), v])),
    translateMentions: parseBoolean("TRANSLATE_MENTIONS", raw.TRANSLATE_MENTIONS, true),
    secretTtlMs: parseNumber("SECRET_TTL_SECONDS", raw.SECRET_TTL_SECONDS, 300, 0, 86_400) * 1000,
    slackTimeoutMs: parseNumber("SLACK_TIMEOUT_MS", raw.SLACK_TIMEOUT_MS, 10_000, 100, 900_000),
  };
}

function buildRooms(config: Record<string, string | { channel: string; id?: number; name?: string }>): RoomDirectory {
  const rooms: Room[] = [];
  const seen = new Map<string, string>();
  for (const [key, value] of Object.entries(config)) {
    const entry = typeof value === "string" ? { channel: value } : value;
    const numeric = /^\d+$/.test(key.trim());
    const name = entry.name ?? key.trim();
    const id = numeric ? Number(key) : (entry.id ?? stableRoomId(name));
    const room: Room = { id, name, channel: entry.channel };
    for (const k of [String(id), roomKey(name)]) {
      const previous = seen.get(k);
      if (previous !== undefined && previous !== key) {
        throw new SettingsError(`ROOM_CHANNELS: rooms "${previous}" and "${key}" both answer to "${k}"`);
      }
      seen.set(k, key);
    }
    rooms.push(room);
  }
  return new RoomDirectory(rooms);
}

/** The normalised form HipChat user keys are compared in (mention names lose their `@`). */
export function userKey(idOrEmail: string): string {
  return idOrEmail.trim().replace(/^@/, "").toLowerCase();
}

/**
 * Validates the secret's JSON: `{"slackToken": "...", "hipchatTokens": [...]}`. `hipchatTokens` may
 * be the list itself or a JSON string of it (a component stores each named secret as a string).
 */
export function parseSecrets(secretString: string, source = "secret"): ProxySecrets {
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new SettingsError(`${source}: not valid JSON`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new SettingsError(`${source}: expected a JSON object with slackToken and hipchatTokens`);
  }
  const { slackToken, hipchatTokens } = doc as Record<string, unknown>;
  if (slackToken !== undefined && (typeof slackToken !== "string" || !/^xox[a-z]-/.test(slackToken))) {
    throw new SettingsError(`${source}.slackToken: expected a Slack token (xoxb-…)`);
  }
  let list = hipchatTokens;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      throw new SettingsError(`${source}.hipchatTokens: not valid JSON`);
    }
  }
  return { slackToken: slackToken as string | undefined, tokens: parseTokenList(list, `${source}.hipchatTokens`) };
}

export function parseTokenList(list: unknown, source: string): AllowedToken[] {
  const tokens = check(source, list, schemas().HIPCHAT_TOKENS_SCHEMA, true);
  if (tokens.length === 0) throw new SettingsError(`${source}: at least one token is required`);
  return tokens.map((t) => ({
    token: t.token,
    rooms: t.rooms ? new Set(t.rooms.map((r) => roomKey(r))) : undefined,
  }));
}

function parseJsonSetting<T>(key: string, value: string | undefined, schema: Struct<T, unknown>): T | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SettingsError(`${key}: not valid JSON`);
  }
  return check(key, parsed, schema);
}

/** Runs a struct; on failure throws a SettingsError with the failing path (never the value if secret). */
function check<T>(key: string, value: unknown, schema: Struct<T, unknown>, secret = false): T {
  const [err, result] = validate(value, schema);
  if (err) {
    const failure = err.failures()[0] ?? err;
    const path = failure.path.length ? `${key}.${failure.path.join(".")}` : key;
    const detail = secret ? `expected ${failure.type}` : failure.message;
    throw new SettingsError(`${path}: ${detail}`);
  }
  return result as T;
}

function parseBoolean(key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === "") return fallback;
  const v = value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new SettingsError(`${key}: expected true or false, got "${value}"`);
}

function parseNumber(key: string, value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new SettingsError(`${key}: expected a number from ${lo} to ${hi}`);
  return n;
}
