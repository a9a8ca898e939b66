/**
 * The stack configuration of the HipChat proxy (namespace `hipchat-proxy`), read and checked once.
 *
 * `config.requireObject<T>()` does not check its value against `T` (pulumi/pulumi#8520), so every
 * key is checked explicitly here and a wrong value stops the program with a message naming the key.
 * The proxy's own settings (rooms, users, channels, tokens) are checked by the handler's parser, the
 * same code the function runs at a cold start: what `pulumi preview` accepts, the function accepts.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkVpcCidrBlock } from "./components/privateVpc";
import { DELIVERY_CONFIG_KEYS } from "./deliveryConfig";
import * as PATTERNS from "./lib/patterns";
import {
  parseSettings,
  parseTokenList,
  rawSettings,
  SETTINGS_FILE_KEYS,
  SettingsError,
  type SettingsFile,
} from "./handler/settings";

/** Where a room's messages go: a Slack channel, or a channel plus the room's HipChat identity. */
export type RoomRoute = string | { channel: string; id?: number; name?: string };

/** One accepted HipChat token; `rooms` (names or IDs) limits it to those rooms. */
export interface HipChatTokenEntry {
  token: string;
  rooms?: (string | number)[];
}

/** The checked configuration of one stack. */
export interface StackConfig {
  /** The VPC the service lives in; unset (with subnetIds): the program creates one. */
  readonly vpcId?: string;
  /** At least 2 private subnets of that VPC, in different AZs; set exactly when vpcId is. */
  readonly subnetIds?: string[];
  /** Without vpcId: the created VPC's IPv4 block (private, /16–/24). Default 10.0.0.0/16. */
  readonly vpcCidrBlock?: string;
  /** More VPCs (same account and region) to associate the created private zones with. */
  readonly extraVpcIds?: string[];
  /** Allow allowedCidrBlocks with public addresses (each /8 or narrower). Default false. */
  readonly allowPublicCidrs?: boolean;
  /** Concurrent executions reserved for the function, and its ceiling. Default {@link DEFAULT_RESERVED_CONCURRENCY}. */
  readonly reservedConcurrency: number;
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
  /** The proxy's settings document, checked by the handler's parser; shipped with the function. */
  readonly settings: SettingsFile;
}

/**
 * The function's concurrency ceiling when a stack does not set `reservedConcurrency`. Requests
 * beyond it are throttled, and the ALB answers them 503. Reserving it also keeps it available when
 * other functions of the account are busy; the account must keep 100 unreserved.
 */
export const DEFAULT_RESERVED_CONCURRENCY = 50;

