/**
 * QueuedDelivery: an SQS FIFO queue, its dead-letter queue, and a worker Lambda that drains it, for
 * a private service that accepts work at once and does it later, in order per key, at the pace of a
 * downstream API. Generic like PrivateLambdaService: it knows nothing of Slack or HipChat.
 *
 * - The queue: FIFO (the sender chooses the message group, the unit of ordering, and the
 *   deduplication id), SQS-managed encryption (SSE-SQS), retention of days, a redrive policy to the
 *   dead-letter queue a few receives after the worker's own attempt limit (a backstop for a message
 *   that crashes the worker), and a redrive-allow policy so the dead letters can be moved back.
 * - The worker: a CallbackFunction that loads the bundle of [entry] and calls its [workerExport]
 *   once per container; an SQS event source with ReportBatchItemFailures and a maximum concurrency.
 *   Its role may receive, delete and change the visibility of messages of this queue, send to the
 *   dead-letter queue, write its logs, read [secretArn] and use [stateTable]: nothing else.
 * - Senders: {@link QueuedDelivery.allowSend} lets a role SendMessage to this queue, and nothing else.
 * - Alarms: the dead-letter queue holds a message; the oldest message is older than
 *   [oldestMessageAlarmSeconds].
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

import { buildBundle, projectPackages, RUNTIME_PROVIDED_PACKAGES } from "./bundle";
import { functionEnvironment, LAMBDA_RUNTIME } from "./privateLambdaService";
import { LOG_RETENTION_DAYS, RESERVED_ENVIRONMENT_NAMES } from "./validation";

/** The component's type token (generic, like PrivateLambdaService's). */
export const QUEUED_DELIVERY_TYPE = "private-lambda-service:index:QueuedDelivery";

/** Environment variables the component sets on the worker itself. */
export const QUEUED_DELIVERY_ENVIRONMENT = [
  "QUEUE_URL",
  "DEAD_LETTER_QUEUE_URL",
  "STATE_TABLE",
  "DELIVERY_MAX_ATTEMPTS",
] as const;

/** SQS's longest visibility timeout, in seconds. */
const MAX_VISIBILITY_SECONDS = 43_200;

/** The arguments of a {@link QueuedDelivery}. */
export interface QueuedDeliveryArgs {
  /**
   * The module the worker runs: it exports [workerExport], a function called once per container
   * that returns `(event: SQSEvent, context) => Promise<SQSBatchResponse>`. The component bundles it
   * with esbuild while the program runs (the same entry as the service's gives the same bundle).
   * Required.
   */
  readonly entry: string;

  /** The export of [entry] the worker calls. Default: `"workerFactory"`. */
  readonly workerExport?: string;

  /** Packages left out of the bundle. Default: `["@aws-sdk/*"]` (the runtime provides them). */
  readonly external?: readonly string[];

  /** Files shipped next to the bundle (name → content). Default: none. */
  readonly files?: Readonly<Record<string, string>>;

  /**
   * Plain environment variables of the worker. The component sets QUEUE_URL, DEAD_LETTER_QUEUE_URL,
   * DELIVERY_MAX_ATTEMPTS, STATE_TABLE (with [stateTable]) and SECRET_ARN (with [secretArn]); they
   * and Lambda's reserved names are refused here. A secret value is refused when it resolves.
   */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;

  /**
   * Named secret values for the worker, stored as one Secrets Manager secret of the component (a
   * JSON object, marked secret in the state); the worker gets its ARN in SECRET_ARN and may read it
   * and no other. Conflicts with [secretArn]. Default: none.
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;

  /** Days Secrets Manager keeps [secrets] after deletion: 0 or 7–30. Default: 7. */
  readonly secretRecoveryWindowInDays?: number;

  /** An existing Secrets Manager secret the worker may read (its ARN in SECRET_ARN). Conflicts with [secrets]. Default: none. */
  readonly secretArn?: pulumi.Input<string>;

  /** The worker's memory in MB, 128–10240. Default: 256. */
  readonly memorySize?: number;

  /** The worker's timeout in seconds, 10–900. Default: 60. The queue's visibility timeout is 6 times it. */
  readonly timeout?: number;

  /**
   * Concurrent worker invocations at most: the event source's maximumConcurrency, 2–1000. It caps
   * the downstream's load without Lambda throttling (which would count as receives). Default: 2.
   */
  readonly maxConcurrency?: number;

