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
  object,
  union,
  validate,
  type Struct,
} from "superstruct";
import { readFileSync } from "node:fs";
import * as PATTERNS from "../lib/patterns";

/** Thrown at cold start; the message names the setting so an operator can fix it. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** The settings schemas. */
function buildSchemas() {
  const SLACK_CHANNEL = refine(size(string(), 1, 81), "SlackChannel", (v) =>
    PATTERNS.SLACK_CHANNEL.test(v) ? true : `"${v}" is not a Slack channel name or ID`,
  );
  const SLACK_USER_ID = refine(string(), "SlackUserId", (v) =>
    PATTERNS.SLACK_USER_ID.test(v) ? true : `"${v}" is not a Slack user ID (U… or W…)`,
  );

  const ROOM_VALUE = union([
    SLACK_CHANNEL,
    object({ channel: SLACK_CHANNEL, id: optional(min(integer(), 1)), name: optional(size(string(), 1, 100)) }),
  ]);

  const ROOM_CHANNELS_SCHEMA = record(size(string(), 1, 100), ROOM_VALUE);
  const USER_MAP_SCHEMA = record(size(string(), 1, 254), SLACK_USER_ID);

  const HIPCHAT_TOKENS_SCHEMA = array(
    object({
      token: refine(string(), "HipChatToken", (v) =>
        PATTERNS.HIPCHAT_TOKEN.test(v) ? true : "a token is 8 to 256 characters without white space",
      ),
      rooms: optional(nonempty(array(union([size(string(), 1, 100), min(integer(), 1)])))),
    }),
  );

  return { SLACK_CHANNEL, ROOM_CHANNELS_SCHEMA, USER_MAP_SCHEMA, HIPCHAT_TOKENS_SCHEMA };
}

const SCHEMAS = buildSchemas();

/** One configured room. */
export interface Room {
  id: number;
  name: string;
  channel: string;
  /** The key the configuration lists the room under, when it differs from its name. */
  key?: string;
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
      if (room.key !== undefined) this.byKey.set(roomKey(room.key), room);
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

/**
 * The settings as one JSON document: what the Pulumi program ships next to the bundle (so that room
 * and user maps of any size stay out of Lambda's 4 KB environment), and what `npm start` reads from
 * SETTINGS_FILE. Every key is optional; {@link rawSettings} turns it into {@link RawSettings}.
 */
export interface SettingsFile {
  rooms?: unknown;
  defaultChannel?: unknown;
  users?: unknown;
  translateMentions?: unknown;
  secretTtlSeconds?: unknown;
  slackTimeoutMs?: unknown;
}

/** Which environment variable each key of a {@link SettingsFile} stands for. */
export const SETTINGS_FILE_KEYS: Readonly<Record<keyof SettingsFile, keyof RawSettings>> = {
  rooms: "ROOM_CHANNELS",
  defaultChannel: "DEFAULT_CHANNEL",
  users: "USER_MAP",
  translateMentions: "TRANSLATE_MENTIONS",
  secretTtlSeconds: "SECRET_TTL_SECONDS",
  slackTimeoutMs: "SLACK_TIMEOUT_MS",
};

/**
 * Merges a settings document under environment variables (an environment variable wins over the
 * file's key for the same setting). Values are left unchecked: {@link parseSettings} checks them.
 */
export function rawSettings(file: SettingsFile, env: RawSettings = {}): RawSettings {
  const raw: RawSettings = {};
  for (const [fileKey, envKey] of Object.entries(SETTINGS_FILE_KEYS) as [keyof SettingsFile, keyof RawSettings][]) {
    const value = file[fileKey];
    const fromFile = value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
    const chosen = env[envKey] ?? fromFile;
    if (chosen !== undefined) raw[envKey] = chosen;
  }
  return raw;
}

/**
 * Reads a settings document.
 *
 * @param source - How errors name the file's origin (`SETTINGS_FILE`).
 * @throws SettingsError when it cannot be read, is not JSON, or is not an object with known keys.
 */
export function readSettingsFile(path: string, source = "SETTINGS_FILE"): SettingsFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SettingsError(`${source}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SettingsError(`${source}: ${path} is not valid JSON`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new SettingsError(`${source}: ${path} must hold a JSON object`);
  }
  return doc as SettingsFile;
}

/** Validates raw settings; throws SettingsError naming the first bad key. */
export function parseSettings(raw: RawSettings): ProxySettings {
  const S = SCHEMAS;
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
    const room: Room = { id, name, channel: entry.channel, ...(name === key.trim() ? {} : { key: key.trim() }) };
    // A room answers to its key, its name and its id, case-insensitively; two rooms may not share one.
    for (const k of new Set([String(id), roomKey(name), roomKey(key)])) {
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
  if (slackToken !== undefined && (typeof slackToken !== "string" || !PATTERNS.SLACK_TOKEN.test(slackToken))) {
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
  const tokens = check(source, list, SCHEMAS.HIPCHAT_TOKENS_SCHEMA, true);
  if (tokens.length === 0) throw new SettingsError(`${source}: at least one token is required`);
  const seen = new Set<string>();
  for (const [i, t] of tokens.entries()) {
    // Which grant wins for a token listed twice would be arbitrary: refuse it.
    if (seen.has(t.token)) throw new SettingsError(`${source}.${i}: repeats a token listed before it`);
    seen.add(t.token);
  }
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

/** Refinements defined in this file: their failure messages never include the value. */
const OWN_REFINEMENTS = new Set(["HipChatToken"]);

/** Runs a struct; on failure throws a SettingsError with the failing path (never the value if secret). */
function check<T>(key: string, value: unknown, schema: Struct<T, unknown>, secret = false): T {
  const [err, result] = validate(value, schema);
  if (err) {
    const failure = err.failures()[0] ?? err;
    const path = failure.path.length ? `${key}.${failure.path.join(".")}` : key;
    // superstruct's own messages quote the value, so a secret's failure names only the type expected,
    // unless a refinement of ours failed: its message is fixed text, and says more than "expected string".
    const detail =
      secret && !OWN_REFINEMENTS.has(failure.refinement ?? "") ? `expected ${failure.type}` : failure.message;
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
