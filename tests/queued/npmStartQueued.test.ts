/**
 * Queued delivery through `npm start` (DELIVERY_MODE=queued, a real child process, loopback only),
 * against a Slack stand-in that enforces Slack's per-channel limit (burst 3, then `RATE` per second):
 *
 * 1. a burst: 300 messages from 30 clients that never retry, to 3 channels: every answer 2xx, the
 *    median under 100 ms; all 300 delivered exactly once, in per-channel order, at the stand-in's pace;
 * 2. an outage: the stand-in answers 500 to everything for 15 s while 50 messages arrive: all 2xx,
 *    all delivered exactly once after it recovers;
 * 3. a crash: SIGKILL while 100 messages wait, then a restart on the same QUEUE_PATH: all 100
 *    delivered, with at most as many duplicates as messages were in flight at the kill.
 *
 * The figure is 1 message per second per channel, which makes the burst alone take 100 s.
 * By default the stand-in allows 10 per second (and the worker's DELIVERY_SPACING_MS follows it),
 * so the same shape runs in about 10 s; QUEUED_FULL=1 runs it at 1 per second. Pacing is asserted
 * relative to the stand-in's rate.
 */
import { loadSqlite } from "../../local/queue";
import { npmStart, type StartedProxy } from "../support/npmStart";
import { type SlackStandIn, startSlackStandIn } from "../support/slackStandIn";
import {
  HIPCHAT_TOKEN,
  median,
  notify,
  orderViolations,
  SLACK_TOKEN,
  type Sent,
  tagOf,
  tempQueuePath,
  waitFor,
} from "./support";

const FULL = process.env.QUEUED_FULL === "1";
/** Messages per second per channel the stand-in allows after its burst. */
const RATE = FULL ? 1 : 10;
const BURST = 3;
const ROOMS = ["alpha", "beta", "gamma"];

let outage = false;
let slack: SlackStandIn;
let proxy: StartedProxy | undefined;
const queuePath = tempQueuePath();

const proxyEnv = (slackUrl: string, path: string): Record<string, string> => ({
  SLACK_TOKEN,
  SLACK_API_URL: slackUrl,
  HIPCHAT_TOKENS: HIPCHAT_TOKEN,
  ROOM_CHANNELS: JSON.stringify(Object.fromEntries(ROOMS.map((r) => [r, `#${r}`]))),
  DELIVERY_MODE: "queued",
  QUEUE_PATH: path,
  // The worker spaces a rate-limited channel at the stand-in's pace (Slack's is 1 s, the default).
  DELIVERY_SPACING_MS: String(Math.round(1000 / RATE)),
  // Quick retries so recovery after the outage is seen within seconds.
  DELIVERY_RETRY_BASE_MS: "500",
  DELIVERY_RETRY_MAX_MS: "2000",
  SLACK_TIMEOUT_MS: "5000",
});

beforeAll(async () => {
  slack = await startSlackStandIn({
    tokens: [SLACK_TOKEN],
    rateLimit: { perSecond: RATE, burst: BURST },
    faultFor: () => (outage ? { kind: "status", status: 500 } : undefined),
  });
  proxy = await npmStart(proxyEnv(slack.url, queuePath));
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await slack?.close();
});

const deliveredTags = (stand: SlackStandIn, prefix: string, channel?: string) =>
  stand.delivered
    .filter((c) => channel === undefined || c.body.channel === channel)
    .map((c) => tagOf(c, prefix))
    .filter((t): t is string => t !== undefined);

