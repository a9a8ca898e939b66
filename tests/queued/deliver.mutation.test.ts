/**
 * The delivery core (handler/delivery/deliver.ts) pinned down exactly: the backoff, the retry/dead
 * decision for every kind of failure, what one attempt hands to Slack (message, deadline, budget,
 * clock), the token refresh after Slack refuses the token, refs (resolving a thread, recording what
 * a message became, a ref store that fails), and the one log line each attempt writes.
 *
 * Slack, the secret and the ref store are in-memory fakes here: the point is the core's own
 * decisions, with a clock the test moves, so every number in a log line can be asserted.
 */
import { AWS_RETRY_POLICY, backoffMs, createDeliverer, LOCAL_RETRY_POLICY } from "../../handler/delivery/deliver";
import type { Outcome, RefStore, RetryPolicy } from "../../handler/delivery/deliver";
import { ENVELOPE_VERSION, type Envelope } from "../../handler/delivery/envelope";
import { ProxyError, rateLimited, upstream } from "../../handler/errors";
import type { SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import type { PostOptions, SlackMessage } from "../../handler/slack";

const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5, maxInlineWaitMs: 3000 };
const TS = "1700000001.000100";
/** A ref as envelope.ts `newRef` makes them (9-digit fraction), and a Slack ts (6 digits). */
const REF = "1700000000.123456789";
const PARENT_TS = "1700000000.000200";

const envelope = (extra: Partial<Envelope> = {}, message: Partial<SlackMessage> = {}): Envelope => ({
  v: ENVELOPE_VERSION,
  id: "env-1",
  channel: "#ops",
  route: "room.notification",
  acceptedAt: 9_000,
  message: { channel: "#ops", text: "private words", mrkdwn: true, ...message },
  ...extra,
});

interface Call {
  token: string | undefined;
  message: SlackMessage;
  options: PostOptions;
}

/**
 * A deliverer over fakes. The clock starts at 10 000 and moves `tick` ms each time it is read, so
 * `queuedMs` and `ms` in the log line show exactly which readings the core took.
 */
function rig(
  o: {
    answers?: (Error | undefined)[];
    tokens?: string[];
    refs?: RefStore;
    tick?: number;
    random?: () => number;
    policy?: RetryPolicy;
  } = {},
) {
  let clock = 10_000;
  const now = () => {
    const t = clock;
    clock += o.tick ?? 0;
    return t;
  };
  const tokens = o.tokens ?? ["xoxb-current"];
  let version = 0;
  const secrets = { gets: 0, invalidations: 0 };
  const calls: Call[] = [];
  const answers = [...(o.answers ?? [])];
  const slack: SlackGateway = {
    post: async (token, message, options) => {
      calls.push({ token, message: { ...message }, options });
      const failure = answers.shift();
      if (failure) throw failure;
      return { channel: message.channel, ts: TS };
    },
  };
  const lines: Record<string, unknown>[] = [];
  const deliverer = createDeliverer({
    secrets: {
      get: async () => {
        secrets.gets += 1;
        return { slackToken: tokens[Math.min(version, tokens.length - 1)], tokens: [] };
      },
      invalidate: () => {
        secrets.invalidations += 1;
        version += 1;
      },
    },
    slack,
    refs: o.refs,
    log: createLogger((l) => {
      const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      lines.push(rest);
    }),
    policy: o.policy ?? policy,
    slackTimeoutMs: 2000,
    now,
    random: o.random ?? (() => 0.5),
  });
  return { deliverer, calls, lines, secrets, now };
}

/** A ref store in memory that records what it was asked. */
function memoryRefs(initial: Record<string, string> = {}, failPut?: unknown) {
  const items = new Map(Object.entries(initial));
  const asked: string[] = [];
  const store: RefStore = {
    get: async (channel, ref) => {
      asked.push(`get ${channel} ${ref}`);
      return items.get(`${channel} ${ref}`);
    },
    put: async (channel, ref, ts) => {
      asked.push(`put ${channel} ${ref} ${ts}`);
      if (failPut !== undefined) throw failPut;
      items.set(`${channel} ${ref}`, ts);
    },
  };
  return { store, items, asked };
}

