/**
 * The SQS worker (handler/delivery/sqs.ts) pinned down exactly:
 * - `createSqsWorker`, with a scripted deliverer, a recording queue and a clock the test sets: which
 *   records of a batch are kept (batchItemFailures), in order, per message group; the visibility
 *   each retry gets (whole seconds, rounded up, 1 to 43 200); what is dead-lettered, and why; the
 *   time budget (the invocation's deadline less the margin, the least time worth an attempt); what
 *   a failing queue call or a malformed envelope does, and the log lines;
 * - `sqsWorkerQueueApi` and `sqsMessageQueue`, the real `@aws-sdk/client-sqs` against the SQS
 *   stand-in (and a server that never answers) on 127.0.0.1: the exact calls, the dead-letter
 *   message's attributes with their fallbacks, the per-attempt timeout.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSRecord } from "aws-lambda";
import type { Attempt, Deliverer, Outcome } from "../../handler/delivery/deliver";
import { ENVELOPE_VERSION, type Envelope, encodeEnvelope, messageGroupId } from "../../handler/delivery/envelope";
import {
  createSqsWorker,
  MAX_VISIBILITY_SECONDS,
  sqsMessageQueue,
  sqsWorkerQueueApi,
  type WorkerQueueApi,
} from "../../handler/delivery/sqs";
import { createLogger } from "../../handler/log";
import { startSqsStandIn, type SqsStandIn } from "../support/sqsStandIn";
import { isolateAwsEnvironment } from "../support/awsEnvironment";

const envelope = (id: string, channel = "#ops"): Envelope => ({
  v: ENVELOPE_VERSION,
  id,
  channel,
  route: "room.notification",
  acceptedAt: 0,
  message: { channel, text: `${id} text`, mrkdwn: true },
});

/** An SQS record as Lambda hands it over; `attributes` replaces the FIFO attributes when given. */
function record(
  id: string,
  o: { group?: string; receiveCount?: string; body?: string; attributes?: Record<string, string> } = {},
): SQSRecord {
  return {
    messageId: `m-${id}`,
    receiptHandle: `rh-${id}`,
    body: o.body ?? encodeEnvelope(envelope(id, o.group ?? "#ops")),
    attributes: (o.attributes ?? {
      ApproximateReceiveCount: o.receiveCount ?? "1",
      SentTimestamp: "0",
      SenderId: "AROAEXAMPLE",
      ApproximateFirstReceiveTimestamp: "0",
      MessageGroupId: o.group ?? "#ops",
      MessageDeduplicationId: `d-${id}`,
    }) as unknown as SQSRecord["attributes"],
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q.fifo",
    awsRegion: "us-east-1",
  };
}

type Script = Outcome | Error | ((attempt: Attempt) => Outcome);

/** A worker over a scripted deliverer (outcome per envelope id) and a queue that records its calls. */
function rig(
  script: Record<string, Script>,
  o: {
    now?: () => number;
    marginMs?: number;
    minAttemptMs?: number;
    queue?: Partial<WorkerQueueApi>;
    onDeliver?: () => void;
  } = {},
) {
  const delivered: { id: string; attempt: Attempt }[] = [];
  const queueCalls: unknown[][] = [];
  const lines: Record<string, unknown>[] = [];
  const deliverer: Deliverer = {
    deliver: async (e, attempt) => {
      delivered.push({ id: e.id, attempt });
      o.onDeliver?.();
      const s = script[e.id] ?? { kind: "delivered", ts: "1.000001" };
      if (s instanceof Error) throw s;
      return typeof s === "function" ? s(attempt) : s;
    },
  };
  const queue: WorkerQueueApi = {
    changeVisibility: async (handle, seconds) => {
      queueCalls.push(["changeVisibility", handle, seconds]);
      await o.queue?.changeVisibility?.(handle, seconds);
    },
    deadLetter: async (r, reason, attempts) => {
      queueCalls.push(["deadLetter", r.messageId, reason, attempts]);
      await o.queue?.deadLetter?.(r, reason, attempts);
    },
  };
  const worker = createSqsWorker({
    deliverer,
    queue,
    log: createLogger((l) => {
      const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      lines.push(rest);
    }),
    now: o.now ?? (() => 1_000_000),
    marginMs: o.marginMs,
    minAttemptMs: o.minAttemptMs,
  });
  return { worker, delivered, queueCalls, lines };
}

