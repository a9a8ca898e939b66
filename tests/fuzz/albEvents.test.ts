/**
 * Fuzzing the handler with fast-check: over 10,000 generated ALB events (tests/fuzz/arbitraries.ts)
 * through the in-process proxy with a recording Slack gateway, and a share of them through the whole
 * Lambda handler with the real Slack client against the Slack stand-in.
 *
 * For every event: the handler never throws, never answers 5xx, and always returns a valid ALB result
 * in the event's header form, with no client-supplied CR/LF in a header. Every 4xx is HipChat-shaped
 * and sent nothing to Slack. Invalid-by-construction requests always get a 4xx, and valid ones a 2xx
 * (unless injection set one of their fields); a field holding an
 * object built to break string conversion (`{"toString":1}`…, in every field position of every
 * message route) gets a 400 naming that field. A 2xx sent exactly the messages its route implies.
 * No log line is over 8 KB, and none holds a token.
 *
 * Seeded, so every run checks the same events; bounded by counts (and a generous time limit).
 */
import * as fc from "fast-check";
import type { ALBEvent, ALBResult } from "aws-lambda";
import { createHarness } from "../support/proxyHarness";
import { albResultProblems, hipchatErrorProblems } from "../support/albAssert";
import { lambdaContext, startLambdaRig, captureStdout, type LambdaRig } from "../support/lambdaRig";
import { TOKENS } from "../support/proxyHarness";
import {
  invalidCase,
  oddEvent,
  repeatedKeys,
  toAlbEvent,
  validCase,
  withInjection,
  type FuzzCase,
} from "./arbitraries";

const SEED = 0x5eed_2024;
let checked = 0;
/** Answers per case kind and status, to check the generators exercise what they claim to. */
const tally = new Map<string, Map<number, number>>();
const count = (label: string, status: number) => {
  const byStatus = tally.get(label) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  tally.set(label, byStatus);
};

/** Everything wrong with an answer to one case; empty when it follows the rules. */
function problemsWith(
  c: FuzzCase | undefined,
  event: ALBEvent,
  result: ALBResult | undefined,
  thrown: unknown,
  sent: number,
): string[] {
  if (thrown !== undefined) return [`threw ${thrown instanceof Error ? thrown.stack : String(thrown)}`];
  const problems = albResultProblems(event, result);
  if (!result || problems.length) return problems;
  const status = result.statusCode;
  if (status >= 500) problems.push(`5xx: ${result.body}`);
  if (status >= 400) {
    problems.push(...hipchatErrorProblems(result));
    if (sent !== 0) problems.push(`a ${status} sent ${sent} message(s) to Slack`);
  }
  if (c?.expect === "reject" && (status < 400 || status >= 500)) problems.push(`invalid request answered ${status}`);
  if (c?.expect === "accept" && (status < 200 || status >= 300)) problems.push(`valid request answered ${status}`);
  if (c?.names !== undefined) {
    const message = (JSON.parse(result.body ?? "{}") as { error?: { message?: unknown } }).error?.message;
    const named =
      typeof message === "string" &&
      message.startsWith(`Field ${c.names}`) &&
      /^[ .]/.test(message.slice(6 + c.names.length));
    if (status !== 400 || !named) problems.push(`expected a 400 naming ${c.names}, got ${status} ${String(message)}`);
  }
  if (status < 300) {
    if (c && sent !== c.sends) problems.push(`a ${status} sent ${sent} message(s), expected ${c.sends}`);
    if (!c && sent > 1) problems.push(`sent ${sent} messages for one request`);
  }
  return problems;
}

/** Log lines over 8 KB, or holding a token the harness accepts. */
function logProblems(logs: Record<string, unknown>[]): string[] {
  return logs.flatMap((entry) => {
    const line = JSON.stringify(entry);
    const problems: string[] = [];
    if (Buffer.byteLength(line) > 8 * 1024) problems.push(`a log line of ${Buffer.byteLength(line)} bytes`);
    for (const token of [TOKENS.admin, TOKENS.opsOnly]) if (line.includes(token)) problems.push("a token in the log");
    return problems;
  });
}

const describeCase = (c: FuzzCase, result?: ALBResult) =>
  `${fc.stringify(c)} → ${result?.statusCode} ${result?.body?.slice(0, 300) ?? ""}`;