async function readQueue(path: string): Promise<{ waiting: number; inFlight: number }> {
  for (let i = 0; ; i++) {
    try {
      const db = new (loadSqlite().DatabaseSync)(path);
      try {
        return db.prepare("SELECT COUNT(*) AS waiting, COUNT(leased_at) AS inFlight FROM messages").get() as {
          waiting: number;
          inFlight: number;
        };
      } finally {
        db.close();
      }
    } catch (err) {
      if (i >= 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

it(`burst: 300 messages from 30 clients to 3 channels, answered at once, delivered once each, in order, at ${RATE}/s per channel`, async () => {
  const CLIENTS = 30;
  const PER_CLIENT = 10;
  const sent: Sent[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let j = 0; j < PER_CLIENT; j++) {
        const n = c * PER_CLIENT + j;
        sent.push(await notify(proxy!.url, ROOMS[n % ROOMS.length], `burst-${n}`));
      }
    }),
  );
  const acceptedIn = Date.now() - started;
  const latencies = sent.map((s) => s.answeredAt - s.sentAt);
  expect(sent.filter((s) => s.status !== 204)).toEqual([]);
  expect(median(latencies)).toBeLessThan(100);

  const perChannel = 300 / ROOMS.length;
  // Burst, then RATE per second: the slowest channel needs about (100 - 3) / RATE seconds.
  const expectedMs = ((perChannel - BURST) / RATE) * 1000;
  expect(await waitFor(() => deliveredTags(slack, "burst").length >= 300, expectedMs * 1.5 + 15_000)).toBe(true);
  const deliveredIn = Date.now() - started;
  await new Promise((r) => setTimeout(r, 300)); // anything extra (a duplicate) would show now
  const tags = deliveredTags(slack, "burst");
  expect(tags).toHaveLength(300);
  expect(new Set(tags).size).toBe(300);

  const byTag = new Map(sent.map((s) => [s.tag, s]));
  for (const room of ROOMS) {
    const inChannel = deliveredTags(slack, "burst", `#${room}`);
    expect(inChannel).toHaveLength(perChannel);
    expect(orderViolations(inChannel, byTag)).toEqual([]);
    // Each client's own messages to the channel arrive in the order it sent them.
    for (let c = 0; c < 30; c++) {
      const own = inChannel.filter((t) => Math.floor(Number(t.split("-")[1]) / 10) === c);
      expect(own).toEqual([...own].sort((a, b) => Number(a.split("-")[1]) - Number(b.split("-")[1])));
    }
  }
  // At the stand-in's pace: no faster than it allows (it refuses more), not much slower either, and
  // with few refused calls (the worker spaces the channel instead of hammering it).
  expect(deliveredIn).toBeGreaterThanOrEqual(expectedMs * 0.9);
  expect(deliveredIn).toBeLessThanOrEqual(expectedMs * 1.35 + 3_000);
  const calls = slack.calls.filter((c) => tagOf(c, "burst")).length;
  expect(calls).toBeLessThanOrEqual(300 * 1.25);
  const health = (await (await fetch(`${proxy!.url}/healthz`)).json()) as { queue: Record<string, number> };
  expect(health.queue).toEqual({ depth: 0, inFlight: 0, oldestAgeMs: 0, deadLetters: 0 });
  process.stderr.write(
    `queued burst: 300 accepted in ${acceptedIn} ms (median ${median(latencies)} ms, max ${Math.max(...latencies)} ms); ` +
      `delivered in ${deliveredIn} ms (expected ~${Math.round(expectedMs)} ms at ${RATE}/s per channel); Slack calls ${calls}\n`,
  );
}, 300_000);

it("outage: 500 to everything for 15 s while 50 messages arrive: all 2xx, all delivered once after recovery", async () => {
  outage = true;
  const started = Date.now();
  const sent: Sent[] = [];
  // 50 messages over about 10 s of the outage, from 10 clients.
  await Promise.all(
    Array.from({ length: 10 }, async (_, c) => {
      for (let j = 0; j < 5; j++) {
        const n = c * 5 + j;
        sent.push(await notify(proxy!.url, ROOMS[n % ROOMS.length], `outage-${n}`));
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }),
  );
  expect(sent.filter((s) => s.status !== 204)).toEqual([]);
  const health = (await (await fetch(`${proxy!.url}/healthz`)).json()) as { queue: Record<string, number> };
  expect(health.queue.depth).toBeGreaterThan(0);
  expect(health.queue.oldestAgeMs).toBeGreaterThan(0);
  expect(deliveredTags(slack, "outage")).toEqual([]);
  // Slack was tried (and failed) during the outage: the worker keeps retrying, it does not drop.
  expect(slack.calls.filter((c) => tagOf(c, "outage")).length).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, Math.max(0, started + 15_000 - Date.now())));
  outage = false;
  const recovered = Date.now();
  expect(await waitFor(() => deliveredTags(slack, "outage").length >= 50, 30_000)).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  const tags = deliveredTags(slack, "outage");
  expect(new Set(tags).size).toBe(50);
  expect(tags).toHaveLength(50);
  const byTag = new Map(sent.map((s) => [s.tag, s]));
  for (const room of ROOMS) expect(orderViolations(deliveredTags(slack, "outage", `#${room}`), byTag)).toEqual([]);
  process.stderr.write(`queued outage: 50 delivered ${Date.now() - recovered} ms after Slack recovered\n`);
}, 120_000);

it("SIGKILL while 100 messages wait, restart: all 100 delivered, duplicates at most the messages in flight", async () => {
  // A slow Slack (100 ms per call) of its own, so posts are in flight when the process dies.
  const slow = await startSlackStandIn({
    tokens: [SLACK_TOKEN],
    rateLimit: { perSecond: RATE, burst: BURST },
    latencyMs: 100,
  });
  const path = tempQueuePath();
  let first: StartedProxy | undefined = await npmStart(proxyEnv(slow.url, path));
  let second: StartedProxy | undefined;
  try {
    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, n) => notify(first!.url, ROOMS[n % ROOMS.length], `crash-${n}`)),
    );
    expect(sent.filter((s) => s.status !== 204)).toEqual([]);
    // Let the worker get going, then kill it mid-flight.
    expect(await waitFor(() => slow.calls.length >= 2, 10_000, 5)).toBe(true);
    await first.kill("SIGKILL");
    first = undefined;
    const deliveredAtKill = new Set(deliveredTags(slow, "crash")).size;
    // What the dead process had leased (posting): exactly what may go twice. (Its lock goes with the
    // last process of the group, which may outlive npm by a moment.)
    const row = await readQueue(path);
    const waiting = Number(row.waiting);
    const inFlight = Number(row.inFlight);
    expect(waiting).toBeGreaterThanOrEqual(100 - deliveredAtKill - inFlight);
    expect(waiting).toBeGreaterThan(50);

    second = await npmStart(proxyEnv(slow.url, path));
    expect(await waitFor(() => new Set(deliveredTags(slow, "crash")).size >= 100, 60_000 + (100 / RATE) * 1000)).toBe(
      true,
    );
    await new Promise((r) => setTimeout(r, 500));
    const tags = deliveredTags(slow, "crash");
    expect(new Set(tags).size).toBe(100);
    const duplicates = tags.length - 100;
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    expect(second.output()).toContain('"msg":"queue recovered"');
    process.stderr.write(
      `queued crash: killed with ${waiting} waiting (${inFlight} in flight, ${deliveredAtKill} delivered); ` +
        `after restart all 100 delivered, ${duplicates} duplicate(s)\n`,
    );
  } finally {
    await first?.stop();
    await second?.stop();
    await slow.close();
  }
}, 180_000);