const kept = (ids: string[]) => ({ batchItemFailures: ids.map((id) => ({ itemIdentifier: `m-${id}` })) });
const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });
const retry = (delayMs: number): Outcome => ({ kind: "retry", delayMs, reason: "http_500" });
const dead = (reason: string): Outcome => ({ kind: "dead", reason });

describe("a batch", () => {
  it("keeps a retried record and every later record of its group; other groups go on", async () => {
    const { worker, delivered, queueCalls } = rig({
      a1: retry(5000),
      b2: dead("channel_not_found"),
    });
    const event = {
      Records: [
        record("a1", { group: "#a" }),
        record("b1", { group: "#b" }),
        record("a2", { group: "#a" }),
        record("b2", { group: "#b", receiveCount: "3" }),
        record("b3", { group: "#b" }),
        record("a3", { group: "#a" }),
      ],
    };
    expect(await worker(event, context(60_000))).toEqual(kept(["a1", "a2", "a3"]));
    // a2 and a3 were not even attempted: they must not overtake a1.
    expect(delivered.map((d) => d.id)).toEqual(["a1", "b1", "b2", "b3"]);
    expect(queueCalls).toEqual([
      ["changeVisibility", "rh-a1", 5],
      ["deadLetter", "m-b2", "channel_not_found", 3],
    ]);
  });

  it("a delivered record makes no queue call and is not kept", async () => {
    const { worker, queueCalls } = rig({});
    expect(await worker({ Records: [record("x1"), record("x2")] }, context(60_000))).toEqual(kept([]));
    expect(queueCalls).toEqual([]);
  });

  it("a dead record is reported done (Lambda deletes it), and its group goes on", async () => {
    const { worker, delivered, queueCalls } = rig({ d1: dead("msg_too_long") });
    expect(await worker({ Records: [record("d1"), record("d2")] }, context(60_000))).toEqual(kept([]));
    expect(delivered.map((d) => d.id)).toEqual(["d1", "d2"]);
    expect(queueCalls).toEqual([["deadLetter", "m-d1", "msg_too_long", 1]]);
  });

  it("an event without records is an empty answer", async () => {
    const { worker } = rig({});
    expect(await worker({} as never, context(60_000))).toEqual(kept([]));
    expect(await worker({ Records: [] }, context(60_000))).toEqual(kept([]));
  });

  it("records without a message group are one group", async () => {
    const noGroup = { ApproximateReceiveCount: "1" };
    const { worker, delivered } = rig({ n1: retry(1000) });
    const event = {
      Records: [
        record("n1", { attributes: noGroup }),
        record("g1", { group: "#g" }),
        record("n2", { attributes: noGroup }),
        // A group id that is the empty string is the same key as no group.
        record("e1", { attributes: { ...noGroup, MessageGroupId: "" } }),
      ],
    };
    expect(await worker(event, context(60_000))).toEqual(kept(["n1", "n2", "e1"]));
    expect(delivered.map((d) => d.id)).toEqual(["n1", "g1"]);
  });

  it("the attempt is the record's receive count, 1 when SQS did not say", async () => {
    const { worker, delivered, queueCalls } = rig({ c2: dead("x"), c3: dead("y") });
    const event = {
      Records: [
        record("c1", { group: "#1", receiveCount: "7" }),
        record("c2", { group: "#2", attributes: { MessageGroupId: "#2" } }),
        record("c3", { group: "#3", receiveCount: "12" }),
      ],
    };
    await worker(event, context(60_000));
    expect(delivered.map((d) => [d.id, d.attempt.attempt])).toEqual([
      ["c1", 7],
      ["c2", 1],
      ["c3", 12],
    ]);
    expect(queueCalls).toEqual([
      ["deadLetter", "m-c2", "x", 1],
      ["deadLetter", "m-c3", "y", 12],
    ]);
  });
});

describe("a retry's visibility timeout", () => {
  it.each([
    // [delay ms, seconds]: whole seconds, rounded up, at least 1, at most SQS's 12 hours.
    [0, 1],
    [-5000, 1],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [7000, 7],
    [1_800_000, 1800],
    [43_199_001, 43_200],
    [43_200_000, 43_200],
    [43_200_001, 43_200],
    [1e12, 43_200],
  ])("a delay of %d ms hides the message %d s", async (delayMs, seconds) => {
    const { worker, queueCalls } = rig({ r1: retry(delayMs) });
    expect(await worker({ Records: [record("r1")] }, context(60_000))).toEqual(kept(["r1"]));
    expect(queueCalls).toEqual([["changeVisibility", "rh-r1", seconds]]);
  });

  it("is capped at SQS's longest, 12 hours", () => {
    expect(MAX_VISIBILITY_SECONDS).toBe(43_200);
  });
});