describe("in-process proxy with a recording Slack gateway", () => {
  const h = createHarness();
  const run = async (c: FuzzCase): Promise<void> => {
    const event = toAlbEvent(c.req);
    const before = h.sent.length;
    let result: ALBResult | undefined;
    let thrown: unknown;
    try {
      result = await h.invoke(event);
    } catch (err) {
      thrown = err ?? "undefined";
    }
    const problems = [...problemsWith(c, event, result, thrown, h.sent.length - before), ...logProblems(h.logs)];
    count(c.label, result?.statusCode ?? 0);
    h.sent.length = 0;
    h.logs.length = 0;
    checked += 1;
    if (problems.length) throw new Error(`${problems.join("; ")}\n${describeCase(c, result)}`);
  };
  const params = (numRuns: number, offset: number) => ({ numRuns, seed: SEED + offset, endOnFailure: true });

  it("invalid requests → HipChat-shaped 4xx, nothing sent (5,000 events)", async () => {
    await fc.assert(fc.asyncProperty(invalidCase, run), params(5_000, 1));
  }, 120_000);

  it("invalid requests with header and query injection → same verdict (1,500 events)", async () => {
    await fc.assert(fc.asyncProperty(withInjection(invalidCase), run), params(1_500, 2));
  }, 60_000);

  it("valid requests with hostile content → each a 2xx with exactly the messages its route sends (2,500 events)", async () => {
    await fc.assert(fc.asyncProperty(validCase, run), params(2_500, 3));
  }, 60_000);

  it("valid requests with header and query injection (1,000 events)", async () => {
    await fc.assert(fc.asyncProperty(withInjection(validCase), run), params(1_000, 4));
  }, 60_000);

  it("repeated keys in both header forms (200 events)", async () => {
    await fc.assert(fc.asyncProperty(repeatedKeys, run), params(200, 5));
  }, 30_000);

  it("events with missing or null parts still get an answer, never a throw (500 events)", async () => {
    await fc.assert(
      fc.asyncProperty(oddEvent, async (event) => {
        const before = h.sent.length;
        let result: ALBResult | undefined;
        let thrown: unknown;
        try {
          result = await h.invoke(event);
        } catch (err) {
          thrown = err ?? "undefined";
        }
        const problems = [
          ...problemsWith(undefined, event, result, thrown, h.sent.length - before),
          ...logProblems(h.logs),
        ];
        h.sent.length = 0;
        h.logs.length = 0;
        checked += 1;
        if (problems.length)
          throw new Error(`${problems.join("; ")}\n${JSON.stringify(event)} → ${JSON.stringify(result)}`);
      }),
      params(500, 6),
    );
  }, 30_000);
});

describe("the whole Lambda handler, real Slack client, Slack stand-in", () => {
  let rig: LambdaRig;
  beforeAll(async () => {
    rig = await startLambdaRig({
      hipchatTokens: [{ token: TOKENS.admin }, { token: TOKENS.opsOnly, rooms: ["ops"] }],
      env: {
        ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "42": "#deploys", "my room": { channel: "C0123ABCD", id: 7 } }),
        USER_MAP: JSON.stringify({ "alice@example.com": "U0ALICE01", "@bob": "U0BOB0001", "123": "U0CAROL01" }),
      },
    });
  });
  afterAll(() => rig.close());

  it("a share of the same events: 4xx reach nothing, a 2xx reached Slack exactly as its route implies (400 events)", async () => {
    const stdout = captureStdout();
    try {
      const handler = rig.coldStart();
      const mixed = fc.oneof(
        { arbitrary: invalidCase, weight: 1 },
        { arbitrary: validCase, weight: 1 },
        { arbitrary: withInjection(validCase), weight: 1 },
      );
      await fc.assert(
        fc.asyncProperty(mixed, async (c) => {
          const event = toAlbEvent(c.req);
          const before = rig.slack.delivered.length;
          const callsBefore = rig.slack.calls.length;
          let result: ALBResult | undefined;
          let thrown: unknown;
          try {
            result = await handler(event, lambdaContext(20_000));
          } catch (err) {
            thrown = err ?? "undefined";
          }
          const problems = problemsWith(c, event, result, thrown, rig.slack.delivered.length - before);
          // Refused requests never even call Slack (not merely "were not posted").
          if (result && result.statusCode >= 400 && rig.slack.calls.length !== callsBefore)
            problems.push("a refused request called Slack");
          checked += 1;
          if (problems.length) throw new Error(`${problems.join("; ")}\n${describeCase(c, result)}`);
        }),
        { numRuns: 400, seed: SEED + 7, endOnFailure: true },
      );
    } finally {
      stdout.restore();
    }
  }, 60_000);
});

afterAll(() => {
  if (process.env.FUZZ_STATS) {
    for (const [label, byStatus] of [...tally].sort())
      process.stderr.write(`${label}: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}\n`);
  }
  // The issue asks for at least 10,000 generated requests; count what actually ran.
  expect(checked).toBeGreaterThanOrEqual(10_000);
  // The generators do what they claim: valid requests mostly succeed (a "valid" request may still
  // be refused, e.g. when injection replaced its room_id), and every kind of invalid one ran.
  const share2xx = (label: string) => {
    const byStatus = [...(tally.get(label) ?? new Map<number, number>())];
    const total = byStatus.reduce((n, [, k]) => n + k, 0);
    return total === 0 ? 0 : byStatus.filter(([s]) => s < 300).reduce((n, [, k]) => n + k, 0) / total;
  };
  expect(share2xx("valid")).toBeGreaterThan(0.95);
  expect(share2xx("v1 message")).toBeGreaterThan(0.95);
  for (const label of [
    "malformed JSON",
    "malformed form",
    "wrong field type or length",
    "hostile field value",
    "oversized logged parts",
    "deeply nested",
    "over 1 MB",
    "invalid UTF-8",
    "bad base64",
    "hostile room name",
    "missing or unknown token",
    "unknown route or method",
  ]) {
    expect([label, [...(tally.get(label)?.values() ?? [])].reduce((a, b) => a + b, 0) >= 40]).toEqual([label, true]);
  }
});
