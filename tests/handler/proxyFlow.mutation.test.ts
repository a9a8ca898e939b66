/**
 * handler/proxy.ts, the per-request flow, pinned where mutation testing (npm run mutate) found
 * behaviour no in-process test fixed: the exact request log line for each outcome (its latency from
 * the proxy's clock, what marks a call unsupported, when an error is described), which answers carry
 * the rate-limit headers and whose values win, the deadline handed to Slack with and without a Lambda
 * context, the token authority kept per secret version, what the container builds once (a bare
 * gateway's options, mention names, the links' hostname, conversion failures), and the answers to
 * events too broken to parse.
 *
 * The proxy runs in process with a fake clock, a recording Slack edge (or a bare gateway) and a
 * secret cache that counts how often its token list is read.
 */
import type { ALBEvent } from "aws-lambda";
import { ProxyError, rateLimited, upstream } from "../../handler/errors";
import type { SlackEdge, SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import { createProxy, type InvocationContext, type ProxyDeps } from "../../handler/proxy";
import { type AllowedToken, parseSettings, type ProxySecrets, type RawSettings } from "../../handler/settings";
import type { PostOptions, PostResult, SlackMessage } from "../../handler/slack";
import { albEvent, healthCheckEvent, resultHeaders } from "../support/albEvents";

const TOKEN = "flow-token-0123456789";
const q = `auth_token=${TOKEN}`;
const TRACE = "Root=1-67890abc-0123456789abcdef01234567";
const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };
/** The proxy's clock at the start of every request here (ms); a whole second plus 200 ms. */
const START = 1_700_000_000_200;
/** How long the secret read takes on the fake clock. */
const SECRET_MS = 40;
/** How long a Slack post takes on the fake clock. */
const POST_MS = 25;

const body = (r: { body?: string }) => JSON.parse(r.body ?? "null");

interface FlowOptions {
  raw?: RawSettings;
  /** What the edge's post does (default: succeeds after POST_MS). */
  post?: (message: SlackMessage) => Promise<PostResult>;
  /** The edge's pacing view (default: no channel is paced). */
  nextTurn?: (channel: string, nowMs: number) => number;
  deps?: Partial<ProxyDeps>;
}

/** A proxy over a recording edge, a fake clock and a counting secret cache. */
function flow(options: FlowOptions = {}) {
  let clock = START;
  const posts: { message: SlackMessage; deadline: number }[] = [];
  const topics: { channel: string; topic: string; deadline: number }[] = [];
  const turns: [string, number][] = [];
  const lines: Record<string, unknown>[] = [];
  let tokenReads = 0;
  let secretGets = 0;
  const version = (tokens: AllowedToken[]): ProxySecrets => ({
    slackToken: "xoxb-flow",
    get tokens() {
      tokenReads += 1;
      return tokens;
    },
  });
  let secrets = version([{ token: TOKEN }]);
  const edge: SlackEdge = {
    kind: "edge",
    post: async (message, { deadline }) => {
      posts.push({ message, deadline });
      clock += POST_MS;
      return options.post ? options.post(message) : { channel: message.channel, ts: "1700000000.000100" };
    },
    setTopic: async (channel, topic, { deadline }) => {
      topics.push({ channel, topic, deadline });
    },
    nextTurn: (channel, nowMs) => {
      turns.push([channel, nowMs]);
      return options.nextTurn ? options.nextTurn(channel, nowMs) : nowMs;
    },
  };
  const handler = createProxy({
    settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", Quiet: "#quiet" }), ...options.raw }),
    secrets: {
      get: async () => {
        secretGets += 1;
        clock += SECRET_MS;
        return secrets;
      },
      invalidate: () => undefined,
    },
    slack: edge,
    log: createLogger((l) => lines.push(JSON.parse(l))),
    now: () => clock,
    publicHostname: "hipchat.example.org",
    ...options.deps,
  });
  return {
    /** One request with a Lambda context (5 s left unless given), or with none when `context` is null. */
    invoke: (event: ALBEvent, context: InvocationContext | null = { getRemainingTimeInMillis: () => 5_000 }) => {
      clock = START;
      return handler(event, context ?? undefined);
    },
    posts,
    topics,
    turns,
    /** Every log line, without its wall-clock `time`. */
    lines: () => lines.map(({ time: _t, ...rest }) => rest),
    requestLines: () => lines.filter((l) => l.msg === "request").map(({ time: _t, ...rest }) => rest),
    tokenReads: () => tokenReads,
    secretGets: () => secretGets,
    rotate: (tokens: AllowedToken[]) => {
      secrets = version(tokens);
    },
  };
}

