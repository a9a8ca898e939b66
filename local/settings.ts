/**
 * The local configuration contract of `npm start` (docs/configuration.md): environment
 * variables, plus an optional JSON settings file for what does not fit in one (room-scoped tokens,
 * the user map). Environment variables win over the file.
 */
import { randomBytes } from "node:crypto";
import { LOCAL_RETRY_POLICY } from "../handler/delivery/deliver";
import { type DeliverySettings, parseDeliverySettings } from "../handler/delivery/settings";
import { SLACK_TOKEN } from "../lib/patterns";
import {
  type AllowedToken,
  type ProxySettings,
  parseSettings,
  parseTokenList,
  rawSettings,
  readSettingsFile,
  SettingsError,
  type SettingsFile,
} from "../handler/settings";

/** Where `npm start` keeps its queue in queued mode unless QUEUE_PATH says otherwise (git-ignored). */
export const DEFAULT_QUEUE_PATH = ".queue/hipchat-proxy.sqlite";

export interface LocalConfig {
  host: string;
  port: number;
  settings: ProxySettings;
  slackToken?: string;
  slackApiUrl?: string;
  tokens: AllowedToken[];
  /** Set when no token was configured and one was generated for this run. */
  generatedToken?: string;
  /** No routing was configured for a dry run, so every room goes to #general. */
  implicitDefaultChannel: boolean;
  multiValueHeaders: boolean;
  /** DELIVERY_MODE and the queued mode's settings (docs/queued-delivery.md). */
  delivery: DeliverySettings;
  /** The queued mode's file (QUEUE_PATH). */
  queuePath: string;
}

/** The settings file of `npm start`: the proxy's settings plus what the secret holds in Lambda. */
interface LocalSettingsFile extends SettingsFile {
  hipchatTokens?: unknown;
  slackApiUrl?: string;
}

export function loadLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const file: LocalSettingsFile = env.SETTINGS_FILE ? readSettingsFile(env.SETTINGS_FILE) : {};
  // The same merge and the same checks as the Lambda: environment variables win over the file.
  const raw = rawSettings(file, {
    ROOM_CHANNELS: env.ROOM_CHANNELS,
    DEFAULT_CHANNEL: env.DEFAULT_CHANNEL,
    USER_MAP: env.USER_MAP,
    TRANSLATE_MENTIONS: env.TRANSLATE_MENTIONS,
    SLACK_TIMEOUT_MS: env.SLACK_TIMEOUT_MS,
  });
  const slackToken = env.SLACK_TOKEN?.trim() || undefined;
  // A dry run (nothing is sent) with no routing configured still shows what every room would post.
  const implicitDefaultChannel = !slackToken && !raw.ROOM_CHANNELS && !raw.DEFAULT_CHANNEL;
  if (implicitDefaultChannel) raw.DEFAULT_CHANNEL = "#general";
  const settings = parseSettings(raw);

  let tokens: AllowedToken[];
  let generatedToken: string | undefined;
  if (env.HIPCHAT_TOKENS?.trim()) {
    const list = env.HIPCHAT_TOKENS.split(",")
      .map((t) => t.trim())
      .filter(Boolean)
      .map((token) => ({ token }));
    tokens = parseTokenList(list, "HIPCHAT_TOKENS");
  } else if (file.hipchatTokens !== undefined) {
    tokens = parseTokenList(file.hipchatTokens, `${env.SETTINGS_FILE}: hipchatTokens`);
  } else {
    generatedToken = randomBytes(18).toString("base64url");
    tokens = [{ token: generatedToken }];
  }

  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError("PORT: expected a port number");
  if (slackToken && !SLACK_TOKEN.test(slackToken))
    throw new SettingsError("SLACK_TOKEN: expected a Slack token (xoxb-…)");
  return {
    host: env.HOST?.trim() || "127.0.0.1",
    port,
    settings,
    slackToken,
    slackApiUrl: env.SLACK_API_URL?.trim() || file.slackApiUrl,
    tokens,
    generatedToken,
    implicitDefaultChannel,
    multiValueHeaders: !/^(0|false|off|no)$/i.test(env.MULTI_VALUE_HEADERS ?? "true"),
    delivery: parseDeliverySettings(env, LOCAL_RETRY_POLICY),
    queuePath: env.QUEUE_PATH?.trim() || DEFAULT_QUEUE_PATH,
  };
}
