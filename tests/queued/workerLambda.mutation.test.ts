/**
 * The worker Lambda as its container builds it (handler/delivery/lambda.ts): `createWorkerHandler`
 * and `workerFactory` in process, with the real AWS SDK v3 clients and the real Slack client against
 * stand-ins on 127.0.0.1 (SQS, Secrets Manager, DynamoDB, Slack). Pinned down:
 * - which environment variable feeds which part (trimmed values, the region passed to every client,
 *   SLACK_TIMEOUT_MS as the Slack budget and the least time worth an attempt, SECRET_TTL_SECONDS,
 *   the retry settings), and the cold-start line;
 * - a bad configuration: every record kept, nothing attempted, one line naming the problem;
 * - the worker's secret (`parseWorkerSecret`): its exact messages, never the token.
 *
 * No region, profile or endpoint comes from this machine: the SDKs find the stand-ins through the
 * endpoint variables, and a fetch to anywhere but 127.0.0.1 is refused.
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { ENVELOPE_VERSION, type Envelope, encodeEnvelope, messageGroupId } from "../../handler/delivery/envelope";
import {
  createWorkerHandler,
  parseWorkerSecret,
  type WorkerEnvironment,
  workerFactory,
} from "../../handler/delivery/lambda";
import type { SqsWorkerHandler } from "../../handler/delivery/sqs";
import { SettingsError } from "../../handler/settings";
import { startDynamoStandIn, type DynamoStandIn } from "../support/dynamoStandIn";
import { captureStdout, type StdoutCapture } from "../support/lambdaRig";
import { startSecretsStandIn, type SecretsStandIn } from "../support/secretsStandIn";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import { startSqsStandIn, type SqsStandIn, toRecord } from "../support/sqsStandIn";
import { type FetchGuard, guardFetch } from "../support/fetchGuard";
import { isolateAwsEnvironment } from "../support/awsEnvironment";

const SLACK_TOKEN = "xoxb-worker-0123456789";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:worker-AbCdEf";
const OTHER_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:worker-other";
const QUEUE = "delivery.fifo";
const DLQ = "delivery-dlq.fifo";
const TABLE = "worker-refs";
const REF = "1764400000.123456789";

let sqs: SqsStandIn;
let slack: SlackStandIn;
let secrets: SecretsStandIn;
let dynamo: DynamoStandIn;
let stdout: StdoutCapture;
const savedEnv = { ...process.env };
let guard: FetchGuard;

beforeAll(async () => {
  // A mutant that loses the Slack URL must fail here, not reach slack.com.
  guard = guardFetch();
  sqs = await startSqsStandIn({ queues: [{ name: QUEUE }, { name: DLQ }] });
  slack = await startSlackStandIn({
    tokens: [SLACK_TOKEN],
    channels: ["#ops"],
    faultFor: (call) => (/outage/.test(String(call.body.text)) ? { kind: "status", status: 503 } : undefined),
  });
  secrets = await startSecretsStandIn({
    [SECRET_ARN]: JSON.stringify({ slackToken: SLACK_TOKEN }),
    [OTHER_ARN]: JSON.stringify({ slackToken: "not-a-slack-token" }),
  });
  dynamo = await startDynamoStandIn();
  // The region is only what the worker's environment says (WorkerEnvironment.AWS_REGION).
  isolateAwsEnvironment({
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
});
afterAll(async () => {
  guard.restore();
  process.env = savedEnv;
  await sqs?.close();
  await slack?.close();
  await secrets?.close();
  await dynamo?.close();
});
beforeEach(() => {
  guard.refused.length = 0;
  stdout = captureStdout();
  sqs.calls.length = 0;
  sqs.messages(QUEUE).length = 0;
  sqs.messages(DLQ).length = 0;
  slack.calls.length = 0;
  slack.delivered.length = 0;
  secrets.calls.length = 0;
  dynamo.calls.length = 0;
  dynamo.items.clear();
});
afterEach(() => stdout.restore());

const env = (extra: Partial<WorkerEnvironment> = {}): WorkerEnvironment => ({
  SECRET_ARN,
  QUEUE_URL: sqs.url(QUEUE),
  DEAD_LETTER_QUEUE_URL: sqs.url(DLQ),
  STATE_TABLE: TABLE,
  SLACK_API_URL: slack.url,
  SLACK_TIMEOUT_MS: "1000",
  AWS_REGION: "eu-west-1",
  ...extra,
});

let seq = 0;
/** Puts envelopes in the queue stand-in (as the request handler would) and receives them as one batch. */
function batch(...messages: { channel?: string; text: string; ref?: string; thread_ts?: string }[]): SQSEvent {
  for (const m of messages) {
    seq += 1;
    const channel = m.channel ?? "#ops";
    const envelope: Envelope = {
      v: ENVELOPE_VERSION,
      id: `wl-${seq}`,
      channel,
      route: "room.notification",
      acceptedAt: Date.now(),
      ...(m.ref ? { ref: m.ref } : {}),
      message: { channel, text: m.text, mrkdwn: true, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) },
    };
    sqs.messages(QUEUE).push({
      messageId: `wl-m-${seq}`,
      body: encodeEnvelope(envelope),
      groupId: messageGroupId(channel),
      dedupId: envelope.id,
      sentAt: Date.now(),
      receiveCount: 0,
      invisibleUntil: 0,
      attributes: {},
    });
  }
  const received = sqs.receive(QUEUE, 10);
  return { Records: received.map((r) => toRecord(r, `arn:aws:sqs:eu-west-1:123456789012:${QUEUE}`)) };
}

