/**
 * The worker side of queued delivery, shared by the local worker loop (local/queueWorker.ts) and the
 * SQS worker Lambda (handler/delivery/sqs.ts): one attempt to post one envelope, and what to do next.
 *
 * Delivery is at least once. A message leaves the queue only once Slack confirmed it (or it is
 * dead-lettered with its reason). A failure after Slack posted (a timeout, a lost answer, a worker
 * that dies before recording the success) makes the message go again: a duplicate, never a loss.
 *
 * - 429: Slack's pace. A wait of at most `maxInlineWaitMs` is waited out in place (the per-channel
 *   pacer then spaces the channel's next messages one slot apart); a longer one puts the message
 *   back until Retry-After. A rate limit never dead-letters a message.
 * - 5xx, timeouts, connection failures, a token Slack refuses, an unreadable secret: back off
 *   (exponentially, with jitter, up to `maxDelayMs`) and try again, up to `maxAttempts` attempts.
 * - A refusal that would repeat for ever (`channel_not_found`, `msg_too_long`, `not_in_channel`,
 *   `is_archived`, `no_text`, … every Slack answer the direct mode maps to 400, 403 or 404): dead at
 *   once, with Slack's code as its reason, so it does not hold up its channel.
 *
 * Every attempt writes one log line (`"msg":"delivery"`): the envelope id, channel, route, attempt,
 * outcome, Slack's error code, the delay before the next attempt, and times. Never the text, never a
 * token.
 */
import { ProxyError } from "../errors";
import type { SlackGateway } from "../gateway";
import type { Logger } from "../log";
import type { SecretCache } from "../secrets";
import type { SlackMessage } from "../slack";
import { type Envelope, isRef } from "./envelope";

export interface RetryPolicy {
  /** The delay after the first failed attempt; it doubles with each further one. */
  baseDelayMs: number;
  /** The longest delay between two attempts. */
  maxDelayMs: number;
  /** Attempts before a message that keeps failing (not one Slack refuses for good) is dead-lettered. */
  maxAttempts: number;
  /** A 429 asking for at most this wait is waited out in place instead of putting the message back. */
  maxInlineWaitMs: number;
}

/**
 * The SQS worker's policy: with SQS's visibility timeout as the delay, 48 attempts back off to 30
 * minutes apart and cover a Slack outage of about 21 hours before a message is dead-lettered.
 */
export const AWS_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: 1_800_000,
  maxAttempts: 48,
  maxInlineWaitMs: 10_000,
};

/** `npm start`'s policy: quicker first retries; 200 attempts ending 5 minutes apart (about 16 hours). */
export const LOCAL_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 300_000,
  maxAttempts: 200,
  maxInlineWaitMs: 10_000,
};

/** The delay before attempt `attempt + 1`, after `attempt` failed: exponential, ±20 % jitter, capped. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = policy.baseDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  return Math.round(Math.min(policy.maxDelayMs, exp * (0.8 + 0.4 * random())));
}

/** Maps a message's proxy-made id (envelope.ts `newRef`) to the Slack `ts` it was posted as. */
export interface RefStore {
  get(channel: string, ref: string): Promise<string | undefined>;
  put(channel: string, ref: string, ts: string): Promise<void>;
}

export type Outcome =
  | { kind: "delivered"; ts: string }
  /** Put the message back; try again after `delayMs`. */
  | { kind: "retry"; delayMs: number; reason: string }
  /** Dead-letter it: it will never go (Slack refuses it, or its attempts are used up). */
  | { kind: "dead"; reason: string };

export interface DelivererDeps {
  secrets: SecretCache;
  /** Posts one message (handler/delivery/slackPoster.ts paces it per channel). */
  slack: SlackGateway;
  /** Where refs are resolved and recorded; without it `attach_to` with a ref is posted unthreaded. */
  refs?: RefStore;
  log: Logger;
  policy: RetryPolicy;
  /** Per-call Slack timeout (SLACK_TIMEOUT_MS). */
  slackTimeoutMs: number;
  now?: () => number;
  random?: () => number;
}

