/**
 * The Slack edge with the real @slack/web-api client over loopback HTTP against a Slack stand-in:
 * success, every mapped platform error, rate limits with and without time to recover, HTTP errors,
 * timeouts and resets, and the missing_scope fallback.
 */
import { createSlackClient, mapSlackError, postMessage } from "../../handler/slack";
import { ProxyError } from "../../handler/errors";
import { webApiGateway } from "../../handler/gateway";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

let slack: SlackStandIn;
beforeEach(async () => {
  slack = await startSlackStandIn({ tokens: ["xoxb-good", "xoxb-plain"], tokensWithoutCustomize: ["xoxb-plain"] });
});
afterEach(() => slack.close());

const message = { channel: "#ops", text: "hello", mrkdwn: true as const };
const client = (token = "xoxb-good", timeoutMs = 2000) =>
  createSlackClient({ token, slackApiUrl: slack.url, timeoutMs });
const roomy = () => ({ deadline: Date.now() + 10_000, attemptBudgetMs: 2000 });
/** Time for one call, but not to wait out a one-second Retry-After and call again. */
const tight = () => ({ deadline: Date.now() + 1500, attemptBudgetMs: 2000 });

it("posts through chat.postMessage and returns Slack's channel and ts", async () => {
  const result = await postMessage(client(), message, roomy());
  expect(result.ts).toMatch(/^\d+\.\d{6}$/);
  expect(slack.delivered).toHaveLength(1);
  expect(slack.delivered[0]).toMatchObject({
    method: "chat.postMessage",
    token: "xoxb-good",
    body: { channel: "#ops", text: "hello" },
  });
});

it.each([
  ["channel_not_found", 404],
  ["not_in_channel", 403],
  ["is_archived", 403],
  ["msg_too_long", 400],
  ["no_text", 400],
  ["restricted_action", 403],
  ["invalid_auth", 502],
  ["account_inactive", 502],
  ["token_revoked", 502],
  ["some_new_error", 502],
  ["ratelimited", 429],
])("platform error %s → HipChat %s", async (error, status) => {
  slack.failNext({ kind: "error", error });
  const err = await postMessage(client(), message, tight()).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: status, slackError: error });
  expect((err as { toJSON(): unknown }).toJSON()).toEqual({
    error: { code: status, message: expect.any(String), type: expect.any(String) },
  });
  expect(err).toBeInstanceOf(ProxyError);
  expect((err as ProxyError).slackAuth).toBe(["invalid_auth", "account_inactive", "token_revoked"].includes(error));
  expect(slack.delivered).toHaveLength(0);
});

it("429 with Retry-After is retried when the deadline allows, and delivers exactly once", async () => {
  slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "1" } });
  const started = Date.now();
  const result = await postMessage(client(), message, roomy());
  expect(result.ts).toBeTruthy();
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(slack.calls).toHaveLength(2);
  expect(slack.delivered).toHaveLength(1);
});

it("429 with no time left answers 429 with HipChat rate-limit headers", async () => {
  slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "30" } });
  const now = Date.now();
  const err = (await postMessage(client(), message, { deadline: now + 5000, attemptBudgetMs: 2000 }).catch(
    (e: unknown) => e,
  )) as ProxyError;
  expect(err).toBeInstanceOf(ProxyError);
  expect(err.statusCode).toBe(429);
  expect(Number(err.headers["X-Ratelimit-Reset"])).toBeGreaterThanOrEqual(Math.floor(now / 1000) + 30);
  expect(err.headers["X-Ratelimit-Remaining"]).toBe("0");
  expect(err.toJSON().error.code).toBe(429);
  expect(slack.delivered).toHaveLength(0);
});

it("429 without Retry-After is treated as a one-second limit", async () => {
  slack.failNext({ kind: "status", status: 429 });
  const result = await postMessage(client(), message, roomy());
  expect(result.ts).toBeTruthy();
  expect(slack.delivered).toHaveLength(1);

  slack.failNext({ kind: "status", status: 429 });
  const err = await postMessage(client(), message, tight()).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: 429 });
});

it.each([500, 502, 503])("HTTP %s → 502, not retried (Slack may have posted)", async (status) => {
  slack.failNext({ kind: "status", status });
  const err = await postMessage(client(), message, roomy()).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: 502, slackError: `http_${status}` });
  expect(slack.calls).toHaveLength(1);
});

it("a Slack that never answers → 504 within the client timeout", async () => {
  slack.failNext({ kind: "hang" });
  const err = await postMessage(client("xoxb-good", 300), message, roomy()).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: 504, slackError: "timeout" });
});

it("a Slack slower than the request's deadline → 504 at the deadline, even with a longer client timeout", async () => {
  slack.failNext({ kind: "hang" });
  const started = Date.now();
  const err = await postMessage(client("xoxb-good", 30_000), message, {
    deadline: started + 300,
    attemptBudgetMs: 30_000,
  }).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: 504, slackError: "deadline" });
  expect(Date.now() - started).toBeLessThan(5_000);
});

it("a connection reset → 502", async () => {
  slack.failNext({ kind: "reset" });
  const err = await postMessage(client(), message, roomy()).catch((e: unknown) => e);
  expect(err).toMatchObject({ statusCode: 502, slackError: "request_error" });
});

it("missing_scope on username falls back to a bold from prefix, once", async () => {
  const result = await postMessage(client("xoxb-plain"), { ...message, username: "Jenkins" }, roomy());
  expect(result.ts).toBeTruthy();
  expect(slack.calls).toHaveLength(2);
  expect(slack.delivered).toHaveLength(1);
  expect(slack.delivered[0].body.username).toBeUndefined();
  expect(String(slack.delivered[0].body.text)).toMatch(/^\*Jenkins\*/);
});

it("the gateway remembers a missing chat:write.customize and sends the fallback straight away", async () => {
  const gateway = webApiGateway({ slackApiUrl: slack.url, timeoutMs: 2000 });
  for (let i = 0; i < 3; i++) await gateway.post("xoxb-plain", { ...message, username: "Jenkins" }, roomy());
  expect(slack.delivered).toHaveLength(3);
  expect(slack.calls).toHaveLength(4);
  expect(slack.delivered.every((c) => c.body.username === undefined)).toBe(true);
});

it("unexpected values map to a 502, never throw", () => {
  for (const e of [undefined, null, 42, "x", new Error("boom internal-host:8443"), { code: "weird" }]) {
    const mapped = mapSlackError(e);
    expect(mapped).toBeInstanceOf(ProxyError);
    expect(mapped).toMatchObject({
      statusCode: 502,
      message: "Unexpected failure talking to Slack",
      slackError: "unknown",
      slackAuth: false,
    });
  }
});

it("N sequential messages reuse one keep-alive connection", async () => {
  const c = client();
  for (let i = 0; i < 20; i++) {
    await postMessage(c, message, roomy());
    // As between Lambda invocations: undici returns the socket to its pool a tick after the body ends.
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(slack.delivered).toHaveLength(20);
  expect(slack.connections()).toBe(1);
});
