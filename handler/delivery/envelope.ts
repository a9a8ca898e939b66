/**
 * What queued delivery stores: one accepted message, already converted, as one JSON document (the
 * "envelope"). The request side builds it (handler/delivery/accept.ts) and a worker posts it
 * (handler/delivery/deliver.ts), locally from an embedded store (local/queue.ts) and in AWS from an
 * SQS FIFO queue (handler/delivery/sqs.ts). The envelope holds no token: the worker reads its own.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { SlackMessage } from "../slack";

/** The format version; a worker refuses (dead-letters) an envelope of a version it does not know. */
export const ENVELOPE_VERSION = 1;

/**
 * SQS's limit for one message, body and attributes together (256 KiB). The envelope must fit it with
 * room to spare for the attributes a dead-lettered copy carries.
 */
export const SQS_MESSAGE_MAX_BYTES = 262_144;

/** The largest envelope the proxy stores: SQS's limit minus 8 KiB for attributes. */
export const ENVELOPE_MAX_BYTES = SQS_MESSAGE_MAX_BYTES - 8_192;

export interface Envelope {
  v: typeof ENVELOPE_VERSION;
  /** Unique per accepted request: the SQS deduplication id, and the id in every delivery log line. */
  id: string;
  /** Where it goes (a Slack channel, or a user ID for a direct message): the unit of ordering. */
  channel: string;
  /** The HipChat call it came from, for the log. */
  route: string;
  /** When the proxy accepted it (epoch ms). */
  acceptedAt: number;
  /**
   * The id the client was given (`POST /v2/room/{room}/message`), see {@link newRef}. The worker
   * records which Slack `ts` it became, so a later `attach_to` with it threads under that message.
   */
  ref?: string;
  /** The `chat.postMessage` arguments, as the direct mode would have sent them. */
  message: SlackMessage;
}

/** An envelope could not be read back: a bug or a foreign message; it is dead-lettered, never retried. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvelopeError";
  }
}

/** A new envelope id (a random UUID). */
export function newEnvelopeId(): string {
  return randomUUID();
}

/**
 * A message id the proxy hands out before Slack has posted the message: shaped like a Slack `ts`
 * (`<seconds>.<fraction>`, so clients and `attach_to` accept it, and its `timestamp` is the time
 * the message was accepted), but with a 9-digit fraction where Slack's always has 6, so a worker
 * can tell the two apart. The fraction is the millisecond, then 6 random digits.
 */
export function newRef(nowMs: number = Date.now()): string {
  const random = randomBytes(4).readUInt32BE(0) % 1_000_000;
  return `${Math.floor(nowMs / 1000)}.${String(nowMs % 1000).padStart(3, "0")}${String(random).padStart(6, "0")}`;
}

/** True for an id from {@link newRef} (a Slack `ts` has a 6-digit fraction). */
export function isRef(id: string | undefined): id is string {
  return id !== undefined && /^\d{9,}\.\d{9}$/.test(id);
}

/**
 * The SQS message group of a channel: the channel itself when SQS accepts it as a group id (1–128
 * printable ASCII characters), else a digest of it. One group per channel keeps each channel in order.
 */
export function messageGroupId(channel: string): string {
  return /^[\x21-\x7e]{1,128}$/.test(channel)
    ? channel
    : `h-${createHash("sha256").update(channel, "utf8").digest("hex").slice(0, 40)}`;
}

/**
 * The envelope as SQS accepts it: JSON in which every character SQS refuses (U+FFFE, U+FFFF; JSON
 * already escapes controls and lone surrogates) is written as a `\u` escape, so any text a client
 * sent can be queued.
 */
export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify(envelope).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Bytes of the encoded envelope (UTF-8), as SQS counts them. */
export function envelopeBytes(encoded: string): number {
  return Buffer.byteLength(encoded, "utf8");
}

/** Reads an envelope back; throws EnvelopeError for anything that is not one. */
export function decodeEnvelope(body: string): Envelope {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new EnvelopeError("not JSON");
  }
  const e = doc as Partial<Envelope> | null;
  if (typeof e !== "object" || e === null) throw new EnvelopeError("not an object");
  if (e.v !== ENVELOPE_VERSION) throw new EnvelopeError(`unknown version ${String(e.v)}`);
  if (typeof e.id !== "string" || e.id === "") throw new EnvelopeError("no id");
  if (typeof e.channel !== "string" || e.channel === "") throw new EnvelopeError("no channel");
  if (typeof e.acceptedAt !== "number") throw new EnvelopeError("no acceptedAt");
  const m = e.message as Partial<SlackMessage> | undefined;
  if (typeof m !== "object" || m === null || typeof m.text !== "string" || m.channel !== e.channel) {
    throw new EnvelopeError("no message for its channel");
  }
  return {
    v: ENVELOPE_VERSION,
    id: e.id,
    channel: e.channel,
    route: typeof e.route === "string" ? e.route : "unknown",
    acceptedAt: e.acceptedAt,
    ...(typeof e.ref === "string" ? { ref: e.ref } : {}),
    message: m as SlackMessage,
  };
}