/** The rate-limit headers for a channel free to send (`reset` in Unix seconds). */
const free = (resetSeconds: number) => ({
  "X-Ratelimit-Limit": "1",
  "X-Ratelimit-Remaining": "1",
  "X-Ratelimit-Reset": String(resetSeconds),
});
/** START + SECRET_MS + POST_MS rounded up to the second, as X-Ratelimit-Reset states it. */
const RESET_AFTER_POST = Math.ceil((START + SECRET_MS + POST_MS) / 1000);
const RESET_AFTER_SECRET = Math.ceil((START + SECRET_MS) / 1000);

describe("the request log line", () => {
  // Latency is the proxy clock's time from the request's start to its answer: here the secret read
  // plus the post, so a latency counted any other way shows.
  it("for a delivered notification: route, method, room, channel, status, latency and both request ids", async () => {
    const f = flow();
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }), {
      getRemainingTimeInMillis: () => 5_000,
      awsRequestId: "req-0001",
    });
    expect(res.statusCode).toBe(204);
    expect(f.requestLines()).toEqual([
      {
        level: "info",
        msg: "request",
        route: "room.notification",
        method: "POST",
        status: 204,
        latencyMs: SECRET_MS + POST_MS,
        room: "Ops",
        channel: "#ops",
        traceId: TRACE,
        awsRequestId: "req-0001",
      },
    ]);
  });

  it.each<[string, InvocationContext | null]>([
    ["no context (the local server)", null],
    ["a context without an id", { getRemainingTimeInMillis: () => 5_000 }],
    ["a context with an empty id", { getRemainingTimeInMillis: () => 5_000, awsRequestId: "" }],
  ])("carries no awsRequestId with %s", async (_name, context) => {
    const f = flow();
    await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }), context);
    expect(f.requestLines()[0]).not.toHaveProperty("awsRequestId");
    expect(f.requestLines()[0]).toMatchObject({ status: 204, route: "room.notification" });
  });

  it("logs the method upper-cased as routed, whatever case the event gave", async () => {
    const f = flow();
    const res = await f.invoke(
      albEvent({ method: "post", url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }),
    );
    expect(res.statusCode).toBe(204);
    expect(f.requestLines()[0]).toMatchObject({ method: "POST", route: "room.notification" });
  });

  // A route error waits for the token, so the log shows which of the two refused the request.
  it.each<[string, ALBEvent, number, Record<string, unknown>]>([
    [
      "an unknown path with a good token: unsupported, with its path",
      albEvent({ method: "GET", url: `/v2/room/Ops/history?${q}` }),
      404,
      { level: "warn", route: "unknown", method: "GET", unsupported: true, path: "/v2/room/Ops/history" },
    ],
    [
      "a known path with a method it lacks: unsupported, without the path",
      albEvent({ method: "DELETE", url: `/v1/rooms/message?${q}` }),
      405,
      { level: "warn", route: "unknown", method: "DELETE", unsupported: true },
    ],
    [
      "a supported call on a room that is not configured: a plain 404, not unsupported",
      albEvent({ url: `/v2/room/Nowhere/notification?${q}`, json: { message: "x" } }),
      404,
      { level: "warn", route: "room.notification", method: "POST", room: "Nowhere" },
    ],
    [
      "a supported call without a token: its route, and not unsupported",
      albEvent({ url: "/v2/room/Ops/notification", json: { message: "x" } }),
      401,
      { level: "warn", route: "room.notification", method: "POST" },
    ],
    [
      "an unknown path without a token: a 401, not marked unsupported",
      albEvent({ method: "GET", url: "/v2/room/Ops/history" }),
      401,
      { level: "warn", route: "unknown", method: "GET" },
    ],
    [
      "a bad field: a 400 under its route",
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "x", color: "blue" } }),
      400,
      { level: "warn", route: "room.notification", method: "POST", room: "Ops" },
    ],
  ])("for %s", async (_name, event, status, fields) => {
    const f = flow();
    const res = await f.invoke(event);
    expect(res.statusCode).toBe(status);
    expect(f.requestLines()).toEqual([{ msg: "request", status, latencyMs: SECRET_MS, traceId: TRACE, ...fields }]);
    expect(f.posts).toEqual([]);
  });

  it("cuts the logged path of an unsupported call to 300 characters", async () => {
    const f = flow();
    const path = `/v2/unknown/${"p".repeat(400)}`;
    await f.invoke(albEvent({ method: "GET", url: `${path}?${q}` }));
    expect(f.requestLines()[0]).toMatchObject({ status: 404, unsupported: true, path: path.slice(0, 300) });
  });

  // The ALB always sends a path; an event without one is routed as `/` and logged with an empty path.
  it("logs an empty path for an event that has none", async () => {
    const f = flow();
    const event = albEvent({ method: "GET", url: `/?${q}` });
    delete (event as { path?: string }).path;
    const res = await f.invoke(event);
    expect(res.statusCode).toBe(404);
    expect(f.requestLines()[0]).toMatchObject({ status: 404, route: "unknown", unsupported: true, path: "" });
  });

  it.each<[string, () => Promise<PostResult>, number, Record<string, unknown>]>([
    [
      "an unexpected failure is a 500 whose log line describes the error",
      async () => {
        throw new TypeError("cannot read x");
      },
      500,
      { level: "error", error: "TypeError: cannot read x" },
    ],
    [
      "a refusal Slack explained is a 502 with Slack's error code and the error described",
      async () => {
        throw upstream("Slack refused the message", { slackError: "channel_not_found" });
      },
      502,
      { level: "error", slackError: "channel_not_found", error: "ProxyError: Slack refused the message" },
    ],
    [
      "a 4xx Slack explained carries Slack's error code but no error description",
      async () => {
        throw new ProxyError(400, "Slack refused the text", { slackError: "msg_too_long" });
      },
      400,
      { level: "warn", slackError: "msg_too_long" },
    ],
  ])("%s", async (_name, post, status, fields) => {
    const f = flow({ post });
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(status);
    expect(f.requestLines()).toEqual([
      {
        msg: "request",
        route: "room.notification",
        method: "POST",
        status,
        latencyMs: SECRET_MS + POST_MS,
        room: "Ops",
        channel: "#ops",
        traceId: TRACE,
        ...fields,
      },
    ]);
  });

  it("answers an unexpected failure with HipChat's opaque 500, never the error's own message", async () => {
    const f = flow({
      post: async () => {
        throw new Error("secret detail");
      },
    });
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(body(res)).toEqual({
      error: { code: 500, message: "Internal error in the HipChat proxy", type: "Internal Server Error" },
    });
  });
});

