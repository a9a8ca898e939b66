/**
 * The request side of queued delivery, in process: the proxy core (`createProxy`) with its queue
 * being the real SQS queue client (`sqsMessageQueue`, `@aws-sdk/client-sqs`) against the SQS stand-in
 * on 127.0.0.1, and a fixed clock. What is pinned: the envelope stored for each kind of call (and the
 * ref only `/message` gets), the FIFO group and deduplication id it is sent with, the answer the
 * client gets, the size limit (the largest envelope taken, one byte more refused with 413 and nothing
 * sent), and a store that fails (503, nothing accepted; a ProxyError from the store passes as it is).
 */
import type { ALBResult } from "aws-lambda";
import { acceptForDelivery, type MessageQueue } from "../../handler/delivery/accept";
import {
  decodeEnvelope,
  ENVELOPE_MAX_BYTES,
  type Envelope,
  encodeEnvelope,
  envelopeBytes,
} from "../../handler/delivery/envelope";
import { sqsMessageQueue } from "../../handler/delivery/sqs";
import { ProxyError, unsupportedMediaType } from "../../handler/errors";
import { createLogger } from "../../handler/log";
import { createProxy } from "../../handler/proxy";
import { parseSettings } from "../../handler/settings";
import type { SlackMessage } from "../../handler/slack";
import { albEvent } from "../support/albEvents";
import { type SqsStandIn, startSqsStandIn } from "../support/sqsStandIn";

const TOKEN = "accept-token-0123456789";
const QUEUE = "hipchat-proxy-delivery.fifo";
/** 2023-11-14T22:13:20.123Z */
const NOW = 1_700_000_000_123;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let sqs: SqsStandIn;
const savedEnv = { ...process.env };

beforeAll(async () => {
  sqs = await startSqsStandIn({ queues: [{ name: QUEUE }] });
});
afterAll(async () => {
  await sqs?.close();
});
beforeEach(() => {
  // Dummy credentials and no profile or instance metadata: nothing leaves 127.0.0.1.
  process.env.AWS_ACCESS_KEY_ID = "AKIDLOCAL";
  process.env.AWS_SECRET_ACCESS_KEY = "local-secret";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  delete process.env.AWS_PROFILE;
  sqs.calls.length = 0;
  sqs.messages(QUEUE).length = 0;
});
afterEach(() => {
  process.env = { ...savedEnv };
});

/** The real queue client, with every envelope it is handed kept as the object it was (not only its JSON). */
function recordingSqsQueue(queueUrl = sqs.url(QUEUE)) {
  const handed: { envelope: Envelope; encoded: string }[] = [];
  const inner = sqsMessageQueue(queueUrl, { region: "us-east-1", timeoutMs: 2000 });
  const queue: MessageQueue = {
    enqueue: (envelope, encoded) => {
      handed.push({ envelope, encoded });
      return inner.enqueue(envelope, encoded);
    },
  };
  return { queue, handed };
}

function proxyWith(queue: MessageQueue) {
  return createProxy({
    settings: parseSettings({
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
      USER_MAP: JSON.stringify({ "@bob": "U0BOB0001" }),
    }),
    secrets: { get: async () => ({ slackToken: "xoxb-x", tokens: [{ token: TOKEN }] }), invalidate: () => undefined },
    slack: { post: () => Promise.reject(new Error("queued mode never posts")) },
    log: createLogger(() => undefined),
    now: () => NOW,
    queue,
  });
}

async function send(queue: MessageQueue, path: string, json: Record<string, unknown>): Promise<ALBResult> {
  return proxyWith(queue)(albEvent({ method: "POST", url: `${path}?auth_token=${TOKEN}`, json }), {
    getRemainingTimeInMillis: () => 30_000,
  });
}

const sent = () => sqs.calls.filter((c) => c.action === "SendMessage").map((c) => c.input);

describe("a message the proxy accepts in queued mode", () => {
  it("POST /v2/room/{room}/message: stored with a ref made at acceptance, and the client gets that ref as its id", async () => {
    const { queue, handed } = recordingSqsQueue();
    const res = await send(queue, "/v2/room/Ops/message", { message: "deploy finished" });

    expect(handed).toHaveLength(1);
    const [{ envelope, encoded }] = handed;
    expect(envelope.id).toMatch(UUID);
    expect(envelope.ref).toMatch(/^1700000000\.123\d{6}$/);
    expect(envelope).toStrictEqual({
      v: 1,
      id: envelope.id,
      channel: "#ops",
      route: "room.message",
      acceptedAt: NOW,
      ref: envelope.ref,
      message: expect.objectContaining({ channel: "#ops", text: "deploy finished" }),
    });
    expect(encoded).toBe(encodeEnvelope(envelope));

    // SQS got exactly that text, in the channel's group, deduplicated by the envelope id.
    expect(sent()).toEqual([
      { QueueUrl: sqs.url(QUEUE), MessageBody: encoded, MessageGroupId: "#ops", MessageDeduplicationId: envelope.id },
    ]);
    expect(decodeEnvelope(sqs.messages(QUEUE)[0].body)).toEqual(envelope);

    // HipChat's 201 for a message: its id is the ref, its timestamp the moment it was accepted.
    expect(res.statusCode).toBe(201);
    const ref = envelope.ref as string;
    expect(JSON.parse(res.body ?? "")).toEqual({
      id: ref,
      timestamp: `2023-11-14T22:13:20.123${ref.slice(14, 17)}+00:00`,
    });
  });

  // Calls whose answer carries no id get no ref: the envelope has no `ref` key at all.
  it.each([
    ["a room notification", "/v2/room/Ops/notification", { message: "build green" }, "room.notification", "#ops"],
    ["a direct message", "/v2/user/@bob/message", { message: "build green" }, "user.message", "U0BOB0001"],
  ])("%s: stored without a ref, answered 204", async (_what, path, json, route, channel) => {
    const { queue, handed } = recordingSqsQueue();
    const res = await send(queue, path, json);

    expect(res.statusCode).toBe(204);
    expect(handed).toHaveLength(1);
    const [{ envelope, encoded }] = handed;
    expect(envelope).toStrictEqual({
      v: 1,
      id: expect.stringMatching(UUID),
      channel,
      route,
      acceptedAt: NOW,
      message: expect.objectContaining({ channel, text: "build green" }),
    });
    expect(sent()).toEqual([
      { QueueUrl: sqs.url(QUEUE), MessageBody: encoded, MessageGroupId: channel, MessageDeduplicationId: envelope.id },
    ]);
  });

  it("each accepted message gets its own envelope id", async () => {
    const { queue, handed } = recordingSqsQueue();
    for (let i = 0; i < 3; i++) await send(queue, "/v2/room/Ops/notification", { message: "same text" });
    expect(new Set(handed.map((h) => h.envelope.id)).size).toBe(3);
    expect(sqs.messages(QUEUE)).toHaveLength(3);
  });
});