/** One invocation with this much time left; what it reported done is deleted, as the event source does. */
async function invoke(handler: SqsWorkerHandler, event: SQSEvent, remainingMs = 30_000): Promise<SQSBatchResponse> {
  const result = await handler(event, { getRemainingTimeInMillis: () => remainingMs });
  const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
  for (const r of event.Records) if (!failed.has(r.messageId)) sqs.delete(QUEUE, r.receiptHandle);
  return result;
}

const logLines = () =>
  stdout.lines().map((l) => {
    const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });
const keptAll = (event: SQSEvent) => ({
  batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
});

describe("a worker container", () => {
  it("reads every setting trimmed: delivers, records refs, threads replies and dead-letters", async () => {
    const handler = createWorkerHandler(
      env({
        SECRET_ARN: `  ${SECRET_ARN} `,
        QUEUE_URL: ` ${sqs.url(QUEUE)} `,
        DEAD_LETTER_QUEUE_URL: ` ${sqs.url(DLQ)}\n`,
        STATE_TABLE: `  ${TABLE}  `,
        SLACK_API_URL: ` ${slack.url} `,
      }),
    );
    const first = batch({ text: "wl parent", ref: REF }, { channel: "#ghost", text: "wl nowhere" });
    expect(await invoke(handler, first)).toEqual({ batchItemFailures: [] });
    const second = batch({ text: "wl reply", thread_ts: REF });
    expect(await invoke(handler, second)).toEqual({ batchItemFailures: [] });

    const [parent, reply] = slack.delivered;
    expect(parent.token).toBe(SLACK_TOKEN);
    expect(parent.body).toMatchObject({ channel: "#ops", text: "wl parent" });
    expect(reply.body).toMatchObject({ channel: "#ops", text: "wl reply" });
    const parentTs = (dynamo.items.get(`${TABLE}|#ops ${REF}`)?.ts as { S: string } | undefined)?.S;
    expect(parentTs).toMatch(/^\d+\.\d{6}$/);
    expect(reply.body.thread_ts).toBe(parentTs);
    expect(dynamo.calls.map((c) => [c.action, c.input.TableName])).toEqual([
      ["PutItem", TABLE],
      ["GetItem", TABLE],
    ]);
    expect(secrets.calls).toEqual([{ target: "secretsmanager.GetSecretValue", secretId: SECRET_ARN }]);
    const dead = sqs.messages(DLQ);
    expect(
      dead.map((m) => [m.groupId, m.dedupId, m.attributes.reason?.StringValue, m.attributes.attempts?.StringValue]),
    ).toEqual([["#ghost", first.Records[1].attributes.MessageDeduplicationId, "channel_not_found", "1"]]);
    expect(sqs.messages(QUEUE)).toEqual([]);

    const lines = logLines();
    expect(lines[0]).toEqual({ level: "info", msg: "worker cold start", maxAttempts: 48 });
    expect(lines.filter((l) => l.msg === "delivery").map((l) => [l.outcome, l.thread])).toEqual([
      ["delivered", undefined],
      ["dead", undefined],
      ["delivered", "resolved"],
    ]);
    expect(stdout.text()).not.toMatch(/wl (parent|nowhere|reply)|xoxb-/);
  });

  it.each([
    ["no STATE_TABLE", undefined],
    ["a blank STATE_TABLE", "   "],
  ])("with %s, refs are neither recorded nor resolved", async (_n, table) => {
    const handler = createWorkerHandler(env({ STATE_TABLE: table }));
    await invoke(handler, batch({ text: "wl parent", ref: REF }));
    await invoke(handler, batch({ text: "wl reply", thread_ts: REF }));
    expect(slack.delivered.map((c) => c.body.thread_ts)).toEqual([undefined, undefined]);
    expect(dynamo.calls).toEqual([]);
    expect(
      logLines()
        .filter((l) => l.msg === "delivery")
        .map((l) => l.thread),
    ).toEqual([undefined, "unresolved"]);
  });

  it("a message Slack cannot take now is kept, hidden for the backoff delay, and dead after the last attempt", async () => {
    // Base and longest delay 1 s: with ±20 % jitter the delay is 800 to 1000 ms, always 1 s of visibility.
    const handler = createWorkerHandler(
      env({ DELIVERY_RETRY_BASE_MS: "1000", DELIVERY_RETRY_MAX_MS: "1000", DELIVERY_MAX_ATTEMPTS: "2" }),
    );
    const event = batch({ text: "wl outage 1" });
    expect(await invoke(handler, event)).toEqual(keptAll(event));
    expect(sqs.calls).toEqual([
      {
        action: "ChangeMessageVisibility",
        input: { QueueUrl: sqs.url(QUEUE), ReceiptHandle: event.Records[0].receiptHandle, VisibilityTimeout: 1 },
      },
    ]);
    // Its second (and last) attempt.
    event.Records[0].attributes.ApproximateReceiveCount = "2";
    expect(await invoke(handler, event)).toEqual({ batchItemFailures: [] });
    expect(
      sqs.messages(DLQ).map((m) => [m.attributes.reason?.StringValue, m.attributes.attempts?.StringValue]),
    ).toEqual([["attempts_exhausted:http_503", "2"]]);
    const lines = logLines();
    expect(lines[0]).toEqual({ level: "info", msg: "worker cold start", maxAttempts: 2 });
    expect(lines.filter((l) => l.msg === "delivery").map((l) => [l.level, l.attempt, l.outcome, l.reason])).toEqual([
      ["info", 1, "retry", "http_503"],
      ["error", 2, "dead", "attempts_exhausted:http_503"],
    ]);
  });

  it.each([
    // [SLACK_TIMEOUT_MS, ms left, attempted]: an attempt needs the Slack timeout plus 2 s, after the 2 s margin.
    ["1000", 6_000, true],
    ["1000", 4_800, false],
    [undefined, 15_000, true],
    [undefined, 13_800, false],
  ])("SLACK_TIMEOUT_MS %s with %d ms left: attempted %s", async (timeout, remaining, attempted) => {
    const handler = createWorkerHandler(env({ SLACK_TIMEOUT_MS: timeout }));
    const event = batch({ text: "wl timing" });
    expect(await invoke(handler, event, remaining)).toEqual(attempted ? { batchItemFailures: [] } : keptAll(event));
    expect(slack.calls.length).toBe(attempted ? 1 : 0);
  });

  it("SLACK_TIMEOUT_MS is the Slack client's timeout", async () => {
    slack.failNext({ kind: "hang" });
    const handler = createWorkerHandler(env({ SLACK_TIMEOUT_MS: "200" }));
    const event = batch({ text: "wl hang" });
    expect(await invoke(handler, event)).toEqual(keptAll(event));
    const [line] = logLines().filter((l) => l.msg === "delivery");
    expect([line.outcome, line.reason]).toEqual(["retry", "timeout"]);
  });

  it.each([
    // [SECRET_TTL_SECONDS, secret reads for two invocations]
    ["0", 2],
    [undefined, 1],
  ])("SECRET_TTL_SECONDS %s: the secret is read %d time(s) for two invocations", async (ttl, reads) => {
    const handler = createWorkerHandler(env({ SECRET_TTL_SECONDS: ttl }));
    await invoke(handler, batch({ text: "wl one" }));
    await invoke(handler, batch({ text: "wl two" }));
    expect(slack.delivered).toHaveLength(2);
    expect(secrets.calls).toHaveLength(reads);
  });

  it("a secret without a usable token: kept and retried, never dead, and the value is not logged", async () => {
    const handler = createWorkerHandler(env({ SECRET_ARN: OTHER_ARN }));
    const event = batch({ text: "wl secret" });
    expect(await invoke(handler, event)).toEqual(keptAll(event));
    expect(slack.calls).toEqual([]);
    const [line] = logLines().filter((l) => l.msg === "delivery");
    expect([line.outcome, line.reason]).toEqual(["retry", "http_503"]);
    expect(stdout.text()).not.toContain("not-a-slack-token");
  });

  it.each([
    ["no SLACK_API_URL", undefined],
    ["a blank SLACK_API_URL", " "],
  ])("with %s, the worker posts to Slack's own API", async (_n, url) => {
    const handler = createWorkerHandler(env({ SLACK_API_URL: url }));
    const event = batch({ text: "wl real slack" });
    // (The guard refused it: nothing leaves this machine.) Unreachable is a retry.
    expect(await invoke(handler, event)).toEqual(keptAll(event));
    expect(guard.refused).toEqual(["https://slack.com/api/chat.postMessage"]);
    expect(slack.calls).toEqual([]);
  });

  it("workerFactory builds the worker from the process environment", async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env());
      const handler = workerFactory();
      expect(await invoke(handler, batch({ text: "wl factory" }))).toEqual({ batchItemFailures: [] });
      expect(slack.delivered.map((c) => c.body.text)).toEqual(["wl factory"]);
    } finally {
      process.env = saved;
    }
  });
});

