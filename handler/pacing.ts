/**
 * Per-channel pacing once Slack has rate-limited a channel.
 *
 * Slack allows about one message per second per channel, with short bursts. Without pacing, every
 * request waiting on a limited channel slept the same `Retry-After` and retried at the same instant:
 * one got through, the others were refused and slept again, so under load each request held its
 * client for its whole time budget and Slack saw about five calls per delivered message
 * (tests/load: 300 requests from 50 clients took 29 s, 1,625 Slack calls, p50 latency 6.5 s).
 *
 * With pacing, once a channel is limited its requests take turns one slot apart, the first at the
 * time Slack gave. A request whose turn would come too late for its deadline is answered 429 at once
 * (reset = its turn) without calling Slack. When the last turn has passed, messages go straight
 * through again, so bursts are still allowed.
 *
 * One answer closes a channel for at most MAX_CLOSED_MS, whatever `Retry-After` said: a 429 with
 * `Retry-After: 100000` used to close the channel for 28 hours without a single call to Slack to
 * find out whether it had reopened. After the cap the next request asks Slack again; a limit that
 * really lasts closes the channel again, for one refused call per channel and cap. And a message
 * Slack accepts, sent after the channel closed, reopens it at once (`succeeded`).
 *
 * The pacer is built once per container (by the gateway): locally it orders all concurrent requests;
 * in Lambda (one request at a time) it still remembers a channel's reset time between invocations.
 */

/** Slack's documented pace for `chat.postMessage`: about one message per second per channel. */
export const SLACK_CHANNEL_SPACING_MS = 1000;

/** The longest one 429 closes a channel (docs/reliability.md: longer than any Retry-After Slack documents). */
export const MAX_CLOSED_MS = 60_000;

export interface ChannelPacer {
  /** When a message for `channel` may go: `nowMs` unless the channel is limited, else its next free turn. */
  nextTurn(channel: string, nowMs: number): number;
  /** Takes the turn at `at` (from nextTurn) for one message; the next request waits one slot more. */
  claim(channel: string, at: number): void;
  /**
   * Slack answered 429 for `channel`: nothing may go before `untilMs`, or before MAX_CLOSED_MS from
   * `nowMs` if that is sooner. Without `nowMs`, the latest time given to `nextTurn` (which the Slack
   * edge calls before every attempt) stands for now.
   */
  limited(channel: string, untilMs: number, nowMs?: number): void;
  /**
   * Slack accepted a message for `channel`, sent at `sentAtMs`: a closure from a 429 received before
   * that send is lifted, so the channel reopens. (A 429 received after the send is newer news and
   * stands; without `sentAtMs` any closure is lifted.) Turns already handed to waiting requests keep
   * their spacing.
   */
  succeeded(channel: string, sentAtMs?: number): void;
}

export interface ChannelPacerOptions {
  spacingMs?: number;
  maxClosedMs?: number;
}

export function createChannelPacer(options: number | ChannelPacerOptions = {}): ChannelPacer {
  const { spacingMs = SLACK_CHANNEL_SPACING_MS, maxClosedMs = MAX_CLOSED_MS } =
    typeof options === "number" ? { spacingMs: options } : options;
  // Channel → end of its closure after a 429, and when that closure began.
  const closed = new Map<string, { until: number; since: number }>();
  // Channel → the first turn not yet handed out, while turns are being handed out.
  const queued = new Map<string, number>();
  let latestNow: number | undefined;

  const live = <T>(map: Map<string, T>, channel: string, end: (v: T) => number, nowMs: number) => {
    const v = map.get(channel);
    if (v === undefined) return undefined;
    if (end(v) > nowMs) return end(v);
    map.delete(channel);
    return undefined;
  };

  return {
    nextTurn(channel, nowMs) {
      latestNow = Math.max(latestNow ?? nowMs, nowMs);
      const until = live(closed, channel, (c) => c.until, nowMs);
      const next = live(queued, channel, (q) => q, nowMs);
      return Math.max(nowMs, until ?? nowMs, next ?? nowMs);
    },
    claim(channel, at) {
      queued.set(channel, Math.max(queued.get(channel) ?? 0, at + spacingMs));
    },
    limited(channel, untilMs, nowMs) {
      const since = nowMs ?? latestNow ?? Date.now();
      const until = Math.min(untilMs, since + maxClosedMs);
      const current = closed.get(channel);
      closed.set(channel, { until: Math.max(current?.until ?? 0, until), since: Math.max(current?.since ?? 0, since) });
    },
    succeeded(channel, sentAtMs) {
      const current = closed.get(channel);
      if (current && (sentAtMs === undefined || sentAtMs >= current.since)) closed.delete(channel);
    },
  };
}
