/**
 * The queued path of `npm start` (DELIVERY_MODE=queued, docs/queued-delivery.md), against Slack
 * stand-ins in the stand-ins' process (bench/standIns.ts):
 *
 *   answer latency  the same notifications, one at a time, to `npm start` in direct mode and in
 *                   queued mode (two child processes), in alternating blocks after a warm-up; each
 *                   request timed from its send to its answer's end. Per mode: median and p95; per
 *                   block pair: queued median ÷ direct median. A block ends when the stand-in holds
 *                   all its messages, so the CPU time of a block (the child's, from /proc) is what
 *                   a message costs in that mode, answer and delivery.
 *   drain rate      a burst of messages to a few channels, sent one at a time to a fresh queued
 *                   `npm start` whose Slack stand-in enforces Slack's limit per channel (burst, then
 *                   one per second): messages per second posted after the channels' bursts, against
 *                   the rate the stand-in allows; every message posted once, each channel in the
 *                   order the messages were sent.
 *
 * Each `npm start` is the script's own command (`ts-node --transpile-only local/server.ts`) run on
 * Node 22 without npm in front of it, in the repository, with only PATH, HOME, LANG and TZ from
 * this process' environment; its stdout (one log line per request) goes to a file.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { REPO_ROOT } from "../tests/support/pulumiStack";
import type { StandIns } from "./processes";
import { pairedRatio, type Ratio, round, type Summary, summarize } from "./stats";

const HIPCHAT_TOKEN = "bench-queued-hipchat-token-0123456789";
const SLACK_TOKEN = "xoxb-bench-queued-0123456789";
const ROOMS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
const WARM_ROOM = "warm";

export interface QueuedSettings {
  /** Pairs of blocks (one direct, one queued) for the answer latency. */
  blocks: number;
  blockSize: number;
  /** Unmeasured requests per mode before the blocks. */
  warmup: number;
  /** The burst for the drain rate: messages, channels, and the stand-in's limit per channel. */
  drainMessages: number;
  drainChannels: number;
  perSecond: number;
  burst: number;
}

export interface LatencyResults {
  requestsPerMode: number;
  blockSize: number;
  direct: { answerMs: Summary; cpuMsPerMessage?: number };
  queued: { answerMs: Summary; cpuMsPerMessage?: number };
  /** Queued ÷ direct: per block pair (median of each block), and of the medians and p95s of all requests. */
  blockRatio: Ratio;
  medianRatio: number;
  p95Ratio: number;
  /** Queued ÷ direct CPU time per message (answer and delivery), over all blocks. */
  cpuRatio?: number;
  /** Every request answered 204 and every message posted, in both modes. */
  allDelivered: boolean;
}

export interface DrainResults {
  messages: number;
  channels: number;
  limit: { perSecond: number; burst: number };
  /** Messages per second the stand-in allows once the channels' bursts are spent. */
  allowedPerSecond: number;
  /** Messages posted after the bursts ÷ the time from the first post to the last. */
  measuredPerSecond: number;
  /** measured ÷ allowed. */
  ratio: number;
  /** From the first post to the last, and the least the limit allows for it. */
  postSpanMs: number;
  minimumSpanMs: number;
  /** From the first request's send to the last post. */
  acceptedToDeliveredMs: number;
  /** Answers to the burst while the worker was delivering (one request at a time). */
  answerMs: Summary;
  /** Calls the stand-in refused with 429 during the burst. */
  refusedCalls: number;
  posted: number;
  duplicates: number;
  missing: number;
  /** Channels whose messages were posted in another order than they were sent. */
  outOfOrderChannels: string[];
  /** The queue after the drain, from /healthz. */
  queueAfter?: Record<string, number>;
  onceInOrder: boolean;
  target: number;
}

export interface QueuedResults {
  latency: LatencyResults;
  drain: DrainResults;
  durationSeconds: number;
  /** Where the time went: starting the servers, the answer latency, the drain. */
  seconds: { start: number; latency: number; drain: number };
}

// ---------------------------------------------------------------------------------------------------
// npm start's servers in a child process (bench/queuedServer.ts)

