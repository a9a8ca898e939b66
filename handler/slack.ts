/**
 * The Slack edge: one `chat.postMessage` through `@slack/web-api`, with the proxy's delivery rules.
 *
 * Delivery semantics: at most once per proxy request. The client's own retry logic owns
 * re-delivery, so the proxy only retries when Slack has certainly not posted the message:
 * - 429 (Slack rejects before posting): wait `Retry-After` and retry while the invocation's
 *   deadline allows, else answer 429 with HipChat's rate-limit headers (with the gateway's pacer,
 *   requests for a limited channel wait in turn; see pacing.ts);
 * - `missing_scope` on `username`: resend once without it, with a bold "from" prefix.
 * Everything else (timeouts, resets, 5xx) is answered at once with 502/504, because Slack may have
 * posted; the WebClient's own retries are therefore off.
 */
import { ErrorCode, LogLevel, WebClient, type Logger } from "@slack/web-api";
import { withFromPrefix } from "./convert";
import type { SlackPayload } from "./convert/types";
import { badRequest, forbidden, notFound, ProxyError, rateLimited, upstream, upstreamTimeout } from "./errors";
import type { ChannelPacer } from "./pacing";

export interface SlackMessage extends SlackPayload {
  channel: string;
  thread_ts?: string;
}

export interface PostResult {
  channel: string;
  ts: string;
}

/** A Slack failure mapped for the client; `slackError` keeps Slack's code for the log. */
export type SlackFailure = ProxyError;

export interface SlackClientOptions {
  token: string;
  /** Any Slack-compatible Web API base URL; defaults to Slack's. */
  slackApiUrl?: string;
  /** Per-call timeout. Must leave room inside the Lambda timeout. */
  timeoutMs: number;
}

/** Builds the one WebClient a container uses for a token: no SDK retries, rate limits surfaced. */
export function createSlackClient(options: SlackClientOptions): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.slackApiUrl,
    timeout: options.timeoutMs,
    // Never the default ten-retries-in-thirty-minutes: the Lambda would time out mid-retry and the
    // client would see a bare ALB 502. Retrying is decided below, against the invocation's deadline.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    logger: quietLogger,
  });
}

export interface PostOptions {
  /** Epoch ms by which the answer must be on its way to the client. */
  deadline: number;
  /** Expected time of one Slack call, reserved before starting another attempt. */
  attemptBudgetMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** False once the token is known to lack chat:write.customize: `username` is replaced up front. */
  canCustomize?: boolean;
  /** Told when Slack answers missing_scope to a `username`. */
  onMissingScope?: () => void;
  /**
   * The container's per-channel pacing (handler/pacing.ts). With it, a 429 makes waiting requests
   * for the channel take turns instead of all retrying at once, and a request whose turn is past
   * its deadline is answered 429 without calling Slack. Without it (direct callers), each request
   * waits out Retry-After on its own.
   */
  pacer?: ChannelPacer;
}

/** Posts a message, retrying only where that cannot duplicate it. Throws a mapped ProxyError. */
export async function postMessage(client: WebClient, message: SlackMessage, options: PostOptions): Promise<PostResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const fallback = (m: SlackMessage): SlackMessage => ({
    ...withFromPrefix(m, m.username!),
    channel: m.channel,
    thread_ts: m.thread_ts,
  });
  let usedFallback = options.canCustomize === false && message.username !== undefined;
  let current = usedFallback ? fallback(message) : message;
  const pacer = options.pacer;
  for (;;) {
    if (pacer) {
      const t = now();
      const turn = pacer.nextTurn(message.channel, t);
      if (turn > t) {
        // Too late for this request: say when to come back, and spend no Slack call on it.
        if (turn + options.attemptBudgetMs > options.deadline)
          throw slackRateLimited((turn - t) / 1000, t, "ratelimited");
        pacer.claim(message.channel, turn);
        await sleep(turn - t);
      }
    }
    try {
      const sentAt = now();
      const result = await beforeDeadline(client.chat.postMessage(current), options.deadline - now());
      // Slack took a message sent after its last 429: the channel is open again, whatever that 429 said.
      pacer?.succeeded(message.channel, sentAt);
      return { channel: String(result.channel ?? message.channel), ts: String(result.ts ?? "") };
    } catch (err) {
      if (err instanceof ProxyError) throw err; // the deadline passed: already the client's answer
      const mapped = mapSlackError(err, now());
      if (mapped.statusCode === 429) {
        const waitMs = (mapped.retryAfterSeconds ?? 1) * 1000;
        if (pacer) {
          // The next turn (above) waits or answers 429 for this request, and queues the others.
          pacer.limited(message.channel, now() + waitMs, now());
          continue;
        }
        if (now() + waitMs + options.attemptBudgetMs <= options.deadline) {
          await sleep(waitMs);
          continue;
        }
        throw mapped;
      }
      if (mapped.slackError === "missing_scope" && current.username !== undefined && !usedFallback) {
        // No chat:write.customize: keep the sender's label visible in the text instead.
        usedFallback = true;
        options.onMissingScope?.();
        current = fallback(current);
        continue;
      }
      throw mapped;
    }
  }
}

