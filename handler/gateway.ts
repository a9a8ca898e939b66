/**
 * The Slack edge, in two layers.
 *
 * - A {@link SlackGateway} is the transport: one call with the token it is given. In Lambda and with
 *   `SLACK_TOKEN` set locally, Slack's Web API (one WebClient per token for the container's life, the
 *   per-channel pacer, the channel directory, the `from`-label fallback of handler/slack.ts); locally
 *   without a token, the console, printing the exact arguments. The queued worker uses one directly.
 * - A {@link SlackEdge} is what the proxy core talks to: it takes a message (or a topic) and the
 *   request's deadline, and answers with Slack's result or a HipChat-shaped ProxyError. It owns the
 *   Slack token through a {@link TokenSource}: when Slack refuses the token (`invalid_auth`,
 *   `token_revoked`…) it reads the token again (the secret may have been rotated) and makes the call
 *   once more, only with a different token. The core never sees a token.
 */
import type { WebClient } from "@slack/web-api";
import { ProxyError, unavailable } from "./errors";
import type { SecretCache } from "./secrets";
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

/** Where the edge gets the Slack token (the proxy's secret in Lambda, the environment locally). */
export interface TokenSource {
  /** The current token; undefined when none is configured (a call then answers 503). */
  current(): Promise<string | undefined>;
  /** Slack refused the current token: read it again, from the source (not a cache). */
  refresh(): Promise<string | undefined>;
}

/** The Slack token in the proxy's secret: refreshing drops the cached secret and fetches it again. */
export function secretTokenSource(secrets: SecretCache): TokenSource {
  return {
    current: async () => (await secrets.get()).slackToken,
    refresh: async () => {
      secrets.invalidate();
      return (await secrets.get()).slackToken;
    },
  };
}

/** A call's time: the request's deadline (epoch ms) by which the client must have its answer. */
export interface EdgeCallOptions {
  deadline: number;
}

/** What the core talks to: messages and topics in, Slack's result or a HipChat-shaped error out. */
export interface SlackEdge {
  readonly kind: "edge";
  /** Posts a message (chat.postMessage). Rejects with a ProxyError mapped for the HipChat client. */
  post(message: SlackMessage, options: EdgeCallOptions): Promise<PostResult>;
  /** Sets a channel's topic (a `#name` or an ID). Rejects like `post`; 503 if the transport cannot. */
  setTopic(channel: string, topic: string, options: EdgeCallOptions): Promise<void>;
  /** When a message to `channel` may next go (epoch ms): `nowMs` unless the channel is paced. Read only. */
  nextTurn(channel: string, nowMs: number): number;
}

export interface SlackEdgeOptions {
  /** Expected time of one Slack call (SLACK_TIMEOUT_MS), reserved before starting another attempt. */
  attemptBudgetMs: number;
  now?: () => number;
}

export function isSlackEdge(slack: SlackEdge | SlackGateway): slack is SlackEdge {
  return (slack as Partial<SlackEdge>).kind === "edge";
}

/** The edge over a transport and a token source; built once per container. */
export function slackEdge(gateway: SlackGateway, tokens: TokenSource, options: SlackEdgeOptions): SlackEdge {
  const now = options.now ?? Date.now;
  /** One call; if Slack refuses the token, the token is read again and the call made once more. */
  const withToken = async <T>(call: (token: string | undefined, o: PostOptions) => Promise<T>, deadline: number) => {
    const postOptions: PostOptions = { deadline, attemptBudgetMs: options.attemptBudgetMs, now };
    const token = await tokens.current();
    try {
      return await call(token, postOptions);
    } catch (err) {
      if (!(err instanceof ProxyError && err.slackAuth)) throw err;
      // The token may have been rotated: read it again, and resend only with a different one.
      const fresh = await tokens.refresh();
      if (fresh === token) throw err;
      return call(fresh, postOptions);
    }
  };
  return {
    kind: "edge",
    post: (message, { deadline }) => withToken((token, o) => gateway.post(token, message, o), deadline),
    setTopic(channel, topic, { deadline }) {
      const set = gateway.setTopic?.bind(gateway);
      if (!set) return Promise.reject(unavailable("Room topics are not available with this Slack gateway"));
      return withToken((token, o) => set(token, channel, topic, o), deadline);
    },
    nextTurn: (channel, nowMs) => gateway.nextTurn?.(channel, nowMs) ?? nowMs,
  };
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
