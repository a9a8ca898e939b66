/**
 * `npm start`'s queue for DELIVERY_MODE=queued: accepted messages in one SQLite file (QUEUE_PATH),
 * through Node 22's built-in `node:sqlite` (no native module to build). Used by the request side
 * (`enqueue`) and the worker loop (local/queueWorker.ts) of one process.
 *
 * - **Durable before answered.** `enqueue` resolves once its transaction is committed with
 *   `synchronous=FULL` (fsync'd), so a message answered 2xx survives SIGKILL and a power cut.
 *   Messages arriving together share one commit (group commit): one fsync for a burst. The worker's
 *   bookkeeping (leases, deliveries, retries) commits with `synchronous=NORMAL`: still safe against a
 *   crash of the process, and a power cut can at worst forget that a message was delivered, so it
 *   goes again (at least once), never that it was accepted.
 * - **In order per channel.** Only a channel's oldest message (its head) can be leased, and only
 *   when no other message of the channel is leased: one message per channel in flight.
 * - **Leases.** A lease is written (with the attempt count) before the worker posts. After a crash
 *   the leased messages go again: the duplicates of a crash are at most the messages leased at that
 *   moment (at most one per channel, and at most the worker's concurrency).
 * - **Dead letters** keep the message, its attempts and the reason, and free the channel.
 * - **One process per file.** The file is opened in SQLite's exclusive locking mode; a second
 *   process gets an error naming QUEUE_PATH instead of sharing it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { MessageQueue } from "../handler/delivery/accept";
import type { RefStore } from "../handler/delivery/deliver";
import type { Envelope } from "../handler/delivery/envelope";

type Sqlite = typeof import("node:sqlite");
type Database = import("node:sqlite").DatabaseSync;

/** Loads node:sqlite without its one-time ExperimentalWarning on stderr (Node 22 prints it). */
export function loadSqlite(): Sqlite {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (/SQLite/i.test(text)) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return require("node:sqlite") as Sqlite;
  } finally {
    process.emitWarning = emit;
  }
}

/** How long a `ref` (a queued message's id) stays usable as `attach_to`. */
export const REF_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface QueueStats {
  /** Messages waiting or in flight. */
  depth: number;
  /** Messages leased by the worker right now. */
  inFlight: number;
  /** Age of the oldest waiting message in ms (0 when empty). */
  oldestAgeMs: number;
  /** Messages dead-lettered and kept in the file. */
  deadLetters: number;
}

export interface Lease {
  seq: number;
  channel: string;
  body: string;
  /** Attempts including this one. */
  attempts: number;
}

