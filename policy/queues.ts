/**
 * Guardrails for queued work (QueuedDelivery and any SQS queue or event source of a program):
 * queues are encrypted and keep messages for days, FIFO names are valid, an SQS event source
 * reports batch item failures and caps its concurrency, queue and table permissions name their
 * resources and actions, and alarms on queues notify someone.
 */
import * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

import { isKnown, known, knownItems } from "./values";

type QueueProps = Unwrap<aws.sqs.QueueArgs>;

/** SQS's limit for a queue name, `.fifo` included. */
export const SQS_QUEUE_NAME_MAX = 80;

/** At least this retention (seconds) for a queue that carries work: a day. */
export const MIN_RETENTION_SECONDS = 86_400;

const knownString = (read: () => unknown): string | undefined => {
  const v = known(read);
  return isKnown(v) && typeof v === "string" ? v : undefined;
};

/** Queues are encrypted at rest: SSE-SQS or a KMS key. */
export const sqsQueueEncrypted: ResourceValidationPolicy = {
  name: "sqs-queue-encrypted",
  description: "SQS queues are encrypted at rest (sqsManagedSseEnabled: true, or a kmsMasterKeyId).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set `sqsManagedSseEnabled: true` (or `kmsMasterKeyId`) on the aws.sqs.Queue.",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue: QueueProps, _args, report) => {
    const sse = known(() => queue.sqsManagedSseEnabled);
    const kms = known(() => queue.kmsMasterKeyId);
    if (!isKnown(sse) || !isKnown(kms)) return;
    if (sse !== true && !(typeof kms === "string" && kms !== "")) {
      report("The queue is not encrypted explicitly: set sqsManagedSseEnabled: true or a kmsMasterKeyId.");
    }
  }),
};

/** Queues keep messages for days, not minutes. */
export const sqsQueueRetention: ResourceValidationPolicy = {
  name: "sqs-queue-retention",
  description:
    "SQS queues keep messages for at least a day (messageRetentionSeconds ≥ 86400; AWS's default is 4 days).",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Set `messageRetentionSeconds` to days (QueuedDelivery: retentionDays).",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue: QueueProps, _args, report) => {
    const seconds = known(() => queue.messageRetentionSeconds);
    if (isKnown(seconds) && typeof seconds === "number" && seconds < MIN_RETENTION_SECONDS) {
      report(`The queue keeps messages for ${seconds} s only: an outage longer than that loses them.`);
    }
  }),
};

/** FIFO queue names end in `.fifo` and fit SQS's 80 characters; a redrive has a bounded count. */
export const sqsQueueValid: ResourceValidationPolicy = {
  name: "sqs-queue-valid",
  description:
    "SQS queue names are at most 80 letters, digits, '-' and '_' (a FIFO queue's ending in .fifo), and a redrive " +
    "policy names its dead-letter queue with a maxReceiveCount from 1 to 1000.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Let Pulumi name the queue (it adds .fifo), or fix the name; fix redrivePolicy.",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue: QueueProps, args, report) => {
    const fifo = known(() => queue.fifoQueue) === true;
    const name = knownString(() => queue.name);
    if (name !== undefined) {
      const base = fifo ? name.replace(/\.fifo$/, "") : name;
      if (fifo && !name.endsWith(".fifo")) report(`The FIFO queue's name "${name}" must end with .fifo.`);
      if (name.length > SQS_QUEUE_NAME_MAX || !/^[A-Za-z0-9_-]+$/.test(base)) {
        report(`The queue name "${name}" must be 1–80 letters, digits, "-" or "_"${fifo ? " before .fifo" : ""}.`);
      }
    } else if (!known(() => queue.namePrefix) && args.name.length + 8 + (fifo ? 5 : 0) > SQS_QUEUE_NAME_MAX) {
      report(`The name Pulumi generates from "${args.name}" would exceed 80 characters.`);
    }
    const redrive = known(() => queue.redrivePolicy);
    if (isKnown(redrive) && typeof redrive === "string" && redrive !== "") {
      let doc: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
      try {
        doc = JSON.parse(redrive);
      } catch {
        report("redrivePolicy is not JSON.");
        return;
      }
      const count = Number(doc.maxReceiveCount);
      if (typeof doc.deadLetterTargetArn !== "string" || !Number.isInteger(count) || count < 1 || count > 1000) {
        report("redrivePolicy must name deadLetterTargetArn and a maxReceiveCount from 1 to 1000.");
      }
    }
  }),
};

