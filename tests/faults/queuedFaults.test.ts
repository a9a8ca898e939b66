/**
 * Queued delivery's fault suite, in AWS's shape: the request handler (`createLambdaHandler` with
 * DELIVERY_MODE=queued) sends to an SQS stand-in through the real `@aws-sdk/client-sqs`; an event
 * source like Lambda's invokes the worker (`createWorkerHandler`, the bundle's second entry) with
 * batches; the worker posts to the Slack stand-in, reads its token from a Secrets Manager stand-in
 * and keeps refs in a DynamoDB stand-in. SQS seconds run 20 times faster than real ones.
 *
 * What it proves, with the semantics docs/queued-delivery.md states (at least once):
 * - a Slack outage during a burst: every request 2xx; every message delivered exactly once after
 *   recovery, in per-channel order; nothing dead-lettered;
 * - a worker that dies mid-batch: nothing lost; the only duplicates are messages that batch had
 *   posted before it died;
 * - poison messages (`channel_not_found`, `msg_too_long`) go to the dead-letter queue at their first
 *   attempt, with their reason, and their channel's later messages go on;
 * - a message that keeps failing goes to the dead-letter queue after DELIVERY_MAX_ATTEMPTS, with
 *   `attempts_exhausted:<last reason>`;
 * - `attach_to` with the id a queued `/message` answered threads under the message it became;
 * - one log line per attempt, without message text or tokens.
 */
import type { ALBResult, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { createDeliverer, type RetryPolicy } from "../../handler/delivery/deliver";
import { createWorkerHandler, type WorkerEnvironment } from "../../handler/delivery/lambda";
import { pacedSlackPoster } from "../../handler/delivery/slackPoster";
import { createSqsWorker, sqsWorkerQueueApi } from "../../handler/delivery/sqs";
import type { SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import type { AlbHandler } from "../../handler/proxy";
import { albEvent } from "../support/albEvents";
import { startDynamoStandIn, type DynamoStandIn } from "../support/dynamoStandIn";
import { captureStdout, SECRET_ARN, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import type { SlackCall } from "../support/slackStandIn";
import { startEventSource, startSqsStandIn, type EventSource, type SqsStandIn } from "../support/sqsStandIn";

const HIPCHAT_TOKEN = "hipchat-queued-faults-0123456789";
const QUEUE = "hipchat-proxy-delivery.fifo";
const DLQ = "hipchat-proxy-delivery-dlq.fifo";
/** 1 SQS second = 50 ms here: visibility delays of the worker's backoff pass 20 times faster. */
const MS_PER_SECOND = 50;
const ROOMS = { Ops: "#ops", Dev: "#dev", Qa: "#qa", Web: "#web", Ghost: "#ghost" };

let rig: LambdaRig;
let sqs: SqsStandIn;
let dynamo: DynamoStandIn;
let proxy: AlbHandler;
let source: EventSource | undefined;
let stdout: StdoutCapture;
/** Slack answers 500 to every call while this is set. */
let outage = false;
const idOf = (call: SlackCall) => /\bq-[\w-]+/.exec(String(call.body.text ?? ""))?.[0];

beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: HIPCHAT_TOKEN }],
    env: { ROOM_CHANNELS: JSON.stringify(ROOMS), SLACK_TIMEOUT_MS: "1000" },
    slack: {
      channels: ["#ops", "#dev", "#qa", "#web"],
      faultFor: (call) => {
        if (outage) return { kind: "status", status: 500 };
        if (/poison-long/.test(String(call.body.text))) return { kind: "error", error: "msg_too_long" };
        if (/always-500/.test(String(call.body.text))) return { kind: "status", status: 500 };
        return undefined;
      },
    },
  });
  sqs = await startSqsStandIn({
    msPerSecond: MS_PER_SECOND,
    queues: [
      { name: QUEUE, visibilityTimeout: 60, redrive: { deadLetterQueue: DLQ, maxReceiveCount: 53 } },
      { name: DLQ, visibilityTimeout: 60 },
    ],
  });
  dynamo = await startDynamoStandIn();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  proxy = rig.coldStart({ DELIVERY_MODE: "queued", QUEUE_URL: sqs.url(QUEUE) });
});
afterAll(async () => {
  await source?.stop();
  await sqs?.close();
  await dynamo?.close();
  await rig?.close();
});
beforeEach(() => {
  stdout = captureStdout();
  sqs.messages(DLQ).length = 0;
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  stdout.restore();
});