describe("the time budget", () => {
  it("each attempt's deadline is the invocation's end less the margin (default 2 s)", async () => {
    const { worker, delivered } = rig({});
    await worker({ Records: [record("t1")] }, context(20_000));
    expect(delivered[0].attempt).toEqual({ attempt: 1, deadline: 1_000_000 + 20_000 - 2_000 });
  });

  it("with a margin given", async () => {
    const { worker, delivered } = rig({}, { marginMs: 500 });
    await worker({ Records: [record("t1")] }, context(20_000));
    expect(delivered[0].attempt.deadline).toBe(1_019_500);
  });

  it("without a Lambda context, 60 s are assumed", async () => {
    const { worker, delivered } = rig({});
    await worker({ Records: [record("t1")] });
    expect(delivered[0].attempt.deadline).toBe(1_000_000 + 60_000 - 2_000);
  });

  it.each([
    // [remaining ms, attempted]: the defaults: 2 s margin, 12 s the least worth an attempt.
    [14_000, true],
    [13_999, false],
    [1_000, false],
  ])("defaults: %d ms left: attempted %s", async (remaining, attempted) => {
    const { worker, delivered } = rig({});
    const result = await worker(
      { Records: [record("t1", { group: "#1" }), record("t2", { group: "#2" })] },
      context(remaining),
    );
    expect(result).toEqual(kept(attempted ? [] : ["t1", "t2"]));
    expect(delivered.length).toBe(attempted ? 2 : 0);
  });

  it.each([
    [5_100, true],
    [5_099, false],
  ])("margin 100 ms, at least 5 s an attempt: %d ms left: attempted %s", async (remaining, attempted) => {
    const { worker, delivered } = rig({}, { marginMs: 100, minAttemptMs: 5_000 });
    const result = await worker({ Records: [record("t1")] }, context(remaining));
    expect(result).toEqual(kept(attempted ? [] : ["t1"]));
    expect(delivered.length).toBe(attempted ? 1 : 0);
  });

  it("stops attempting when the time left runs short mid-batch, and keeps the rest", async () => {
    let clock = 0;
    const { worker, delivered } = rig(
      {},
      { now: () => clock, marginMs: 0, minAttemptMs: 10_000, onDeliver: () => (clock += 5_000) },
    );
    const event = { Records: ["s1", "s2", "s3", "s4", "s5"].map((id, i) => record(id, { group: `#${i}` })) };
    // 20 s: attempts start with 20, 15 and 10 s left; then 5 s is too little.
    expect(await worker(event, context(20_000))).toEqual(kept(["s4", "s5"]));
    expect(delivered.map((d) => [d.id, d.attempt.deadline])).toEqual([
      ["s1", 20_000],
      ["s2", 20_000],
      ["s3", 20_000],
    ]);
  });

  it("uses the real clock when none is given", async () => {
    const attempts: Attempt[] = [];
    const worker = createSqsWorker({
      deliverer: {
        deliver: async (_e, a) => {
          attempts.push(a);
          return { kind: "delivered", ts: "1.000001" };
        },
      },
      queue: { changeVisibility: async () => undefined, deadLetter: async () => undefined },
      log: createLogger(() => undefined),
    });
    const before = Date.now();
    expect(await worker({ Records: [record("w1")] }, context(60_000))).toEqual(kept([]));
    const after = Date.now();
    expect(attempts[0].deadline).toBeGreaterThanOrEqual(before + 58_000);
    expect(attempts[0].deadline).toBeLessThanOrEqual(after + 58_000);
  });
});