interface Servers {
  urls: Record<string, string>;
  /** User + system CPU time of the process so far (Linux /proc), or undefined. */
  cpuMs(): number | undefined;
  stop(): Promise<void>;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5)'s stat, utime and stime; `fields` starts at field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

async function startServers(
  node: string,
  environments: Record<string, Record<string, string>>,
  dir: string,
  timeoutMs = 90_000,
): Promise<Servers> {
  const config = path.join(dir, "servers.json");
  fs.writeFileSync(config, JSON.stringify(environments));
  const log = path.join(dir, "servers.log");
  const out = fs.openSync(log, "a");
  // `npm start`'s command (ts-node --transpile-only), on Node 22, without npm in front of it.
  const child: ChildProcess = spawn(
    node,
    [
      path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js"),
      "--transpile-only",
      path.join(__dirname, "queuedServer.ts"),
      config,
    ],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LANG: "en_US.UTF-8", TZ: "UTC" },
      stdio: ["ignore", out, "pipe", "pipe"],
    },
  );
  fs.closeSync(out);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    if (stderr.length < 16_384) stderr += c.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
        if (text.includes("\n")) {
          clearTimeout(timer);
          resolve(text.slice(0, text.indexOf("\n")));
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`exited (${signal ?? code})`));
      });
    });
    const report = JSON.parse(line) as { urls?: Record<string, string>; error?: string };
    if (!report.urls) throw new Error(report.error ?? "no URLs");
    const pid = child.pid as number;
    return { urls: report.urls, cpuMs: () => processCpuMs(pid), stop };
  } catch (err) {
    await stop();
    throw new Error(
      `npm start's servers did not come up: ${(err as Error).message}\n${fs.readFileSync(log, "utf8").slice(-1500)}${stderr.slice(-1500)}`,
    );
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// A client: one notification at a time, keep-alive, as the bench's ALB event

interface Answer {
  tag: string;
  room: string;
  status: number;
  ms: number;
}

function client(baseUrl: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const notify = (room: string, tag: string): Promise<Answer> => {
    const body = JSON.stringify({
      message: `${tag} deploy <b>42</b> finished`,
      color: "green",
      from: "CI",
      notify: true,
    });
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        `${baseUrl}/v2/room/${room}/notification`,
        {
          method: "POST",
          agent,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${HIPCHAT_TOKEN}`,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ tag, room, status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - start) / 1e6 }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(body);
    });
  };
  const health = async (): Promise<Record<string, number> | undefined> => {
    const res = await fetch(`${baseUrl}/healthz`);
    return ((await res.json()) as { queue?: Record<string, number> }).queue;
  };
  return { notify, health, close: () => agent.destroy() };
}

/** Polls `done` until it holds or `timeoutMs` passes; whether it held. */
async function waitFor(done: () => Promise<boolean>, timeoutMs: number, stepMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------

export async function measureQueued(
  node: string,
  work: string,
  standIns: StandIns,
  settings: QueuedSettings,
  progress: (msg: string) => void,
): Promise<QueuedResults> {
  const started = Date.now();
  if (settings.drainMessages % settings.drainChannels !== 0 || settings.drainChannels > ROOMS.length)
    throw new Error(`the drain needs a multiple of its ${settings.drainChannels} channels (at most ${ROOMS.length})`);
  const dir = path.join(work, "queued");
  fs.mkdirSync(dir, { recursive: true });
  const fastSlack = await standIns.slack({ name: "queued-fast", tokens: [SLACK_TOKEN] });
  const pacedSlack = await standIns.slack({
    name: "queued-paced",
    tokens: [SLACK_TOKEN],
    rateLimit: { perSecond: settings.perSecond, burst: settings.burst },
  });
  const roomChannels = JSON.stringify(Object.fromEntries([...ROOMS, WARM_ROOM].map((r) => [r, `#bench-${r}`])));
  const env = (mode: "direct" | "queued", slackUrl: string, queue?: string): Record<string, string> => ({
    SLACK_TOKEN,
    SLACK_API_URL: slackUrl,
    HIPCHAT_TOKENS: HIPCHAT_TOKEN,
    ROOM_CHANNELS: roomChannels,
    DELIVERY_MODE: mode,
    ...(queue ? { QUEUE_PATH: path.join(dir, `${queue}.sqlite`) } : {}),
  });
  progress(
    "queued delivery: starting npm start's server three times in one child (direct, queued, queued for the drain)…",
  );
  const servers = await startServers(
    node,
    {
      direct: env("direct", fastSlack),
      queued: env("queued", fastSlack, "latency"),
      drain: env("queued", pacedSlack, "drain"),
    },
    dir,
  );
  try {
    progress(
      `queued delivery: answer latency, direct and queued, ${settings.blocks} pairs of ${settings.blockSize}-request blocks…`,
    );
    const up = Date.now();
    const latency = await answerLatency(servers, standIns, settings);
    const measured = Date.now();
    progress(
      `queued delivery: draining ${settings.drainMessages} messages to ${settings.drainChannels} channels at ` +
        `${settings.perSecond}/s per channel (burst ${settings.burst})…`,
    );
    const drain = await drainRate(servers.urls.drain, standIns, settings);
    const seconds = (from: number, to: number) => round((to - from) / 1000, 1);
    return {
      latency,
      drain,
      durationSeconds: seconds(started, Date.now()),
      seconds: { start: seconds(started, up), latency: seconds(up, measured), drain: seconds(measured, Date.now()) },
    };
  } finally {
    await servers.stop();
  }
}

async function answerLatency(servers: Servers, standIns: StandIns, s: QueuedSettings): Promise<LatencyResults> {
  const sides = { direct: client(servers.urls.direct), queued: client(servers.urls.queued) };
  let expected = 0;
  let allDelivered = true;
  let n = 0;
  const drained = async () =>
    waitFor(async () => (await standIns.slackCounts("queued-fast")).delivered >= expected, 10_000, 10);
  /** `count` requests, then until the stand-in holds them all; answer times and the child's CPU time. */
  const run = async (mode: "direct" | "queued", count: number) => {
    const cpuBefore = servers.cpuMs();
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      const a = await sides[mode].notify(ROOMS[n % 3], `${mode}-${n}`);
      n += 1;
      if (a.status !== 204) throw new Error(`npm start (${mode}) answered ${a.status}`);
      ms.push(a.ms);
    }
    expected += count;
    if (!(await drained())) allDelivered = false;
    const cpuAfter = servers.cpuMs();
    return { ms, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
  };
  try {
    await run("direct", s.warmup);
    await run("queued", s.warmup);
    const blocks = { direct: [] as number[][], queued: [] as number[][] };
    const cpu = { direct: [] as (number | undefined)[], queued: [] as (number | undefined)[] };
    for (let b = 0; b < s.blocks; b++) {
      const order: ("direct" | "queued")[] = b % 2 === 0 ? ["direct", "queued"] : ["queued", "direct"];
      for (const mode of order) {
        const r = await run(mode, s.blockSize);
        blocks[mode].push(r.ms);
        cpu[mode].push(r.cpuMs);
      }
    }
    const perMessage = (xs: (number | undefined)[]) =>
      xs.every((x) => x !== undefined)
        ? (xs as number[]).reduce((a, b) => a + b, 0) / (s.blocks * s.blockSize)
        : undefined;
    const d = summarize(blocks.direct.flat());
    const q = summarize(blocks.queued.flat());
    const directCpu = perMessage(cpu.direct);
    const queuedCpu = perMessage(cpu.queued);
    const median = (xs: number[]) => summarize(xs).median;
    return {
      requestsPerMode: s.blocks * s.blockSize,
      blockSize: s.blockSize,
      direct: { answerMs: d, cpuMsPerMessage: directCpu },
      queued: { answerMs: q, cpuMsPerMessage: queuedCpu },
      blockRatio: pairedRatio(blocks.queued.map(median), blocks.direct.map(median)),
      medianRatio: q.median / d.median,
      p95Ratio: q.p95 / d.p95,
      cpuRatio: directCpu && queuedCpu !== undefined ? queuedCpu / directCpu : undefined,
      allDelivered: allDelivered && (await standIns.slackCounts("queued-fast")).delivered === expected,
    };
  } finally {
    sides.direct.close();
    sides.queued.close();
  }
}

async function drainRate(url: string, standIns: StandIns, s: QueuedSettings): Promise<DrainResults> {
  const http = client(url);
  const name = "queued-paced";
  const tagOf = (payload: string) => /\b(drain-\d+)\b/.exec(payload)?.[1];
  try {
    // A warm-up within one channel's burst, on a channel of its own: the process has converted,
    // stored and posted before the burst, and no channel of the burst has spent any of its own.
    for (let i = 0; i < s.burst; i++) {
      const a = await http.notify(WARM_ROOM, `warm-${i}`);
      if (a.status !== 204) throw new Error(`npm start (queued) answered ${a.status}`);
    }
    if (!(await waitFor(async () => (await standIns.slackCounts(name)).delivered >= s.burst, 10_000, 20)))
      throw new Error("the warm-up messages were not delivered");
    const before = await standIns.slackCounts(name);

    const rooms = ROOMS.slice(0, s.drainChannels);
    const sent = new Map<string, string[]>(rooms.map((r) => [`#bench-${r}`, []]));
    const answers: Answer[] = [];
    const sentAt = Date.now();
    for (let i = 0; i < s.drainMessages; i++) {
      const room = rooms[i % rooms.length];
      const a = await http.notify(room, `drain-${i}`);
      if (a.status !== 204) throw new Error(`npm start (queued) answered ${a.status}`);
      answers.push(a);
      sent.get(`#bench-${room}`)?.push(a.tag);
    }
    const perChannel = s.drainMessages / s.drainChannels;
    const minimumSpanMs = ((perChannel - s.burst) / s.perSecond) * 1000;
    const posted = async () =>
      (await standIns.slackDeliveries(name)).delivered.filter((d) => tagOf(d.payload) !== undefined).length;
    await waitFor(async () => (await posted()) >= s.drainMessages, minimumSpanMs * 2 + 15_000, 200);
    await sleep(500); // a duplicate would show now
    const after = await standIns.slackDeliveries(name);
    const drained = after.delivered.filter((d) => tagOf(d.payload) !== undefined);

    const tags = drained.map((d) => tagOf(d.payload) as string);
    const unique = new Set(tags);
    const outOfOrderChannels: string[] = [];
    for (const [channel, expected] of sent) {
      const got = drained.filter((d) => d.channel === channel).map((d) => tagOf(d.payload));
      if (JSON.stringify(got) !== JSON.stringify(expected)) outOfOrderChannels.push(channel);
    }
    const first = Math.min(...drained.map((d) => d.at));
    const last = Math.max(...drained.map((d) => d.at));
    const postSpanMs = last - first;
    const measuredPerSecond = (unique.size - s.burst * s.drainChannels) / (postSpanMs / 1000);
    const allowedPerSecond = s.perSecond * s.drainChannels;
    const duplicates = tags.length - unique.size;
    const missing = s.drainMessages - unique.size;
    const queueAfter = await http.health();
    return {
      messages: s.drainMessages,
      channels: s.drainChannels,
      limit: { perSecond: s.perSecond, burst: s.burst },
      allowedPerSecond,
      measuredPerSecond,
      ratio: measuredPerSecond / allowedPerSecond,
      postSpanMs,
      minimumSpanMs,
      acceptedToDeliveredMs: last - sentAt,
      answerMs: summarize(answers.map((a) => a.ms)),
      refusedCalls: after.calls - before.calls - (after.delivered.length - before.delivered),
      posted: drained.length,
      duplicates,
      missing,
      outOfOrderChannels,
      queueAfter,
      onceInOrder:
        duplicates === 0 &&
        missing === 0 &&
        outOfOrderChannels.length === 0 &&
        queueAfter?.depth === 0 &&
        queueAfter?.deadLetters === 0,
      target: DRAIN_TARGET,
    };
  } finally {
    http.close();
  }
}

/** The drain must reach this share of the rate the limit allows. */
export const DRAIN_TARGET = 0.9;
