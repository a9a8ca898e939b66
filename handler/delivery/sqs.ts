/**
 * Queued delivery in AWS: the request handler sends each accepted message to an SQS FIFO queue (one
 * message group per Slack channel, the envelope id as deduplication id), and a worker Lambda with an
 * SQS event source (ReportBatchItemFailures) delivers them.
 *
 * The worker, for each record of a batch, in order, per message group:
 * - delivered: reported as a success (Lambda deletes it);
 * - retry: its visibility timeout is set to the delay (ChangeMessageVisibility), so the delays grow
 *   with each attempt and an outage of hours does not use up the attempts; it is reported as a
 *   failure, and so is every later record of its group in the batch (they must not overtake it);
 * - dead (Slack refuses it for good, or its attempts are used up): the worker sends it to the
 *   dead-letter queue itself, with its reason and attempts as message attributes, and reports it as
 *   a success so Lambda deletes it; its group goes on. The queue's own redrive policy
 *   (maxReceiveCount a little above the worker's attempts) only catches a message that crashes the
 *   worker every time.
 * The AWS SDK v3 is the one the nodejs22.x runtime provides; it is required on first use.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { clip } from "../convert/limits";
import type { Logger } from "../log";
import type { InvocationContext } from "../proxy";
import type { MessageQueue } from "./accept";
import type { Deliverer } from "./deliver";
import { decodeEnvelope, EnvelopeError, messageGroupId } from "./envelope";

type SqsSdk = typeof import("@aws-sdk/client-sqs");

/** SQS's longest visibility timeout (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface SqsClientOptions {
  region?: string;
  /** Per-attempt timeout; the SDK makes up to 3 attempts. Default 2 s. */
  timeoutMs?: number;
}

/**
 * A client for one queue URL. Its endpoint is the URL's origin: SQS answers every queue at its own
 * URL, and without it the SDK warns on each call whose URL differs from the regional endpoint.
 */
function sqsClient(
  queueUrl: string,
  options: SqsClientOptions,
): { sdk: SqsSdk; client: import("@aws-sdk/client-sqs").SQSClient } {
  const sdk = require("@aws-sdk/client-sqs") as SqsSdk;
  const timeout = options.timeoutMs ?? 2000;
  const client = new sdk.SQSClient({
    region: options.region,
    endpoint: new URL(queueUrl).origin,
    maxAttempts: 3,
    requestHandler: {
      requestTimeout: timeout,
      connectionTimeout: timeout,
      throwOnRequestTimeout: true,
      socketTimeout: timeout,
    },
  });
  return { sdk, client };
}

/**
 * The request side: SendMessage to the FIFO queue. The SDK retries a send whose answer was lost with
 * the same deduplication id, so SQS stores it once.
 */
export function sqsMessageQueue(queueUrl: string, options: SqsClientOptions = {}): MessageQueue {
  let sqs: ReturnType<typeof sqsClient> | undefined;
  return {
    async enqueue(envelope, encoded) {
      sqs ??= sqsClient(queueUrl, options);
      await sqs.client.send(
        new sqs.sdk.SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: encoded,
          MessageGroupId: messageGroupId(envelope.channel),
          MessageDeduplicationId: envelope.id,
        }),
      );
    },
  };
}

/** The SQS calls the worker makes itself (Lambda receives and deletes). */
export interface WorkerQueueApi {
  /** Sets how long a received message stays hidden (the delay before its next attempt). */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  /** Sends a message to the dead-letter queue with why it died. */
  deadLetter(record: SQSRecord, reason: string, attempts: number): Promise<void>;
}

export function sqsWorkerQueueApi(
  queueUrl: string,
  deadLetterQueueUrl: string,
  options: SqsClientOptions = {},
): WorkerQueueApi {
  let sqs: ReturnType<typeof sqsClient> | undefined;
  return {
    async changeVisibility(receiptHandle, seconds) {
      sqs ??= sqsClient(queueUrl, options);
      await sqs.client.send(
        new sqs.sdk.ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    async deadLetter(record, reason, attempts) {
      sqs ??= sqsClient(queueUrl, options);
      await sqs.client.send(
        new sqs.sdk.SendMessageCommand({
          QueueUrl: deadLetterQueueUrl,
          MessageBody: record.body,
          MessageGroupId: record.attributes.MessageGroupId ?? "dead",
          MessageDeduplicationId: record.attributes.MessageDeduplicationId ?? record.messageId,
          MessageAttributes: {
            reason: { DataType: "String", StringValue: clip(reason, 256) },
            attempts: { DataType: "Number", StringValue: String(attempts) },
            deadAt: { DataType: "String", StringValue: new Date().toISOString() },
          },
        }),
      );
    },
  };
}

export interface SqsWorkerDeps {
  deliverer: Deliverer;
  queue: WorkerQueueApi;
  log: Logger;
  /** Time kept back from the invocation's deadline. Default 2 s. */
  marginMs?: number;
  /** The least time worth starting an attempt with (a Slack call). Default 12 s. */
  minAttemptMs?: number;
  now?: () => number;
}

export type SqsWorkerHandler = (event: SQSEvent, context?: InvocationContext) => Promise<SQSBatchResponse>;

/** The worker Lambda's handler: one SQS batch in, the records to keep (batchItemFailures) out. */
export function createSqsWorker(deps: SqsWorkerDeps): SqsWorkerHandler {
  const now = deps.now ?? Date.now;
  const marginMs = deps.marginMs ?? 2_000;
  const minAttemptMs = deps.minAttemptMs ?? 12_000;
  return async (event, context) => {
    const end = now() + (context ? context.getRemainingTimeInMillis() : 60_000) - marginMs;
    const failures: { itemIdentifier: string }[] = [];
    // A group whose earlier record stays in the queue: its later records must stay too.
    const held = new Set<string>();
    for (const record of event.Records ?? []) {
      const group = record.attributes.MessageGroupId ?? "";
      const attempts = Number(record.attributes.ApproximateReceiveCount ?? "1");
      const keep = () => {
        failures.push({ itemIdentifier: record.messageId });
        held.add(group);
      };
      if (held.has(group) || end - now() < minAttemptMs) {
        keep(); // not attempted: back after the queue's visibility timeout (its group waits meanwhile)
        continue;
      }
      let outcome: Awaited<ReturnType<Deliverer["deliver"]>>;
      try {
        outcome = await deps.deliverer.deliver(decodeEnvelope(record.body), { attempt: attempts, deadline: end });
      } catch (err) {
        if (!(err instanceof EnvelopeError)) throw err;
        outcome = { kind: "dead", reason: `malformed_envelope:${err.message}` };
        deps.log.error("delivery", {
          messageId: record.messageId,
          attempt: attempts,
          outcome: "dead",
          reason: outcome.reason,
        });
      }
      try {
        if (outcome.kind === "retry") {
          const seconds = Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(outcome.delayMs / 1000)));
          await deps.queue.changeVisibility(record.receiptHandle, seconds);
          keep();
        } else if (outcome.kind === "dead") {
          await deps.queue.deadLetter(record, outcome.reason, attempts);
          // Reported as a success: Lambda deletes it from the queue, and its group goes on.
        }
      } catch (err) {
        // Kept in the queue either way: it comes back after the visibility timeout.
        deps.log.error("delivery queue call failed", {
          messageId: record.messageId,
          outcome: outcome.kind,
          error: err instanceof Error ? err.name : typeof err,
        });
        keep();
      }
    }
    return { batchItemFailures: failures };
  };
}

export { messageGroupId };
