/**
 * A Slack Web API stand-in on 127.0.0.1 that the real `@slack/web-api` client talks to over HTTP
 * (`slackApiUrl: standIn.url`). It implements the parts of `chat.postMessage` the proxy relies on:
 * token checks, known channels, the `chat:write.customize` scope, Slack's per-channel rate limit,
 * and fault injection for every failure class the handler maps. For room topics it has a directory
 * of conversations: `conversations.list` (paged with `cursor`/`limit`, as Slack pages it) and
 * `conversations.setTopic` (a channel ID only, as Slack requires; the topic scope; 250 characters).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackCall {
  method: string;
  token: string | undefined;
  /** Arguments as the client sent them; `attachments` decoded from its JSON string form. */
  body: Record<string, unknown>;
  /** When the call arrived (epoch ms). */
  at?: number;
}

/**
 * What to do with one request instead of answering it normally.
 *
 * `afterDelivery` (status, hang, reset): Slack posts the message first (it lands in `delivered`) and
 * only then fails the answer, which is the case where a client cannot know it arrived: a 5xx from a
 * front end after the post, a lost response, a timeout. Without it the fault happens before posting.
 * A call that Slack would not have posted anyway (bad token, rate limit, …) gets its normal answer.
 */
export type SlackFault =
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: string; afterDelivery?: boolean }
  | { kind: "error"; error: string }
  | { kind: "hang"; afterDelivery?: boolean }
  | { kind: "reset"; afterDelivery?: boolean };

export interface SlackStandInOptions {
  /** Tokens that authenticate. Default: ["xoxb-test"]. */
  tokens?: string[];
  /** Tokens that lack chat:write.customize (posting with `username` fails with missing_scope). */
  tokensWithoutCustomize?: string[];
  /** Channels that exist; anything else is channel_not_found. Default: any channel exists. */
  channels?: string[];
  /** Artificial latency per request, in ms. */
  latencyMs?: number;
  /**
   * Enforce Slack's "about one message per second per channel, short bursts allowed" limit with a
   * token bucket: `burst` messages, refilled at `perSecond`. Over it: 429 with Retry-After.
   */
  rateLimit?: { perSecond: number; burst: number };
  /**
   * The conversations `conversations.list` returns and `conversations.setTopic` accepts, by name
   * (`#ops`, or `{name, private}` for a private channel). Their IDs are derived from their names (see
   * `channelId`). Default: `channels`, else none.
   */
  conversations?: (string | { name: string; private?: boolean })[];
  /** The most conversations one `conversations.list` page holds, whatever `limit` asks. Default 200. */
  listPageSize?: number;
  /** Tokens that lack channels:manage / groups:write (conversations.setTopic fails with missing_scope). */
  tokensWithoutTopicScope?: string[];
  /**
   * Chooses a fault for a call when the `failNext` queue is empty, from the call itself (for example
   * from a message id in its text), so concurrent requests each get their own fault whatever order
   * they arrive in. Return undefined to answer normally.
   */
  faultFor?: (call: SlackCall) => SlackFault | undefined;
}

export interface SlackStandIn {
  /** Base URL to pass as `slackApiUrl` (ends with `/api/`). */
  url: string;
  /** Every call that reached the server, in arrival order, including faulted ones. */
  calls: SlackCall[];
  /** Messages that were posted successfully (ok:true answered). */
  delivered: SlackCall[];
  /** Topics set with conversations.setTopic, in order: the channel ID and the topic as received. */
  topics: { channel: string; topic: string }[];
  /** TCP connections accepted so far (keep-alive reuse keeps this at 1). */
  connections(): number;
  /** Queue faults: each request consumes the next one. */
  failNext(...faults: SlackFault[]): void;
  setTokens(tokens: string[]): void;
  close(): Promise<void>;
}