describe("acceptForDelivery", () => {
  const message = (text: string): SlackMessage => ({ channel: "#ops", text, mrkdwn: true });

  it("answers what the client is told: the channel, and the ref for /message or an empty id otherwise", async () => {
    const { queue, handed } = recordingSqsQueue();
    const withId = await acceptForDelivery(queue, message("a"), { route: "room.message", now: () => NOW });
    const withoutId = await acceptForDelivery(queue, message("b"), { route: "room.shareLink", now: () => NOW });
    expect(withId).toStrictEqual({ channel: "#ops", ts: handed[0].envelope.ref });
    expect(withId.ts).toMatch(/^1700000000\.123\d{6}$/);
    expect(withoutId).toStrictEqual({ channel: "#ops", ts: "" });
    expect("ref" in handed[1].envelope).toBe(false);
  });

  it("stamps the current time when it is given no clock", async () => {
    const { queue, handed } = recordingSqsQueue();
    const before = Date.now();
    await acceptForDelivery(queue, message("a"), { route: "room.message" });
    const after = Date.now();
    const { acceptedAt, ref } = handed[0].envelope;
    expect(acceptedAt).toBeGreaterThanOrEqual(before);
    expect(acceptedAt).toBeLessThanOrEqual(after);
    // The ref is made at that same moment.
    expect(ref?.slice(0, 14)).toBe(`${Math.floor(acceptedAt / 1000)}.${String(acceptedAt % 1000).padStart(3, "0")}`);
  });

  // The largest envelope SQS is given is ENVELOPE_MAX_BYTES: the text is sized so the envelope is
  // exactly that (the id is a UUID, so every envelope of this shape differs only by its text).
  const sizedText = (extraBytes: number) => {
    const shell = encodeEnvelope({
      v: 1,
      id: "00000000-0000-4000-8000-000000000000",
      channel: "#ops",
      route: "room.notification",
      acceptedAt: NOW,
      message: message(""),
    });
    return "x".repeat(ENVELOPE_MAX_BYTES - envelopeBytes(shell) + extraBytes);
  };

  it("stores an envelope of exactly the largest size", async () => {
    const { queue, handed } = recordingSqsQueue();
    await expect(
      acceptForDelivery(queue, message(sizedText(0)), { route: "room.notification", now: () => NOW }),
    ).resolves.toStrictEqual({ channel: "#ops", ts: "" });
    expect(envelopeBytes(handed[0].encoded)).toBe(ENVELOPE_MAX_BYTES);
    expect(sqs.messages(QUEUE)).toHaveLength(1);
  });

  it("refuses one byte more with 413, and sends nothing", async () => {
    const { queue, handed } = recordingSqsQueue();
    const err = await acceptForDelivery(queue, message(sizedText(1)), {
      route: "room.notification",
      now: () => NOW,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect([(err as ProxyError).statusCode, (err as ProxyError).message]).toEqual([
      413,
      "The converted message is too large to queue",
    ]);
    expect(handed).toEqual([]);
    expect(sent()).toEqual([]);
  });

  it("a store that fails: 503, retry, with the store's error as the cause and queue_unavailable for the log", async () => {
    // The stand-in answers NonExistentQueue: the SDK rejects, nothing is stored.
    const { queue } = recordingSqsQueue(sqs.url("no-such-queue.fifo"));
    const err = (await acceptForDelivery(queue, message("a"), { route: "room.message", now: () => NOW }).catch(
      (e: unknown) => e,
    )) as ProxyError;
    expect(err).toBeInstanceOf(ProxyError);
    expect([err.statusCode, err.message, err.slackError]).toEqual([
      503,
      "The message could not be queued for delivery; retry",
      "queue_unavailable",
    ]);
    expect((err.cause as Error).name).toBe("QueueDoesNotExist");
    expect(sqs.messages(QUEUE)).toEqual([]);
  });

  it("the client of a failed store is told 503 in HipChat's shape", async () => {
    const { queue } = recordingSqsQueue(sqs.url("no-such-queue.fifo"));
    const res = await send(queue, "/v2/room/Ops/notification", { message: "build green" });
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body ?? "")).toEqual({
      error: { code: 503, message: "The message could not be queued for delivery; retry", type: "Service Unavailable" },
    });
  });

  it("a store that refuses with a ProxyError of its own: passed on as it is", async () => {
    const own = unsupportedMediaType("the store refuses this message");
    const queue: MessageQueue = { enqueue: () => Promise.reject(own) };
    await expect(acceptForDelivery(queue, message("a"), { route: "room.message", now: () => NOW })).rejects.toBe(own);
  });
});