describe("a bad configuration", () => {
  it.each<[string, Partial<WorkerEnvironment>, string]>([
    ["no SECRET_ARN", { SECRET_ARN: undefined }, "SECRET_ARN: required"],
    ["a blank SECRET_ARN", { SECRET_ARN: "  " }, "SECRET_ARN: required"],
    ["no QUEUE_URL", { QUEUE_URL: undefined }, "QUEUE_URL: required"],
    ["a blank QUEUE_URL", { QUEUE_URL: " \t" }, "QUEUE_URL: required"],
    ["no DEAD_LETTER_QUEUE_URL", { DEAD_LETTER_QUEUE_URL: undefined }, "DEAD_LETTER_QUEUE_URL: required"],
    ["an empty DEAD_LETTER_QUEUE_URL", { DEAD_LETTER_QUEUE_URL: "" }, "DEAD_LETTER_QUEUE_URL: required"],
    [
      "a SLACK_TIMEOUT_MS that is not a number",
      { SLACK_TIMEOUT_MS: "soon" },
      "SLACK_TIMEOUT_MS: expected a number from 100 to 900000",
    ],
    [
      "a negative SECRET_TTL_SECONDS",
      { SECRET_TTL_SECONDS: "-1" },
      "SECRET_TTL_SECONDS: expected a number from 0 to 86400",
    ],
    [
      "no attempts at all",
      { DELIVERY_MAX_ATTEMPTS: "0" },
      "DELIVERY_MAX_ATTEMPTS: expected an integer from 1 to 10000",
    ],
    [
      "a longest delay below the first",
      { DELIVERY_RETRY_BASE_MS: "5000", DELIVERY_RETRY_MAX_MS: "100" },
      "DELIVERY_RETRY_MAX_MS: must be at least DELIVERY_RETRY_BASE_MS",
    ],
  ])("%s: every record is kept, nothing is attempted, and the problem is logged", async (_n, extra, problem) => {
    const handler = createWorkerHandler(env(extra));
    const event = batch({ text: "wl a" }, { channel: "#dev", text: "wl b" }, { text: "wl c" });
    expect(await invoke(handler, event)).toEqual(keptAll(event));
    expect(await handler({} as SQSEvent)).toEqual({ batchItemFailures: [] });
    expect(slack.calls).toEqual([]);
    expect(secrets.calls).toEqual([]);
    expect(sqs.calls).toEqual([]);
    expect(logLines()).toEqual([{ level: "error", msg: "invalid configuration", problem }]);
  });

  it("a failure that is not a setting (a bug) is not passed off as one: it throws", () => {
    const bug = new TypeError("environment unreadable");
    const broken = {
      ...env(),
      get SECRET_TTL_SECONDS(): string {
        throw bug;
      },
    };
    expect(() => createWorkerHandler(broken)).toThrow(bug);
  });
});

