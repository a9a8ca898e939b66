/**
 * Shared pieces of the queued-delivery suites: sending HipChat notifications to `npm start` like a
 * naive client (one try, no retry), reading which messages Slack holds, and checking per-channel order.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { SlackCall } from "../support/slackStandIn";

export const HIPCHAT_TOKEN = "queued-token-0123456789";
export const SLACK_TOKEN = "xoxb-queued-0123456789";

/** A fresh QUEUE_PATH in a temporary folder. */
export function tempQueuePath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hipchat-queue-")), "queue.sqlite");
}

export interface Sent {
  /** The message's tag (`<prefix>-<n>`), also its text. */
  tag: string;
  room: string;
  status: number;
  /** When the request was sent and when its answer had arrived (epoch ms). */
  sentAt: number;
  answeredAt: number;
}

/** Keep-alive connections, as a client library would hold them (and lighter on the test's CPU than fetch). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One notification, one try: what a client that never retries does. The one exception is the race
 * Node's documentation describes for keep-alive agents: the server closes an idle connection just as
 * the request goes out on it, and the request fails with ECONNRESET before the server read it. That is
 * sent again on a new connection, as HTTP clients do; a duplicate would still show in the Slack calls.
 */
export async function notify(baseUrl: string, room: string, tag: string): Promise<Sent> {
  try {
    return await notifyOnce(baseUrl, room, tag);
  } catch (err) {
    if (!(err as { reusedSocket?: boolean }).reusedSocket || (err as NodeJS.ErrnoException).code !== "ECONNRESET")
      throw err;
    return notifyOnce(baseUrl, room, tag);
  }
}

function notifyOnce(baseUrl: string, room: string, tag: string): Promise<Sent> {
  const body = JSON.stringify({ message: `${tag} deploy finished`, message_format: "text" });
  const sentAt = Date.now();
  return new Promise<Sent>((resolve, reject) => {
    const req = http.request(
      `${baseUrl}/v2/room/${room}/notification?auth_token=${HIPCHAT_TOKEN}`,
      {
        method: "POST",
        agent,
        timeout: 20_000,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ tag, room, status: res.statusCode ?? 0, sentAt, answeredAt: Date.now() }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** The tag of a Slack call (`<prefix>-<n>`), if it carries one. */
export function tagOf(call: SlackCall, prefix: string): string | undefined {
  return new RegExp(`\\b(${prefix}-\\d+)\\b`).exec(String(call.body.text ?? ""))?.[1];
}

/** Polls until `done()` or `timeoutMs`; returns whether it got there. */
export async function waitFor(done: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return true;
}

/**
 * Order violations in one channel's deliveries: a message delivered after another although it had
 * been answered 2xx before that other one was even sent. (Messages in flight together have no
 * order between them; everything else must arrive in the order the proxy accepted it.)
 */
export function orderViolations(deliveredTags: readonly string[], sent: ReadonlyMap<string, Sent>): string[] {
  const problems: string[] = [];
  for (let i = 0; i < deliveredTags.length; i++) {
    const early = sent.get(deliveredTags[i]);
    for (let j = i + 1; j < deliveredTags.length && early; j++) {
      const late = sent.get(deliveredTags[j]);
      if (late && late.answeredAt < early.sentAt) {
        problems.push(`${deliveredTags[j]} was accepted before ${deliveredTags[i]} was sent, but delivered after it`);
      }
    }
  }
  return problems;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