describe("what goes wrong", () => {
  it.each([
    ["not JSON", "{", "malformed_envelope:not JSON"],
    ["another version", JSON.stringify({ ...envelope("v"), v: 2 }), "malformed_envelope:unknown version 2"],
  ])("an envelope that is %s is dead-lettered at once, with its reason, and logged", async (_n, body, reason) => {
    const { worker, delivered, queueCalls, lines } = rig({});
    const result = await worker(
      { Records: [record("bad", { body, receiveCount: "2" }), record("ok")] },
      context(60_000),
    );
    expect(result).toEqual(kept([]));
    expect(delivered.map((d) => d.id)).toEqual(["ok"]);
    expect(queueCalls).toEqual([["deadLetter", "m-bad", reason, 2]]);
    expect(lines).toEqual([
      { level: "error", msg: "delivery", messageId: "m-bad", attempt: 2, outcome: "dead", reason },
    ]);
  });

  it("a deliverer that throws anything else fails the invocation (the whole batch comes back)", async () => {
    const bug = new TypeError("bug");
    const { worker } = rig({ x: bug });
    await expect(worker({ Records: [record("x")] }, context(60_000))).rejects.toBe(bug);
  });

  it.each<[string, Outcome, Partial<WorkerQueueApi>, string]>([
    [
      "ChangeMessageVisibility fails",
      retry(3000),
      { changeVisibility: () => Promise.reject(Object.assign(new Error("x"), { name: "ReceiptHandleIsInvalid" })) },
      "ReceiptHandleIsInvalid",
    ],
    ["the dead-letter send fails", dead("channel_not_found"), { deadLetter: () => Promise.reject("down") }, "string"],
  ])("%s: the record is kept once, its group held, and the failure logged", async (_n, outcome, queue, error) => {
    const { worker, delivered, lines } = rig({ q1: outcome }, { queue });
    const event = { Records: [record("q1"), record("q2"), record("o1", { group: "#other" })] };
    expect(await worker(event, context(60_000))).toEqual(kept(["q1", "q2"]));
    expect(delivered.map((d) => d.id)).toEqual(["q1", "o1"]);
    expect(lines).toEqual([
      { level: "error", msg: "delivery queue call failed", messageId: "m-q1", outcome: outcome.kind, error },
    ]);
  });
});

