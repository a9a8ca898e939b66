/**
 * The program (index.ts) with `deliveryMode: queued` on the dev stack, under Pulumi mocks: it adds
 * the queue, the dead-letter queue, the worker and its event source, the alarms and the ref table;
 * the service gets DELIVERY_MODE and QUEUE_URL and may only send to its queue; the worker's secret
 * holds only the Slack token; and the policy pack passes everything.
 */
import { runPoliciesOnResources } from "../../policy/testing";
import { plain, plaintextOccurrences, type RecordedResource } from "../support/pulumiMocks";
import { runStack, type StackRun } from "../support/pulumiStack";

const TOPIC = "arn:aws:sns:eu-west-1:111111111111:hipchat-proxy-alarms";
let run: StackRun;

beforeAll(async () => {
  run = await runStack("dev", {
    config: { deliveryMode: "queued", deliveryMaxConcurrency: 3, deliveryAlarmActions: [TOPIC] },
  });
}, 120_000);

const find = (type: string, name: string): RecordedResource => run.mocks.find(type, name);
const statements = (r: RecordedResource) =>
  (JSON.parse(plain(r.inputs.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string }[] })
    .Statement;

it("creates the queue, the dead-letter queue, the worker, its event source, the alarms and the ref table", () => {
  const queue = find("aws:sqs/queue:Queue", "hipchat-proxy-delivery-queue");
  expect(queue.inputs).toMatchObject({ fifoQueue: true, sqsManagedSseEnabled: true });
  expect(find("aws:sqs/queue:Queue", "hipchat-proxy-delivery-dlq").inputs).toMatchObject({ fifoQueue: true });
  expect(find("aws:lambda/function:Function", "hipchat-proxy-delivery-worker").inputs.runtime).toBe("nodejs22.x");
  expect(
    find("aws:lambda/eventSourceMapping:EventSourceMapping", "hipchat-proxy-delivery-worker-events").inputs,
  ).toMatchObject({
    functionResponseTypes: ["ReportBatchItemFailures"],
    scalingConfig: { maximumConcurrency: 3 },
  });
  for (const alarm of ["hipchat-proxy-delivery-dlq-alarm", "hipchat-proxy-delivery-age-alarm"]) {
    expect(find("aws:cloudwatch/metricAlarm:MetricAlarm", alarm).inputs.alarmActions).toEqual([TOPIC]);
  }
  expect(find("aws:dynamodb/table:Table", "hipchat-proxy-delivery-state").inputs.hashKey).toBe("pk");
});

it("the service stores to its queue: DELIVERY_MODE and QUEUE_URL set, SendMessage on that queue only", async () => {
  const fn = find("aws:lambda/function:Function", "hipchat-proxy-fn");
  const env = plain(fn.inputs.environment.variables) as Record<string, string>;
  expect(env.DELIVERY_MODE).toBe("queued");
  expect(env.QUEUE_URL).toMatch(
    /^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d{12}\/hipchat-proxy-delivery-queue-\w+\.fifo$/,
  );
  const send = find("aws:iam/rolePolicy:RolePolicy", "hipchat-proxy-delivery-send-hipchat-proxy");
  expect(statements(send)).toEqual([
    {
      Sid: "SendToQueue",
      Effect: "Allow",
      Action: ["sqs:SendMessage"],
      Resource: expect.stringMatching(/:hipchat-proxy-delivery-queue-\w+\.fifo$/),
    },
  ]);
  // The send policy is on the service's own role.
  const role = find("aws:iam/role:Role", "hipchat-proxy-fn-role");
  expect(send.propertyDependencies.role).toContain(role.urn);
});

it("the worker may consume its queue, dead-letter, read its own secret and use its table, nothing else", () => {
  const policy = statements(find("aws:iam/rolePolicy:RolePolicy", "hipchat-proxy-delivery-worker-policy"));
  expect(policy.map((s) => s.Sid)).toEqual([
    "WriteOwnLogs",
    "ConsumeOwnQueue",
    "DeadLetterOwnMessages",
    "ReadOwnSecret",
    "UseOwnStateTable",
  ]);
  const secret = policy.find((s) => s.Sid === "ReadOwnSecret")!;
  expect(secret.Resource).toMatch(/:secret:hipchat-proxy-delivery-secret-/);
  const worker = find("aws:lambda/function:Function", "hipchat-proxy-delivery-worker");
  expect(plain(worker.inputs.environment.variables).SECRET_ARN).toBe(secret.Resource);
});

it("the worker's secret holds the Slack token only, never in plain text; no HipChat token reaches the worker", () => {
  const version = find("aws:secretsmanager/secretVersion:SecretVersion", "hipchat-proxy-delivery-secret-value");
  expect(JSON.parse(plain(version.inputs.secretString))).toEqual({ slackToken: run.secrets.slackToken });
  for (const r of run.mocks.resources.filter((x) => x.name.startsWith("hipchat-proxy-delivery"))) {
    expect([r.name, plaintextOccurrences(r.inputs, run.secrets.needles)]).toEqual([r.name, []]);
  }
});

it("passes every mandatory policy of the pack", () => {
  const violations = runPoliciesOnResources(
    run.mocks.resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, props: r.inputs })),
  );
  expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
});

it("exports the queue, the dead-letter queue and the worker", async () => {
  const { unwrap } = await import("../support/pulumiMocks");
  expect(await unwrap(run.program.deliveryQueueUrl!)).toMatch(/hipchat-proxy-delivery-queue-\w+\.fifo$/);
  expect(await unwrap(run.program.deliveryDeadLetterQueueUrl!)).toMatch(/hipchat-proxy-delivery-dlq-\w+\.fifo$/);
  expect(await unwrap(run.program.deliveryWorkerName!)).toMatch(/^hipchat-proxy-delivery-worker-/);
});