describe("backoff", () => {
  const wide: RetryPolicy = { ...policy, baseDelayMs: 1, maxDelayMs: Number.MAX_SAFE_INTEGER };

  it.each([
    // [attempt, random, delay]: doubling from the base, ±20 % jitter around it, rounded.
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [1, 0, 800],
    [1, 1, 1200],
    [2, 0.25, 1800],
    // An attempt number below 1 counts as the first.
    [0, 0.5, 1000],
    [-3, 0.5, 1000],
    // Capped at the policy's longest delay.
    [7, 0.5, 60_000],
    [6, 0.5, 32_000],
  ])("attempt %d with random %d waits %d ms", (attempt, r, delay) => {
    expect(backoffMs(policy, attempt, () => r)).toBe(delay);
  });

  it("rounds to whole milliseconds", () => {
    expect(backoffMs({ ...policy, baseDelayMs: 3 }, 1, () => 0.3)).toBe(3); // 3 × 0.92 = 2.76
    expect(backoffMs({ ...policy, baseDelayMs: 3 }, 1, () => 0.9)).toBe(3); // 3 × 1.16 = 3.48
  });

  it("stops doubling after 30 doublings, so a huge attempt number cannot overflow", () => {
    expect(backoffMs(wide, 31, () => 0.5)).toBe(2 ** 30);
    expect(backoffMs(wide, 1000, () => 0.5)).toBe(2 ** 30);
    expect(backoffMs(wide, 30, () => 0.5)).toBe(2 ** 29);
  });

  it("uses Math.random when no random source is given", () => {
    const spy = jest.spyOn(Math, "random").mockReturnValue(0);
    try {
      expect(backoffMs(policy, 1)).toBe(800);
    } finally {
      spy.mockRestore();
    }
  });

  it("the AWS and local policies are as documented", () => {
    expect(AWS_RETRY_POLICY).toEqual({
      baseDelayMs: 10_000,
      maxDelayMs: 1_800_000,
      maxAttempts: 48,
      maxInlineWaitMs: 10_000,
    });
    expect(LOCAL_RETRY_POLICY).toEqual({
      baseDelayMs: 1000,
      maxDelayMs: 300_000,
      maxAttempts: 200,
      maxInlineWaitMs: 10_000,
    });
  });
});

describe("the decision for each failure", () => {
  const slackError = (status: number, code: string, o: { slackAuth?: boolean } = {}) =>
    new ProxyError(status, "x", { slackError: code, ...o });

  it.each<[string, unknown, number, Outcome]>([
    // Rate limits: back at Retry-After (at least 1 s), whatever the attempt number.
    [
      "429 with Retry-After 7",
      rateLimited("x", 7, 0, "ratelimited"),
      1,
      { kind: "retry", delayMs: 7000, reason: "ratelimited" },
    ],
    [
      "429 on the last attempt",
      rateLimited("x", 2, 0, "ratelimited"),
      5,
      { kind: "retry", delayMs: 2000, reason: "ratelimited" },
    ],
    [
      "429 past the last attempt",
      rateLimited("x", 2, 0, "http_429"),
      50,
      { kind: "retry", delayMs: 2000, reason: "http_429" },
    ],
    ["429 without Retry-After", new ProxyError(429, "x"), 1, { kind: "retry", delayMs: 1000, reason: "http_429" }],
    [
      "429 with Retry-After 0",
      new ProxyError(429, "x", { retryAfterSeconds: 0 }),
      1,
      { kind: "retry", delayMs: 1000, reason: "http_429" },
    ],
    // Refusals that would repeat for ever: dead at once, with Slack's code.
    ["400 with a Slack code", slackError(400, "msg_too_long"), 1, { kind: "dead", reason: "msg_too_long" }],
    ["403 with a Slack code", slackError(403, "not_in_channel"), 1, { kind: "dead", reason: "not_in_channel" }],
    ["404 with a Slack code", slackError(404, "channel_not_found"), 1, { kind: "dead", reason: "channel_not_found" }],
    // Not one of those: a 404 that is not Slack's answer, a refused token, other statuses.
    ["404 without a Slack code", new ProxyError(404, "x"), 1, { kind: "retry", delayMs: 1000, reason: "http_404" }],
    [
      "404 for a refused token",
      slackError(404, "invalid_auth", { slackAuth: true }),
      2,
      { kind: "retry", delayMs: 2000, reason: "invalid_auth" },
    ],
    ["401 with a Slack code", slackError(401, "x_code"), 1, { kind: "retry", delayMs: 1000, reason: "x_code" }],
    ["405 with a Slack code", slackError(405, "x_code"), 1, { kind: "retry", delayMs: 1000, reason: "x_code" }],
    ["502 with a Slack code", slackError(502, "http_500"), 3, { kind: "retry", delayMs: 4000, reason: "http_500" }],
    [
      "503 without a code (an unreadable secret)",
      new ProxyError(503, "x"),
      1,
      { kind: "retry", delayMs: 1000, reason: "http_503" },
    ],
    ["a bug", new TypeError("boom"), 2, { kind: "retry", delayMs: 2000, reason: "internal_error" }],
    ["something thrown that is not an Error", "oops", 1, { kind: "retry", delayMs: 1000, reason: "internal_error" }],
    // Attempts: the last one allowed (maxAttempts 5) still retries until it is used up.
    ["5xx on attempt 4 of 5", slackError(502, "http_503"), 4, { kind: "retry", delayMs: 8000, reason: "http_503" }],
    ["5xx on attempt 5 of 5", slackError(502, "http_503"), 5, { kind: "dead", reason: "attempts_exhausted:http_503" }],
    ["5xx on attempt 6 of 5", slackError(504, "timeout"), 6, { kind: "dead", reason: "attempts_exhausted:timeout" }],
    ["a bug on the last attempt", new Error("boom"), 5, { kind: "dead", reason: "attempts_exhausted:internal_error" }],
    [
      "a refused token on the last attempt",
      slackError(502, "token_revoked", { slackAuth: true }),
      5,
      { kind: "dead", reason: "attempts_exhausted:token_revoked" },
    ],
  ])("%s", async (_name, failure, attempt, outcome) => {
    const { deliverer } = rig({ answers: [failure as Error, failure as Error] });
    expect(await deliverer.deliver(envelope(), { attempt, deadline: 1e12 })).toEqual(outcome);
  });

  it("a retry's delay is the backoff drawn with the deliverer's random source", async () => {
    const { deliverer } = rig({ answers: [upstream("x", { slackError: "http_500" })], random: () => 0 });
    expect(await deliverer.deliver(envelope(), { attempt: 2, deadline: 1e12 })).toEqual({
      kind: "retry",
      delayMs: 1600,
      reason: "http_500",
    });
  });
});

