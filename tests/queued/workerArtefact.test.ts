/**
 * The worker as deployed: the code asset of a queued stack's worker function (under Pulumi mocks),
 * unpacked and run in a separate Node process like a Lambda container (nothing of the repository on
 * its module path but the runtime's AWS SDK), invoked with SQS batches. Its SQS, Secrets Manager,
 * DynamoDB and Slack are stand-ins on 127.0.0.1.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ALBEvent, SQSBatchResponse, SQSEvent } from "aws-lambda";

import { ENVELOPE_VERSION, type Envelope, encodeEnvelope, messageGroupId } from "../../handler/delivery/envelope";
import { invokeInContainer, unpackArtefact, type UnpackedArtefact } from "../artefact/lambdaArtefact";
import { startDynamoStandIn, type DynamoStandIn } from "../support/dynamoStandIn";
import { plain, type RecordedResource } from "../support/pulumiMocks";
import { runStack } from "../support/pulumiStack";
import { startSecretsStandIn, type SecretsStandIn } from "../support/secretsStandIn";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import { startSqsStandIn, type SqsStandIn, toRecord } from "../support/sqsStandIn";

const QUEUE = "hipchat-proxy-delivery-queue.fifo";
const DLQ = "hipchat-proxy-delivery-dlq.fifo";
let worker: RecordedResource;
let artefact: UnpackedArtefact;
let sqs: SqsStandIn;
let slack: SlackStandIn;
let secrets: SecretsStandIn;
let dynamo: DynamoStandIn;
let env: Record<string, string>;
let outage = false;

beforeAll(async () => {
  const run = await runStack("dev", { config: { deliveryMode: "queued" } });
  worker = run.mocks.find("aws:lambda/function:Function", "hipchat-proxy-delivery-worker");
  artefact = await unpackArtefact(worker.inputs.code as pulumi.asset.AssetArchive, "hipchat-proxy-worker");
  const variables = plain(worker.inputs.environment.variables) as Record<string, string>;
  const secretString = plain(
    run.mocks.find("aws:secretsmanager/secretVersion:SecretVersion", "hipchat-proxy-delivery-secret-value").inputs
      .secretString,
  );
  sqs = await startSqsStandIn({ msPerSecond: 10, queues: [{ name: QUEUE, visibilityTimeout: 360 }, { name: DLQ }] });
  slack = await startSlackStandIn({
    tokens: [run.secrets.slackToken],
    channels: ["#ops"],
    faultFor: () => (outage ? { kind: "status", status: 503 } : undefined),
  });
  secrets = await startSecretsStandIn({ [variables.SECRET_ARN]: secretString });
  dynamo = await startDynamoStandIn();
  env = {
    ...variables,
    QUEUE_URL: sqs.url(QUEUE),
    DEAD_LETTER_QUEUE_URL: sqs.url(DLQ),
    SLACK_API_URL: slack.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: run.file.region,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "test-secret-key",
    AWS_LAMBDA_FUNCTION_NAME: "hipchat-proxy-delivery-worker",
    NODE_PATH: artefact.sdkPath,
    HOME: artefact.work,
  };
}, 120_000);

afterAll(async () => {
  artefact?.remove();
  await sqs?.close();
  await slack?.close();
  await secrets?.close();
  await dynamo?.close();
});

let seq = 0;
/** Puts envelopes in the queue stand-in (as the request handler would) and receives them as one batch. */
async function batch(
  ...messages: { channel: string; text: string; ref?: string; thread_ts?: string }[]
): Promise<SQSEvent> {
  for (const m of messages) {
    seq += 1;
    const envelope: Envelope = {
      v: ENVELOPE_VERSION,
      id: `artefact-${seq}`,
      channel: m.channel,
      route: m.ref ? "room.message" : "room.notification",
      acceptedAt: Date.now(),
      ...(m.ref ? { ref: m.ref } : {}),
      message: { channel: m.channel, text: m.text, mrkdwn: true, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}) },
    };
    sqs.messages(QUEUE).push({
      messageId: `m-${seq}`,
      body: encodeEnvelope(envelope),
      groupId: messageGroupId(m.channel),
      dedupId: envelope.id,
      sentAt: Date.now(),
      receiveCount: 0,
      invisibleUntil: 0,
      attributes: {},
    });
  }
  const received = sqs.receive(QUEUE, 10);
  return { Records: received.map((r) => toRecord(r, `arn:aws:sqs:eu-west-1:111111111111:${QUEUE}`)) };
}

/** Invokes a fresh container with one batch, then deletes what it reported done, as the event source does. */
async function invoke(event: SQSEvent): Promise<{ result: SQSBatchResponse; logs: string }> {
  const run = await invokeInContainer(artefact.packageDir, [event] as unknown as ALBEvent[], env);
  const result = run.results[0] as unknown as SQSBatchResponse;
  const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
  for (const r of event.Records) if (!failed.has(r.messageId)) sqs.delete(QUEUE, r.receiptHandle);
  return { result, logs: run.logs };
}

it("holds __index.js and the bundle, and delivers, dead-letters and threads", async () => {
  expect([...artefact.entries].sort()).toEqual([".build/hipchat-proxy-delivery-worker/index.js", "__index.js"]);
  const runs = [
    await invoke(
      await batch(
        { channel: "#ops", text: "art-1 deployed", ref: "1764400000.123456789" },
        { channel: "#ghost", text: "art-2 nowhere" },
      ),
    ),
    await invoke(await batch({ channel: "#ops", text: "art-3 reply", thread_ts: "1764400000.123456789" })),
  ];
  expect(runs.map((r) => r.result)).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  expect(sqs.messages(QUEUE)).toEqual([]);
  const logs = runs.map((r) => r.logs).join("\n");
  const [first, second] = slack.delivered;
  expect(first.body).toMatchObject({ channel: "#ops", text: "art-1 deployed" });
  expect(second.body).toMatchObject({ channel: "#ops", text: "art-3 reply" });
  expect(second.body.thread_ts).toMatch(/^\d+\.\d{6}$/);
  const dead = sqs.messages(DLQ);
  expect(dead.map((m) => [m.groupId, m.attributes.reason?.StringValue, m.attributes.attempts?.StringValue])).toEqual([
    ["#ghost", "channel_not_found", "1"],
  ]);
  // One line per attempt, JSON, no text, no token.
  const lines = logs.split("\n").filter((l) => l.includes('"msg":"delivery"'));
  expect(lines.map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual(["delivered", "dead", "delivered"]);
  expect(logs).not.toMatch(/art-\d|xoxb-/);
}, 60_000);

it("keeps a message Slack cannot take now, and hides it for the backoff delay", async () => {
  outage = true;
  try {
    const event = await batch({ channel: "#ops", text: "art-4 later" });
    const { result } = await invoke(event);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0].messageId }] });
    expect(sqs.messages(QUEUE)).toHaveLength(1);
    const change = sqs.calls.filter((c) => c.action === "ChangeMessageVisibility").at(-1);
    // The first delay of the AWS policy: 10 s ± 20 %.
    expect(Number(change?.input.VisibilityTimeout)).toBeGreaterThanOrEqual(8);
    expect(Number(change?.input.VisibilityTimeout)).toBeLessThanOrEqual(12);
  } finally {
    outage = false;
  }
}, 60_000);
