/**
 * An SQS stand-in on 127.0.0.1 that the real `@aws-sdk/client-sqs` talks to (JSON protocol): FIFO
 * queues with message groups, deduplication, visibility timeouts, receive counts and a redrive policy,
 * plus an event source mapping (`startEventSource`) that invokes a worker handler with batches the
 * way Lambda does: ReportBatchItemFailures honoured (successes deleted), a bounded concurrency, and
 * a failed invocation leaving its whole batch in the queue.
 *
 * Queue URLs are `http://127.0.0.1:<port>/123456789012/<name>`; the SDK sends each call to its
 * queue's URL, so no endpoint setting is needed.
 */
import { createHash, randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export interface StoredMessage {
  messageId: string;
  body: string;
  groupId: string;
  dedupId: string;
  sentAt: number;
  receiveCount: number;
  invisibleUntil: number;
  receiptHandle?: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}

export interface QueueSpec {
  name: string;
  /** Default visibility timeout in (stand-in) seconds. */
  visibilityTimeout?: number;
  redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface SqsStandInOptions {
  queues: QueueSpec[];
  /** Milliseconds per SQS second (visibility timeouts): below 1000 makes tests fast. Default 1000. */
  msPerSecond?: number;
}

export interface SqsStandIn {
  url(name: string): string;
  /** Messages still in a queue (waiting or in flight), in order. */
  messages(name: string): StoredMessage[];
  /** Every API call, by action name. */
  calls: { action: string; input: Record<string, unknown> }[];
  /** Receives a batch as Lambda's poller does (FIFO rules, redrive at receive time). */
  receive(name: string, max: number): StoredMessage[];
  delete(name: string, receiptHandle: string): boolean;
  /** Makes receipt handles stale (their calls then fail), as after an invocation that died. */
  invalidate(receiptHandles: readonly string[]): void;
  close(): Promise<void>;
}

const ACCOUNT = "123456789012";
const MAX_BYTES = 262_144;

export async function startSqsStandIn(options: SqsStandInOptions): Promise<SqsStandIn> {
  const msPerSecond = options.msPerSecond ?? 1000;
  const queues = new Map<
    string,
    { spec: QueueSpec; messages: StoredMessage[]; dedup: Map<string, { id: string; at: number }> }
  >();
  for (const spec of options.queues) queues.set(spec.name, { spec, messages: [], dedup: new Map() });
  const calls: SqsStandIn["calls"] = [];
  const stale = new Set<string>();
  let port = 0;

  const queueOf = (url: unknown) => {
    const name =
      String(url ?? "")
        .split("/")
        .pop() ?? "";
    const q = queues.get(name);
    if (!q)
      throw {
        status: 400,
        type: "AWS.SimpleQueueService.NonExistentQueue",
        message: "The specified queue does not exist.",
      };
    return q;
  };
  const findByHandle = (q: ReturnType<typeof queueOf>, handle: unknown) => {
    const m = q.messages.find((x) => x.receiptHandle === handle);
    if (!m || stale.has(String(handle)))
      throw { status: 400, type: "ReceiptHandleIsInvalid", message: "The receipt handle is not valid." };
    return m;
  };

  const send = (q: ReturnType<typeof queueOf>, input: Record<string, any>) => {
    const body = String(input.MessageBody ?? "");
    if (Buffer.byteLength(body) > MAX_BYTES)
      throw { status: 400, type: "InvalidParameterValue", message: "Message too long" };
    if (/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]/.test(body)) {
      throw { status: 400, type: "InvalidMessageContents", message: "Invalid characters" };
    }
    // SQS allows the same characters in a string attribute as in the body, and a lone surrogate is none.
    for (const [name, value] of Object.entries((input.MessageAttributes ?? {}) as Record<string, any>)) {
      const text = value?.StringValue;
      if (
        typeof text === "string" &&
        (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text) ||
          /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]/.test(text))
      )
        throw {
          status: 400,
          type: "InvalidParameterValue",
          message: `Message attribute ${name} has invalid characters`,
        };
    }
    if (!input.MessageGroupId) throw { status: 400, type: "MissingParameter", message: "MessageGroupId is required" };
    const dedupId = String(input.MessageDeduplicationId ?? "");
    if (!dedupId) throw { status: 400, type: "InvalidParameterValue", message: "MessageDeduplicationId is required" };
    const now = Date.now();
    const seen = q.dedup.get(dedupId);
    const md5 = createHash("md5").update(body, "utf8").digest("hex");
    if (seen && now - seen.at < 300_000) return { MessageId: seen.id, MD5OfMessageBody: md5 };
    const messageId = randomUUID();
    q.dedup.set(dedupId, { id: messageId, at: now });
    q.messages.push({
      messageId,
      body,
      groupId: String(input.MessageGroupId),
      dedupId,
      sentAt: now,
      receiveCount: 0,
      invisibleUntil: 0,
      attributes: input.MessageAttributes ?? {},
    });
    return { MessageId: messageId, MD5OfMessageBody: md5, SequenceNumber: String(now) };
  };

  const receive = (name: string, max: number): StoredMessage[] => {
    const q = queues.get(name)!;
    const now = Date.now();
    const blocked = new Set(q.messages.filter((m) => m.invisibleUntil > now).map((m) => m.groupId));
    const out: StoredMessage[] = [];
    for (const m of [...q.messages]) {
      if (out.length >= max) break;
      if (blocked.has(m.groupId) && !out.some((o) => o.groupId === m.groupId)) continue;
      if (m.invisibleUntil > now) continue;
      // The group's earlier messages must all be in this batch for this one to join it.
      const earlier = q.messages.filter(
        (x) => x.groupId === m.groupId && x !== m && q.messages.indexOf(x) < q.messages.indexOf(m),
      );
      if (earlier.some((x) => !out.includes(x))) continue;
      const redrive = q.spec.redrive;
      if (redrive && m.receiveCount >= redrive.maxReceiveCount) {
        // SQS moves it to the dead-letter queue when it would be received once too often.
        q.messages.splice(q.messages.indexOf(m), 1);
        queues.get(redrive.deadLetterQueue)!.messages.push({ ...m, receiptHandle: undefined, invisibleUntil: 0 });
        continue;
      }
      m.receiveCount += 1;
      m.receiptHandle = randomUUID();
      m.invisibleUntil = now + (q.spec.visibilityTimeout ?? 30) * msPerSecond;
      out.push(m);
    }
    return out;
  };

  const actions: Record<string, (input: Record<string, any>) => unknown> = {
    SendMessage: (input) => send(queueOf(input.QueueUrl), input),
    ChangeMessageVisibility: (input) => {
      const m = findByHandle(queueOf(input.QueueUrl), input.ReceiptHandle);
      m.invisibleUntil = Date.now() + Number(input.VisibilityTimeout) * msPerSecond;
      return {};
    },
    DeleteMessage: (input) => {
      const q = queueOf(input.QueueUrl);
      const m = findByHandle(q, input.ReceiptHandle);
      q.messages.splice(q.messages.indexOf(m), 1);
      return {};
    },
    ReceiveMessage: (input) => ({
      Messages: receive(String(input.QueueUrl).split("/").pop()!, Number(input.MaxNumberOfMessages ?? 1)).map((m) => ({
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        Body: m.body,
        MD5OfBody: createHash("md5").update(m.body, "utf8").digest("hex"),
      })),
    }),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSQS\./, "");
      let input: Record<string, unknown> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        /* answered below */
      }
      calls.push({ action, input });
      try {
        const handler = actions[action];
        if (!handler) throw { status: 400, type: "InvalidAction", message: `Unknown action ${action}` };
        const out = handler(input);
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify(out));
      } catch (err) {
        const e = err as { status?: number; type?: string; message?: string };
        res.writeHead(e.status ?? 500, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-query-error": `${e.type ?? "InternalError"};Sender`,
        });
        res.end(
          JSON.stringify({
            __type: `com.amazonaws.sqs#${e.type ?? "InternalError"}`,
            message: e.message ?? String(err),
          }),
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: (name) => `http://127.0.0.1:${port}/${ACCOUNT}/${name}`,
    messages: (name) => queues.get(name)!.messages,
    calls,
    receive,
    delete: (name, handle) => {
      const q = queues.get(name)!;
      const i = q.messages.findIndex((m) => m.receiptHandle === handle);
      if (i < 0 || stale.has(handle)) return false;
      q.messages.splice(i, 1);
      return true;
    },
    invalidate: (handles) => {
      for (const h of handles) stale.add(h);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An SQS record as Lambda hands it to the function. */
export function toRecord(m: StoredMessage, queueArn: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle!,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: "AROAEXAMPLE",
      ApproximateFirstReceiveTimestamp: String(m.sentAt),
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.dedupId,
      SequenceNumber: "1",
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(m.body, "utf8").digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: "us-east-1",
  };
}

export interface EventSourceOptions {
  queue: string;
  batchSize: number;
  /** Concurrent invocations at most (the mapping's maximumConcurrency). */
  maxConcurrency: number;
  /** The function's timeout, given to each invocation as its remaining time. */
  timeoutMs: number;
  /** The current container's handler; `invoke` may replace it (a crashed container is gone). */
  handler: () => (event: SQSEvent, context: { getRemainingTimeInMillis(): number }) => Promise<SQSBatchResponse>;
  /**
   * Lets a test kill an invocation: given the batch and the invocation's own promise, it returns a
   * promise that resolves to true when the invocation died (its result is then ignored, as Lambda
   * ignores a function that crashed or timed out), or false when it finished first.
   */
  crash?: (batch: StoredMessage[], run: Promise<unknown>) => Promise<boolean> | undefined;
}

export interface EventSource {
  invocations: number;
  stop(): Promise<void>;
}

/** Polls the stand-in like Lambda's SQS poller and invokes the handler with each batch. */
export function startEventSource(sqs: SqsStandIn, options: EventSourceOptions): EventSource {
  let stopped = false;
  const state = { invocations: 0 };
  const arn = `arn:aws:sqs:us-east-1:${ACCOUNT}:${options.queue}`;
  const worker = async () => {
    while (!stopped) {
      const batch = sqs.receive(options.queue, options.batchSize);
      if (batch.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      state.invocations += 1;
      const end = Date.now() + options.timeoutMs;
      const run = options.handler()(
        { Records: batch.map((m) => toRecord(m, arn)) },
        {
          getRemainingTimeInMillis: () => end - Date.now(),
        },
      );
      const crashed = options.crash?.(batch, run);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const result = await Promise.race([
        run.then((r) => ({ ok: true as const, r })),
        ...(crashed
          ? [crashed.then((died) => (died ? { ok: false as const } : new Promise<never>(() => undefined)))]
          : []),
        new Promise<{ ok: false }>((r) => {
          timer = setTimeout(() => r({ ok: false }), options.timeoutMs);
        }),
      ])
        .catch(() => ({ ok: false as const }))
        .finally(() => clearTimeout(timer));
      if (!result.ok) {
        // A failed invocation: nothing is deleted; the batch comes back after its visibility timeout.
        sqs.invalidate(batch.map((m) => m.receiptHandle!));
        continue;
      }
      const failed = new Set(result.r.batchItemFailures.map((f) => f.itemIdentifier));
      for (const m of batch) if (!failed.has(m.messageId)) sqs.delete(options.queue, m.receiptHandle!);
    }
  };
  const workers = Array.from({ length: options.maxConcurrency }, worker);
  return {
    get invocations() {
      return state.invocations;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}