const workerEnv = (extra: Partial<WorkerEnvironment> = {}): WorkerEnvironment => ({
  SECRET_ARN,
  QUEUE_URL: sqs.url(QUEUE),
  DEAD_LETTER_QUEUE_URL: sqs.url(DLQ),
  STATE_TABLE: "hipchat-proxy-refs",
  SLACK_API_URL: rig.slack.url,
  SLACK_TIMEOUT_MS: "1000",
  AWS_REGION: "us-east-1",
  DELIVERY_RETRY_BASE_MS: "200",
  DELIVERY_RETRY_MAX_MS: "2000",
  DELIVERY_SPACING_MS: "50",
  ...extra,
});

/** Runs the event source against one worker container (or a factory of containers). */
function runWorker(
  handler: () => (event: SQSEvent, context: { getRemainingTimeInMillis(): number }) => Promise<SQSBatchResponse>,
  options: { batchSize?: number; crash?: Parameters<typeof startEventSource>[1]["crash"] } = {},
): EventSource {
  source = startEventSource(sqs, {
    queue: QUEUE,
    batchSize: options.batchSize ?? 1,
    maxConcurrency: 2,
    timeoutMs: 10_000,
    handler,
    crash: options.crash,
  });
  return source;
}

async function post(room: string, id: string, extra: Record<string, unknown> = {}, route = "notification") {
  const res: ALBResult = await proxy(
    albEvent({
      url: `/v2/room/${room}/${route}?auth_token=${HIPCHAT_TOKEN}`,
      json: { message: `${id} build finished`, message_format: "text", ...extra },
      headerForm: "multi",
    }),
    { getRemainingTimeInMillis: () => 30_000 },
  );
  return res;
}

/** The tags of the messages SQS accepted for a channel, in the order it accepted them. */
const acceptedIn = (prefix: string, channel: string) =>
  sqs.calls
    .filter((c) => c.action === "SendMessage" && c.input.MessageGroupId === channel)
    .map(
      (c) =>
        /\bq-[\w-]+/.exec((JSON.parse(String(c.input.MessageBody)) as { message: { text: string } }).message.text)?.[0],
    )
    .filter((id) => id?.startsWith(prefix));
const delivered = (prefix: string) =>
  rig.slack.delivered.map(idOf).filter((id): id is string => id?.startsWith(prefix) ?? false);
const deliveredIn = (prefix: string, channel: string) =>
  rig.slack.delivered
    .filter((c) => c.body.channel === channel)
    .map(idOf)
    .filter((id) => id?.startsWith(prefix));

