/**
 * The Lambda entry point as AWS runs it, minus AWS: `createLambdaHandler` reads its environment,
 * fetches the secret with the real AWS SDK v3 from a Secrets Manager stand-in, and posts with the
 * real WebClient to a Slack stand-in, both over loopback HTTP.
 */
import { createLambdaHandler, type LambdaEnvironment } from "../../handler";
import { albEvent } from "../support/albEvents";
import { startSecretsStandIn, type SecretsStandIn } from "../support/secretsStandIn";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hipchat-proxy-AbCdEf";
const HIPCHAT_TOKEN = "hipchat-token-abcdef123456";
const secretJson = (slackToken: string) =>
  JSON.stringify({ slackToken, hipchatTokens: JSON.stringify([{ token: HIPCHAT_TOKEN }]) });
const ctx = { getRemainingTimeInMillis: () => 20_000 };
/** The Lambda runtime never starts the next invocation in the same tick as the last one. */
const betweenInvocations = () => new Promise((resolve) => setImmediate(resolve));
const notify = (message = "hello") =>
  albEvent({ url: `/v2/room/Ops/notification?auth_token=${HIPCHAT_TOKEN}`, json: { message } });

let slack: SlackStandIn;
let secrets: SecretsStandIn;
const saved = { ...process.env };
const logged: string[] = [];

beforeEach(async () => {
  slack = await startSlackStandIn({ tokens: ["xoxb-one"] });
  secrets = await startSecretsStandIn({ [ARN]: secretJson("xoxb-one") });
  // The SDK's standard endpoint override and dummy credentials: nothing leaves 127.0.0.1.
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.endpoint;
  process.env.AWS_ACCESS_KEY_ID = "AKIDLOCAL";
  process.env.AWS_SECRET_ACCESS_KEY = "local-secret";
  process.env.AWS_REGION = "us-east-1";
  logged.length = 0;
  jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
});
afterEach(async () => {
  jest.restoreAllMocks();
  process.env = { ...saved };
  await slack.close();
  await secrets.close();
});

const env = (extra: Partial<LambdaEnvironment> = {}): LambdaEnvironment => ({
  SECRET_ARN: ARN,
  SLACK_API_URL: slack.url,
  ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
  AWS_REGION: "us-east-1",
  ...extra,
});

it("delivers messages and fetches the secret once across many invocations", async () => {
  const handler = createLambdaHandler(env());
  for (let i = 0; i < 25; i++) {
    const res = await handler(notify(`m${i}`), ctx);
    expect(res.statusCode).toBe(204);
    await betweenInvocations();
  }
  expect(slack.delivered).toHaveLength(25);
  expect(secrets.calls.filter((c) => c.target === "secretsmanager.GetSecretValue")).toHaveLength(1);
  expect(slack.connections()).toBe(1);
});

it("refreshes the secret after its TTL, so rotation needs no redeploy", async () => {
  let clock = 0;
  const realNow = Date.now;
  jest.spyOn(Date, "now").mockImplementation(() => realNow() + clock);
  const handler = createLambdaHandler(env({ SECRET_TTL_SECONDS: "60" }));
  expect((await handler(notify(), ctx)).statusCode).toBe(204);
  clock = 61_000;
  expect((await handler(notify(), ctx)).statusCode).toBe(204);
  expect(secrets.calls).toHaveLength(2);
});

it("a rotated Slack token: invalid_auth → one refresh → delivered with the new token", async () => {
  const handler = createLambdaHandler(env());
  expect((await handler(notify("before"), ctx)).statusCode).toBe(204);
  slack.setTokens(["xoxb-two"]);
  secrets.setSecret(ARN, secretJson("xoxb-two"));
  const res = await handler(notify("after"), ctx);
  expect(res.statusCode).toBe(204);
  expect(secrets.calls).toHaveLength(2);
  expect(slack.delivered.map((c) => c.token)).toEqual(["xoxb-one", "xoxb-two"]);
});

it("a revoked token that was not rotated → 502 after one refresh, nothing delivered", async () => {
  const handler = createLambdaHandler(env());
  slack.setTokens([]);
  const res = await handler(notify(), ctx);
  expect(res.statusCode).toBe(502);
  expect(JSON.parse(res.body!).error.code).toBe(502);
  // The cold start's read, then exactly one refresh after invalid_auth; the refreshed token is the
  // same one, so Slack is not asked again.
  expect(secrets.calls.filter((c) => c.target === "secretsmanager.GetSecretValue")).toHaveLength(2);
  expect(slack.calls).toHaveLength(1);
  expect(slack.delivered).toHaveLength(0);
});

it("Secrets Manager unavailable at cold start → 503 in HipChat shape, and the next invocation tries again", async () => {
  secrets.setDown(true);
  const handler = createLambdaHandler(env());
  const first = await handler(notify(), ctx);
  expect(first.statusCode).toBe(503);
  expect(JSON.parse(first.body!)).toEqual({
    error: { code: 503, message: expect.stringMatching(/secret/), type: "Service Unavailable" },
  });
  expect(slack.calls).toHaveLength(0);
  secrets.setDown(false);
  const second = await handler(notify(), ctx);
  expect(second.statusCode).toBe(204);
  expect(slack.delivered).toHaveLength(1);
});

it("an invalid secret document → 503 naming the key, without echoing the secret", async () => {
  secrets.setSecret(ARN, JSON.stringify({ slackToken: "not-a-slack-token-but-secret", hipchatTokens: "[]" }));
  const handler = createLambdaHandler(env());
  const res = await handler(notify(), ctx);
  expect(res.statusCode).toBe(503);
  expect(res.body).toMatch(/slackToken/);
  expect(res.body).not.toContain("not-a-slack-token-but-secret");
});

it.each([
  [{ ROOM_CHANNELS: "{bad json" }, "ROOM_CHANNELS"],
  [{ ROOM_CHANNELS: JSON.stringify({ Ops: "#has space" }) }, "ROOM_CHANNELS.Ops"],
  [{ USER_MAP: JSON.stringify({ bob: "not-an-id" }) }, "USER_MAP.bob"],
  [{ TRANSLATE_MENTIONS: "perhaps" }, "TRANSLATE_MENTIONS"],
  [{ SECRET_ARN: "" }, "SECRET_ARN"],
  [{ DEFAULT_CHANNEL: "two words" }, "DEFAULT_CHANNEL"],
])("invalid settings %j → every request is a 503 naming %s, and a cold-start log line", async (extra, key) => {
  const handler = createLambdaHandler(env(extra as Partial<LambdaEnvironment>));
  const res = await handler(notify(), ctx);
  expect(res.statusCode).toBe(503);
  expect(JSON.parse(res.body!).error.message).toContain(key);
  expect(logged.join("")).toContain(key);
  expect(slack.calls).toHaveLength(0);
});

it("never logs the HipChat token, the Slack token or the message", async () => {
  const handler = createLambdaHandler(env());
  await handler(notify("very private text"), ctx);
  await handler(
    albEvent({ url: "/v2/room/Ops/notification?auth_token=wrong-guess-123", json: { message: "very private text" } }),
    ctx,
  );
  const all = logged.join("");
  expect(all).toContain('"route":"room.notification"');
  for (const s of [HIPCHAT_TOKEN, "xoxb-one", "very private text", "wrong-guess-123"]) expect(all).not.toContain(s);
});