/** Enough for any workspace (200 channels a page): past it, a name is not looked for further. */
const MAX_LIST_PAGES = 500;
/** A channel name not in the directory is looked up again at most this often (new channels). */
export const DIRECTORY_REFRESH_MS = 60_000;

/**
 * Channel names to IDs, for the calls that take only an ID (conversations.setTopic). Built once
 * per container from `conversations.list` (every page, public and private channels the app can
 * see, archived ones left out) the first time a name is asked for, and kept: a name it does not
 * hold is looked up again, at most once per DIRECTORY_REFRESH_MS. IDs (C…, G…) are used as given.
 */
export interface ChannelDirectory {
  /** The channel ID for `#name`, `name` or an ID; a 404 when Slack has no such channel. */
  resolve(client: WebClient, channel: string, options: CallOptions): Promise<string>;
}

/** The deadline of one call to Slack, as PostOptions has it. */
export type CallOptions = Pick<PostOptions, "deadline" | "now">;

export function createChannelDirectory(refreshMs: number = DIRECTORY_REFRESH_MS): ChannelDirectory {
  let ids: ReadonlyMap<string, string> | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<ReadonlyMap<string, string>> | undefined;

  const load = (client: WebClient, options: CallOptions) => {
    // Concurrent lookups share one listing.
    loading ??= listChannels(client, options)
      .then((found) => {
        ids = found;
        loadedAt = (options.now ?? Date.now)();
        return found;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async resolve(client, channel, options) {
      const bare = channel.replace(/^#/, "");
      if (/^[CG][A-Z0-9]{6,}$/.test(bare)) return bare;
      const key = bare.toLowerCase();
      let id = ids?.get(key);
      if (id === undefined && (options.now ?? Date.now)() - loadedAt >= refreshMs) {
        id = (await load(client, options)).get(key);
      }
      if (id === undefined) {
        throw notFound("Room not found: its Slack channel does not exist", { slackError: "channel_not_found" });
      }
      return id;
    },
  };
}

async function listChannels(client: WebClient, options: CallOptions): Promise<ReadonlyMap<string, string>> {
  const now = options.now ?? Date.now;
  const found = new Map<string, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    let result: Awaited<ReturnType<WebClient["conversations"]["list"]>>;
    try {
      result = await beforeDeadline(
        client.conversations.list({
          types: "public_channel,private_channel",
          exclude_archived: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
        options.deadline - now(),
      );
    } catch (err) {
      throw err instanceof ProxyError ? err : mapSlackError(err, now());
    }
    for (const c of result.channels ?? []) {
      if (c.id && c.name && !found.has(c.name.toLowerCase())) found.set(c.name.toLowerCase(), c.id);
    }
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return found;
}

/**
 * Sets a channel's topic with `conversations.setTopic` (scope channels:manage, or groups:write for
 * private channels), resolving a `#name` through the directory. Setting a topic is idempotent, so a
 * 429 is waited out and retried while the deadline allows; any other failure maps as for messages.
 */
export async function setTopic(
  client: WebClient,
  directory: ChannelDirectory,
  channel: string,
  topic: string,
  options: PostOptions,
): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const id = await directory.resolve(client, channel, options);
  for (;;) {
    try {
      await beforeDeadline(client.conversations.setTopic({ channel: id, topic }), options.deadline - now());
      return;
    } catch (err) {
      if (err instanceof ProxyError) throw err;
      const mapped = mapSlackError(err, now());
      const waitMs = (mapped.retryAfterSeconds ?? 1) * 1000;
      if (mapped.statusCode === 429 && now() + waitMs + options.attemptBudgetMs <= options.deadline) {
        await sleep(waitMs);
        continue;
      }
      throw mapped;
    }
  }
}

/**
 * Settles with `call`, or rejects with a 504 when the invocation's deadline comes first: even with a
 * SLACK_TIMEOUT_MS longer than the Lambda's time left, the client gets a HipChat answer instead of
 * the ALB's bare 502 when Lambda stops the function. (The abandoned call's outcome is ignored.)
 */
function beforeDeadline<T>(call: Promise<T>, remainingMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          upstreamTimeout("Slack did not answer before the request's deadline; delivery is unknown", {
            slackError: "deadline",
          }),
        ),
      Math.max(0, remainingMs),
    );
  });
  call.catch(() => undefined);
  return Promise.race([call, expired]).finally(() => clearTimeout(timer));
}