describe("one attempt", () => {
  it("posts a copy of the message with the current token, the attempt's deadline, the Slack budget and the clock", async () => {
    const { deliverer, calls, now } = rig();
    const e = envelope({}, { username: "CI" });
    expect(await deliverer.deliver(e, { attempt: 1, deadline: 1e12 })).toEqual({ kind: "delivered", ts: TS });
    expect(calls).toHaveLength(1);
    expect(calls[0].token).toBe("xoxb-current");
    expect(calls[0].message).toEqual({ channel: "#ops", text: "private words", mrkdwn: true, username: "CI" });
    // Up to a short rate limit's wait, one Slack call and half a second after the attempt began.
    expect(calls[0].options).toEqual({ deadline: 10_000 + 3000 + 2000 + 500, attemptBudgetMs: 2000, now });
  });

  it("never takes longer than the invocation's deadline", async () => {
    const { deliverer, calls } = rig();
    await deliverer.deliver(envelope(), { attempt: 1, deadline: 12_345 });
    expect(calls[0].options.deadline).toBe(12_345);
  });

  it.each([
    ["a Slack ts is posted as it is, without asking the ref store", PARENT_TS, { [`#ops ${REF}`]: "x" }, PARENT_TS, []],
    ["a ref is threaded under the ts it became", REF, { [`#ops ${REF}`]: PARENT_TS }, PARENT_TS, [`get #ops ${REF}`]],
    ["a ref nobody recorded is posted unthreaded", REF, {}, undefined, [`get #ops ${REF}`]],
  ])("%s", async (_name, threadTs, stored, posted, asked) => {
    const refs = memoryRefs(stored);
    const { deliverer, calls, lines } = rig({ refs: refs.store });
    const e = envelope({}, { thread_ts: threadTs });
    expect(await deliverer.deliver(e, { attempt: 1, deadline: 1e12 })).toEqual({ kind: "delivered", ts: TS });
    expect(calls[0].message.thread_ts).toBe(posted);
    expect("thread_ts" in calls[0].message).toBe(posted !== undefined);
    expect(refs.asked).toEqual(asked);
    // The envelope itself is left as it was (it may be attempted again).
    expect(e.message.thread_ts).toBe(threadTs);
    const thread = threadTs === PARENT_TS ? undefined : posted ? "resolved" : "unresolved";
    expect(lines[0].thread).toBe(thread);
    expect("thread" in lines[0]).toBe(thread !== undefined);
  });

  it("without a ref store, a reply to a ref is posted unthreaded", async () => {
    const { deliverer, calls, lines } = rig();
    await deliverer.deliver(envelope({}, { thread_ts: REF }), { attempt: 1, deadline: 1e12 });
    expect("thread_ts" in calls[0].message).toBe(false);
    expect(lines[0].thread).toBe("unresolved");
  });

  it("records the ts a message with a ref became, and only such a message", async () => {
    const refs = memoryRefs();
    const { deliverer } = rig({ refs: refs.store });
    await deliverer.deliver(envelope({ ref: REF }), { attempt: 1, deadline: 1e12 });
    await deliverer.deliver(envelope({ id: "env-2" }), { attempt: 1, deadline: 1e12 });
    expect(refs.asked).toEqual([`put #ops ${REF} ${TS}`]);
    expect(refs.items.get(`#ops ${REF}`)).toBe(TS);
  });

  it("a message with a ref but no ref store is still delivered", async () => {
    const { deliverer } = rig();
    expect(await deliverer.deliver(envelope({ ref: REF }), { attempt: 1, deadline: 1e12 })).toEqual({
      kind: "delivered",
      ts: TS,
    });
  });

  it("a message that failed records no ref", async () => {
    const refs = memoryRefs();
    const { deliverer } = rig({ refs: refs.store, answers: [upstream("x", { slackError: "http_500" })] });
    await deliverer.deliver(envelope({ ref: REF }), { attempt: 1, deadline: 1e12 });
    expect(refs.asked).toEqual([]);
  });

  it.each([
    [
      "an Error: its name",
      Object.assign(new Error("table gone"), { name: "ResourceNotFoundException" }),
      "ResourceNotFoundException",
    ],
    ["anything else: its type", "table gone", "string"],
  ])(
    "a ref store that fails does not make the message go again; the error is logged by %s",
    async (_n, failure, error) => {
      const refs = memoryRefs({}, failure);
      const { deliverer, lines } = rig({ refs: refs.store });
      expect(await deliverer.deliver(envelope({ ref: REF }), { attempt: 1, deadline: 1e12 })).toEqual({
        kind: "delivered",
        ts: TS,
      });
      expect(lines).toEqual([
        { level: "error", msg: "delivery ref not recorded", id: "env-1", channel: "#ops", error },
        expect.objectContaining({ level: "info", msg: "delivery", outcome: "delivered" }),
      ]);
    },
  );
});

