/**
 * Slack faults through the whole Lambda handler (`createLambdaHandler`: real AWS SDK to a Secrets
 * Manager stand-in, real `@slack/web-api` to a Slack stand-in, both on 127.0.0.1), and the proof of
 * the delivery semantics the README states: at most once per request, the client owning retries.
 *
 * - 2xx ⇒ the message is in Slack exactly once;
 * - 4xx other than 429 ⇒ it is not in Slack (a permanent refusal: retrying would not help);
 * - 429/502/503/504 ⇒ the client is told to retry; the message is not in Slack, except after a
 *   fault where Slack itself posted before failing the answer (5xx after posting, lost answer,
 *   timeout), which the proxy cannot tell apart from a failure before posting. Those answers are
 *   502/504 only, and the proxy never retries them itself, so it never duplicates.
 *
 * tests/integration/slack.test.ts covers the Slack edge (`postMessage`) alone; this suite asserts
 * what the HipChat client receives.
 */
import * as fc from "fast-check";
import type { ALBResult } from "aws-lambda";
import { albEvent, resultHeaders } from "../support/albEvents";
import { albResultProblems, hipchatErrorProblems, rateLimitProblems } from "../support/albAssert";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import type { SlackCall, SlackFault } from "../support/slackStandIn";

const HIPCHAT_TOKEN = "hipchat-faults-token-0123456789";
/** Short, so "never answers" costs little; the handler reserves it before any retry after a 429. */
const SLACK_TIMEOUT_MS = 400;
/** Rooms r0…r79 → #r0…#r79: concurrent requests in the property test each get their own channel. */
const ROOMS = Object.fromEntries([["Ops", "#ops"], ...Array.from({ length: 80 }, (_, i) => [`r${i}`, `#r${i}`])]);
const ROOMY_MS = 20_000;
/** Less than Retry-After (1 s) + SLACK_TIMEOUT_MS + the handler's 750 ms margin: no time to wait. */
const TIGHT_MS = 1_500;

/** Per message id, the faults its successive Slack calls get (consumed in order). */
const plans = new Map<string, SlackFault[]>();
const idOf = (call: SlackCall) => /\bmsg-[\w-]+/.exec(String(call.body.text ?? ""))?.[0];

let rig: LambdaRig;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: HIPCHAT_TOKEN }],
    env: {
      ROOM_CHANNELS: JSON.stringify(ROOMS),
      USER_MAP: JSON.stringify({ "alice@example.com": "U0ALICE01" }),
      SLACK_TIMEOUT_MS: String(SLACK_TIMEOUT_MS),
    },
    slack: {
      faultFor: (call) => {
        const id = idOf(call);
        return id ? plans.get(id)?.shift() : undefined;
      },
    },
  });
});
afterAll(() => rig.close());
beforeEach(() => {
  stdout = captureStdout();
  plans.clear();
});
afterEach(() => stdout.restore());

interface Send {
  room?: string;
  from?: string;
  user?: string;
}
const eventFor = (id: string, s: Send = {}) =>
  albEvent({
    url: s.user
      ? `/v2/user/${s.user}/message?auth_token=${HIPCHAT_TOKEN}`
      : `/v2/room/${s.room ?? "Ops"}/notification?auth_token=${HIPCHAT_TOKEN}`,
    json: { message: `${id} build 42 finished`, message_format: "text", ...(s.from ? { from: s.from } : {}) },
    headerForm: "multi",
  });
const deliveredOf = (id: string) => rig.slack.delivered.filter((c) => idOf(c) === id);
const callsOf = (id: string) => rig.slack.calls.filter((c) => idOf(c) === id);

/** Every event here is in the multi-value form, as the deployed target group sends them. */
const MULTI = eventFor("msg-form");

function expectWellFormed(res: ALBResult): void {
  expect(albResultProblems(MULTI, res)).toEqual([]);
  if (res.statusCode >= 400) expect(hipchatErrorProblems(res)).toEqual([]);
  if (res.statusCode === 429) expect(rateLimitProblems(res)).toEqual([]);
}

