/**
 * The request side of queued delivery. In place of posting to Slack, the proxy core hands the
 * converted message to {@link acceptForDelivery}: it is stored durably, and the client is answered
 * at once with HipChat's success status. Everything that can fail because of the request (token,
 * room scope, fields, unknown room or user) has already been answered before this point; a failure
 * here is the store's, and the client is told to retry (503) with nothing stored.
 */
import { payloadTooLarge, ProxyError, unavailable } from "../errors";
import type { PostResult, SlackMessage } from "../slack";
import {
  ENVELOPE_MAX_BYTES,
  type Envelope,
  ENVELOPE_VERSION,
  encodeEnvelope,
  envelopeBytes,
  newEnvelopeId,
  newRef,
} from "./envelope";

/** Where accepted messages wait for the worker: the embedded store locally, SQS in AWS. */
export interface MessageQueue {
  /**
   * Stores one envelope durably and resolves only once it is stored (SQS answered, or the local
   * store committed to disk). Rejects when it was not stored (or may not have been).
   */
  enqueue(envelope: Envelope, encoded: string): Promise<void>;
}

/** Calls whose answer carries a message id: their envelope gets a ref (see envelope.ts `newRef`). */
const ROUTES_WITH_ID: ReadonlySet<string> = new Set(["room.message"]);

export interface AcceptOptions {
  /** The route of the call, for the log and to know whether the client gets an id. */
  route: string;
  now?: () => number;
}

/**
 * Stores a converted message for delivery and returns what the client is told: the channel and, for
 * calls that answer with a message id, the id the proxy made up for it (later usable as `attach_to`).
 *
 * @throws ProxyError 503 when the store did not confirm (nothing was accepted: the client retries),
 *   or 413 if the envelope would not fit SQS (no message the converter produces gets there; the
 *   limit is checked anyway, so an oversized one is refused up front instead of lost later).
 */
export async function acceptForDelivery(
  queue: MessageQueue,
  message: SlackMessage,
  options: AcceptOptions,
): Promise<PostResult> {
  const now = (options.now ?? Date.now)();
  const ref = ROUTES_WITH_ID.has(options.route) ? newRef(now) : undefined;
  const envelope: Envelope = {
    v: ENVELOPE_VERSION,
    id: newEnvelopeId(),
    channel: message.channel,
    route: options.route,
    acceptedAt: now,
    ...(ref ? { ref } : {}),
    message,
  };
  const encoded = encodeEnvelope(envelope);
  if (envelopeBytes(encoded) > ENVELOPE_MAX_BYTES) {
    throw payloadTooLarge("The converted message is too large to queue");
  }
  try {
    await queue.enqueue(envelope, encoded);
  } catch (err) {
    if (err instanceof ProxyError) throw err;
    throw unavailable("The message could not be queued for delivery; retry", {
      cause: err,
      slackError: "queue_unavailable",
    });
  }
  return { channel: message.channel, ts: ref ?? "" };
}