async function until(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("a Slack outage during a burst: all 2xx at once, all delivered once after recovery, in order, none dead", async () => {
  runWorker(() => worker);
  const worker = createWorkerHandler(workerEnv());
  outage = true;
  const ids = Array.from({ length: 40 }, (_, i) => `q-outage-${i}`);
  const rooms = ["Ops", "Dev", "Qa", "Web"];
  const answers = await Promise.all(ids.map((id, i) => post(rooms[i % 4], id)));
  expect(answers.map((a) => a.statusCode)).toEqual(ids.map(() => 204));
  await new Promise((r) => setTimeout(r, 1_500));
  expect(delivered("q-outage")).toEqual([]);
  expect(sqs.messages(QUEUE).length).toBe(40);
  outage = false;
  // Delivered, and deleted by the event source (Slack answers before the worker reports back).
  await until(() => delivered("q-outage").length >= 40 && sqs.messages(QUEUE).length === 0);
  await new Promise((r) => setTimeout(r, 200));
  expect([...delivered("q-outage")].sort()).toEqual([...ids].sort());
  // Each channel in the order SQS accepted its messages (concurrent requests reach it in any order).
  for (const room of rooms) {
    const channel = ROOMS[room as keyof typeof ROOMS];
    expect(deliveredIn("q-outage", channel)).toEqual(acceptedIn("q-outage", channel));
  }
  expect(sqs.messages(QUEUE)).toEqual([]);
  expect(sqs.messages(DLQ)).toEqual([]);
  // The outage was retried with growing visibility timeouts, not by hammering Slack.
  const visibility = sqs.calls
    .filter((c) => c.action === "ChangeMessageVisibility")
    .map((c) => Number(c.input.VisibilityTimeout));
  expect(visibility.length).toBeGreaterThan(0);
  expect(Math.max(...visibility)).toBeGreaterThan(1);
  // One log line per attempt, none with the message text or a token.
  const lines = stdout.lines().filter((l) => l.includes('"msg":"delivery"'));
  const attempts = rig.slack.calls.filter((c) => idOf(c)?.startsWith("q-outage")).length;
  expect(lines.length).toBeGreaterThanOrEqual(40);
  expect(lines.length).toBeLessThanOrEqual(attempts);
  for (const line of stdout.lines()) {
    expect(line).not.toMatch(/build finished|xoxb-|hipchat-queued-faults/);
    expect(() => JSON.parse(line)).not.toThrow();
  }
}, 60_000);

it("a worker that dies mid-batch: nothing lost, duplicates only among what that batch had posted", async () => {
  // A container whose Slack calls freeze once it is dead, as a killed process's would.
  let generation = 0;
  let current: ReturnType<typeof container> | undefined;
  const policy: RetryPolicy = { baseDelayMs: 200, maxDelayMs: 2000, maxAttempts: 48, maxInlineWaitMs: 5000 };
  function container() {
    const gen = ++generation;
    const real = pacedSlackPoster({ slackApiUrl: rig.slack.url, timeoutMs: 1000, spacingMs: 50 });
    const slack: SlackGateway = {
      // 40 ms per post, so that a batch is still running when the test kills its container.
      post: async (token, message, options) => {
        await new Promise((r) => setTimeout(r, 40));
        return gen === generation ? real.post(token, message, options) : new Promise(() => undefined);
      },
    };
    const log = createLogger();
    const deliverer = createDeliverer({
      secrets: { get: async () => ({ slackToken: rig.slackToken, tokens: [] }), invalidate: () => undefined },
      slack,
      log,
      policy,
      slackTimeoutMs: 1000,
    });
    return createSqsWorker({
      deliverer,
      queue: sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ)),
      log,
      minAttemptMs: 3000,
    });
  }
  let crashes = 0;
  let postedByCrashed = 0;
  let crashedBatch: string[] = [];
  runWorker(() => (current ??= container()), {
    batchSize: 5,
    crash: (batch, run) => {
      if (crashes > 0 || batch.length < 3) return undefined;
      crashes += 1;
      const ids = new Set(batch.map((m) => (JSON.parse(m.body) as { id: string }).id));
      crashedBatch = [];
      const candidate = batch.map(
        (m) => /\bq-[\w-]+/.exec((JSON.parse(m.body) as { message: { text: string } }).message.text)![0],
      );
      // Dies once two messages of the batch are in Slack (unless the batch was done before that).
      let finished = false;
      run.then(
        () => (finished = true),
        () => (finished = true),
      );
      return until(
        () => finished || rig.slack.delivered.filter((c) => ids.has(envelopeIdOf(c) ?? "")).length >= 2,
        10_000,
      ).then(() => {
        if (finished) {
          crashes -= 1; // try again with a later batch
          return false;
        }
        crashedBatch = candidate;
        postedByCrashed = rig.slack.delivered.filter((c) => ids.has(envelopeIdOf(c) ?? "")).length;
        generation += 1; // the container is gone: its calls in progress never come back
        current = undefined;
        return true;
      });
    },
  });
  const ids = Array.from({ length: 30 }, (_, i) => `q-crash-${i}`);
  // Sent first, then the worker drains them in batches of up to 5 per channel.
  const answers = await Promise.all(ids.map((id) => post("Ops", id)));
  expect(answers.map((a) => a.statusCode)).toEqual(ids.map(() => 204));
  await until(() => new Set(delivered("q-crash")).size >= 30 && sqs.messages(QUEUE).length === 0, 30_000);
  await new Promise((r) => setTimeout(r, 300));
  expect(crashes).toBe(1);
  const got = delivered("q-crash");
  expect(new Set(got).size).toBe(30);
  // Every duplicate is a message of the batch in flight when the container died.
  const duplicates = got.filter((id, i) => got.indexOf(id) !== i);
  expect(duplicates.length).toBeLessThanOrEqual(crashedBatch.length);
  for (const id of duplicates) expect(crashedBatch).toContain(id);
  // Still in order, apart from the replayed ones.
  const firsts = got.filter((id, i) => got.indexOf(id) === i);
  expect(firsts).toEqual(acceptedIn("q-crash", "#ops"));
  expect(sqs.messages(QUEUE)).toEqual([]);
  process.stderr.write(
    `queued faults: worker died with a batch of ${crashedBatch.length}, ${postedByCrashed} posted; ${duplicates.length} duplicate(s)\n`,
  );
}, 60_000);