  /**
   * Messages per invocation, 1–10. Default: 1, so that a message's receive count is its attempt
   * count: with larger batches, records behind a failing one of the same group are received again
   * without being attempted, and count towards the redrive backstop.
   */
  readonly batchSize?: number;

  /**
   * Attempts before the worker dead-letters a message that keeps failing (DELIVERY_MAX_ATTEMPTS);
   * the queue's redrive policy moves a message after 5 receives more. 1–995. Default: 48.
   */
  readonly maxAttempts?: number;

  /** How long the queue keeps a message, in days, 1–14. Default: 4. */
  readonly retentionDays?: number;

  /** How long the dead-letter queue keeps a message, in days, 1–14. Default: 14. */
  readonly deadLetterRetentionDays?: number;

  /** The age alarm goes off when the oldest message is older than this, in seconds (60–1209600). Default: 900. */
  readonly oldestMessageAlarmSeconds?: number;

  /** ARNs notified when an alarm goes off or clears (SNS topics…). Default: none. */
  readonly alarmActions?: readonly pulumi.Input<string>[];

  /**
   * A DynamoDB table the worker may GetItem and PutItem (partition key `pk`, TTL on `expiresAt`),
   * named in STATE_TABLE: for small state the worker keeps between messages. Default: false.
   */
  readonly stateTable?: boolean;

  /** Retention of the worker's log group, in days. Default: 30. */
  readonly logRetentionInDays?: number;

  /** Tags for every child that takes them; each also gets `Name`. Default: none. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Checks a {@link QueuedDeliveryArgs} before anything is created.
 *
 * @throws Error naming the argument.
 */
export function validateQueuedDeliveryArgs(args: QueuedDeliveryArgs): void {
  if (typeof args.entry !== "string" || args.entry.trim() === "") {
    throw new Error("[entry] is required: the module that exports the worker factory.");
  }
  if (args.workerExport !== undefined && !/^[A-Za-z_$][\w$]*$/.test(args.workerExport)) {
    throw new Error(`workerExport must be an identifier; got "${args.workerExport}".`);
  }
  const range = (key: keyof QueuedDeliveryArgs, lo: number, hi: number) => {
    const v = args[key];
    if (v !== undefined && !(typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi)) {
      throw new Error(`${key} must be an integer from ${lo} to ${hi}; got ${String(v)}.`);
    }
  };
  range("memorySize", 128, 10240);
  range("timeout", 10, 900);
  range("maxConcurrency", 2, 1000);
  range("batchSize", 1, 10);
  range("maxAttempts", 1, 995);
  range("retentionDays", 1, 14);
  range("deadLetterRetentionDays", 1, 14);
  range("oldestMessageAlarmSeconds", 60, 1_209_600);
  if (args.secrets !== undefined && args.secretArn !== undefined) {
    throw new Error("Only one of [secrets] or [secretArn] can be given: the worker reads one secret.");
  }
  if (args.secrets !== undefined && Object.keys(args.secrets).length === 0) {
    throw new Error("secrets must name at least one value; leave it unset for a worker without a secret.");
  }
  const window = args.secretRecoveryWindowInDays;
  if (
    window !== undefined &&
    (args.secrets === undefined || !(window === 0 || (Number.isInteger(window) && window >= 7 && window <= 30)))
  ) {
    throw new Error("secretRecoveryWindowInDays needs [secrets] and must be 0 or 7 to 30.");
  }
  if ((args.deadLetterRetentionDays ?? 14) < (args.retentionDays ?? 4)) {
    throw new Error("deadLetterRetentionDays must be at least retentionDays, or dead letters could expire first.");
  }
  if (args.logRetentionInDays !== undefined && !LOG_RETENTION_DAYS.includes(args.logRetentionInDays)) {
    throw new Error(`logRetentionInDays must be one of CloudWatch Logs' periods; got ${args.logRetentionInDays}.`);
  }
  for (const key of Object.keys(args.environment ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`environment variable name "${key}" is not valid: use letters, digits and "_".`);
    }
    if ((QUEUED_DELIVERY_ENVIRONMENT as readonly string[]).includes(key) || RESERVED_ENVIRONMENT_NAMES.includes(key)) {
      throw new Error(`environment must not set ${key}: the component or Lambda sets it.`);
    }
  }
}

/** An SQS FIFO queue drained by a worker Lambda, with a dead-letter queue and alarms. */
export class QueuedDelivery extends pulumi.ComponentResource {
  /** The queue's URL (what senders SendMessage to). */
  public readonly queueUrl: pulumi.Output<string>;
  public readonly queueArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  public readonly workerName: pulumi.Output<string>;