describe("rate-limit headers", () => {
  it("an authenticated answer for a free channel says one call remains, reset at the answer's second", async () => {
    const f = flow();
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(204);
    expect(res.headers).toEqual(free(RESET_AFTER_POST));
    // The pacer is asked about the call's channel at the answer's time.
    expect(f.turns).toEqual([["#ops", START + SECRET_MS + POST_MS]]);
  });

  it("a paced channel's answer says none remains until the pacer's turn", async () => {
    const f = flow({ nextTurn: (channel, nowMs) => (channel === "#ops" ? nowMs + 7_000 : nowMs) });
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(204);
    expect(res.headers).toEqual({
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(Math.ceil((START + SECRET_MS + POST_MS + 7_000) / 1000)),
    });
  });

  // A call about no channel (listing rooms) is never paced, whatever the pacer says of others.
  it("a call about no channel is not paced, and the pacer is not asked", async () => {
    const f = flow({ nextTurn: (_channel, nowMs) => nowMs + 60_000 });
    const res = await f.invoke(albEvent({ url: `/v2/room?${q}` }));
    expect(res.statusCode).toBe(200);
    expect(resultHeaders(res)).toEqual({
      "content-type": "application/json; charset=utf-8",
      "x-ratelimit-limit": "1",
      "x-ratelimit-remaining": "1",
      "x-ratelimit-reset": String(RESET_AFTER_SECRET),
    });
    expect(f.turns).toEqual([]);
  });

  it("a route error after a good token carries them too (405 with its Allow header)", async () => {
    const f = flow();
    const res = await f.invoke(albEvent({ method: "GET", url: `/v2/room/Ops/notification?${q}` }));
    expect(res.statusCode).toBe(405);
    expect(res.headers).toEqual({ ...JSON_TYPE, Allow: "POST", ...free(RESET_AFTER_SECRET) });
    expect(body(res)).toEqual({
      error: { code: 405, message: "Method GET is not allowed here", type: "Method Not Allowed" },
    });
  });

  it.each<[string, ALBEvent]>([
    ["a request without a token", albEvent({ url: "/v2/room/Ops/notification", json: { message: "x" } })],
    ["a request with an unknown token", albEvent({ url: "/v2/room/Ops/notification?auth_token=nope-nope-nope" })],
  ])("%s gets none: a 401 is not a rate-limited answer", async (_name, event) => {
    const f = flow();
    const res = await f.invoke(event);
    expect(res.statusCode).toBe(401);
    expect(res.headers).toEqual(JSON_TYPE);
  });

  it("the health check gets none, and reads no secret", async () => {
    const f = flow();
    const res = await f.invoke(healthCheckEvent());
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual(JSON_TYPE);
    expect(body(res)).toEqual({ status: "ok" });
    expect(f.secretGets()).toBe(0);
    expect(f.requestLines()).toEqual([
      { level: "info", msg: "request", route: "health", method: "GET", status: 200, latencyMs: 0 },
    ]);
  });

  // Slack's own 429 says how long to wait: that stands over the pacer's (here: free) view.
  it("a 429's own headers stand over the pacer's", async () => {
    const f = flow({
      post: async () => {
        throw rateLimited("Slack is rate limiting", 30, START, "ratelimited");
      },
    });
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(429);
    expect(res.headers).toEqual({
      ...JSON_TYPE,
      "Retry-After": "30",
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(Math.ceil(START / 1000) + 30),
    });
    expect(f.requestLines()[0]).toMatchObject({ status: 429, slackError: "ratelimited", level: "warn" });
  });
});

