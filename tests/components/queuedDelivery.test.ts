/**
 * QueuedDelivery on its own, under Pulumi mocks: the queue and dead-letter queue (FIFO, SSE,
 * retention, redrive), the worker (the bundle's second entry, its event source with
 * ReportBatchItemFailures and a concurrency cap), the alarms, the least-privilege policies, the
 * argument checks, and the policy pack on everything it creates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";

import type * as Queued from "../../components/queuedDelivery";
import { runPoliciesOnResources } from "../../policy/testing";
import {
  installPulumiMocks,
  plain,
  type PulumiMockHarness,
  type RecordedResource,
  settled,
  unwrap,
} from "../support/pulumiMocks";

const ENTRY = path.join(__dirname, "..", "..", "handler", "index.ts");
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:proxy-AbCdEf";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-alarms";
const T = {
  queue: "aws:sqs/queue:Queue",
  redriveAllow: "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
  fn: "aws:lambda/function:Function",
  esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  table: "aws:dynamodb/table:Table",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

let mocks: PulumiMockHarness;
let queued: typeof Queued;
let built: Queued.QueuedDelivery;

beforeAll(async () => {
  mocks = await installPulumiMocks({ region: "eu-west-1", accountId: "123456789012" });
  queued = await import("../../components/queuedDelivery");
  built = new queued.QueuedDelivery("delivery", {
    entry: ENTRY,
    secretArn: SECRET_ARN,
    stateTable: true,
    alarmActions: [TOPIC],
    environment: { SLACK_TIMEOUT_MS: "10000" },
    tags: { Service: "hipchat-proxy" },
  });
  const sender = new aws.iam.Role("sender-role", { assumeRolePolicy: "{}" });
  built.allowSend("proxy", sender);
  await unwrap(built.worker.arn); // the closure is serialized before the function registers (pulumi#11113)
  await settled();
}, 60_000);
afterAll(settled);

const get = (type: string, name: string): RecordedResource => mocks.find(type, name);
const policyOf = (r: RecordedResource) =>
  JSON.parse(plain(r.inputs.policy)) as { Statement: Record<string, unknown>[] };

it("a FIFO queue with SSE, days of retention and a redrive to a FIFO dead-letter queue", () => {
  const queue = get(T.queue, "delivery-queue");
  const dlq = get(T.queue, "delivery-dlq");
  expect(queue.inputs).toMatchObject({
    fifoQueue: true,
    contentBasedDeduplication: false,
    deduplicationScope: "messageGroup",
    fifoThroughputLimit: "perMessageGroupId",
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 4 * 86_400,
    visibilityTimeoutSeconds: 360,
  });
  expect(JSON.parse(queue.inputs.redrivePolicy)).toEqual({
    deadLetterTargetArn: expect.stringMatching(/^arn:aws:sqs:eu-west-1:123456789012:delivery-dlq-\w+\.fifo$/),
    maxReceiveCount: 53,
  });
  expect(dlq.inputs).toMatchObject({
    fifoQueue: true,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 14 * 86_400,
  });
  const allow = get(T.redriveAllow, "delivery-dlq-redrive-allow");
  expect(JSON.parse(allow.inputs.redriveAllowPolicy)).toEqual({
    redrivePermission: "byQueue",
    sourceQueueArns: [expect.stringMatching(/:delivery-queue-\w+\.fifo$/)],
  });
});

it("a worker from the same bundle, with an SQS event source reporting batch item failures, capped", async () => {
  const fn = get(T.fn, "delivery-worker");
  expect(fn.inputs).toMatchObject({ runtime: "nodejs22.x", timeout: 60, memorySize: 256 });
  expect(plain(fn.inputs.environment.variables)).toEqual({
    SLACK_TIMEOUT_MS: "10000",
    SECRET_ARN,
    QUEUE_URL: expect.stringMatching(
      /^https:\/\/sqs\.eu-west-1\.amazonaws\.com\/123456789012\/delivery-queue-\w+\.fifo$/,
    ),
    DEAD_LETTER_QUEUE_URL: expect.stringMatching(/\/delivery-dlq-\w+\.fifo$/),
    STATE_TABLE: expect.stringMatching(/^delivery-state-/),
    DELIVERY_MAX_ATTEMPTS: "48",
  });
  const esm = get(T.esm, "delivery-worker-events");
  expect(esm.inputs).toMatchObject({
    batchSize: 1,
    functionResponseTypes: ["ReportBatchItemFailures"],
    scalingConfig: { maximumConcurrency: 2 },
    eventSourceArn: expect.stringMatching(/:delivery-queue-\w+\.fifo$/),
    functionName: expect.stringMatching(/:function:delivery-worker-/),
  });
  // The closure only requires the bundle and calls its workerFactory; the bundle exports it.
  const code = (await unwrap(built.worker.code)) as unknown as { assets: Record<string, { text: Promise<string> }> };
  const index = await code.assets["__index.js"].text;
  expect(index).toContain("workerFactory");
  const bundle = path.resolve(".build", "delivery-worker", "index.js");
  expect(fs.existsSync(bundle)).toBe(true);
  expect(fs.readFileSync(bundle, "utf8")).toMatch(/workerFactory/);
  expect(fs.readFileSync(bundle, "utf8")).toMatch(/callbackFactory/);
});

it("alarms on the dead-letter queue's depth and the oldest message's age, notifying the given actions", () => {
  const dlqAlarm = get(T.alarm, "delivery-dlq-alarm");
  const ageAlarm = get(T.alarm, "delivery-age-alarm");
  expect(dlqAlarm.inputs).toMatchObject({
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: expect.stringMatching(/^delivery-dlq-\w+\.fifo$/) },
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [TOPIC],
    okActions: [TOPIC],
  });
  expect(ageAlarm.inputs).toMatchObject({
    metricName: "ApproximateAgeOfOldestMessage",
    dimensions: { QueueName: expect.stringMatching(/^delivery-queue-\w+\.fifo$/) },
    threshold: 900,
    alarmActions: [TOPIC],
  });
});

it("least privilege: the worker consumes its queue, dead-letters, reads its secret and table; a sender only sends", () => {
  const worker = policyOf(get(T.rolePolicy, "delivery-worker-policy"));
  const actions = Object.fromEntries(worker.Statement.map((s) => [s.Sid, [s.Action, s.Resource]]));
  expect(actions).toEqual({
    WriteOwnLogs: [["logs:CreateLogStream", "logs:PutLogEvents"], expect.stringMatching(/^arn:aws:logs:.*:\*$/)],
    ConsumeOwnQueue: [
      ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
      expect.stringMatching(/:delivery-queue-\w+\.fifo$/),
    ],
    DeadLetterOwnMessages: [["sqs:SendMessage"], expect.stringMatching(/:delivery-dlq-\w+\.fifo$/)],
    ReadOwnSecret: [["secretsmanager:GetSecretValue"], SECRET_ARN],
    UseOwnStateTable: [["dynamodb:GetItem", "dynamodb:PutItem"], expect.stringMatching(/:table\/delivery-state-/)],
  });
  const send = policyOf(get(T.rolePolicy, "delivery-send-proxy"));
  expect(send.Statement).toEqual([
    {
      Sid: "SendToQueue",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: expect.stringMatching(/:delivery-queue-\w+\.fifo$/),
    },
  ]);
  expect(JSON.stringify([worker, send])).not.toMatch(/"\*"|sqs:\*|dynamodb:\*/);
  // No managed policies: the role carries exactly the inline policy above.
  expect(
    mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.startsWith("delivery")),
  ).toEqual([]);
});

