/**
 * The worker's Slack edge: `chat.postMessage` through the same `postMessage` rules as the direct
 * mode (handler/slack.ts: no SDK retries, error mapping, the `missing_scope` fallback), with one
 * WebClient per token and a per-channel pacer whose spacing is configurable, so that a worker posts
 * each channel's backlog at Slack's pace: after the first 429 for a channel, its next messages go
 * one `spacingMs` apart while they keep coming.
 */
import type { WebClient } from "@slack/web-api";
import { unavailable } from "../errors";
import type { SlackGateway } from "../gateway";
import { createChannelPacer, SLACK_CHANNEL_SPACING_MS } from "../pacing";
import { createSlackClient, postMessage } from "../slack";

export interface PacedPosterOptions {
  /** A Slack-compatible Web API base URL; default Slack's. */
  slackApiUrl?: string;
  /** Per-call timeout. */
  timeoutMs: number;
  /** Time between two messages to one channel once Slack has rate-limited it. Default 1000 ms (Slack's pace). */
  spacingMs?: number;
}

export function pacedSlackPoster(options: PacedPosterOptions): SlackGateway {
  let cached: { token: string; client: WebClient; canCustomize: boolean } | undefined;
  const pacer = createChannelPacer(options.spacingMs ?? SLACK_CHANNEL_SPACING_MS);
  return {
    post(token, message, postOptions) {
      if (!token) return Promise.reject(unavailable("No Slack token is configured"));
      if (cached?.token !== token) {
        const client = createSlackClient({ token, slackApiUrl: options.slackApiUrl, timeoutMs: options.timeoutMs });
        cached = { token, client, canCustomize: true };
      }
      const current = cached;
      return postMessage(current.client, message, {
        ...postOptions,
        canCustomize: current.canCustomize,
        pacer,
        onMissingScope: () => {
          current.canCustomize = false;
        },
      });
    },
  };
}