describe("the deadline handed to Slack", () => {
  // Lambda's remaining time is read after the secret fetch, so it counts from then.
  it("with a Lambda context: the clock after the secret read, plus the remaining time, less 750 ms", async () => {
    const f = flow();
    await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }), {
      getRemainingTimeInMillis: () => 5_000,
    });
    expect(f.posts.map((p) => p.deadline)).toEqual([START + SECRET_MS + 5_000 - 750]);
  });

  it.each<[string, Partial<ProxyDeps>, number]>([
    ["the default 10 s", {}, 10_000],
    ["a configured budget", { localBudgetMs: 3_000 }, 3_000],
  ])("without a context (local server): the request's start plus %s, less 750 ms", async (_n, deps, budget) => {
    const f = flow({ deps });
    await f.invoke(albEvent({ method: "PUT", url: `/v2/room/Ops/topic?${q}`, json: { topic: "release day" } }), null);
    expect(f.topics).toEqual([{ channel: "#ops", topic: "release day", deadline: START + budget - 750 }]);
  });
});

describe("authentication", () => {
  // The allowed tokens are digested once per secret version, not per request.
  it("reads a secret version's token list once, and again only for a new version", async () => {
    const f = flow();
    const event = () => albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } });
    expect((await f.invoke(event())).statusCode).toBe(204);
    expect((await f.invoke(event())).statusCode).toBe(204);
    expect(f.tokenReads()).toBe(1);
    f.rotate([{ token: "rotated-token-0123456789" }]);
    expect((await f.invoke(event())).statusCode).toBe(401);
    expect(f.tokenReads()).toBe(2);
    const rotated = albEvent({
      url: "/v2/room/Ops/notification?auth_token=rotated-token-0123456789",
      json: { message: "hi" },
    });
    expect((await f.invoke(rotated)).statusCode).toBe(204);
    expect(f.tokenReads()).toBe(2);
  });

  it.each<[string, ALBEvent]>([
    ["a JSON body", albEvent({ url: "/v2/room/Ops/notification", json: { message: "hi", auth_token: TOKEN } })],
    [
      "a form body",
      albEvent({ url: "/v1/rooms/message", form: { room_id: "Ops", from: "x", message: "hi", auth_token: TOKEN } }),
    ],
  ])("a token only in %s is found there", async (_n, event) => {
    const f = flow();
    const res = await f.invoke(event);
    expect(res.statusCode).toBeLessThan(300);
    expect(f.posts).toHaveLength(1);
  });

  it("a 404 for an unknown path needs a good token, and then names the proxy's limits", async () => {
    const f = flow();
    const res = await f.invoke(albEvent({ method: "GET", url: `/v2/room/Ops/history?${q}` }));
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual({
      error: { code: 404, message: "This HipChat API call is not supported by the proxy", type: "Not Found" },
    });
    expect(res.headers).toEqual({ ...JSON_TYPE, ...free(RESET_AFTER_SECRET) });
  });
});

