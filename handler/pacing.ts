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
 * The pacer is built once per container (by the gateway): locally it orders all concurrent requests;
 * in Lambda (one request at a time) it still remembers a channel's reset time between invocations.
 */

/** Slack's documented pace for `chat.postMessage`: about one message per second per channel. */
export const SLACK_CHANNEL_SPACING_MS = 1000;

export interface ChannelPacer {
  /** When a message for `channel` may go: `nowMs` unless the channel is limited, else its next free turn. */
  nextTurn(channel: string, nowMs: number): number;
  /** Takes the turn at `at` (from nextTurn) for one message; the next request waits one slot more. */
  claim(channel: string, at: number): void;
  /** Slack answered 429 for `channel`: nothing may go before `untilMs`. */
  limited(channel: string, untilMs: number): void;
}

export function createChannelPacer(spacingMs: number = SLACK_CHANNEL_SPACING_MS): ChannelPacer {
  // Channel → time of its next free turn; present only while the channel is limited.
  const turns = new Map<string, number>();
  return {
    nextTurn(channel, nowMs) {
      const at = turns.get(channel);
      if (at === undefined || at <= nowMs) {
        turns.delete(channel);
        return nowMs;
      }
      return at;
    },
    claim(channel, at) {
      turns.set(channel, Math.max(turns.get(channel) ?? 0, at + spacingMs));
    },
    limited(channel, untilMs) {
      turns.set(channel, Math.max(turns.get(channel) ?? 0, untilMs));
    },
  };
}
