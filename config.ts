/**
 * The stack configuration of the HipChat proxy (namespace `hipchat-proxy`), read and checked once.
 *
 * `config.requireObject<T>()` does not check its value against `T` (pulumi/pulumi#8520), so every
 * key is checked explicitly here and a wrong value stops the program with a message naming the key.
 */
import * as pulumi from "@pulumi/pulumi";

/** Where a room's messages go: a Slack channel, or a channel plus the room's HipChat identity. */
export type RoomRoute = string | { channel: string; id?: number; name?: string };

/** One accepted HipChat token; `rooms` (names or IDs) limits it to those rooms. */
export interface HipChatTokenEntry {
  token: string;
  rooms?: (string | number)[];
}

/** The checked configuration of one stack. */
export interface StackConfig {
  /** The VPC the service lives in. */
  readonly vpcId: string;
  /** At least 2 private subnets of that VPC, in different AZs. */
  readonly subnetIds: string[];
  /** The private DNS name of the service (the same in every account). */
  readonly hostname: string;
  /** An existing private hosted zone for the hostname; unset: one is created. */
  readonly privateZoneId?: string;
  /** The name of that zone (or of the zone to create); unset: the hostname's parent domain. */
  readonly privateZoneName?: string;
  /** Security groups allowed to reach the ALB. */
  readonly allowedSecurityGroupIds?: string[];
  /** CIDR blocks allowed to reach the ALB (never /0). Both unset: the VPC's CIDR block. */
  readonly allowedCidrBlocks?: string[];
  /** Legacy host names to answer in the VPC over plain HTTP (one private zone each). */
  readonly legacyHostnames?: string[];
  /** An existing ACM certificate for HTTPS. Conflicts with publicZoneId. */
  readonly certificateArn?: string;
  /** A public zone in which to validate a new ACM certificate by DNS. Conflicts with certificateArn. */
  readonly publicZoneId?: string;
  /** The name of the public zone, checked against the hostname. */
  readonly publicZoneName?: string;
  /** A role in the DNS account that may write the public zone's records. Needs publicZoneId. */
  readonly dnsRoleArn?: string;
  /** With HTTPS: whether :80 redirects to :443 (default true). */
  readonly redirectHttpToHttps?: boolean;
  /** HipChat room (name or ID) → Slack channel. */
  readonly rooms: Record<string, RoomRoute>;
  /** The channel for rooms not in `rooms`. */
  readonly defaultChannel: string;
  /** HipChat user (ID, email or mention name) → Slack user ID. */
  readonly users: Record<string, string>;
  /** Translate `@all`/`@here`/`@name` mentions into Slack's. Default true. */
  readonly translateMentions: boolean;
  /** How long the function caches the secret, in seconds. Default 300. */
  readonly secretTtlSeconds: number;
  /** Lambda memory in MB (component default when unset). */
  readonly memorySize?: number;
  /** Log retention in days (component default when unset). */
  readonly logRetentionInDays?: number;
  /**
   * ARN of AWS's "Parameters and Secrets Lambda Extension" layer for the stack's region and
   * architecture (x86_64). When set, the layer is added and the handler reads its secret through it
   * on a cold start (about 50 ms faster); the AWS SDK stays the fallback.
   */
  readonly secretsExtensionLayerArn?: string;
  /** The Slack bot token (secret). */
  readonly slackToken: pulumi.Output<string>;
  /** The HipChat tokens the proxy accepts (secret). */
  readonly hipchatTokens: pulumi.Output<HipChatTokenEntry[]>;
}

/** Every key of the `hipchat-proxy` namespace; any other key in it is refused as a likely typo. */
export const STACK_CONFIG_KEYS: readonly string[] = [
  "vpcId",
  "subnetIds",
  "hostname",
  "privateZoneId",
  "privateZoneName",
  "allowedSecurityGroupIds",
  "allowedCidrBlocks",
  "legacyHostnames",
  "certificateArn",
  "publicZoneId",
  "publicZoneName",
  "dnsRoleArn",
  "redirectHttpToHttps",
  "rooms",
  "defaultChannel",
  "users",
  "translateMentions",
  "secretTtlSeconds",
  "memorySize",
  "logRetentionInDays",
  "secretsExtensionLayerArn",
  "slackToken",
  "hipchatTokens",
];

/**
 * Reads and checks the stack configuration.
 *
 * @param cfg - The project's config (`new pulumi.Config()`); its name is used in messages.
 * @throws pulumi.RunError naming the key, for any missing or malformed value. The two secrets are
 *   checked when they resolve (their values are Outputs); a bad one fails the preview the same way.
 */