describe("a token Slack refuses", () => {
  const refused = () => upstream("x", { slackError: "invalid_auth", slackAuth: true });

  it("reads the secret again and posts once more, with the new token and the same options", async () => {
    const { deliverer, calls, secrets } = rig({ tokens: ["xoxb-old", "xoxb-new"], answers: [refused()] });
    expect(await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 })).toEqual({ kind: "delivered", ts: TS });
    expect(calls.map((c) => c.token)).toEqual(["xoxb-old", "xoxb-new"]);
    expect(calls[1].options).toBe(calls[0].options);
    expect(calls[1].message).toEqual(calls[0].message);
    expect(secrets).toEqual({ gets: 2, invalidations: 1 });
  });

  it("the new token refused too: a retry with Slack's code, and no third call", async () => {
    const { deliverer, calls } = rig({ tokens: ["xoxb-old", "xoxb-new"], answers: [refused(), refused()] });
    expect(await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 })).toEqual({
      kind: "retry",
      delayMs: 1000,
      reason: "invalid_auth",
    });
    expect(calls).toHaveLength(2);
  });

  it("the secret still holds the refused token: no second call with it", async () => {
    const { deliverer, calls, secrets } = rig({ tokens: ["xoxb-old"], answers: [refused()] });
    expect(await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 })).toEqual({
      kind: "retry",
      delayMs: 1000,
      reason: "invalid_auth",
    });
    expect(calls).toHaveLength(1);
    expect(secrets).toEqual({ gets: 2, invalidations: 1 });
  });

  it.each([
    ["a failure that is not about the token", upstream("x", { slackError: "http_500" })],
    // Only the proxy's own errors say the token was refused.
    ["a foreign error that only looks like one", Object.assign(new Error("x"), { slackAuth: true })],
  ])("%s: the secret is not read again", async (_name, failure) => {
    const { deliverer, calls, secrets } = rig({ tokens: ["xoxb-old", "xoxb-new"], answers: [failure] });
    await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 });
    expect(calls).toHaveLength(1);
    expect(secrets).toEqual({ gets: 1, invalidations: 0 });
  });
});