/** An SQS event source reports partial batch failures and has a concurrency cap. */
export const sqsEventSourceSafe: ResourceValidationPolicy = {
  name: "sqs-event-source-batch-failures",
  description:
    "Lambda event sources reading SQS report partial batch failures (functionResponseTypes: ReportBatchItemFailures) " +
    "and cap their concurrency (scalingConfig.maximumConcurrency).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Set `functionResponseTypes: ["ReportBatchItemFailures"]` and `scalingConfig: { maximumConcurrency }` on the ' +
    "aws.lambda.EventSourceMapping.",
  validateResource: validateResourceOfType(aws.lambda.EventSourceMapping, (mapping, _args, report) => {
    const source = knownString(() => mapping.eventSourceArn);
    if (source === undefined || !/^arn:aws[a-z-]*:sqs:/.test(source)) return;
    const types = known(() => mapping.functionResponseTypes);
    if (isKnown(types) && !knownItems(() => mapping.functionResponseTypes).includes("ReportBatchItemFailures")) {
      report("Without ReportBatchItemFailures one failed message makes the whole batch go again (duplicates).");
    }
    const cap = known(
      () => (mapping.scalingConfig as { maximumConcurrency?: unknown } | undefined)?.maximumConcurrency,
    );
    if (isKnown(cap) && (cap === undefined || cap === null)) {
      report("No scalingConfig.maximumConcurrency: the worker scales with the backlog and can flood the downstream.");
    }
  }),
};

/** Actions on queues and tables that grant everything, or on every resource. */
function broadQueueGrants(policy: unknown): string[] {
  let doc: unknown = policy;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  const problems: string[] = [];
  for (const s of Array.isArray(statements) ? statements : statements ? [statements] : []) {
    const st = s as { Effect?: unknown; Action?: unknown; Resource?: unknown; Sid?: unknown };
    if (st.Effect !== "Allow") continue;
    const actions = [st.Action].flat().filter((a): a is string => typeof a === "string");
    const resources = [st.Resource].flat().filter((r): r is string => typeof r === "string");
    const queueActions = actions.filter((a) => a === "*" || /^(sqs|dynamodb):/i.test(a));
    if (queueActions.length === 0) continue;
    const wild = queueActions.filter((a) => a.includes("*"));
    const where = `statement ${typeof st.Sid === "string" ? st.Sid : "(no Sid)"}`;
    if (wild.length > 0) problems.push(`${where} grants ${wild.join(", ")}: name the actions.`);
    if (resources.some((r) => r === "*" || /:(sqs|dynamodb):[^:]*:[^:]*:\*$/.test(r) || r.endsWith(":table/*"))) {
      problems.push(`${where} grants ${queueActions.join(", ")} on every queue or table: name the resource.`);
    }
  }
  return problems;
}

/** Queue and table permissions name their actions and resources. */
export const iamQueueGrantsScoped: ResourceValidationPolicy = {
  name: "iam-queue-grants-scoped",
  description:
    "IAM policies grant SQS and DynamoDB actions by name (no sqs:*, dynamodb:* or *) on named queues and tables.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "List the actions (sqs:SendMessage…) and the queue or table ARNs.",
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicy, (p, _args, report) => {
      const doc = known(() => p.policy);
      if (isKnown(doc)) for (const problem of broadQueueGrants(doc)) report(problem);
    }),
    validateResourceOfType(aws.iam.Policy, (p, _args, report) => {
      const doc = known(() => p.policy);
      if (isKnown(doc)) for (const problem of broadQueueGrants(doc)) report(problem);
    }),
  ],
};

/** Alarms on queues tell someone. */
export const queueAlarmsNotify: ResourceValidationPolicy = {
  name: "queue-alarms-notify",
  description: "CloudWatch alarms on SQS metrics have alarmActions (an SNS topic…): an alarm nobody hears is a graph.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Give QueuedDelivery alarmActions (the stack's deliveryAlarmActions).",
  validateResource: validateResourceOfType(aws.cloudwatch.MetricAlarm, (alarm, _args, report) => {
    if (knownString(() => alarm.namespace) !== "AWS/SQS") return;
    const actions = known(() => alarm.alarmActions);
    if (isKnown(actions) && knownItems(() => alarm.alarmActions).length === 0) {
      report(`The alarm ${knownString(() => alarm.metricName) ?? ""} notifies nobody: set alarmActions.`);
    }
  }),
};

/** The policies of this file, in the order `pulumi preview` lists them. */
export const queuePolicies: ResourceValidationPolicy[] = [
  sqsQueueEncrypted,
  sqsQueueValid,
  sqsQueueRetention,
  sqsEventSourceSafe,
  iamQueueGrantsScoped,
  queueAlarmsNotify,
];