export interface DeadLetter {
  id: string;
  channel: string;
  reason: string;
  attempts: number;
  acceptedAt: number;
  deadAt: number;
  body: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  body TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  visible_at INTEGER NOT NULL,
  leased_at INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS messages_by_channel ON messages (channel, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL,
  channel TEXT NOT NULL,
  body TEXT NOT NULL,
  accepted_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  reason TEXT NOT NULL,
  dead_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refs (
  channel TEXT NOT NULL,
  ref TEXT NOT NULL,
  ts TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (channel, ref)
);
`;

/** The heads of the channels (their oldest messages) that may be leased now. */
const HEADS = `
SELECT seq, channel, body, attempts FROM messages
WHERE seq IN (SELECT MIN(seq) FROM messages GROUP BY channel) AND leased_at IS NULL AND visible_at <= ?
ORDER BY visible_at, seq LIMIT ?`;

export interface LocalQueueOptions {
  now?: () => number;
}

export class LocalQueue implements MessageQueue {
  /** Where the file is (resolved). */
  readonly path: string;
  /** Leases left by a previous process, released when this one opened the file. */
  readonly recovered: number;
  /** Told after each commit of new messages (the worker loop wakes up). */
  onEnqueued?: () => void;

  private readonly db: Database;
  private readonly now: () => number;
  private pending: { envelope: Envelope; encoded: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(file: string, options: LocalQueueOptions = {}) {
    this.path = path.resolve(file);
    this.now = options.now ?? Date.now;
    fs.mkdirSync(path.dirname(this.path), { recursive: true });
    const { DatabaseSync } = loadSqlite();
    this.db = new DatabaseSync(this.path);
    try {
      // WAL; FULL for accepted messages (see flush). EXCLUSIVE: this process alone uses the file.
      this.db.exec("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
      this.db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (err) {
      this.db.close();
      throw new Error(
        `QUEUE_PATH ${this.path} cannot be opened (${(err as Error).message}): is another npm start using it?`,
      );
    }
    this.db.exec(SCHEMA);
    // A previous process died with these in flight: they go again (at least once).
    this.recovered = Number(
      this.db.prepare("UPDATE messages SET leased_at = NULL WHERE leased_at IS NOT NULL").run().changes,
    );
    this.db.prepare("DELETE FROM refs WHERE at < ?").run(this.now() - REF_RETENTION_MS);
  }

  /** Stores one envelope; resolves once it is committed to disk. */
  enqueue(envelope: Envelope, encoded: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the queue is closed"));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ envelope, encoded, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every envelope that arrived since the last flush, in arrival order, in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const insert = this.db.prepare(
      "INSERT INTO messages (id, channel, body, accepted_at, visible_at) VALUES (?, ?, ?, ?, ?)",
    );
    try {
      this.db.exec("PRAGMA synchronous=FULL; BEGIN IMMEDIATE");
      for (const item of batch) {
        insert.run(item.envelope.id, item.envelope.channel, item.encoded, item.envelope.acceptedAt, 0);
      }
      this.db.exec("COMMIT; PRAGMA synchronous=NORMAL");
    } catch (err) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        // no transaction left to roll back
      }
      this.db.exec("PRAGMA synchronous=NORMAL");
      for (const item of batch) item.reject(err);
      return;
    }
    for (const item of batch) item.resolve();
    this.onEnqueued?.();
  }

  /** Leases up to `limit` channel heads that are due, counting the attempt. */
  lease(limit: number): Lease[] {
    if (limit <= 0) return [];
    const now = this.now();
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const rows = this.db.prepare(HEADS).all(now, limit) as unknown as Lease[];
      const mark = this.db.prepare("UPDATE messages SET leased_at = ?, attempts = attempts + 1 WHERE seq = ?");
      for (const row of rows) {
        mark.run(now, row.seq);
        row.attempts += 1;
      }
      this.db.exec("COMMIT");
      return rows.map((r) => ({ seq: r.seq, channel: r.channel, body: r.body, attempts: r.attempts }));
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** When the next head becomes due (undefined when none is waiting). */
  nextDueAt(): number | undefined {
    const row = this.db
      .prepare(
        "SELECT MIN(visible_at) AS at FROM messages WHERE seq IN (SELECT MIN(seq) FROM messages GROUP BY channel) AND leased_at IS NULL",
      )
      .get() as { at: number | null } | undefined;
    return row?.at ?? undefined;
  }

  /** Delivered: gone from the queue. */
  complete(seq: number): void {
    this.db.prepare("DELETE FROM messages WHERE seq = ?").run(seq);
  }

  /** Not delivered this time: back in the queue, due at `visibleAt`, still at its channel's head. */
  retry(seq: number, visibleAt: number, reason: string): void {
    this.db
      .prepare("UPDATE messages SET leased_at = NULL, visible_at = ?, last_error = ? WHERE seq = ?")
      .run(visibleAt, reason.slice(0, 200), seq);
  }

  /** Will never go: moved to the dead letters with its reason; its channel's next message is the head. */
  deadLetter(seq: number, reason: string): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.db
        .prepare(
          `INSERT INTO dead_letters (seq, id, channel, body, accepted_at, attempts, reason, dead_at)
           SELECT seq, id, channel, body, accepted_at, attempts, ?, ? FROM messages WHERE seq = ?`,
        )
        .run(reason.slice(0, 200), this.now(), seq);
      this.db.prepare("DELETE FROM messages WHERE seq = ?").run(seq);
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  stats(): QueueStats {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS depth, COUNT(leased_at) AS inFlight, MIN(accepted_at) AS oldest,
                (SELECT COUNT(*) FROM dead_letters) AS deadLetters FROM messages`,
      )
      .get() as { depth: number; inFlight: number; oldest: number | null; deadLetters: number };
    return {
      depth: Number(row.depth),
      inFlight: Number(row.inFlight),
      oldestAgeMs: row.oldest === null ? 0 : Math.max(0, this.now() - Number(row.oldest)),
      deadLetters: Number(row.deadLetters),
    };
  }

  /** The dead letters, oldest first. */
  deadLetters(): DeadLetter[] {
    return (
      this.db
        .prepare(
          "SELECT id, channel, reason, attempts, accepted_at AS acceptedAt, dead_at AS deadAt, body FROM dead_letters ORDER BY seq",
        )
        .all() as unknown as DeadLetter[]
    ).map((d) => ({ ...d }));
  }

  /**
   * Puts every dead letter back at the end of its channel's queue with its attempts reset (after
   * the cause was fixed: the bot invited to the channel, the channel created). Returns how many.
   */
  redriveDeadLetters(): number {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const moved = this.db
        .prepare(
          `INSERT INTO messages (id, channel, body, accepted_at, visible_at)
           SELECT id, channel, body, accepted_at, 0 FROM dead_letters ORDER BY seq`,
        )
        .run().changes;
      this.db.exec("DELETE FROM dead_letters");
      this.db.exec("COMMIT");
      this.onEnqueued?.();
      return Number(moved);
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** Where refs (ids handed out for queued messages) resolve to Slack's `ts`. */
  readonly refs: RefStore = {
    get: async (channel, ref) =>
      (
        this.db.prepare("SELECT ts FROM refs WHERE channel = ? AND ref = ?").get(channel, ref) as
          | { ts: string }
          | undefined
      )?.ts,
    put: async (channel, ref, ts) => {
      this.db
        .prepare("INSERT OR REPLACE INTO refs (channel, ref, ts, at) VALUES (?, ?, ?, ?)")
        .run(channel, ref, ts, this.now());
    },
  };

  /** Commits what is pending and closes the file (its lock is released). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