/** The envelope id of a Slack call is not visible; map by text tag to the envelope id sent. */
const tagToEnvelope = new Map<string, string>();
function envelopeIdOf(call: SlackCall): string | undefined {
  const tag = idOf(call);
  if (!tag) return undefined;
  if (!tagToEnvelope.has(tag)) {
    for (const m of sqs.calls.filter((c) => c.action === "SendMessage")) {
      const body = String(m.input.MessageBody);
      const env = JSON.parse(body) as { id: string; message: { text: string } };
      const t = /\bq-[\w-]+/.exec(env.message.text)?.[0];
      if (t) tagToEnvelope.set(t, env.id);
    }
  }
  return tagToEnvelope.get(tag);
}

it("poison messages go to the dead-letter queue with their reason at once, and their channel goes on", async () => {
  const worker = createWorkerHandler(workerEnv());
  runWorker(() => worker);
  expect((await post("Ops", "q-poison-1")).statusCode).toBe(204);
  expect((await post("Ops", "q-poison-long poison-long")).statusCode).toBe(204);
  expect((await post("Ghost", "q-poison-ghost")).statusCode).toBe(204);
  expect((await post("Ops", "q-poison-2")).statusCode).toBe(204);
  expect((await post("Ghost", "q-poison-ghost-2")).statusCode).toBe(204);
  expect((await post("Ops", "q-poison-3")).statusCode).toBe(204);
  await until(
    () =>
      deliveredIn("q-poison", "#ops").length >= 3 && sqs.messages(DLQ).length >= 3 && sqs.messages(QUEUE).length === 0,
  );
  expect(deliveredIn("q-poison", "#ops")).toEqual(["q-poison-1", "q-poison-2", "q-poison-3"]);
  const dead = sqs.messages(DLQ).map((m) => ({
    text: (JSON.parse(m.body) as { message: { text: string } }).message.text.split(" ")[0],
    reason: m.attributes.reason?.StringValue,
    attempts: m.attributes.attempts?.StringValue,
  }));
  // (Groups are delivered in parallel: the dead-letter queue has no order across channels.)
  expect(dead.sort((a, b) => a.text.localeCompare(b.text))).toEqual([
    { text: "q-poison-ghost", reason: "channel_not_found", attempts: "1" },
    { text: "q-poison-ghost-2", reason: "channel_not_found", attempts: "1" },
    { text: "q-poison-long", reason: "msg_too_long", attempts: "1" },
  ]);
  expect(sqs.messages(QUEUE)).toEqual([]);
}, 30_000);