describe("the log line of an attempt", () => {
  // The clock moves 7 ms per reading: the attempt starts at 10 000 and its line is written at the next reading.
  it.each<[string, Error | undefined, Record<string, unknown>]>([
    ["delivered", undefined, { level: "info", outcome: "delivered", ts: TS }],
    [
      "retry",
      upstream("x", { slackError: "http_500" }),
      { level: "info", outcome: "retry", reason: "http_500", delayMs: 2000 },
    ],
    [
      "dead",
      new ProxyError(404, "x", { slackError: "channel_not_found" }),
      { level: "error", outcome: "dead", reason: "channel_not_found" },
    ],
  ])("%s", async (_name, failure, expected) => {
    const { deliverer, lines } = rig({ answers: [failure], tick: 7 });
    await deliverer.deliver(envelope({ route: "room.message" }), { attempt: 2, deadline: 1e12 });
    expect(lines).toEqual([
      {
        msg: "delivery",
        id: "env-1",
        channel: "#ops",
        route: "room.message",
        attempt: 2,
        queuedMs: 1000,
        ...expected,
        ms: 7,
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/private words|xoxb/);
  });

  it.each<[string, Error | undefined, string[]]>([
    ["delivered", undefined, ["ts"]],
    ["retry", upstream("x", { slackError: "http_500" }), ["reason", "delayMs"]],
    ["dead", new ProxyError(400, "x", { slackError: "no_text" }), ["reason"]],
  ])("%s: the fields handed to the logger are only the ones that apply", async (_name, failure, specific) => {
    // Any Logger gets them (not only the JSON one, which drops undefined values): no empty keys.
    const fields: Record<string, unknown>[] = [];
    const record = (_m: string, f?: Record<string, unknown>) => fields.push(f ?? {});
    const deliverer = createDeliverer({
      secrets: { get: async () => ({ slackToken: "xoxb-t", tokens: [] }), invalidate: () => undefined },
      slack: { post: async (_t, m) => (failure ? Promise.reject(failure) : { channel: m.channel, ts: TS }) },
      log: { request: () => undefined, info: record, error: record },
      policy,
      slackTimeoutMs: 2000,
      now: () => 0,
      random: () => 0.5,
    });
    await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 });
    expect(Object.keys(fields[0])).toEqual([
      "id",
      "channel",
      "route",
      "attempt",
      "queuedMs",
      "outcome",
      ...specific,
      "ms",
    ]);
  });

  it("uses the real clock when none is given", async () => {
    const lines: Record<string, unknown>[] = [];
    const deliverer = createDeliverer({
      secrets: { get: async () => ({ slackToken: "xoxb-t", tokens: [] }), invalidate: () => undefined },
      slack: { post: async (_t, m) => ({ channel: m.channel, ts: TS }) },
      log: createLogger((l) => lines.push(JSON.parse(l))),
      policy,
      slackTimeoutMs: 2000,
    });
    const before = Date.now();
    await deliverer.deliver(envelope({ acceptedAt: before - 60_000 }), { attempt: 1, deadline: before + 60_000 });
    expect(lines[0].queuedMs).toBeGreaterThanOrEqual(60_000);
    expect(lines[0].queuedMs).toBeLessThan(120_000);
  });

  it("uses Math.random for the jitter when no random source is given", async () => {
    const spy = jest.spyOn(Math, "random").mockReturnValue(1);
    try {
      const deliverer = createDeliverer({
        secrets: { get: async () => ({ slackToken: "xoxb-t", tokens: [] }), invalidate: () => undefined },
        slack: { post: async () => Promise.reject(upstream("x", { slackError: "http_500" })) },
        log: createLogger(() => undefined),
        policy,
        slackTimeoutMs: 2000,
        now: () => 0,
      });
      expect(await deliverer.deliver(envelope(), { attempt: 1, deadline: 1e12 })).toEqual({
        kind: "retry",
        delayMs: 1200,
        reason: "http_500",
      });
    } finally {
      spy.mockRestore();
    }
  });
});