export function loadStackConfig(cfg: pulumi.Config): StackConfig {
  const read = new Reader(cfg);
  const unknown = Object.keys(pulumi.runtime.allConfig())
    .filter((key) => key.startsWith(`${cfg.name}:`))
    .map((key) => key.slice(cfg.name.length + 1))
    .filter((key) => !STACK_CONFIG_KEYS.includes(key));
  if (unknown.length > 0) {
    throw read.error(unknown[0], `is not a setting of this project (known: ${STACK_CONFIG_KEYS.join(", ")})`);
  }

  const certificateArn = read.string(
    "certificateArn",
    /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/,
    "an ACM certificate ARN",
  );
  const publicZoneId = read.string("publicZoneId", /^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone ID (Z…)");
  const publicZoneName = read.string("publicZoneName");
  const dnsRoleArn = read.string("dnsRoleArn", /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, "an IAM role ARN");
  if (certificateArn !== undefined && publicZoneId !== undefined) {
    throw read.error(
      "certificateArn",
      `conflicts with ${cfg.name}:publicZoneId: set only one (an existing certificate, or the public zone to validate a new one in)`,
    );
  }
  for (const [key, value] of [
    ["publicZoneName", publicZoneName],
    ["dnsRoleArn", dnsRoleArn],
  ] as const) {
    if (value !== undefined && publicZoneId === undefined) {
      throw read.error(key, `needs ${cfg.name}:publicZoneId`);
    }
  }

  const rooms = read.requiredObject("rooms", parseRooms);
  const defaultChannel = read.requiredString("defaultChannel");

  const secretTtlSeconds = read.integer("secretTtlSeconds", 0, 86_400) ?? 300;

  return {
    vpcId: read.requiredString("vpcId", /^vpc-[0-9a-f]{8,17}$/, "a VPC ID (vpc-…)"),
    subnetIds: read.requiredStringList("subnetIds", /^subnet-[0-9a-f]{8,17}$/, "subnet IDs (subnet-…)"),
    hostname: read.requiredString("hostname"),
    privateZoneId: read.string("privateZoneId", /^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone ID (Z…)"),
    privateZoneName: read.string("privateZoneName"),
    allowedSecurityGroupIds: read.stringList(
      "allowedSecurityGroupIds",
      /^sg-[0-9a-f]{8,17}$/,
      "security group IDs (sg-…)",
    ),
    allowedCidrBlocks: read.stringList("allowedCidrBlocks"),
    legacyHostnames: read.stringList("legacyHostnames"),
    certificateArn,
    publicZoneId,
    publicZoneName,
    dnsRoleArn,
    redirectHttpToHttps: cfg.getBoolean("redirectHttpToHttps"),
    rooms,
    defaultChannel,
    users: read.object("users", parseUsers) ?? {},
    translateMentions: cfg.getBoolean("translateMentions") ?? true,
    secretTtlSeconds,
    memorySize: read.integer("memorySize", 128, 10240),
    logRetentionInDays: read.integer("logRetentionInDays", 1, 3653),
    secretsExtensionLayerArn: read.string(
      "secretsExtensionLayerArn",
      /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9-_]+:\d+$/,
      "a Lambda layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)",
    ),
    slackToken: cfg.requireSecret("slackToken").apply((token) => {
      if (token.trim() === "" || /\s/.test(token)) {
        throw read.error("slackToken", "must be a Slack token without spaces (xoxb-…)");
      }
      return token;
    }),
    // Read as a string and parsed here: Pulumi's own JSON error would quote the secret value.
    hipchatTokens: cfg.requireSecret("hipchatTokens").apply((text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw read.error("hipchatTokens", 'is not valid JSON (expected [{"token": "…", "rooms"?: ["…"]}])');
      }
      return parseHipChatTokens(value, (msg) => read.error("hipchatTokens", msg));
    }),
  };
}

/**
 * Checks the `rooms` map: room name or ID → a channel, or `{channel, id?, name?}`.
 *
 * @param fail - Builds the error to throw, given what is wrong.
 */
export function parseRooms(value: unknown, fail: (msg: string) => Error): Record<string, RoomRoute> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw fail('must be a non-empty map of HipChat room → Slack channel, e.g. {"Deploys": "#deploys"}');
  }
  const rooms: Record<string, RoomRoute> = {};
  for (const [room, route] of Object.entries(value)) {
    if (room.trim() === "") {
      throw fail("has an empty room name");
    }
    if (typeof route === "string" && route.trim() !== "") {
      rooms[room] = route;
      continue;
    }
    if (isPlainObject(route) && typeof route.channel === "string" && route.channel.trim() !== "") {
      const unknown = Object.keys(route).filter((k) => !["channel", "id", "name"].includes(k));
      if (unknown.length > 0) {
        throw fail(`room "${room}" has unknown field(s) ${unknown.join(", ")} (allowed: channel, id, name)`);
      }
      if (route.id !== undefined && !(typeof route.id === "number" && Number.isInteger(route.id) && route.id >= 1)) {
        throw fail(`room "${room}": id must be the room's numeric HipChat ID (an integer from 1)`);
      }
      if (route.name !== undefined && typeof route.name !== "string") {
        throw fail(`room "${room}": name must be a string`);
      }
      const target: { channel: string; id?: number; name?: string } = { channel: route.channel };
      if (route.id !== undefined) {
        target.id = route.id;
      }
      if (route.name !== undefined) {
        target.name = route.name;
      }
      rooms[room] = target;
      continue;
    }
    throw fail(`room "${room}" must map to a channel name or {channel, id?, name?}`);
  }
  return rooms;
}