it("a message that keeps failing is dead-lettered after DELIVERY_MAX_ATTEMPTS, and its channel goes on", async () => {
  const worker = createWorkerHandler(workerEnv({ DELIVERY_MAX_ATTEMPTS: "3", DELIVERY_RETRY_BASE_MS: "100" }));
  runWorker(() => worker);
  expect((await post("Dev", "q-exhaust-1 always-500")).statusCode).toBe(204);
  expect((await post("Dev", "q-exhaust-2")).statusCode).toBe(204);
  await until(() => deliveredIn("q-exhaust", "#dev").length >= 1 && sqs.messages(DLQ).length >= 1);
  expect(deliveredIn("q-exhaust", "#dev")).toEqual(["q-exhaust-2"]);
  expect(rig.slack.calls.filter((c) => /q-exhaust-1/.test(String(c.body.text)))).toHaveLength(3);
  const [dead] = sqs.messages(DLQ);
  expect(dead.attributes.reason?.StringValue).toBe("attempts_exhausted:http_500");
  expect(dead.attributes.attempts?.StringValue).toBe("3");
}, 30_000);

it("attach_to with the id a queued /message answered threads under the message it became", async () => {
  const worker = createWorkerHandler(workerEnv());
  runWorker(() => worker);
  const parent = await post("Qa", "q-thread-parent", {}, "message");
  expect(parent.statusCode).toBe(201);
  const { id, timestamp } = JSON.parse(String(parent.body)) as { id: string; timestamp: string };
  expect(id).toMatch(/^\d{10}\.\d{9}$/);
  expect(Date.parse(timestamp)).toBeGreaterThan(Date.now() - 60_000);
  expect((await post("Qa", "q-thread-reply", { attach_to: id })).statusCode).toBe(204);
  await until(() => deliveredIn("q-thread", "#qa").length >= 2);
  const [p, reply] = rig.slack.delivered.filter((c) => idOf(c)?.startsWith("q-thread"));
  const parentTs = dynamo.items.get(`hipchat-proxy-refs|#qa ${id}`)?.ts as { S: string } | undefined;
  expect(parentTs?.S).toMatch(/^\d+\.\d{6}$/);
  expect(p.body.thread_ts).toBeUndefined();
  expect(reply.body.thread_ts).toBe(parentTs?.S);
}, 30_000);

it("what the request can get wrong is still answered synchronously, and nothing is queued", async () => {
  const before = sqs.calls.filter((c) => c.action === "SendMessage").length;
  const bad = await proxy(
    albEvent({
      url: "/v2/room/Ops/notification?auth_token=wrong-token-0000",
      json: { message: "x" },
      headerForm: "multi",
    }),
    { getRemainingTimeInMillis: () => 30_000 },
  );
  expect(bad.statusCode).toBe(401);
  const invalid = await post("Ops", "q-sync", { color: "chartreuse" });
  expect(invalid.statusCode).toBe(400);
  const unknownUser = await proxy(
    albEvent({
      url: `/v2/user/nobody@example.com/message?auth_token=${HIPCHAT_TOKEN}`,
      json: { message: "hi" },
      headerForm: "multi",
    }),
    { getRemainingTimeInMillis: () => 30_000 },
  );
  expect(unknownUser.statusCode).toBe(404);
  expect(sqs.calls.filter((c) => c.action === "SendMessage").length).toBe(before);
});

it("SQS down: the request gets 503 (retry), and nothing was accepted", async () => {
  const down = rig.coldStart({ DELIVERY_MODE: "queued", QUEUE_URL: "http://127.0.0.1:9/123456789012/nowhere.fifo" });
  const res = await down(
    albEvent({
      url: `/v2/room/Ops/notification?auth_token=${HIPCHAT_TOKEN}`,
      json: { message: "x" },
      headerForm: "multi",
    }),
    { getRemainingTimeInMillis: () => 30_000 },
  );
  expect(res.statusCode).toBe(503);
  expect(JSON.parse(String(res.body)).error.message).toMatch(/could not be queued/);
}, 30_000);