let seq = 0;
const nextId = () => `msg-${++seq}`;

describe("each Slack fault → the HipChat answer", () => {
  it.each<[string, SlackFault[], number, number, number, number]>([
    // name, faults on successive calls, Lambda time left, status, delivered, Slack calls
    [
      "429 with Retry-After, time to wait",
      [{ kind: "status", status: 429, headers: { "retry-after": "1" } }],
      ROOMY_MS,
      204,
      1,
      2,
    ],
    [
      "429 with Retry-After beyond the deadline",
      [{ kind: "status", status: 429, headers: { "retry-after": "30" } }],
      ROOMY_MS,
      429,
      0,
      1,
    ],
    [
      "429 with Retry-After, no time left",
      [{ kind: "status", status: 429, headers: { "retry-after": "1" } }],
      TIGHT_MS,
      429,
      0,
      1,
    ],
    ["429 without Retry-After, time to wait", [{ kind: "status", status: 429 }], ROOMY_MS, 204, 1, 2],
    ["429 without Retry-After, no time left", [{ kind: "status", status: 429 }], TIGHT_MS, 429, 0, 1],
    [
      "two 429s in a row, time to wait",
      [
        { kind: "status", status: 429, headers: { "retry-after": "1" } },
        { kind: "status", status: 429, headers: { "retry-after": "1" } },
      ],
      ROOMY_MS,
      204,
      1,
      3,
    ],
    ["ok:false ratelimited, time to wait", [{ kind: "error", error: "ratelimited" }], ROOMY_MS, 204, 1, 2],
    ["ok:false ratelimited, no time left", [{ kind: "error", error: "ratelimited" }], TIGHT_MS, 429, 0, 1],
    ["HTTP 500", [{ kind: "status", status: 500 }], ROOMY_MS, 502, 0, 1],
    ["HTTP 502", [{ kind: "status", status: 502 }], ROOMY_MS, 502, 0, 1],
    ["HTTP 503", [{ kind: "status", status: 503 }], ROOMY_MS, 502, 0, 1],
    ["HTTP 504", [{ kind: "status", status: 504 }], ROOMY_MS, 502, 0, 1],
    ["HTTP 500 after Slack posted", [{ kind: "status", status: 500, afterDelivery: true }], ROOMY_MS, 502, 1, 1],
    ["HTTP 503 after Slack posted", [{ kind: "status", status: 503, afterDelivery: true }], ROOMY_MS, 502, 1, 1],
    ["never answers", [{ kind: "hang" }], ROOMY_MS, 504, 0, 1],
    ["never answers after posting", [{ kind: "hang", afterDelivery: true }], ROOMY_MS, 504, 1, 1],
    ["connection reset", [{ kind: "reset" }], ROOMY_MS, 502, 0, 1],
    ["connection reset after posting", [{ kind: "reset", afterDelivery: true }], ROOMY_MS, 502, 1, 1],
    ["HTML error page with 200", [{ kind: "status", status: 200, body: "<html>upstream</html>" }], ROOMY_MS, 502, 0, 1],
  ])("%s", async (_name, faults, remainingMs, status, delivered, calls) => {
    const id = nextId();
    plans.set(id, [...faults]);
    const started = Date.now();
    const res = await rig.coldStart()(eventFor(id, { room: "Ops" }), lambdaContext(remainingMs));
    expect(res.statusCode).toBe(status);
    expectWellFormed(res);
    expect(deliveredOf(id)).toHaveLength(delivered);
    expect(callsOf(id)).toHaveLength(calls);
    if (status === 429) {
      // Answered at once, with the reset time Slack gave (never earlier).
      expect(Date.now() - started).toBeLessThan(1_000);
      const retryAfter = Number(faults[0].kind === "status" ? (faults[0].headers?.["retry-after"] ?? 1) : 1);
      expect(Number(resultHeaders(res)["x-ratelimit-reset"])).toBeGreaterThanOrEqual(
        Math.floor(started / 1000) + retryAfter,
      );
    }
    if (status === 504) expect(Date.now() - started).toBeLessThan(SLACK_TIMEOUT_MS + 1_500);
  });

  // Every platform error slack.ts maps (PLATFORM_ERRORS), each refusing the message before posting.
  // Always three values per row: jest reads a missing one as a `done` callback.
  it.each<[string, number, Send]>([
    ["channel_not_found", 404, {}],
    ["not_in_channel", 403, {}],
    ["is_archived", 403, {}],
    ["restricted_action", 403, {}],
    ["cannot_dm_bot", 403, { user: "alice@example.com" }],
    ["user_not_found", 404, { user: "alice@example.com" }],
    ["msg_too_long", 400, {}],
    ["no_text", 400, {}],
    ["too_many_attachments", 400, {}],
    ["invalid_blocks", 400, {}],
    ["invalid_attachments", 400, {}],
    ["missing_scope", 502, {}], // without `from` there is nothing to fall back from
    ["fatal_error", 502, {}],
    ["some_error_slack_adds_next_year", 502, {}],
  ])("ok:false %s → %s, nothing posted", async (error, status, send) => {
    const id = nextId();
    plans.set(id, [{ kind: "error", error }]);
    const res = await rig.coldStart()(eventFor(id, send), lambdaContext(ROOMY_MS));
    expect(res.statusCode).toBe(status);
    expectWellFormed(res);
    expect(deliveredOf(id)).toHaveLength(0);
    expect(callsOf(id)).toHaveLength(1);
    // The log keeps Slack's code for operators.
    expect(stdout.lines().some((l) => l.includes(`"slackError":"${error}"`))).toBe(true);
  });

  it.each(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"])(
    "ok:false %s with an unchanged secret → one secret refresh, then 502, nothing posted",
    async (error) => {
      const handler = rig.coldStart();
      // A first message settles the cold-start fetch, so the refresh below is counted alone.
      expect((await handler(eventFor(nextId()), lambdaContext(ROOMY_MS))).statusCode).toBe(204);
      const before = rig.secretFetches();
      const id = nextId();
      plans.set(id, [{ kind: "error", error }]);
      const res = await handler(eventFor(id), lambdaContext(ROOMY_MS));
      expect(res.statusCode).toBe(502);
      expectWellFormed(res);
      expect(rig.secretFetches() - before).toBe(1);
      expect(callsOf(id)).toHaveLength(1);
      expect(deliveredOf(id)).toHaveLength(0);
    },
  );

  it("missing_scope with a `from` label → resent once with a bold prefix, delivered once", async () => {
    const id = nextId();
    plans.set(id, [{ kind: "error", error: "missing_scope" }]);
    const res = await rig.coldStart()(eventFor(id, { from: "Jenkins" }), lambdaContext(ROOMY_MS));
    expect(res.statusCode).toBe(204);
    expect(callsOf(id)).toHaveLength(2);
    expect(deliveredOf(id)).toHaveLength(1);
    expect(String(deliveredOf(id)[0].body.text)).toMatch(/^\*Jenkins\*/);
    expect(deliveredOf(id)[0].body.username).toBeUndefined();
  });

  it("missing_scope twice → 502 after exactly one fallback", async () => {
    const id = nextId();
    plans.set(id, [
      { kind: "error", error: "missing_scope" },
      { kind: "error", error: "missing_scope" },
    ]);
    const res = await rig.coldStart()(eventFor(id, { from: "Jenkins" }), lambdaContext(ROOMY_MS));
    expect(res.statusCode).toBe(502);
    expect(callsOf(id)).toHaveLength(2);
    expect(deliveredOf(id)).toHaveLength(0);
  });
});