describe("fields from the query", () => {
  // v2 calls take fields from the body only: a message in the query does not count.
  it("a v2 call ignores fields in the query", async () => {
    const f = flow();
    const res = await f.invoke(albEvent({ url: `/v2/room/Ops/notification?message=hi&${q}`, json: {} }));
    expect(res.statusCode).toBe(400);
    expect(body(res).error.message).toMatch(/message/);
    expect(f.posts).toEqual([]);
  });

  it("a v1 call takes them from the query, under the body's", async () => {
    const f = flow();
    const res = await f.invoke(
      albEvent({
        url: `/v1/rooms/message?room_id=Ops&from=query-sender&message=from+the+query&${q}`,
        form: { from: "form-sender" },
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(f.posts.map((p) => p.message)).toEqual([
      { channel: "#ops", text: "from the query", mrkdwn: true, username: "form-sender" },
    ]);
  });

  // Only the first value of a repeated query key counts.
  it("a v1 call takes a repeated query key's first value", async () => {
    const f = flow();
    const res = await f.invoke(
      albEvent({
        method: "GET",
        url: `/v1/rooms/message?room_id=Ops&room_id=Quiet&from=cron&message=m&${q}`,
        headerForm: "multi",
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(f.posts.map((p) => p.message.channel)).toEqual(["#ops"]);
  });
});

describe("what the container builds once", () => {
  it("gives a bare gateway the Slack token, the Slack timeout as attempt budget and the proxy's clock", async () => {
    const seen: { token: string | undefined; message: SlackMessage; options: PostOptions }[] = [];
    const gateway: SlackGateway = {
      post: async (token, message, options) => {
        seen.push({ token, message, options });
        return { channel: message.channel, ts: "1700000000.000100" };
      },
    };
    const now = () => START;
    const handler = createProxy({
      settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }), SLACK_TIMEOUT_MS: "2500" }),
      secrets: {
        get: async () => ({ slackToken: "xoxb-bare", tokens: [{ token: TOKEN }] }),
        invalidate: () => undefined,
      },
      slack: gateway,
      log: createLogger(() => undefined),
      now,
    });
    const res = await handler(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }), {
      getRemainingTimeInMillis: () => 5_000,
    });
    expect(res.statusCode).toBe(204);
    expect(seen).toHaveLength(1);
    expect(seen[0].token).toBe("xoxb-bare");
    expect(seen[0].message).toEqual({ channel: "#ops", text: "hi", mrkdwn: true });
    expect(seen[0].options).toMatchObject({ deadline: START + 5_000 - 750, attemptBudgetMs: 2_500 });
    expect(seen[0].options.now).toBe(now);
  });

  // Date.now is stubbed (before the container takes it) so the answer's reset and latency are exact.
  it("runs on Date.now when given no clock", async () => {
    const lines: Record<string, unknown>[] = [];
    const gateway: SlackGateway = { post: async (_t, m) => ({ channel: m.channel, ts: "1700000000.000100" }) };
    const dateNow = jest.spyOn(Date, "now").mockReturnValue(START);
    try {
      const handler = createProxy({
        settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) }),
        secrets: {
          get: async () => ({ slackToken: "xoxb-x", tokens: [{ token: TOKEN }] }),
          invalidate: () => undefined,
        },
        slack: gateway,
        log: createLogger((l) => lines.push(JSON.parse(l))),
      });
      const res = await handler(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
      expect(res.statusCode).toBe(204);
      expect(res.headers).toEqual(free(Math.ceil(START / 1000)));
      expect(lines[0]).toMatchObject({ msg: "request", status: 204, latencyMs: 0 });
    } finally {
      dateNow.mockRestore();
    }
  });

  it.each<[string, Partial<ProxyDeps>, string]>([
    ["the configured hostname", {}, "http://hipchat.example.org/v2/room/"],
    ["localhost by default", { publicHostname: undefined }, "http://localhost/v2/room/"],
  ])("links rooms at %s", async (_n, deps, prefix) => {
    const f = flow({ deps });
    const res = await f.invoke(albEvent({ url: `/v2/room?${q}`, host: "attacker.example.net" }));
    expect(res.statusCode).toBe(200);
    const items = body(res).items as { links: { self: string } }[];
    expect(items).toHaveLength(2);
    for (const item of items) expect(item.links.self.startsWith(prefix)).toBe(true);
  });

  // `@name` mentions come from the user map's names only: numeric ids and e-mail addresses are not
  // names someone is mentioned by. A name may still start or end with digits.
  it("translates @name mentions for mapped names only, not numeric ids", async () => {
    const f = flow({
      raw: {
        USER_MAP: JSON.stringify({
          "123": "U00000001",
          "1abc": "U00000002",
          abc1: "U00000003",
          "@bob": "U00000004",
          "alice@example.com": "U00000005",
          "12": "U00000006",
        }),
      },
    });
    const res = await f.invoke(
      albEvent({
        url: `/v2/room/Ops/notification?${q}`,
        json: { message: "@123 @1abc @abc1 @bob @alice @12 @carol", message_format: "text" },
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(f.posts[0].message.text).toBe("@123 <@U00000002> <@U00000003> <@U00000004> @alice @12 @carol");
  });

  it("sends mentions as typed when mention translation is off", async () => {
    const f = flow({ raw: { USER_MAP: JSON.stringify({ bob: "U00000004" }), TRANSLATE_MENTIONS: "false" } });
    await f.invoke(
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "@bob @all", message_format: "text" } }),
    );
    expect(f.posts[0].message.text).toBe("@bob @all");
  });

  // Conversion never loses a message: on a failure it goes as escaped plain text, and the log names
  // only the error's class (its message could quote the sender's text).
  it.each<[string, () => number, string]>([
    [
      "an Error",
      () => {
        throw new RangeError("quoting <secret> text");
      },
      "RangeError",
    ],
    [
      "a thrown string",
      () => {
        throw "quoting <secret> text";
      },
      "string",
    ],
  ])("a conversion failure (%s) is logged by class and the message sent as plain text", async (_n, random, name) => {
    const f = flow({ deps: { random } });
    const res = await f.invoke(
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "a < b", color: "random" } }),
    );
    expect(res.statusCode).toBe(204);
    expect(f.posts.map((p) => p.message)).toEqual([{ channel: "#ops", text: "a &lt; b", mrkdwn: true }]);
    expect(f.lines()[0]).toEqual({ level: "error", msg: "conversion failed; sent as escaped plain text", error: name });
    expect(JSON.stringify(f.lines())).not.toContain("secret");
  });

  it("passes the random source to color: random", async () => {
    const f = flow({ deps: { random: () => 0 } });
    await f.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi", color: "random" } }));
    expect(f.posts[0].message.attachments?.[0].color).toEqual(expect.any(String));
    expect(f.lines().filter((l) => l.msg !== "request")).toEqual([]);
  });
});