describe("the SQS calls, through the AWS SDK", () => {
  const QUEUE = "work.fifo";
  const DLQ = "dead.fifo";
  let sqs: SqsStandIn;
  const saved = { ...process.env };

  beforeAll(async () => {
    sqs = await startSqsStandIn({ queues: [{ name: QUEUE }, { name: DLQ }] });
    // Dummy credentials; no region but the one the code passes; nothing from this machine's AWS config.
    isolateAwsEnvironment();
  });
  afterAll(async () => {
    process.env = saved;
    await sqs?.close();
  });
  let warn: jest.SpyInstance;
  beforeEach(() => {
    sqs.calls.length = 0;
    sqs.messages(QUEUE).length = 0;
    sqs.messages(DLQ).length = 0;
    warn = jest.spyOn(console, "warn");
  });
  afterEach(() => {
    // The client's endpoint is the queue's origin: the SDK has nothing to warn about.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("the request side sends each envelope to its channel's group, deduplicated by its id", async () => {
    const queue = sqsMessageQueue(sqs.url(QUEUE), { region: "eu-west-1" });
    const plain = envelope("e-1", "#ops");
    const spaced = envelope("e-2", "#a channel with spaces");
    await queue.enqueue(plain, encodeEnvelope(plain));
    await queue.enqueue(spaced, encodeEnvelope(spaced));
    expect(sqs.calls).toEqual([
      {
        action: "SendMessage",
        input: {
          QueueUrl: sqs.url(QUEUE),
          MessageBody: encodeEnvelope(plain),
          MessageGroupId: "#ops",
          MessageDeduplicationId: "e-1",
        },
      },
      {
        action: "SendMessage",
        input: {
          QueueUrl: sqs.url(QUEUE),
          MessageBody: encodeEnvelope(spaced),
          MessageGroupId: messageGroupId("#a channel with spaces"),
          MessageDeduplicationId: "e-2",
        },
      },
    ]);
    expect(messageGroupId("#a channel with spaces")).toMatch(/^h-[0-9a-f]{40}$/);
    expect(sqs.messages(QUEUE).map((m) => m.body)).toEqual([encodeEnvelope(plain), encodeEnvelope(spaced)]);
  });

  it("ChangeMessageVisibility on the worker's queue, with the receipt handle and the seconds", async () => {
    const queue = sqsMessageQueue(sqs.url(QUEUE), { region: "eu-west-1" });
    const e = envelope("e-3");
    await queue.enqueue(e, encodeEnvelope(e));
    const [m] = sqs.receive(QUEUE, 1);
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ), { region: "eu-west-1" });
    await api.changeVisibility(m.receiptHandle!, 30);
    await api.changeVisibility(m.receiptHandle!, 1);
    expect(sqs.calls.slice(1)).toEqual([
      {
        action: "ChangeMessageVisibility",
        input: { QueueUrl: sqs.url(QUEUE), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 30 },
      },
      {
        action: "ChangeMessageVisibility",
        input: { QueueUrl: sqs.url(QUEUE), ReceiptHandle: m.receiptHandle, VisibilityTimeout: 1 },
      },
    ]);
    await expect(api.changeVisibility("stale-handle", 5)).rejects.toMatchObject({ name: "ReceiptHandleIsInvalid" });
  });

  it("a dead letter carries the body, group and dedup id, and its reason, attempts and time as attributes", async () => {
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ), { region: "eu-west-1" });
    const r = record("dl1", { group: "#ops" });
    await api.deadLetter(r, "channel_not_found", 3);
    const [m] = sqs.messages(DLQ);
    expect({ body: m.body, groupId: m.groupId, dedupId: m.dedupId }).toEqual({
      body: r.body,
      groupId: "#ops",
      dedupId: "d-dl1",
    });
    expect(m.attributes).toEqual({
      reason: { DataType: "String", StringValue: "channel_not_found" },
      attempts: { DataType: "Number", StringValue: "3" },
      deadAt: { DataType: "String", StringValue: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) },
    });
    expect(sqs.calls.map((c) => [c.action, c.input.QueueUrl])).toEqual([["SendMessage", sqs.url(DLQ)]]);
    expect(sqs.messages(QUEUE)).toEqual([]);
  });

  it("a record without FIFO attributes goes to the group 'dead', deduplicated by its message id", async () => {
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ), { region: "eu-west-1" });
    await api.deadLetter(record("dl2", { attributes: { ApproximateReceiveCount: "1" } }), "x", 1);
    const [m] = sqs.messages(DLQ);
    expect([m.groupId, m.dedupId]).toEqual(["dead", "m-dl2"]);
  });

  it("a reason is cut to 256 characters", async () => {
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ), { region: "eu-west-1" });
    const reason = `malformed_envelope:${"r".repeat(300)}`;
    await api.deadLetter(record("dl3"), reason, 48);
    expect(sqs.messages(DLQ)[0].attributes.reason).toEqual({ DataType: "String", StringValue: reason.slice(0, 256) });
    expect(sqs.messages(DLQ)[0].attributes.attempts).toEqual({ DataType: "Number", StringValue: "48" });
  });

  it("a reason cut in the middle of an emoji loses the whole emoji, so SQS still takes the dead letter", async () => {
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ), { region: "eu-west-1" });
    // 35 units of text, then emoji of 2 units each: unit 256 is the first half of one.
    const reason = `malformed_envelope:unknown version ${"😀".repeat(200)}`;
    await api.deadLetter(record("dl4"), reason, 3);
    const value = sqs.messages(DLQ)[0].attributes.reason.StringValue as string;
    expect(value).toBe(reason.slice(0, 255));
    expect(value.at(-1)).toBe("😀".at(1)); // the last emoji whole: its second half ends the value
  });

  it("the region is the one given (there is no other here)", async () => {
    const api = sqsWorkerQueueApi(sqs.url(QUEUE), sqs.url(DLQ));
    await expect(api.changeVisibility("h", 5)).rejects.toThrow(/Region is missing/);
    await expect(sqsMessageQueue(sqs.url(QUEUE)).enqueue(envelope("e"), "{}")).rejects.toThrow(/Region is missing/);
  });

  describe("an SQS that never answers", () => {
    let server: http.Server;
    let requests = 0;
    let url = "";
    beforeAll(async () => {
      server = http.createServer((req) => {
        requests += 1;
        req.resume(); // read the request, never answer it
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/123456789012/${QUEUE}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    beforeEach(() => {
      requests = 0;
    });

    it.each([
      [
        "ChangeMessageVisibility",
        (o: { timeoutMs: number }) =>
          sqsWorkerQueueApi(url, url, { region: "eu-west-1", ...o }).changeVisibility("h", 5),
      ],
      [
        "a dead letter",
        (o: { timeoutMs: number }) =>
          sqsWorkerQueueApi(url, url, { region: "eu-west-1", ...o }).deadLetter(record("h"), "x", 1),
      ],
      [
        "an enqueue",
        (o: { timeoutMs: number }) => sqsMessageQueue(url, { region: "eu-west-1", ...o }).enqueue(envelope("h"), "{}"),
      ],
    ])("%s fails with a request timeout after the per-attempt timeout, three attempts in all", async (_n, call) => {
      await expect(call({ timeoutMs: 150 })).rejects.toMatchObject({
        name: "TimeoutError",
        message: expect.stringContaining("exceeded the configured 150 ms requestTimeout"),
      });
      expect(requests).toBe(3);
    });
  });
});