/** The faults the property test draws from, with whether Slack posts before failing. */
const FAULTS: SlackFault[] = [
  { kind: "status", status: 429, headers: { "retry-after": "1" } },
  { kind: "status", status: 429 },
  { kind: "error", error: "ratelimited" },
  { kind: "status", status: 500 },
  { kind: "status", status: 503 },
  { kind: "status", status: 500, afterDelivery: true },
  { kind: "status", status: 503, afterDelivery: true },
  { kind: "hang" },
  { kind: "hang", afterDelivery: true },
  { kind: "reset" },
  { kind: "reset", afterDelivery: true },
  { kind: "error", error: "channel_not_found" },
  { kind: "error", error: "not_in_channel" },
  { kind: "error", error: "is_archived" },
  { kind: "error", error: "msg_too_long" },
  { kind: "error", error: "invalid_auth" },
  { kind: "error", error: "missing_scope" },
  { kind: "error", error: "internal_error" },
];
const RATE_LIMITS = (f: SlackFault) =>
  (f.kind === "status" && f.status === 429) || (f.kind === "error" && f.error === "ratelimited");
const POSTS_FIRST = (f: SlackFault) => "afterDelivery" in f && f.afterDelivery === true;

/**
 * What the proxy must answer for a plan, by the README's rules: a 429 is waited out while time
 * allows, `missing_scope` with a `from` falls back once, anything else ends the request.
 */
