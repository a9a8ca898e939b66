/**
 * Secrets Manager faults through the whole Lambda handler, extending tests/integration/lambda.test.ts
 * (which covers a plain 503 outage at cold start, TTL refresh, one Slack-token rotation and an invalid
 * secret document): every kind of failure the SDK can meet gives a HipChat-shaped 503 and is never
 * cached; a blip is absorbed by the SDK's own retry; a rotation costs exactly one refresh.
 */
import { albEvent } from "../support/albEvents";
import { albResultProblems, hipchatErrorProblems } from "../support/albAssert";
import {
  betweenInvocations,
  captureStdout,
  lambdaContext,
  startLambdaRig,
  SECRET_ARN,
  type LambdaRig,
  type StdoutCapture,
} from "../support/lambdaRig";
import type { SecretsFault } from "../support/secretsStandIn";
import { startSecretsExtensionStandIn, type SecretsExtensionStandIn } from "../support/secretsExtensionStandIn";

const HIPCHAT_TOKEN = "hipchat-secrets-token-0123456789";
const ctx = () => lambdaContext(20_000);
let n = 0;
const notify = () =>
  albEvent({ url: `/v2/room/Ops/notification?auth_token=${HIPCHAT_TOKEN}`, json: { message: `secret-fault-${++n}` } });

let rig: LambdaRig;
let stdout: StdoutCapture;
beforeEach(async () => {
  rig = await startLambdaRig({ slackToken: "xoxb-one-0123456789", hipchatTokens: [{ token: HIPCHAT_TOKEN }] });
  stdout = captureStdout();
});
afterEach(async () => {
  stdout.restore();
  await rig.close();
});

describe("Secrets Manager unavailable at cold start", () => {
  it.each<[string, SecretsFault]>([
    ["500 InternalServiceError", { kind: "status", status: 500, type: "InternalServiceError" }],
    ["400 ThrottlingException", { kind: "status", status: 400, type: "ThrottlingException" }],
    [
      "400 AccessDeniedException (role lost its policy)",
      { kind: "status", status: 400, type: "AccessDeniedException" },
    ],
    ["400 DecryptionFailure (KMS key disabled)", { kind: "status", status: 400, type: "DecryptionFailure" }],
    [
      "400 ResourceNotFoundException (secret deleted)",
      { kind: "status", status: 400, type: "ResourceNotFoundException" },
    ],
    ["connection reset", { kind: "reset" }],
  ])("%s → 503 in HipChat shape, nothing sent, and the next invocation fetches again", async (_name, fault) => {
    rig.secrets.setDown(true, fault);
    const handler = rig.coldStart();
    const event = notify();
    const res = await handler(event, ctx());
    expect(res.statusCode).toBe(503);
    expect(albResultProblems(event, res)).toEqual([]);
    expect(hipchatErrorProblems(res)).toEqual([]);
    expect(JSON.parse(res.body!).error.message).toMatch(/secret/i);
    expect(rig.slack.calls).toHaveLength(0);
    const failedFetches = rig.secretFetches();

    rig.secrets.setDown(false);
    await betweenInvocations();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(failedFetches + 1);
    expect(rig.slack.delivered).toHaveLength(1);
    // The cause is logged for operators, as a 5xx.
    expect(stdout.lines().some((l) => l.includes('"status":503') && l.includes('"level":"error"'))).toBe(true);
  });

  it("a Secrets Manager that never answers → 503 within the SDK's timeouts, not a Lambda timeout", async () => {
    rig.secrets.setDown(true, { kind: "hang" });
    const handler = rig.coldStart();
    const started = Date.now();
    const res = await handler(notify(), ctx());
    expect(res.statusCode).toBe(503);
    // awsSecretFetcher: 3 s per attempt, 2 attempts, well inside the 30 s Lambda timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    rig.secrets.setDown(false);
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
  }, 30_000);

  it.each<[string, SecretsFault]>([
    ["one 500", { kind: "status", status: 500, type: "InternalServiceError" }],
    ["one reset", { kind: "reset" }],
  ])("%s during the cold-start fetch is retried by the SDK: the first request succeeds", async (_name, fault) => {
    rig.secrets.failNext(fault);
    const handler = rig.coldStart();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(2);
  });

  it("a failed cold-start fetch is not cached: the first request fetches again and succeeds", async () => {
    // Both SDK attempts of the fetch started at init fail.
    rig.secrets.failNext(
      { kind: "status", status: 500, type: "InternalServiceError" },
      { kind: "status", status: 500, type: "InternalServiceError" },
    );
    const handler = rig.coldStart();
    while (rig.secretFetches() < 2) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(3);
  });

  it("a slow cold-start fetch does not eat into the time left to wait out Slack's rate limit", async () => {
    // The first attempt hangs until the SDK's 3 s timeout; the retry answers.
    rig.secrets.failNext({ kind: "hang" });
    rig.slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    const handler = rig.coldStart({ SLACK_TIMEOUT_MS: "400" });
    // 7 s left: after ~3.1 s of fetching there are still ~3.9 s, enough to wait 1 s and retry.
    const res = await handler(notify(), lambdaContext(7_000));
    expect(res.statusCode).toBe(204);
    expect(rig.slack.delivered).toHaveLength(1);
  }, 20_000);

  it("concurrent first requests share one fetch", async () => {
    const handler = rig.coldStart();
    const results = await Promise.all(Array.from({ length: 8 }, () => handler(notify(), ctx())));
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(204));
    expect(rig.secretFetches()).toBe(1);
  });
});

