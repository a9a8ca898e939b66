/**
 * The queue policies against compliant and violating resources, through the fake CrossGuard args
 * of `testing.ts`.
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";

import { policies } from "./policies";
import {
  iamQueueGrantsScoped,
  queueAlarmsNotify,
  queuePolicies,
  sqsEventSourceSafe,
  sqsQueueEncrypted,
  sqsQueueRetention,
  sqsQueueValid,
} from "./queues";
import { type ResourceUnderTest, runPolicy } from "./testing";

type ResourceClass = { new (...rest: any[]): unknown };
const resource = (cls: ResourceClass, props: Record<string, unknown>, name = "r"): ResourceUnderTest => ({
  type: (cls as unknown as { __pulumiType: string }).__pulumiType,
  name,
  props,
});
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:svc-queue-abc1234.fifo";
const goodQueue = {
  fifoQueue: true,
  sqsManagedSseEnabled: true,
  messageRetentionSeconds: 345_600,
  redrivePolicy: JSON.stringify({ deadLetterTargetArn: QUEUE_ARN, maxReceiveCount: 53 }),
};
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

const cases: [ResourceValidationPolicy, string, ResourceUnderTest, RegExp[]][] = [
  [sqsQueueEncrypted, "SSE-SQS", resource(aws.sqs.Queue, goodQueue), []],
  [sqsQueueEncrypted, "a KMS key", resource(aws.sqs.Queue, { kmsMasterKeyId: "alias/q" }), []],
  [sqsQueueEncrypted, "nothing said", resource(aws.sqs.Queue, {}), [/not encrypted/]],
  [sqsQueueEncrypted, "SSE off", resource(aws.sqs.Queue, { sqsManagedSseEnabled: false }), [/not encrypted/]],
  [sqsQueueRetention, "4 days", resource(aws.sqs.Queue, goodQueue), []],
  [sqsQueueRetention, "AWS's default", resource(aws.sqs.Queue, {}), []],
  [sqsQueueRetention, "an hour", resource(aws.sqs.Queue, { messageRetentionSeconds: 3600 }), [/3600 s only/]],
  [sqsQueueValid, "autonamed FIFO", resource(aws.sqs.Queue, goodQueue, "svc-queue"), []],
  [sqsQueueValid, "a named FIFO", resource(aws.sqs.Queue, { ...goodQueue, name: "jobs.fifo" }), []],
  [
    sqsQueueValid,
    "FIFO without .fifo",
    resource(aws.sqs.Queue, { fifoQueue: true, name: "jobs" }),
    [/must end with \.fifo/],
  ],
  [sqsQueueValid, "a bad character", resource(aws.sqs.Queue, { name: "jobs#1" }), [/1–80 letters/]],
  [
    sqsQueueValid,
    "a generated name too long",
    resource(aws.sqs.Queue, { fifoQueue: true }, "x".repeat(70)),
    [/would exceed 80 characters/],
  ],
  [
    sqsQueueValid,
    "an unbounded redrive",
    resource(aws.sqs.Queue, { redrivePolicy: JSON.stringify({ deadLetterTargetArn: QUEUE_ARN, maxReceiveCount: 0 }) }),
    [/maxReceiveCount from 1 to 1000/],
  ],
  [
    sqsEventSourceSafe,
    "batch failures and a cap",
    resource(aws.lambda.EventSourceMapping, {
      eventSourceArn: QUEUE_ARN,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: 2 },
    }),
    [],
  ],
  [
    sqsEventSourceSafe,
    "neither",
    resource(aws.lambda.EventSourceMapping, { eventSourceArn: QUEUE_ARN }),
    [/ReportBatchItemFailures/, /maximumConcurrency/],
  ],
  [
    sqsEventSourceSafe,
    "not SQS",
    resource(aws.lambda.EventSourceMapping, { eventSourceArn: "arn:aws:kinesis:eu-west-1:1:stream/s" }),
    [],
  ],
  [
    iamQueueGrantsScoped,
    "named actions on a named queue",
    resource(aws.iam.RolePolicy, {
      policy: doc({ Sid: "Send", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: QUEUE_ARN }),
    }),
    [],
  ],
  [
    iamQueueGrantsScoped,
    "sqs:* on every queue",
    resource(aws.iam.RolePolicy, { policy: doc({ Sid: "All", Effect: "Allow", Action: "sqs:*", Resource: "*" }) }),
    [/grants sqs:\*: name the actions/, /on every queue or table/],
  ],
  [
    iamQueueGrantsScoped,
    "dynamodb on every table",
    resource(aws.iam.Policy, {
      policy: doc({ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: "arn:aws:dynamodb:eu-west-1:1:table/*" }),
    }),
    [/on every queue or table/],
  ],
  [
    iamQueueGrantsScoped,
    "other services are not this policy's business",
    resource(aws.iam.RolePolicy, { policy: doc({ Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "*" }) }),
    [],
  ],
  [
    queueAlarmsNotify,
    "an SQS alarm with a topic",
    resource(aws.cloudwatch.MetricAlarm, { namespace: "AWS/SQS", alarmActions: ["arn:aws:sns:eu-west-1:1:ops"] }),
    [],
  ],
  [
    queueAlarmsNotify,
    "an SQS alarm telling nobody",
    resource(aws.cloudwatch.MetricAlarm, {
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      alarmActions: [],
    }),
    [/notifies nobody/],
  ],
];

it.each(cases.map(([policy, title, r, violations]) => [`${policy.name}: ${title}`, policy, r, violations] as const))(
  "%s",
  (_title, policy, r, violations) => {
    const messages = runPolicy(policy, r);
    expect(messages).toHaveLength(violations.length);
    for (const [i, pattern] of violations.entries()) expect(messages[i]).toMatch(pattern);
  },
);

it("every queue policy has compliant and violating cases, and is in the pack", () => {
  for (const policy of queuePolicies) {
    const own = cases.filter(([p]) => p === policy);
    expect([policy.name, own.some(([, , , v]) => v.length === 0), own.some(([, , , v]) => v.length > 0)]).toEqual([
      policy.name,
      true,
      true,
    ]);
    expect(policies).toContain(policy);
  }
});