export async function startSlackStandIn(options: SlackStandInOptions = {}): Promise<SlackStandIn> {
  let tokens = new Set(options.tokens ?? ["xoxb-test"]);
  const noCustomize = new Set(options.tokensWithoutCustomize ?? []);
  const channels = options.channels ? new Set(options.channels) : undefined;
  const directory = (options.conversations ?? options.channels ?? []).map((c) => {
    const { name, private: isPrivate = false } = typeof c === "string" ? { name: c } : c;
    const bare = name.replace(/^#/, "");
    return { id: channelId(`#${bare}`), name: bare, is_private: isPrivate };
  });
  const noTopicScope = new Set(options.tokensWithoutTopicScope ?? []);
  const topics: SlackStandIn["topics"] = [];
  const faults: SlackFault[] = [];
  const calls: SlackCall[] = [];
  const delivered: SlackCall[] = [];
  const buckets = new Map<string, { tokens: number; at: number }>();
  const sockets = new Set<import("node:net").Socket>();
  let connectionCount = 0;
  let ts = 1_700_000_000_000;

  const takeToken = (channel: string): number => {
    const limit = options.rateLimit;
    if (!limit) return 0;
    const now = Date.now();
    const b = buckets.get(channel) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    buckets.set(channel, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const method = (req.url ?? "").replace(/^\/api\//, "").split("?")[0];
      const body = parseBody(raw, req.headers["content-type"]);
      const auth = req.headers.authorization;
      const token = auth?.startsWith("Bearer ") ? auth.slice(7) : (body.token as string | undefined);
      const call: SlackCall = { method, token, body, at: Date.now() };
      calls.push(call);

      const respond = () => {
        const fault = faults.shift() ?? options.faultFor?.(call);
        if (fault && !("afterDelivery" in fault && fault.afterDelivery)) return applyFault(fault, res, req);
        const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
          res.end(JSON.stringify(payload));
        };
        if (!token) return json(200, { ok: false, error: "not_authed" });
        if (!tokens.has(token)) return json(200, { ok: false, error: "invalid_auth" });
        if (method === "auth.test") return json(200, { ok: true, team_id: "T1", user_id: "U0BOT" });
        if (method === "conversations.list") {
          const offset = Number(Buffer.from(String(body.cursor ?? ""), "base64").toString() || 0);
          const size = Math.min(Number(body.limit ?? 100) || 100, options.listPageSize ?? 200);
          const page = directory.slice(offset, offset + size);
          const next = offset + size < directory.length ? Buffer.from(String(offset + size)).toString("base64") : "";
          return json(200, {
            ok: true,
            channels: page.map((c) => ({
              ...c,
              is_channel: !c.is_private,
              is_group: c.is_private,
              is_archived: false,
            })),
            response_metadata: { next_cursor: next },
          });
        }
        if (method === "conversations.setTopic") {
          if (noTopicScope.has(token))
            return json(200, { ok: false, error: "missing_scope", needed: "channels:manage" });
          const conversation = directory.find((c) => c.id === body.channel);
          if (!conversation) return json(200, { ok: false, error: "channel_not_found" });
          const topic = String(body.topic ?? "");
          if (topic.length > 250) return json(200, { ok: false, error: "too_long" });
          topics.push({ channel: conversation.id, topic });
          return json(200, {
            ok: true,
            channel: { id: conversation.id, name: conversation.name, topic: { value: topic, creator: "U0BOT" } },
          });
        }
        if (method !== "chat.postMessage") return json(200, { ok: false, error: "unknown_method" });
        const channel = String(body.channel ?? "");
        if (!channel) return json(200, { ok: false, error: "channel_not_found" });
        if (channels && !channels.has(channel)) return json(200, { ok: false, error: "channel_not_found" });
        if (!body.text && !body.attachments && !body.blocks) return json(200, { ok: false, error: "no_text" });
        if (body.username !== undefined && noCustomize.has(token)) {
          return json(200, { ok: false, error: "missing_scope", needed: "chat:write.customize" });
        }
        const wait = takeToken(channel);
        if (wait > 0) return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
        ts += 1;
        const stamp = `${Math.floor(ts / 1000)}.${String(ts % 1000).padStart(6, "0")}`;
        delivered.push(call);
        // Posted, but the answer is lost or fails: the client cannot tell that it arrived.
        if (fault) return applyFault(fault, res, req);
        return json(200, { ok: true, channel: channelId(channel), ts: stamp, message: { text: body.text, ts: stamp } });
      };
      if (options.latencyMs) setTimeout(respond, options.latencyMs);
      else respond();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (s) => {
    connectionCount += 1;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    delivered,
    topics,
    connections: () => connectionCount,
    failNext: (...f) => faults.push(...f),
    setTokens: (t) => {
      tokens = new Set(t);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function applyFault(fault: SlackFault, res: http.ServerResponse, req: http.IncomingMessage): void {
  switch (fault.kind) {
    case "status":
      res.writeHead(fault.status, { "content-type": "application/json", ...(fault.headers ?? {}) });
      res.end(fault.body ?? JSON.stringify({ ok: false, error: `http_${fault.status}` }));
      return;
    case "error":
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: false, error: fault.error }));
      return;
    case "hang":
      return; // never answer: the client's timeout must fire
    case "reset":
      req.socket.destroy();
      return;
  }
}

/** Slack answers with a channel ID; derive a stable fake one from the name. */
export function channelId(channel: string): string {
  if (/^[CDG][A-Z0-9]{6,}$/.test(channel)) return channel;
  let h = 0;
  for (const ch of channel) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `C${h.toString(36).toUpperCase().padStart(8, "0")}`;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  if (contentType?.includes("application/json")) {
    try {
      out = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      out = {};
    }
  } else {
    for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  }
  for (const key of ["attachments", "blocks"]) {
    if (typeof out[key] === "string") {
      try {
        out[key] = JSON.parse(out[key] as string);
      } catch {
        /* leave as sent */
      }
    }
  }
  return out;
}