  public readonly queue: aws.sqs.Queue;
  public readonly deadLetterQueue: aws.sqs.Queue;
  public readonly worker: aws.lambda.CallbackFunction<SQSEvent, SQSBatchResponse>;
  public readonly role: aws.iam.Role;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly eventSource: aws.lambda.EventSourceMapping;
  /** Alarms: `deadLetters` (the dead-letter queue holds a message), `oldestMessage` (the backlog is old). */
  public readonly alarms: { deadLetters: aws.cloudwatch.MetricAlarm; oldestMessage: aws.cloudwatch.MetricAlarm };
  public readonly stateTable?: aws.dynamodb.Table;
  /** The secret holding [secrets]; `undefined` without [secrets]. */
  public readonly secret?: aws.secretsmanager.Secret;

  private readonly name: string;

  constructor(name: string, args: QueuedDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super(QUEUED_DELIVERY_TYPE, name, {}, opts);
    try {
      validateQueuedDeliveryArgs(args);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    this.name = name;
    const parent = { parent: this };
    const tags = (child: string) => ({ ...args.tags, Name: child });
    const timeout = args.timeout ?? 60;
    const maxAttempts = args.maxAttempts ?? 48;

    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        fifoQueue: true,
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: (args.deadLetterRetentionDays ?? 14) * 86_400,
        tags: tags(`${name}-dlq`),
      },
      parent,
    );
    this.queue = new aws.sqs.Queue(
      `${name}-queue`,
      {
        fifoQueue: true,
        // The sender gives each message its deduplication id (one per request), never its content.
        contentBasedDeduplication: false,
        deduplicationScope: "messageGroup",
        fifoThroughputLimit: "perMessageGroupId",
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: (args.retentionDays ?? 4) * 86_400,
        // AWS's advice for a Lambda event source: at least six times the function's timeout.
        visibilityTimeoutSeconds: Math.min(MAX_VISIBILITY_SECONDS, 6 * timeout),
        redrivePolicy: pulumi.jsonStringify({
          deadLetterTargetArn: this.deadLetterQueue.arn,
          maxReceiveCount: maxAttempts + 5,
        }),
        tags: tags(`${name}-queue`),
      },
      parent,
    );
    new aws.sqs.RedriveAllowPolicy(
      `${name}-dlq-redrive-allow`,
      {
        queueUrl: this.deadLetterQueue.url,
        redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
      },
      parent,
    );

    if (args.stateTable) {
      this.stateTable = new aws.dynamodb.Table(
        `${name}-state`,
        {
          billingMode: "PAY_PER_REQUEST",
          hashKey: "pk",
          attributes: [{ name: "pk", type: "S" }],
          ttl: { attributeName: "expiresAt", enabled: true },
          serverSideEncryption: { enabled: true },
          tags: tags(`${name}-state`),
        },
        parent,
      );
    }