function expectedStatus(faults: readonly SlackFault[], roomy: boolean, from: boolean): number {
  let fellBack = false;
  for (const f of faults) {
    if (RATE_LIMITS(f)) {
      if (!roomy) return 429;
      continue;
    }
    if (f.kind === "error" && f.error === "missing_scope" && from && !fellBack) {
      fellBack = true;
      continue;
    }
    if (f.kind === "hang") return 504;
    if (f.kind === "reset" || f.kind === "status") return 502;
    return { channel_not_found: 404, not_in_channel: 403, is_archived: 403, msg_too_long: 400 }[f.error] ?? 502;
  }
  return 204;
}

describe("delivery semantics under random faults: at most once, never lost silently", () => {
  it("2xx ⇒ delivered exactly once; error ⇒ not delivered, or 502/504 after Slack posted, and the client is told to retry", async () => {
    const request = fc.record({
      // Up to two faults on successive attempts (a third attempt only follows a 429 or a fallback).
      faults: fc.array(fc.constantFrom(...FAULTS), { maxLength: 2 }),
      roomy: fc.boolean(),
      from: fc.boolean(),
    });
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 10, maxLength: 30 }), async (requests) => {
        const handler = rig.coldStart();
        const ids = requests.map(() => nextId());
        for (const [i, r] of requests.entries()) plans.set(ids[i], [...r.faults]);
        // Concurrently, each on its own channel: the faults follow each message, not arrival order.
        const results = await Promise.all(
          requests.map((r, i) =>
            handler(
              eventFor(ids[i], { room: `r${i}`, from: r.from ? "CI" : undefined }),
              lambdaContext(r.roomy ? ROOMY_MS : TIGHT_MS),
            ),
          ),
        );
        requests.forEach((r, i) => {
          const res = results[i];
          const delivered = deliveredOf(ids[i]).length;
          const why = `${ids[i]} ${JSON.stringify(r)} → ${res.statusCode} ${res.body ?? ""}, delivered ${delivered}`;
          expect([why, albResultProblems(MULTI, res)]).toEqual([why, []]);
          expect([why, res.statusCode]).toEqual([why, expectedStatus(r.faults, r.roomy, r.from)]);
          // Never more than once, whatever happened.
          expect([why, delivered <= 1]).toEqual([why, true]);
          if (res.statusCode < 300) {
            expect([why, delivered]).toEqual([why, 1]);
          } else if ([429, 502, 503, 504].includes(res.statusCode)) {
            // Retryable: HipChat-shaped, with the reset time on a 429. Delivered only where Slack
            // posted before failing, and only then may the client's retry produce a duplicate.
            expect([why, hipchatErrorProblems(res)]).toEqual([why, []]);
            if (res.statusCode === 429) expect([why, rateLimitProblems(res)]).toEqual([why, []]);
            const slackPosted = r.faults.some(POSTS_FIRST);
            expect([why, delivered === 0 || (slackPosted && [502, 504].includes(res.statusCode))]).toEqual([why, true]);
          } else {
            // A permanent refusal: nothing was posted, so nothing is lost by not retrying.
            expect([why, res.statusCode >= 400 && res.statusCode < 500]).toEqual([why, true]);
            expect([why, hipchatErrorProblems(res)]).toEqual([why, []]);
            expect([why, delivered]).toEqual([why, 0]);
          }
          checked += 1;
        });
      }),
      // Seeded: the same plans every run. Each run waits out at most a few 1 s Retry-Afters, in parallel.
      { numRuns: 8, seed: 20240605, endOnFailure: true },
    );
    expect(checked).toBeGreaterThanOrEqual(80);
  }, 90_000);
});