describe("the worker's secret", () => {
  const TOKEN_RULE = "secret.slackToken: expected a Slack token (xoxb-…)";

  it.each([
    ["not JSON", "{slackToken: xoxb-1}", "secret: not valid JSON"],
    ["empty", "", "secret: not valid JSON"],
    ["JSON null", "null", TOKEN_RULE],
    ["a string", JSON.stringify("xoxb-1234567890"), TOKEN_RULE],
    ["without slackToken", JSON.stringify({ hipchatTokens: "[]" }), TOKEN_RULE],
    ["a number", JSON.stringify({ slackToken: 12345 }), TOKEN_RULE],
    // An array would turn into a valid-looking token if it were stringified.
    ["a list holding a token", JSON.stringify({ slackToken: ["xoxb-1234567890"] }), TOKEN_RULE],
    ["not a Slack token", JSON.stringify({ slackToken: "hunter2-sekrit" }), TOKEN_RULE],
    ["a token with white space", JSON.stringify({ slackToken: "xoxb-12 34" }), TOKEN_RULE],
    ["a prefix alone", JSON.stringify({ slackToken: "xoxb-" }), TOKEN_RULE],
  ])("%s: refused with the rule, never the value", (_n, secret, message) => {
    let thrown: unknown;
    try {
      parseWorkerSecret(secret);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toMatch(/hunter2|1234567890|xoxb-12/);
  });

  it("holds the Slack token only; other keys are ignored", () => {
    expect(parseWorkerSecret(JSON.stringify({ slackToken: SLACK_TOKEN, hipchatTokens: '[{"token":"x"}]' }))).toEqual({
      slackToken: SLACK_TOKEN,
      tokens: [],
    });
    expect(parseWorkerSecret(JSON.stringify({ slackToken: "xoxp-1" }))).toEqual({ slackToken: "xoxp-1", tokens: [] });
  });
});
