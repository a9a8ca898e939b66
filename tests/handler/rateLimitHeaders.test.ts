/**
 * X-Ratelimit-Limit, -Remaining and -Reset on every authenticated answer, 2xx included ("your current
 * rate limit usage is returned in the response headers from each request you make"), derived from
 * the container's real per-channel pacing: Remaining is 0 only when the next message to the room
 * would be paced or refused, and Reset (Unix seconds) is when that ends.
 *
 * Through the whole Lambda handler, against a Slack stand-in that enforces Slack's one message per
 * second per channel (a token bucket of one).
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { rateLimitProblems } from "../support/albAssert";
import { albEvent, healthCheckEvent, resultHeaders } from "../support/albEvents";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";

const TOKEN = "rate-limit-token-0123456789";
const q = `auth_token=${TOKEN}`;

let rig: LambdaRig;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: TOKEN }],
    env: {
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", Deploys: "#deploys", Quiet: "#quiet" }),
      // One Slack call fits in a 10 s invocation beside a one-second wait for the next turn.
      SLACK_TIMEOUT_MS: "1000",
    },
    slack: { rateLimit: { perSecond: 1, burst: 1 } },
  });
  stdout = captureStdout();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
beforeEach(() => {
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
});

/** The three headers, as numbers. */
function limits(res: ALBResult): { limit: number; remaining: number; reset: number } {
  const h = resultHeaders(res);
  for (const name of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
    expect(h[name]).toMatch(/^\d+$/);
  }
  return {
    limit: Number(h["x-ratelimit-limit"]),
    remaining: Number(h["x-ratelimit-remaining"]),
    reset: Number(h["x-ratelimit-reset"]),
  };
}
const nowSeconds = () => Math.ceil(Date.now() / 1000);
const notify = (room: string, message: string) =>
  albEvent({ url: `/v2/room/${room}/notification?${q}`, json: { message, message_format: "text" } });

describe("one container, one channel at Slack's pace", () => {
  let handler: AlbHandler;
  beforeAll(() => {
    handler = rig.coldStart();
  });
  const invoke = (event: ALBEvent, remainingMs = 10_000) => handler(event, lambdaContext(remainingMs));

  it("a free channel: 204 with Limit 1, Remaining 1, Reset now", async () => {
    const before = nowSeconds();
    const res = await invoke(notify("Ops", "first"));
    expect(res.statusCode).toBe(204);
    const l = limits(res);
    expect(l).toEqual({ limit: 1, remaining: 1, reset: expect.any(Number) });
    expect(l.reset).toBeGreaterThanOrEqual(before);
    expect(l.reset).toBeLessThanOrEqual(nowSeconds());
    expect(rig.slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "first", mrkdwn: "true" }]);
  });

  it("a message Slack rate-limited and the proxy paced: 204 with Remaining 0 until the next turn", async () => {
    const res = await invoke(notify("Ops", "second"));
    expect(res.statusCode).toBe(204);
    const l = limits(res);
    expect(l.remaining).toBe(0);
    // The next turn is one second after this message went: in the future, within a few seconds.
    expect(l.reset).toBeGreaterThanOrEqual(nowSeconds());
    expect(l.reset).toBeLessThanOrEqual(nowSeconds() + 3);
    // Slack refused once (429) and took the retry.
    expect(rig.slack.calls.map((c) => c.body.text)).toEqual(["second", "second"]);
    expect(rig.slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "second", mrkdwn: "true" }]);
  });

  it("meanwhile another room's channel is free: Remaining 1", async () => {
    const res = await invoke(notify("Deploys", "elsewhere"));
    expect(res.statusCode).toBe(204);
    expect(limits(res).remaining).toBe(1);
  });

  it("calls about the paced room say so too, even those that send nothing (auth_test, a bad field)", async () => {
    const authTest = await invoke(albEvent({ url: `/v2/room/Ops/notification?auth_test=true&${q}`, method: "POST" }));
    expect(authTest.statusCode).toBe(202);
    expect(limits(authTest).remaining).toBe(0);
    const bad = await invoke(
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "x", color: "blue" } }),
    );
    expect(bad.statusCode).toBe(400);
    expect(limits(bad).remaining).toBe(0);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a listing concerns no channel: Remaining 1, Reset now", async () => {
    const res = await invoke(albEvent({ url: `/v2/room?${q}` }));
    expect(res.statusCode).toBe(200);
    const l = limits(res);
    expect(l.remaining).toBe(1);
    expect(l.reset).toBeLessThanOrEqual(nowSeconds());
  });

  it("a request with no time to wait for its turn: 429 whose headers agree (Remaining 0, Reset its turn)", async () => {
    await invoke(notify("Quiet", "fills the bucket"));
    const res = await invoke(notify("Quiet", "no time"), 1_500);
    expect(res.statusCode).toBe(429);
    expect(rateLimitProblems(res)).toEqual([]);
    expect(limits(res).remaining).toBe(0);
    expect(rig.slack.delivered.map((c) => c.body.text)).toEqual(["fills the bucket"]);
  });

  it("once Reset has passed, the channel is free again: Remaining 1", async () => {
    const paced = await invoke(albEvent({ url: `/v2/room/Ops/notification?auth_test=true&${q}`, method: "POST" }));
    const { reset } = limits(paced);
    await new Promise((r) => setTimeout(r, Math.max(0, reset * 1000 - Date.now()) + 50));
    const res = await invoke(notify("Ops", "after reset"));
    expect(res.statusCode).toBe(204);
    expect(limits(res).remaining).toBe(1);
    expect(rig.slack.delivered.map((c) => c.body.text)).toEqual(["after reset"]);
  });

  it("v1 rooms/message and a private message carry them too", async () => {
    const v1 = await invoke(
      albEvent({ url: `/v1/rooms/message?${q}`, form: { room_id: "Deploys", from: "cron", message: "v1" } }),
    );
    expect(v1.statusCode).toBe(200);
    expect(limits(v1).limit).toBe(1);
    const unknownUser = await invoke(albEvent({ url: `/v2/user/nobody/message?${q}`, json: { message: "x" } }));
    expect(unknownUser.statusCode).toBe(404);
    expect(limits(unknownUser).remaining).toBe(1);
  });
});

describe("only authenticated answers carry them", () => {
  let handler: AlbHandler;
  beforeAll(() => {
    handler = rig.coldStart();
  });
  it.each<[string, ALBEvent]>([
    ["no token", albEvent({ url: "/v2/room/Ops/notification", json: { message: "x" } })],
    ["a bad token", albEvent({ url: "/v2/room/Ops/notification?auth_token=wrong-0000", json: { message: "x" } })],
    ["the health check", healthCheckEvent()],
  ])("%s: none", async (_n, event) => {
    const res = await handler(event, lambdaContext(10_000));
    expect(Object.keys(resultHeaders(res)).filter((k) => k.startsWith("x-ratelimit"))).toEqual([]);
  });
});