export interface Attempt {
  /** 1 for the first attempt (SQS: the message's receive count). */
  attempt: number;
  /** Epoch ms by which this attempt must have ended (the invocation's deadline). */
  deadline: number;
}

export interface Deliverer {
  deliver(envelope: Envelope, attempt: Attempt): Promise<Outcome>;
}

export function createDeliverer(deps: DelivererDeps): Deliverer {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const { policy, log } = deps;

  const post = async (message: SlackMessage, deadline: number) => {
    const secrets = await deps.secrets.get();
    const options = { deadline, attemptBudgetMs: deps.slackTimeoutMs, now };
    try {
      return await deps.slack.post(secrets.slackToken, message, options);
    } catch (err) {
      if (!(err instanceof ProxyError && err.slackAuth)) throw err;
      // The token may have been rotated: read the secret again, and retry only with a different token.
      deps.secrets.invalidate();
      const fresh = await deps.secrets.get();
      if (fresh.slackToken === secrets.slackToken) throw err;
      return deps.slack.post(fresh.slackToken, message, options);
    }
  };

  const classify = (err: unknown, attempt: number): Outcome => {
    const e = err instanceof ProxyError ? err : undefined;
    const reason = e?.slackError ?? (e ? `http_${e.statusCode}` : "internal_error");
    if (e?.statusCode === 429) {
      return { kind: "retry", delayMs: Math.max(1, e.retryAfterSeconds ?? 1) * 1000, reason };
    }
    if (e && !e.slackAuth && e.slackError !== undefined && [400, 403, 404].includes(e.statusCode)) {
      return { kind: "dead", reason };
    }
    if (attempt >= policy.maxAttempts) return { kind: "dead", reason: `attempts_exhausted:${reason}` };
    return { kind: "retry", delayMs: backoffMs(policy, attempt, random), reason };
  };

  return {
    async deliver(envelope, { attempt, deadline }) {
      const started = now();
      const fields = {
        id: envelope.id,
        channel: envelope.channel,
        route: envelope.route,
        attempt,
        queuedMs: started - envelope.acceptedAt,
      };
      let outcome: Outcome;
      let thread: string | undefined;
      try {
        const message: SlackMessage = { ...envelope.message };
        if (isRef(message.thread_ts)) {
          // A reply to a message queued earlier: thread it under the ts that message became.
          const ts = deps.refs ? await deps.refs.get(envelope.channel, message.thread_ts) : undefined;
          thread = ts ? "resolved" : "unresolved";
          if (ts) message.thread_ts = ts;
          else delete message.thread_ts;
        }
        // Wait out a short rate limit in place, within the invocation's time.
        const attemptDeadline = Math.min(deadline, started + policy.maxInlineWaitMs + deps.slackTimeoutMs + 500);
        const result = await post(message, attemptDeadline);
        outcome = { kind: "delivered", ts: result.ts };
        if (envelope.ref && deps.refs) {
          // Best effort: failing to record the ref must not make the message go twice.
          await deps.refs.put(envelope.channel, envelope.ref, result.ts).catch((err: unknown) =>
            log.error("delivery ref not recorded", {
              id: envelope.id,
              channel: envelope.channel,
              error: err instanceof Error ? err.name : typeof err,
            }),
          );
        }
      } catch (err) {
        outcome = classify(err, attempt);
      }
      const line = {
        ...fields,
        outcome: outcome.kind,
        ...(outcome.kind === "delivered" ? { ts: outcome.ts } : { reason: outcome.reason }),
        ...(outcome.kind === "retry" ? { delayMs: outcome.delayMs } : {}),
        ...(thread ? { thread } : {}),
        ms: now() - started,
      };
      if (outcome.kind === "dead") log.error("delivery", line);
      else log.info("delivery", line);
      return outcome;
    },
  };
}