/** Headers whose reading throws, as no ALB would send but a broken caller might. */
function unreadable<T>(): T {
  return Object.defineProperty({}, "host", {
    enumerable: true,
    get() {
      throw new TypeError("unreadable header");
    },
  }) as T;
}

describe("events too broken to parse", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["undefined", undefined],
  ])("a %s event is a single-value 500 in HipChat's shape, logged with an empty method", async (_n, event) => {
    const f = flow();
    const res = await f.invoke(event as ALBEvent);
    expect(res).toEqual({
      statusCode: 500,
      statusDescription: "500 Internal Server Error",
      isBase64Encoded: false,
      headers: JSON_TYPE,
      body: JSON.stringify({
        error: { code: 500, message: "Internal error in the HipChat proxy", type: "Internal Server Error" },
      }),
    });
    expect(f.requestLines()).toEqual([
      {
        level: "error",
        msg: "request",
        route: "unknown",
        method: "",
        status: 500,
        latencyMs: 0,
        error: expect.stringMatching(/^TypeError: /),
      },
    ]);
  });

  // The answer keeps the event's header form even when the event could not be read.
  it.each<[string, Partial<ALBEvent>, boolean]>([
    ["multi-value headers", { multiValueHeaders: unreadable() }, true],
    ["single-value headers", { headers: unreadable() }, false],
  ])("an unreadable event with %s is answered in that form, its raw method logged", async (_n, parts, multi) => {
    const f = flow();
    const event = {
      requestContext: { elb: { targetGroupArn: "arn" } },
      httpMethod: "post",
      path: "/v2/room",
      body: "",
      isBase64Encoded: false,
      ...parts,
    } as ALBEvent;
    const res = await f.invoke(event);
    expect(res.statusCode).toBe(500);
    if (multi) {
      expect(res.multiValueHeaders).toEqual({ "Content-Type": ["application/json; charset=utf-8"] });
      expect(res.headers).toBeUndefined();
    } else {
      expect(res.headers).toEqual(JSON_TYPE);
      expect(res.multiValueHeaders).toBeUndefined();
    }
    expect(f.requestLines()[0]).toMatchObject({ method: "post", route: "unknown", status: 500 });
  });

  it("an event without a method is logged with an empty one when it cannot be read", async () => {
    const f = flow();
    const res = await f.invoke({ headers: unreadable() } as unknown as ALBEvent);
    expect(res.statusCode).toBe(500);
    expect(f.requestLines()[0]).toMatchObject({ method: "", status: 500 });
  });
});