    let secretArn = args.secretArn;
    let secretVersion: aws.secretsmanager.SecretVersion | undefined;
    if (args.secrets !== undefined) {
      this.secret = new aws.secretsmanager.Secret(
        `${name}-secret`,
        {
          description: `Secret values of ${name}'s worker.`,
          recoveryWindowInDays: args.secretRecoveryWindowInDays ?? 7,
          tags: tags(`${name}-secret`),
        },
        parent,
      );
      secretVersion = new aws.secretsmanager.SecretVersion(
        `${name}-secret-value`,
        {
          secretId: this.secret.id,
          secretString: pulumi.secret(pulumi.output(args.secrets).apply((values) => JSON.stringify(values))),
        },
        parent,
      );
      secretArn = this.secret.arn;
    }

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-worker-logs`,
      {
        namePrefix: `/aws/lambda/${name}-worker-`,
        retentionInDays: args.logRetentionInDays ?? 30,
        tags: tags(`${name}-worker-logs`),
      },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-worker-role`,
      {
        description: `Execution role of ${name}'s worker.`,
        assumeRolePolicy: JSON.stringify(aws.iam.assumeRolePolicyForPrincipal(aws.iam.Principals.LambdaPrincipal)),
        tags: tags(`${name}-worker-role`),
      },
      parent,
    );
    const statements: pulumi.Input<Record<string, unknown>>[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${this.logGroup.arn}:*`,
      },
      {
        // The event source receives and deletes with the function's role; the worker changes visibility.
        Sid: "ConsumeOwnQueue",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
        Resource: this.queue.arn,
      },
      {
        Sid: "DeadLetterOwnMessages",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: this.deadLetterQueue.arn,
      },
    ];
    if (secretArn !== undefined) {
      statements.push({
        Sid: "ReadOwnSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: secretArn,
      });
    }
    if (this.stateTable) {
      statements.push({
        Sid: "UseOwnStateTable",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: this.stateTable.arn,
      });
    }
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-worker-policy`,
      { role: this.role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements }) },
      parent,
    );

    const bundle = buildBundle({
      entry: args.entry,
      name: `${name}-worker`,
      external: args.external ?? RUNTIME_PROVIDED_PACKAGES,
      files: args.files,
    });
    const bundlePath = bundle.requirePath;
    const workerExport = args.workerExport ?? "workerFactory";
    const environment: Record<string, pulumi.Input<string>> = {
      ...args.environment,
      QUEUE_URL: this.queue.url,
      DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.url,
      DELIVERY_MAX_ATTEMPTS: String(maxAttempts),
      ...(this.stateTable ? { STATE_TABLE: this.stateTable.name } : {}),
    };
    this.worker = new aws.lambda.CallbackFunction<SQSEvent, SQSBatchResponse>(
      `${name}-worker`,
      {
        callbackFactory: () => require(bundlePath)[workerExport](),
        runtime: LAMBDA_RUNTIME,
        role: this.role,
        memorySize: args.memorySize ?? 256,
        timeout,
        environment: { variables: functionEnvironment(environment, secretArn, this) },
        loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        description: `${name}: delivers the messages of its SQS queue.`,
        codePathOptions: { extraIncludePaths: [...bundle.archivePaths], extraExcludePackages: projectPackages() },
        tags: tags(`${name}-worker`),
      },
      {
        parent: this,
        dependsOn: secretVersion ? [rolePolicy, this.logGroup, secretVersion] : [rolePolicy, this.logGroup],
      },
    );
    this.eventSource = new aws.lambda.EventSourceMapping(
      `${name}-worker-events`,
      {
        eventSourceArn: this.queue.arn,
        functionName: this.worker.arn,
        batchSize: args.batchSize ?? 1,
        functionResponseTypes: ["ReportBatchItemFailures"],
        scalingConfig: { maximumConcurrency: args.maxConcurrency ?? 2 },
        tags: tags(`${name}-worker-events`),
      },
      { parent: this, dependsOn: [rolePolicy] },
    );

    const actions = args.alarmActions ? [...args.alarmActions] : [];
    const alarm = (
      child: string,
      description: string,
      metricName: string,
      queueName: pulumi.Input<string>,
      threshold: number,
      periods: number,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${child}`,
        {
          alarmDescription: description,
          namespace: "AWS/SQS",
          metricName,
          dimensions: { QueueName: queueName },
          statistic: "Maximum",
          period: 60,
          evaluationPeriods: periods,
          threshold,
          comparisonOperator: "GreaterThanThreshold",
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
          tags: tags(`${name}-${child}`),
        },
        parent,
      );
    this.alarms = {
      deadLetters: alarm(
        "dlq-alarm",
        `${name}: messages were dead-lettered (refused for good or out of attempts); each carries its reason.`,
        "ApproximateNumberOfMessagesVisible",
        this.deadLetterQueue.name,
        0,
        1,
      ),
      oldestMessage: alarm(
        "age-alarm",
        `${name}: the oldest queued message is older than ${args.oldestMessageAlarmSeconds ?? 900} s (downstream down or slow).`,
        "ApproximateAgeOfOldestMessage",
        this.queue.name,
        args.oldestMessageAlarmSeconds ?? 900,
        3,
      ),
    };

    this.queueUrl = this.queue.url;
    this.queueArn = this.queue.arn;
    this.deadLetterQueueUrl = this.deadLetterQueue.url;
    this.workerName = this.worker.name;
    this.registerOutputs({
      queueUrl: this.queueUrl,
      queueArn: this.queueArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      workerName: this.workerName,
    });
  }

  /**
   * Lets `role` send to the queue: an inline policy allowing `sqs:SendMessage` on this queue and
   * nothing else, named `<component>-send-<sender>`.
   */
  allowSend(sender: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      `${this.name}-send-${sender}`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "SendToQueue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: this.queue.arn }],
        }),
      },
      { parent: this },
    );
  }
}