describe("rotation", () => {
  it("a rotated Slack token → exactly one refresh, then success, and no more fetches after it", async () => {
    const handler = rig.coldStart();
    for (let i = 0; i < 3; i++) expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(1);

    rig.slack.setTokens(["xoxb-two-0123456789"]);
    rig.secrets.setSecret(SECRET_ARN, rig.secretJson("xoxb-two-0123456789"));
    for (let i = 0; i < 10; i++) {
      await betweenInvocations();
      expect((await handler(notify(), ctx())).statusCode).toBe(204);
    }
    expect(rig.secretFetches()).toBe(2);
    expect(rig.slack.delivered.map((c) => c.token)).toEqual([
      ...Array(3).fill("xoxb-one-0123456789"),
      ...Array(10).fill("xoxb-two-0123456789"),
    ]);
    // One rejected call with the old token, and nothing delivered twice.
    expect(rig.slack.calls).toHaveLength(14);
    expect(new Set(rig.slack.delivered.map((c) => c.body.text)).size).toBe(13);
  });

  it("a rotation while Secrets Manager is down → 503 (retry), then the next invocation refreshes and delivers", async () => {
    const handler = rig.coldStart();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    rig.slack.setTokens(["xoxb-two-0123456789"]);
    rig.secrets.setSecret(SECRET_ARN, rig.secretJson("xoxb-two-0123456789"));
    rig.secrets.setDown(true);

    const res = await handler(notify(), ctx());
    expect(res.statusCode).toBe(503);
    expect(hipchatErrorProblems(res)).toEqual([]);
    expect(rig.slack.delivered).toHaveLength(1);

    rig.secrets.setDown(false);
    const fetched = rig.secretFetches();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    // The invalidated secret stays invalidated: this invocation fetches first, and is not refused once more.
    expect(rig.secretFetches()).toBe(fetched + 1);
    expect(rig.slack.delivered.map((c) => c.token)).toEqual(["xoxb-one-0123456789", "xoxb-two-0123456789"]);
  });

  it("a rotated HipChat token is accepted once the TTL has passed, and the old one is then refused", async () => {
    let clock = 0;
    const realNow = Date.now;
    jest.spyOn(Date, "now").mockImplementation(() => realNow() + clock);
    try {
      const handler = rig.coldStart({ SECRET_TTL_SECONDS: "60" });
      expect((await handler(notify(), ctx())).statusCode).toBe(204);
      const fresh = "hipchat-rotated-token-0123456789";
      rig.secrets.setSecret(
        SECRET_ARN,
        JSON.stringify({ slackToken: rig.slackToken, hipchatTokens: [{ token: fresh }] }),
      );
      const withFresh = () =>
        albEvent({ url: `/v2/room/Ops/notification?auth_token=${fresh}`, json: { message: "rotated" } });
      // Until the TTL: the container still has the old list (an unknown token never forces a fetch,
      // or anyone could make the proxy hammer Secrets Manager with made-up tokens).
      expect((await handler(withFresh(), ctx())).statusCode).toBe(401);
      expect(rig.secretFetches()).toBe(1);
      clock = 61_000;
      expect((await handler(withFresh(), ctx())).statusCode).toBe(204);
      expect((await handler(notify(), ctx())).statusCode).toBe(401);
      expect(rig.secretFetches()).toBe(2);
    } finally {
      jest.restoreAllMocks();
    }
  });
});

describe("through the Parameters and Secrets Lambda Extension (PARAMETERS_SECRETS_EXTENSION_HTTP_PORT)", () => {
  const SESSION = "session-token-for-the-extension";
  let ext: SecretsExtensionStandIn;
  beforeEach(async () => {
    ext = await startSecretsExtensionStandIn({ [SECRET_ARN]: rig.secretJson(rig.slackToken) }, SESSION);
  });
  afterEach(() => ext.close());
  const withExtension = () =>
    rig.coldStart({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ext.port), AWS_SESSION_TOKEN: SESSION });

  it("the first fetch goes through the extension, not the SDK, and only once invoked (not at init)", async () => {
    const handler = withExtension();
    await new Promise((r) => setTimeout(r, 50));
    expect(ext.calls).toHaveLength(0);
    for (let i = 0; i < 3; i++) expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(ext.calls).toEqual([SECRET_ARN]);
    expect(rig.secretFetches()).toBe(0);
  });

  it("an extension that fails → the SDK reads the secret, and the request still succeeds", async () => {
    ext.setDown(true);
    const handler = withExtension();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(ext.calls).toHaveLength(1);
    expect(rig.secretFetches()).toBe(1);
  });

  it("no extension listening (layer missing) → the SDK, without a visible error", async () => {
    const port = ext.port;
    await ext.close();
    const handler = rig.coldStart({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port), AWS_SESSION_TOKEN: SESSION });
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(1);
    ext = await startSecretsExtensionStandIn({}, SESSION); // for afterEach
  });

  it("a rotation refreshes through the SDK (the extension's cache could still hold the old token)", async () => {
    const handler = withExtension();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    rig.slack.setTokens(["xoxb-two-0123456789"]);
    rig.secrets.setSecret(SECRET_ARN, rig.secretJson("xoxb-two-0123456789"));
    // The extension would still answer the old value (as its cache would).
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(ext.calls).toHaveLength(1);
    expect(rig.secretFetches()).toBe(1);
    expect(rig.slack.delivered.map((c) => c.token)).toEqual(["xoxb-one-0123456789", "xoxb-two-0123456789"]);
  });

  it("a port that is not a number → every request 503 naming the setting", async () => {
    const handler = rig.coldStart({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "twenty", AWS_SESSION_TOKEN: SESSION });
    const res = await handler(notify(), ctx());
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT");
  });
});