it("every child is parented to the component and named from it; the state table has TTL and SSE", () => {
  const component = mocks.find("private-lambda-service:index:QueuedDelivery", "delivery");
  const children = mocks.childrenOf(component.urn);
  expect(children.length).toBeGreaterThanOrEqual(12);
  for (const child of children) expect(child.name.startsWith("delivery-")).toBe(true);
  expect(get(T.table, "delivery-state").inputs).toMatchObject({
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    ttl: { attributeName: "expiresAt", enabled: true },
    serverSideEncryption: { enabled: true },
  });
  expect(get(T.logGroup, "delivery-worker-logs").inputs.retentionInDays).toBe(30);
});

it("with [secrets]: its own secret, marked secret in the state, and the worker may read that one", async () => {
  const own = new queued.QueuedDelivery("owned", { entry: ENTRY, secrets: { slackToken: "xoxb-owned-secret-value" } });
  await unwrap(own.worker.arn);
  await settled();
  const version = get("aws:secretsmanager/secretVersion:SecretVersion", "owned-secret-value");
  expect(JSON.stringify(version.inputs)).toContain("4dabf18193072939515e22adb298388d"); // Pulumi's secret marker
  const fn = get(T.fn, "owned-worker");
  const secretArn = plain(fn.inputs.environment.variables).SECRET_ARN;
  expect(secretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:owned-secret-/);
  const read = policyOf(get(T.rolePolicy, "owned-worker-policy")).Statement.find((s) => s.Sid === "ReadOwnSecret");
  expect(read).toEqual({
    Sid: "ReadOwnSecret",
    Effect: "Allow",
    Action: ["secretsmanager:GetSecretValue"],
    Resource: secretArn,
  });
  expect(JSON.stringify(plain(fn.inputs))).not.toContain("xoxb-owned-secret-value");
});

it("passes every mandatory policy of the pack", () => {
  const own = mocks.resources.filter((r) => r.name.startsWith("delivery") && r.custom);
  const violations = runPoliciesOnResources(own.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
  expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
});

describe("argument checks", () => {
  it.each<[string, Partial<Queued.QueuedDeliveryArgs>, RegExp]>([
    ["no entry", { entry: "" }, /\[entry\] is required/],
    ["maxConcurrency 1", { maxConcurrency: 1 }, /maxConcurrency must be an integer from 2 to 1000/],
    ["batchSize 11", { batchSize: 11 }, /batchSize must be an integer from 1 to 10/],
    ["retention 15 days", { retentionDays: 15 }, /retentionDays must be an integer from 1 to 14/],
    [
      "dead letters kept shorter",
      { retentionDays: 7, deadLetterRetentionDays: 3 },
      /deadLetterRetentionDays must be at least/,
    ],
    ["a reserved variable", { environment: { QUEUE_URL: "x" } }, /must not set QUEUE_URL/],
    ["a bad export", { workerExport: "not an id" }, /workerExport must be an identifier/],
    ["a timeout too short", { timeout: 5 }, /timeout must be an integer from 10 to 900/],
    [
      "both secrets and secretArn",
      { secrets: { a: "b" }, secretArn: SECRET_ARN },
      /Only one of \[secrets\] or \[secretArn\]/,
    ],
    ["empty secrets", { secrets: {} }, /secrets must name at least one value/],
  ])("%s", (_name, override, message) => {
    expect(() => queued.validateQueuedDeliveryArgs({ entry: ENTRY, ...override })).toThrow(message);
  });
});