/** Every key of the `hipchat-proxy` namespace; any other key in it is refused as a likely typo. */
export const STACK_CONFIG_KEYS: readonly string[] = [
  "vpcId",
  "subnetIds",
  "vpcCidrBlock",
  "extraVpcIds",
  "allowPublicCidrs",
  "reservedConcurrency",
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
  // deliveryMode, deliveryMaxConcurrency, deliveryAlarmActions: read by delivery.ts.
  ...DELIVERY_CONFIG_KEYS,
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

  const certificateArn = read.string("certificateArn", PATTERNS.ACM_CERTIFICATE_ARN, "an ACM certificate ARN");
  const publicZoneId = read.string("publicZoneId", /^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone ID (Z…)");
  const publicZoneName = read.string("publicZoneName");
  const dnsRoleArn = read.string("dnsRoleArn", PATTERNS.IAM_ROLE_ARN, "an IAM role ARN");
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

  const rooms = read.requiredObject("rooms", (value, fail) => {
    if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
      throw fail('must be a non-empty map of HipChat room → Slack channel, e.g. {"Deploys": "#deploys"}');
    }
    return value as Record<string, RoomRoute>;
  });
  const defaultChannel = read.requiredString("defaultChannel");
  const users = read.object("users", (value) => value as Record<string, string>) ?? {};
  const translateMentions = cfg.getBoolean("translateMentions") ?? true;
  const secretTtlSeconds = read.integer("secretTtlSeconds", 0, 86_400) ?? 300;
  const settings: SettingsFile = { rooms, defaultChannel, users, translateMentions, secretTtlSeconds };
  checkSettings(settings, read);

  const vpcId = read.string("vpcId", /^vpc-[0-9a-f]{8,17}$/, "a VPC ID (vpc-…)");
  const subnetIds = read.stringList("subnetIds", /^subnet-[0-9a-f]{8,17}$/, "subnet IDs (subnet-…)");
  if ((vpcId === undefined) !== (subnetIds === undefined)) {
    throw read.error(
      vpcId === undefined ? "subnetIds" : "vpcId",
      `needs ${cfg.name}:${vpcId === undefined ? "vpcId" : "subnetIds"}: set both (an existing VPC and its private ` +
        `subnets), or neither (the program creates a VPC)`,
    );
  }
  const vpcCidrBlock = read.string("vpcCidrBlock");
  if (vpcCidrBlock !== undefined) {
    if (vpcId !== undefined) {
      throw read.error("vpcCidrBlock", `applies only to the VPC the program creates; remove it or ${cfg.name}:vpcId`);
    }
    try {
      checkVpcCidrBlock(vpcCidrBlock);
    } catch (err) {
      throw read.error("vpcCidrBlock", `is invalid: ${(err as Error).message}`);
    }
  }
  const allowedCidrBlocks = read.stringList("allowedCidrBlocks");
  const allowPublicCidrs = cfg.getBoolean("allowPublicCidrs");
  if (allowPublicCidrs !== undefined && allowedCidrBlocks === undefined) {
    throw read.error("allowPublicCidrs", `needs ${cfg.name}:allowedCidrBlocks`);
  }

  return {
    vpcId,
    subnetIds,
    vpcCidrBlock,
    extraVpcIds: read.stringList("extraVpcIds", /^vpc-[0-9a-f]{8,17}$/, "VPC IDs (vpc-…)"),
    allowPublicCidrs,
    reservedConcurrency: read.integer("reservedConcurrency", 1, 1000) ?? DEFAULT_RESERVED_CONCURRENCY,
    hostname: read.requiredString("hostname"),
    privateZoneId: read.string("privateZoneId", /^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone ID (Z…)"),
    privateZoneName: read.string("privateZoneName"),
    allowedSecurityGroupIds: read.stringList(
      "allowedSecurityGroupIds",
      /^sg-[0-9a-f]{8,17}$/,
      "security group IDs (sg-…)",
    ),
    allowedCidrBlocks,
    legacyHostnames: read.stringList("legacyHostnames"),
    certificateArn,
    publicZoneId,
    publicZoneName,
    dnsRoleArn,
    redirectHttpToHttps: cfg.getBoolean("redirectHttpToHttps"),
    rooms,
    defaultChannel,
    users,
    translateMentions,
    secretTtlSeconds,
    settings,
    memorySize: read.integer("memorySize", 128, 10240),
    logRetentionInDays: read.integer("logRetentionInDays", 1, 3653),
    secretsExtensionLayerArn: read.string(
      "secretsExtensionLayerArn",
      PATTERNS.LAMBDA_LAYER_ARN,
      "a Lambda layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)",
    ),
    slackToken: cfg.requireSecret("slackToken").apply((token) => {
      if (!PATTERNS.SLACK_TOKEN.test(token)) {
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
      try {
        parseTokenList(value, "hipchatTokens");
      } catch (err) {
        if (err instanceof SettingsError) throw read.settingsError(err);
        throw err;
      }
      return value as HipChatTokenEntry[];
    }),
  };
}

/**
 * Checks the proxy's settings with the handler's own parser and reports the first problem against
 * the stack key it came from (`rooms.Ops` for `ROOM_CHANNELS.Ops`).
 */
function checkSettings(settings: SettingsFile, read: Reader): void {
  try {
    parseSettings(rawSettings(settings));
  } catch (err) {
    if (err instanceof SettingsError) throw read.settingsError(err);
    throw err;
  }
}

/** Typed, checked reads of one config namespace. */
class Reader {
  constructor(private readonly cfg: pulumi.Config) {}

  error(key: string, message: string): pulumi.RunError {
    return new pulumi.RunError(`Config ${this.cfg.name}:${key} ${message}.`);
  }

  /**
   * The handler parser's error, against the stack key it came from: `ROOM_CHANNELS.Ops: …` becomes
   * `Config hipchat-proxy:rooms.Ops is invalid: …`.
   */
  settingsError(err: SettingsError): pulumi.RunError {
    const [where, ...rest] = err.message.split(": ");
    const [first, ...path] = where.split(".");
    const key = Object.entries(SETTINGS_FILE_KEYS).find(([, envKey]) => envKey === first)?.[0] ?? first;
    return this.error([key, ...path].join("."), `is invalid: ${rest.join(": ")}`);
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
