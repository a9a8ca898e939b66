/**
 * Where converted messages go. In Lambda and with `SLACK_TOKEN` set locally: Slack's Web API, with
 * one WebClient per token for the container's life (a rotated token gets a new client). Locally
 * without a token: the console, printing the exact `chat.postMessage` arguments.
 */
import type { WebClient } from "@slack/web-api";
import { unavailable } from "./errors";
import { createChannelPacer } from "./pacing";
import {
  createChannelDirectory,
  createSlackClient,
  postMessage,
  setTopic,
  type PostOptions,
  type PostResult,
  type SlackMessage,
} from "./slack";

export interface SlackGateway {
  post(token: string | undefined, message: SlackMessage, options: PostOptions): Promise<PostResult>;
  /**
   * When a message to `channel` may next go to Slack (epoch ms): `nowMs` unless its pacing
   * (handler/pacing.ts) holds it back. Read only. Gateways that do not pace leave it out.
   */
  nextTurn?(channel: string, nowMs: number): number;
  /**
   * Sets the topic of `channel` (a `#name` or an ID) with conversations.setTopic. Throws a mapped
   * ProxyError like `post`. Gateways that cannot set topics leave it out (the call is then a 503).
   */
  setTopic?(token: string | undefined, channel: string, topic: string, options: PostOptions): Promise<void>;
}

export interface WebApiGatewayOptions {
  slackApiUrl?: string;
  timeoutMs: number;
}

export function webApiGateway(options: WebApiGatewayOptions): SlackGateway {
  let cached: { token: string; client: WebClient; canCustomize: boolean } | undefined;
  // One per container and not per token: Slack's limits are per app and channel, not per token.
  const pacer = createChannelPacer();
  // Likewise the channel IDs (one workspace), listed on the first topic call.
  const directory = createChannelDirectory();
  const clientFor = (token: string) => {
    if (cached?.token !== token) {
      const client = createSlackClient({ token, slackApiUrl: options.slackApiUrl, timeoutMs: options.timeoutMs });
      cached = { token, client, canCustomize: true };
    }
    return cached;
  };
  return {
    post(token, message, postOptions) {
      if (!token) return Promise.reject(unavailable("No Slack token is configured"));
      const current = clientFor(token);
      // Once Slack said this token lacks chat:write.customize, send the fallback straight away
      // instead of paying a refused call (and a rate-limit slot) for every message.
      return postMessage(current.client, message, {
        ...postOptions,
        canCustomize: current.canCustomize,
        pacer,
        onMissingScope: () => {
          current.canCustomize = false;
        },
      });
    },
    nextTurn: (channel, nowMs) => pacer.nextTurn(channel, nowMs),
    async setTopic(token, channel, topic, postOptions) {
      if (!token) throw unavailable("No Slack token is configured");
      await setTopic(clientFor(token).client, directory, channel, topic, postOptions);
    },
  };
}

/** Prints instead of sending: lets `npm start` show exactly what would reach Slack. */
export function consoleGateway(print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): SlackGateway {
  let seq = 0;
  return {
    async post(_token, message) {
      seq += 1;
      print(`chat.postMessage ${JSON.stringify(message, null, 2)}`);
      const ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, "0")}`;
      return { channel: message.channel, ts };
    },
    async setTopic(_token, channel, topic) {
      print(`conversations.setTopic ${JSON.stringify({ channel, topic }, null, 2)}`);
    },
  };
}
