/**
 * Looks after `npm start`'s queue file while the proxy is stopped (the running proxy holds the
 * file's lock; use its /healthz then):
 *
 *   npx ts-node --transpile-only local/queueAdmin.ts stats     depth, in flight, oldest age, dead letters
 *   npx ts-node --transpile-only local/queueAdmin.ts dead      the dead letters: id, channel, reason, attempts
 *   npx ts-node --transpile-only local/queueAdmin.ts redrive   puts them back in their channels' queues
 *
 * QUEUE_PATH chooses the file, as for npm start. Never prints a message's text.
 */
import { LocalQueue } from "./queue";
import { DEFAULT_QUEUE_PATH } from "./settings";

export function runQueueAdmin(command: string | undefined, queuePath: string, print: (line: string) => void): number {
  if (!["stats", "dead", "redrive"].includes(command ?? "")) {
    print("usage: queueAdmin.ts stats|dead|redrive (QUEUE_PATH chooses the file)");
    return 2;
  }
  const queue = new LocalQueue(queuePath);
  try {
    if (command === "stats") print(JSON.stringify(queue.stats()));
    if (command === "dead") {
      for (const d of queue.deadLetters()) {
        const { id, channel, reason, attempts, acceptedAt, deadAt } = d;
        print(
          JSON.stringify({
            id,
            channel,
            reason,
            attempts,
            acceptedAt: new Date(acceptedAt).toISOString(),
            deadAt: new Date(deadAt).toISOString(),
          }),
        );
      }
    }
    if (command === "redrive") print(`${queue.redriveDeadLetters()} dead letter(s) put back`);
    return 0;
  } finally {
    queue.close();
  }
}

if (require.main === module) {
  try {
    process.exitCode = runQueueAdmin(process.argv[2], process.env.QUEUE_PATH?.trim() || DEFAULT_QUEUE_PATH, (l) =>
      process.stdout.write(`${l}\n`),
    );
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