describe("rate-limit pacing per channel (handler/pacing.ts)", () => {
  it("after Slack's 429, the next request for that channel waits its turn or is answered 429 without calling Slack", async () => {
    const handler = rig.coldStart();
    const a = nextId();
    plans.set(a, [{ kind: "status", status: 429, headers: { "retry-after": "30" } }]);
    const first = await handler(eventFor(a, { room: "r40" }), lambdaContext(ROOMY_MS));
    expect(first.statusCode).toBe(429);
    const reset = Number(resultHeaders(first)["x-ratelimit-reset"]);

    // Same container, same channel, within Slack's 30 s: refused at once, Slack not called.
    const b = nextId();
    const started = Date.now();
    const second = await handler(eventFor(b, { room: "r40" }), lambdaContext(ROOMY_MS));
    expect(second.statusCode).toBe(429);
    expectWellFormed(second);
    expect(Date.now() - started).toBeLessThan(500);
    expect(callsOf(b)).toHaveLength(0);
    expect(Number(resultHeaders(second)["x-ratelimit-reset"])).toBeGreaterThanOrEqual(reset);

    // Other channels are not held back.
    const c = nextId();
    expect((await handler(eventFor(c, { room: "r41" }), lambdaContext(ROOMY_MS))).statusCode).toBe(204);
  });

  it("requests waiting on one limited channel take turns one second apart, one Slack call each", async () => {
    const handler = rig.coldStart();
    const [a, b, c, d] = [nextId(), nextId(), nextId(), nextId()];
    plans.set(a, [{ kind: "status", status: 429, headers: { "retry-after": "1" } }]);
    const t0 = Date.now();
    const pa = handler(eventFor(a, { room: "r42" }), lambdaContext(ROOMY_MS));
    // Let Slack refuse `a` first, so the channel is known to be limited.
    while (callsOf(a).length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    const pb = handler(eventFor(b, { room: "r42" }), lambdaContext(ROOMY_MS));
    const pc = handler(eventFor(c, { room: "r42" }), lambdaContext(ROOMY_MS));
    // Too little time to wait for the third turn: answered at once, with that turn as reset time.
    const rd = await handler(eventFor(d, { room: "r42" }), lambdaContext(TIGHT_MS + 1_000));
    expect(rd.statusCode).toBe(429);
    expect(Number(resultHeaders(rd)["x-ratelimit-reset"])).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) + 3);
    expect(callsOf(d)).toHaveLength(0);

    const results = await Promise.all([pa, pb, pc]);
    expect(results.map((r) => r.statusCode)).toEqual([204, 204, 204]);
    // a: refused once, then its turn; b and c: one call each, at their turns.
    expect([callsOf(a).length, callsOf(b).length, callsOf(c).length]).toEqual([2, 1, 1]);
    expect(rig.slack.delivered.filter((x) => [a, b, c].includes(idOf(x) ?? "")).map(idOf)).toEqual([a, b, c]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
  }, 15_000);
});