/** Platform errors the client can act on, with the HipChat status that tells it what to do. */
const PLATFORM_ERRORS: Readonly<Record<string, (slackError: string) => SlackFailure>> = {
  channel_not_found: (c) => notFound("Room not found: its Slack channel does not exist", { slackError: c }),
  not_in_channel: (c) => forbidden("The Slack app is not a member of this room's channel", { slackError: c }),
  is_archived: (c) => forbidden("This room's Slack channel is archived", { slackError: c }),
  restricted_action: (c) => forbidden("Posting to this room's Slack channel is restricted", { slackError: c }),
  cannot_dm_bot: (c) => forbidden("This user cannot receive direct messages", { slackError: c }),
  user_not_found: (c) => notFound("User not found in Slack", { slackError: c }),
  msg_too_long: (c) => badRequest("Message too long for Slack", { slackError: c }),
  no_text: (c) => badRequest("Message is empty after conversion", { slackError: c }),
  too_many_attachments: (c) => badRequest("Message has too many attachments", { slackError: c }),
  invalid_blocks: (c) => badRequest("Message could not be rendered by Slack", { slackError: c }),
  invalid_attachments: (c) => badRequest("Message could not be rendered by Slack", { slackError: c }),
  too_long: (c) => badRequest("Topic too long for Slack (250 characters at most)", { slackError: c }),
  user_is_restricted: (c) => forbidden("The Slack app may not change this room's channel", { slackError: c }),
};

const AUTH_ERRORS: ReadonlySet<string> = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** Maps anything `@slack/web-api` throws to the HipChat-shaped error the client receives. */
export function mapSlackError(err: unknown, nowMs: number = Date.now()): SlackFailure {
  const e = (err ?? {}) as {
    code?: string;
    data?: { error?: string };
    retryAfter?: number;
    statusCode?: number;
    original?: Error;
    message?: string;
  };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return slackRateLimited(e.retryAfter ?? 1, nowMs, "ratelimited");
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? "unknown_error";
      if (AUTH_ERRORS.has(code)) {
        return upstream(`Slack rejected the proxy's credentials (${code})`, { slackError: code, slackAuth: true });
      }
      if (code === "ratelimited" || code === "rate_limited") return slackRateLimited(1, nowMs, code);
      const make = Object.hasOwn(PLATFORM_ERRORS, code) ? PLATFORM_ERRORS[code] : undefined;
      return make ? make(code) : upstream(`Slack refused the message (${code})`, { slackError: code });
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      if (status === 429) return slackRateLimited(1, nowMs, "http_429");
      return upstream(`Slack answered HTTP ${status}; the message was not confirmed, retry`, {
        slackError: `http_${status}`,
      });
    }
    case ErrorCode.RequestError: {
      // In another realm (jest) the SDK re-wraps the DOMException, keeping its name only in the message.
      const name = `${e.original?.name ?? ""} ${e.original?.message ?? ""}`;
      if (/\b(TimeoutError|AbortError)\b/.test(name)) {
        return upstreamTimeout("Slack did not answer in time; delivery is unknown", { slackError: "timeout" });
      }
      return upstream("Could not reach Slack; retry", { slackError: "request_error" });
    }
    default:
      // 429 without Retry-After: the SDK aborts with a plain Error (see WebClient.makeRequest).
      if (typeof e.message === "string" && e.message.startsWith("Retry header did not contain a valid timeout")) {
        return slackRateLimited(1, nowMs, "http_429");
      }
      return upstream("Unexpected failure talking to Slack", { slackError: "unknown" });
  }
}

function slackRateLimited(retryAfterSeconds: number, nowMs: number, slackError: string): ProxyError {
  return rateLimited(
    "Slack rate limit reached for this room; retry after the reset time",
    retryAfterSeconds,
    nowMs,
    slackError,
  );
}

/** The SDK logs request failures with their messages; keep only errors, never arguments. */
const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};
