/**
 * The worker loop of `npm start` in queued mode: in the same process as the server, it leases the
 * due head of each channel from the local queue (local/queue.ts), at most `concurrency` at a time,
 * posts each through the shared delivery core (handler/delivery/deliver.ts) and records the outcome:
 * delivered (removed), retry (back at the head of its channel, due later) or dead-lettered.
 */
import { createDeliverer, type Deliverer } from "../handler/delivery/deliver";
import { decodeEnvelope, EnvelopeError } from "../handler/delivery/envelope";
import type { DeliverySettings } from "../handler/delivery/settings";
import { pacedSlackPoster } from "../handler/delivery/slackPoster";
import { consoleGateway } from "../handler/gateway";
import type { Logger } from "../handler/log";
import type { ProxySecrets } from "../handler/settings";
import { type Lease, LocalQueue } from "./queue";

export interface LocalWorkerOptions {
  queue: LocalQueue;
  deliverer: Deliverer;
  log: Logger;
  /** Channels delivered in parallel (one message per channel at a time). Default 8. */
  concurrency?: number;
  /** The time one attempt may take, waits for Slack's pace included. Default 60 s. */
  attemptTimeoutMs?: number;
  now?: () => number;
}

export interface LocalWorker {
  /** Looks for due messages now (called after each enqueue). */
  wake(): void;
  /** Stops leasing and waits (up to `graceMs`) for the attempts in flight to finish. */
  stop(graceMs?: number): Promise<void>;
}

/** The longest the loop sleeps without looking at the queue. */
const MAX_IDLE_MS = 1_000;

export function startLocalWorker(options: LocalWorkerOptions): LocalWorker {
  const { queue, deliverer, log } = options;
  const concurrency = options.concurrency ?? 8;
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
  const now = options.now ?? Date.now;
  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const run = async (lease: Lease): Promise<void> => {
    let envelope: ReturnType<typeof decodeEnvelope>;
    try {
      envelope = decodeEnvelope(lease.body);
    } catch (err) {
      const reason = `malformed_envelope:${err instanceof EnvelopeError ? err.message : "unreadable"}`;
      log.error("delivery", { channel: lease.channel, attempt: lease.attempts, outcome: "dead", reason });
      queue.deadLetter(lease.seq, reason);
      return;
    }
    const outcome = await deliverer.deliver(envelope, { attempt: lease.attempts, deadline: now() + attemptTimeoutMs });
    if (outcome.kind === "delivered") queue.complete(lease.seq);
    else if (outcome.kind === "retry") queue.retry(lease.seq, now() + outcome.delayMs, outcome.reason);
    else queue.deadLetter(lease.seq, outcome.reason);
  };

  const pump = (): void => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    try {
      for (const lease of queue.lease(concurrency - inFlight.size)) {
        const task: Promise<void> = run(lease)
          .catch((err: unknown) => {
            // A bug or a store failure: the lease stays until the next start, the channel waits.
            log.error("delivery worker failed", { error: err instanceof Error ? err.name : typeof err });
          })
          .finally(() => {
            inFlight.delete(task);
            pump();
          });
        inFlight.add(task);
      }
    } catch (err) {
      log.error("delivery worker cannot read the queue", { error: err instanceof Error ? err.message : typeof err });
    }
    if (stopped) return;
    const due = inFlight.size < concurrency ? queue.nextDueAt() : undefined;
    const wait = due === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, Math.max(0, due - now()));
    timer = setTimeout(pump, wait);
    timer.unref?.();
  };

  queue.onEnqueued = () => {
    if (!stopped) setImmediate(pump);
  };
  setImmediate(pump);

  return {
    wake: () => setImmediate(pump),
    async stop(graceMs = 5_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      queue.onEnqueued = undefined;
      await Promise.race([Promise.all([...inFlight]), new Promise((r) => setTimeout(r, graceMs).unref?.())]);
    },
  };
}

export interface LocalDelivery {
  queue: LocalQueue;
  worker: LocalWorker;
  /** What /healthz adds: the queue's depth, messages in flight, oldest age and dead letters. */
  health(): Record<string, unknown>;
  /** Stops the worker (letting attempts in flight finish) and closes the file. */
  close(): Promise<void>;
}

export interface LocalDeliveryConfig {
  queuePath: string;
  slackToken?: string;
  slackApiUrl?: string;
  slackTimeoutMs: number;
  delivery: DeliverySettings;
  log: Logger;
  /** Where messages are printed when there is no Slack token (a dry run). */
  print?: (line: string) => void;
}

/** Opens QUEUE_PATH and starts the worker loop that delivers from it. */
export function startLocalDelivery(config: LocalDeliveryConfig): LocalDelivery {
  const queue = new LocalQueue(config.queuePath);
  const secrets: ProxySecrets = { slackToken: config.slackToken, tokens: [] };
  const deliverer = createDeliverer({
    secrets: { get: async () => secrets, invalidate: () => undefined },
    slack: config.slackToken
      ? pacedSlackPoster({
          slackApiUrl: config.slackApiUrl,
          timeoutMs: config.slackTimeoutMs,
          spacingMs: config.delivery.spacingMs,
        })
      : consoleGateway(config.print),
    refs: queue.refs,
    log: config.log,
    policy: config.delivery.policy,
    slackTimeoutMs: config.slackTimeoutMs,
  });
  if (queue.recovered > 0) {
    config.log.info("queue recovered", { inFlightAtLastStop: queue.recovered, depth: queue.stats().depth });
  }
  const worker = startLocalWorker({
    queue,
    deliverer,
    log: config.log,
    concurrency: config.delivery.concurrency,
  });
  return {
    queue,
    worker,
    health: () => ({ deliveryMode: "queued", queue: queue.stats() }),
    close: async () => {
      await worker.stop();
      queue.close();
    },
  };
}