/** Checks the `users` map: HipChat user ID, email or mention name → Slack user ID (U…/W…). */
export function parseUsers(value: unknown, fail: (msg: string) => Error): Record<string, string> {
  if (!isPlainObject(value)) {
    throw fail('must be a map of HipChat user → Slack user ID, e.g. {"jdoe": "U0123ABCD"}');
  }
  for (const [user, slackId] of Object.entries(value)) {
    if (typeof slackId !== "string" || !/^[UW][A-Z0-9]{2,}$/.test(slackId)) {
      throw fail(`user "${user}" must map to a Slack user ID (U… or W…), got ${JSON.stringify(slackId)}`);
    }
  }
  return value as Record<string, string>;
}

/** Checks the `hipchatTokens` list: `[{token, rooms?}]`, at least one, no duplicate tokens. */
export function parseHipChatTokens(value: unknown, fail: (msg: string) => Error): HipChatTokenEntry[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw fail('must be a non-empty list of {"token": "…", "rooms"?: ["…"]}');
  }
  const seen = new Set<string>();
  return value.map((entry, i) => {
    if (!isPlainObject(entry) || typeof entry.token !== "string" || !/^\S{8,256}$/.test(entry.token)) {
      throw fail(`entry ${i} must be an object with a "token" of 8 to 256 characters without spaces`);
    }
    const unknown = Object.keys(entry).filter((k) => k !== "token" && k !== "rooms");
    if (unknown.length > 0) {
      throw fail(`entry ${i} has unknown field(s) ${unknown.join(", ")} (allowed: token, rooms)`);
    }
    if (seen.has(entry.token)) {
      throw fail(`entry ${i} repeats a token`);
    }
    seen.add(entry.token);
    if (entry.rooms === undefined) {
      return { token: entry.token };
    }
    const rooms = entry.rooms;
    if (
      !Array.isArray(rooms) ||
      rooms.length === 0 ||
      !rooms.every((r) => (typeof r === "string" && r.trim() !== "") || (Number.isInteger(r) && r >= 1))
    ) {
      throw fail(`entry ${i}: rooms must be a non-empty list of room names or IDs (omit it to allow every room)`);
    }
    return { token: entry.token, rooms: rooms as (string | number)[] };
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Typed, checked reads of one config namespace. */
class Reader {
  constructor(private readonly cfg: pulumi.Config) {}

  error(key: string, message: string): pulumi.RunError {
    return new pulumi.RunError(`Config ${this.cfg.name}:${key} ${message}.`);
  }

  string(key: string, pattern?: RegExp, expected?: string): string | undefined {
    const value = this.cfg.get(key);
    if (value === undefined) {
      return undefined;
    }
    if (value.trim() === "") {
      throw this.error(key, "is empty");
    }
    if (pattern && !pattern.test(value)) {
      throw this.error(key, `must be ${expected}, got "${value}"`);
    }
    return value;
  }

  requiredString(key: string, pattern?: RegExp, expected?: string): string {
    const value = this.string(key, pattern, expected);
    if (value === undefined) {
      throw this.error(key, "is required");
    }
    return value;
  }

  /** A structured value (a YAML list or map in the stack file, or a JSON string). */
  json(key: string): unknown {
    try {
      return this.cfg.getObject<unknown>(key);
    } catch {
      throw this.error(key, "is not valid JSON (give a YAML list or map in the stack file, or a JSON string)");
    }
  }

  stringList(key: string, pattern?: RegExp, expected?: string): string[] | undefined {
    const value = this.json(key);
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v.trim() !== "")) {
      throw this.error(key, "must be a list of non-empty strings");
    }
    const bad = pattern ? value.find((v: string) => !pattern.test(v)) : undefined;
    if (bad !== undefined) {
      throw this.error(key, `must list ${expected}, got "${bad}"`);
    }
    return value as string[];
  }

  requiredStringList(key: string, pattern?: RegExp, expected?: string): string[] {
    const value = this.stringList(key, pattern, expected);
    if (value === undefined) {
      throw this.error(key, "is required");
    }
    return value;
  }

  object<T>(key: string, parse: (value: unknown, fail: (msg: string) => Error) => T): T | undefined {
    const value = this.json(key);
    return value === undefined ? undefined : parse(value, (msg) => this.error(key, msg));
  }

  requiredObject<T>(key: string, parse: (value: unknown, fail: (msg: string) => Error) => T): T {
    const value = this.object(key, parse);
    if (value === undefined) {
      throw this.error(key, "is required");
    }
    return value;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const value = this.cfg.getNumber(key);
    if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
      throw this.error(key, `must be an integer from ${min} to ${max}, got ${value}`);
    }
    return value;
  }
}
