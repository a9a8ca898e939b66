/**
 * `npm run bench`: the proxy's performance budget, measured on this machine against the local
 * stand-ins, each figure as a ratio to a baseline measured in the same run (docs/performance.md).
 *
 *   cold start   process start → first answer, fresh processes killed at their answer, all sides
 *                interleaved in rounds (shuffled order); paired ratios per round, wall and CPU:
 *                  SDK path        the deployed bundle ÷ baselines/sdk.js         target ≤ 1.3×
 *                  extension path  the deployed bundle ÷ baselines/extension.js   target ≤ 1.5×
 *                  one-fetch ref.  either ÷ baselines/oneFetch.js (no secret read), for context
 *                  peer            baselines/peer.py (Python urllib), when python3 is present
 *   warm         the deployed bundle ÷ baselines/sdk.js in one process, alternating blocks  ≤ 1.3×
 *   container    Slack connections and secret reads over 200 invocations of one container  = 1, 1
 *   package      the deployed archive, unpacked                                            ≤ 0.6 MB
 *   profiles     `node --cpu-prof` of cold starts of the bundle and of the SDK baseline (in turn), and
 *                CPU profiles of warm requests to each, summarized by module (bench/profile.ts)
 *   queued       `npm start`'s server (bench/queued.ts), for context: answer latency of queued mode ÷
 *                direct mode (median, p95), same requests; and the drain of a burst to 3 channels
 *                against a Slack stand-in allowing 1 message/s per channel (burst 3), messages/s ÷
 *                the allowed 3/s, every message once and in per-channel order          ≥ 0.9×
 *
 * The measured artefact is the dev stack's function code as the program computes it under Pulumi
 * mocks (bench/artefact.ts). Every measured process runs on Node 22 with only what the Lambda
 * runtime provides (the AWS SDK on NODE_PATH) and the function's environment; the stand-ins run in
 * a process of their own. It prints a table and writes bench/results.json; it never fails on a
 * figure, only when it cannot measure at all.
 *
 * Settings: BENCH_COLD_ROUNDS (default 30, at least 15), BENCH_WARM_BLOCKS (pairs of blocks,
 * default 40), BENCH_WARM_BLOCK_SIZE (default 100), BENCH_CONTAINER_N (default 200),
 * BENCH_PROFILE_RUNS (default 8, 0 = no profiles), BENCH_PROFILE_DIR (keep the .cpuprofile files
 * there), BENCH_SEED (order of sides within rounds), BENCH_KEEP_WORK=1 (keep the temporary folder
 * with the unpacked artefact, the runners and the profiles), BENCH_QUEUED (default 1, 0 = no queued
 * part), BENCH_QUEUED_BLOCKS (pairs of blocks, default 8), BENCH_QUEUED_BLOCK_SIZE (default 40),
 * BENCH_DRAIN_MESSAGES (default 60, a multiple of 3).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../tests/support/pulumiStack";
import { buildArtefact, bundleDetails, type Artefact } from "./artefact";
import { node22, python3, runToAnswer, runToExit, startStandIns, type StandIns } from "./processes";
import { summarizeProfiles, type ProfileSummary } from "./profile";
import { DRAIN_TARGET, measureQueued, type QueuedResults, type QueuedSettings } from "./queued";
import { pairedRatio, round, seededRandom, shuffled, summarize, type Ratio, type Summary } from "./stats";

const ROUNDS = Math.max(15, Number(process.env.BENCH_COLD_ROUNDS ?? 30));
const WARM_BLOCKS = Number(process.env.BENCH_WARM_BLOCKS ?? 40);
const WARM_BLOCK_SIZE = Number(process.env.BENCH_WARM_BLOCK_SIZE ?? 100);
const WARM_UP = 300;
const CONTAINER_N = Number(process.env.BENCH_CONTAINER_N ?? 200);
const PROFILE_RUNS = Number(process.env.BENCH_PROFILE_RUNS ?? 8);
const WARM_PROFILE_N = 2000;
const SEED = Number(process.env.BENCH_SEED ?? 22);
const SESSION_TOKEN = "bench-session-token";
const QUEUED: QueuedSettings | undefined =
  process.env.BENCH_QUEUED === "0"
    ? undefined
    : {
        blocks: Number(process.env.BENCH_QUEUED_BLOCKS ?? 8),
        blockSize: Number(process.env.BENCH_QUEUED_BLOCK_SIZE ?? 40),
        warmup: 60,
        drainMessages: Number(process.env.BENCH_DRAIN_MESSAGES ?? 60),
        drainChannels: 3,
        // Slack's figure for chat.postMessage: about one message per second per channel, short bursts.
        perSecond: 1,
        burst: 3,
      };
const MB = 1024 * 1024;

const TARGETS = {
  coldSdkRatio: 1.3,
  coldExtensionRatio: 1.5,
  warmRatio: 1.3,
  packageBytes: 0.6 * MB,
  connectionsPerContainer: 1,
  secretReadsPerContainer: 1,
  queuedDrainOfAllowedRate: DRAIN_TARGET,
};

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------------------------------------------
// Cold start

type SideName = "bundleSdk" | "baselineSdk" | "bundleExtension" | "baselineExtension" | "oneFetch" | "python";

interface Side {
  name: SideName;
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** What the stand-ins must have seen from one run: secret reads through the SDK and the extension. */
  expect: { secretsManager: number; extension: number };
}

/** One fresh process. `processMs` is measured by the benchmark; the rest by the process itself. */
interface ColdSample {
  processMs: number;
  cpuMs: number;
  /** Node only: the runner's first line, the handler module's load (init), the first answer. */
  bootMs?: number;
  initMs?: number;
  answerMs?: number;
}

interface ColdSide {
  label: string;
  samples: ColdSample[];
  processMs: Summary;
  cpuMs: Summary;
  bootMs?: Summary;
  initMs?: Summary;
  answerMs?: Summary;
}

interface Comparison {
  measured: SideName;
  reference: SideName;
  wall: Ratio;
  cpu: Ratio;
  target?: number;
}

interface ColdResults {
  rounds: number;
  sides: Partial<Record<SideName, ColdSide>>;
  comparisons: Record<string, Comparison>;
}

async function coldStarts(sides: Side[], standIns: StandIns, cwd: string): Promise<ColdResults> {
  const runOnce = async (side: Side): Promise<ColdSample> => {
    const before = await standIns.counts();
    const answer = await runToAnswer<{
      status: number;
      cpuMs: number;
      bootMs?: number;
      initMs?: number;
      answerMs?: number;
    }>(side.command, side.args, { env: side.env, cwd });
    const after = await standIns.counts();
    const r = answer.report;
    if (r.status !== 204) throw new Error(`${side.label} answered ${r.status}\n${answer.output.slice(-1500)}`);
    const reads = {
      secretsManager: after.secretsManagerReads - before.secretsManagerReads,
      extension: after.extensionReads - before.extensionReads,
    };
    if (after.slackDelivered - before.slackDelivered !== 1)
      throw new Error(`${side.label} delivered ${after.slackDelivered - before.slackDelivered} messages, not 1`);
    if (reads.secretsManager !== side.expect.secretsManager || reads.extension !== side.expect.extension)
      throw new Error(
        `${side.label} read the secret ${reads.secretsManager}× from Secrets Manager and ${reads.extension}× ` +
          `through the extension; expected ${side.expect.secretsManager} and ${side.expect.extension}`,
      );
    return { processMs: answer.wallMs, cpuMs: r.cpuMs, bootMs: r.bootMs, initMs: r.initMs, answerMs: r.answerMs };
  };

  const samples = new Map<SideName, ColdSample[]>(sides.map((s) => [s.name, []]));
  // One unmeasured round: the file cache and Python's bytecode cache, not our code, would show in it.
  for (const side of sides) await runOnce(side);
  const random = seededRandom(SEED);
  for (let r = 0; r < ROUNDS; r++) {
    for (const side of shuffled(sides, random)) samples.get(side.name)!.push(await runOnce(side));
    if ((r + 1) % 5 === 0) progress(`  round ${r + 1}/${ROUNDS}`);
  }

  const out: ColdResults = { rounds: ROUNDS, sides: {}, comparisons: {} };
  const opt = (xs: (number | undefined)[]) =>
    xs.every((x) => x !== undefined) ? summarize(xs as number[]) : undefined;
  for (const side of sides) {
    const s = samples.get(side.name)!;
    out.sides[side.name] = {
      label: side.label,
      samples: s,
      processMs: summarize(s.map((x) => x.processMs)),
      cpuMs: summarize(s.map((x) => x.cpuMs)),
      bootMs: opt(s.map((x) => x.bootMs)),
      initMs: opt(s.map((x) => x.initMs)),
      answerMs: opt(s.map((x) => x.answerMs)),
    };
  }
  const compare = (key: string, measured: SideName, reference: SideName, target?: number) => {
    const m = samples.get(measured);
    const ref = samples.get(reference);
    if (!m || !ref) return;
    out.comparisons[key] = {
      measured,
      reference,
      wall: pairedRatio(
        m.map((x) => x.processMs),
        ref.map((x) => x.processMs),
      ),
      cpu: pairedRatio(
        m.map((x) => x.cpuMs),
        ref.map((x) => x.cpuMs),
      ),
      target,
    };
  };
  compare("sdk", "bundleSdk", "baselineSdk", TARGETS.coldSdkRatio);
  compare("sdkVsOldReference", "bundleSdk", "oneFetch");
  compare("extension", "bundleExtension", "baselineExtension", TARGETS.coldExtensionRatio);
  compare("extensionVsOldReference", "bundleExtension", "oneFetch");
  compare("pythonVsOldReference", "python", "oneFetch");
  compare("bundleSdkVsPython", "bundleSdk", "python");
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Warm requests and per-container counts

interface WarmBlock {
  wallNs: number[];
  blockNs: number;
  cpuUs: number;
}

interface WarmResults {
  requestsPerSide: number;
  blockSize: number;
  measured: { wallMs: Summary; cpuUsPerRequest: Summary };
  reference: { wallMs: Summary; cpuUsPerRequest: Summary };
  wall: Ratio;
  cpu: Ratio;
  target: number;
}

async function warmRequests(artefact: Artefact, files: Files, env: Record<string, string>): Promise<WarmResults> {
  const config = path.join(files.work, "warm.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      mode: "compare",
      measured: artefact.indexFile,
      reference: files.baselineSdk,
      eventFile: files.event,
      warmup: WARM_UP,
      blocks: WARM_BLOCKS,
      blockSize: WARM_BLOCK_SIZE,
    }),
  );
  const answer = await runToAnswer<{ result: { measured: WarmBlock[]; reference: WarmBlock[] } }>(
    files.node,
    [files.warmRunner, config],
    { env, cwd: artefact.packageDir, timeoutMs: 300_000, stdoutFile: path.join(files.work, "warm.log") },
  );
  const { measured, reference } = answer.report.result;
  const median = (xs: number[]) => summarize(xs).median;
  const side = (blocks: WarmBlock[]) => ({
    wallMs: summarize(blocks.flatMap((b) => b.wallNs.map((ns) => ns / 1e6))),
    cpuUsPerRequest: summarize(blocks.map((b) => b.cpuUs / b.wallNs.length)),
  });
  return {
    requestsPerSide: measured.reduce((a, b) => a + b.wallNs.length, 0),
    blockSize: WARM_BLOCK_SIZE,
    measured: side(measured),
    reference: side(reference),
    // Each block with its neighbour of the other side: the median request time of each, its CPU.
    wall: pairedRatio(
      measured.map((b) => median(b.wallNs)),
      reference.map((b) => median(b.wallNs)),
    ),
    cpu: pairedRatio(
      measured.map((b) => b.cpuUs),
      reference.map((b) => b.cpuUs),
    ),
    target: TARGETS.warmRatio,
  };
}

interface ContainerCounts {
  invocations: number;
  slackConnections: number;
  secretReads: number;
  delivered: number;
}

async function perContainer(
  artefact: Artefact,
  files: Files,
  env: Record<string, string>,
  standIns: StandIns,
  label: string,
): Promise<ContainerCounts> {
  const config = path.join(files.work, `container-${label}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({ mode: "container", measured: artefact.indexFile, eventFile: files.event, n: CONTAINER_N }),
  );
  const before = await standIns.counts();
  await runToAnswer(files.node, [files.warmRunner, config], {
    env,
    cwd: artefact.packageDir,
    timeoutMs: 120_000,
    stdoutFile: path.join(files.work, `container-${label}.log`),
  });
  const after = await standIns.counts();
  return {
    invocations: CONTAINER_N,
    slackConnections: after.slackConnections - before.slackConnections,
    secretReads:
      after.secretsManagerReads - before.secretsManagerReads + (after.extensionReads - before.extensionReads),
    delivered: after.slackDelivered - before.slackDelivered,
  };
}

// ---------------------------------------------------------------------------------------------------
// Profile

const PROFILE_LABELS: Record<string, string> = {
  "cold.js": "runner",
  "warm.js": "runner",
  "sdk.js": "baseline code (sdk.js)",
  "extension.js": "baseline code (extension.js)",
  "oneFetch.js": "baseline code (oneFetch.js)",
};

let detailsCache: ReturnType<typeof bundleDetails> | undefined;
const bundleDetailsOnce = (bundleFile: string) => {
  detailsCache ??= bundleDetails(bundleFile);
  return detailsCache;
};

/** Where profiles go: BENCH_PROFILE_DIR/<name> when set (kept), else the work folder. */
function profileDir(files: Files, name: string): string {
  const dir = process.env.BENCH_PROFILE_DIR
    ? path.resolve(process.env.BENCH_PROFILE_DIR, name)
    : path.join(files.work, `profile-${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function summarizeDir(artefact: Artefact, dir: string, per?: number): ProfileSummary {
  const profiles = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f));
  const details = bundleDetailsOnce(artefact.bundleFile);
  return summarizeProfiles(profiles, {
    bundleFile: artefact.bundleFile,
    map: "map" in details ? details.map : undefined,
    mapNote: "map" in details ? "the shipped bundle, rebuilt with a source map (byte-identical)" : details.reason,
    repoRoot: REPO_ROOT,
    labels: PROFILE_LABELS,
    per,
  });
}

/**
 * `node --cpu-prof` of PROFILE_RUNS cold starts of each module, each run to its normal exit, the
 * modules in turn so that the machine's load weighs on them alike.
 */
async function coldProfiles(
  artefact: Artefact,
  files: Files,
  env: Record<string, string>,
  modules: { name: string; file: string }[],
): Promise<ProfileSummary[]> {
  const dirs = modules.map((m) => profileDir(files, m.name));
  for (let i = 0; i < PROFILE_RUNS; i++) {
    for (const [k, m] of modules.entries()) {
      await runToExit(
        files.node,
        [
          "--cpu-prof",
          `--cpu-prof-dir=${dirs[k]}`,
          "--cpu-prof-interval=100",
          files.coldRunner,
          m.file,
          files.event,
          "exit",
        ],
        { env, cwd: artefact.packageDir },
      );
    }
  }
  return dirs.map((dir) => summarizeDir(artefact, dir));
}

/** A CPU profile of `n` warm requests to `moduleFile`, after a warm-up; times per request. */
async function warmProfile(
  artefact: Artefact,
  files: Files,
  env: Record<string, string>,
  moduleFile: string,
  name: string,
  n: number,
): Promise<ProfileSummary> {
  const dir = profileDir(files, name);
  const config = path.join(files.work, `profile-${name}.json`);
  fs.writeFileSync(
    config,
    JSON.stringify({
      mode: "profile",
      measured: moduleFile,
      eventFile: files.event,
      warmup: WARM_UP,
      n,
      profileFile: path.join(dir, "warm.cpuprofile"),
    }),
  );
  await runToAnswer(files.node, [files.warmRunner, config], {
    env,
    cwd: artefact.packageDir,
    timeoutMs: 120_000,
    stdoutFile: path.join(files.work, `profile-${name}.log`),
  });
  return summarizeDir(artefact, dir, n);
}

// ---------------------------------------------------------------------------------------------------

/**
 * Runs `fn` (the program under Pulumi mocks), turning a rejection that nothing handles (a resource
 * of the program that fails) into its failure, rather than an exit without a word.
 */
async function underMocks<T>(fn: () => Promise<T>): Promise<T> {
  let onRejection: ((reason: unknown) => void) | undefined;
  const unhandled = new Promise<never>((_, reject) => {
    onRejection = (reason) => reject(reason instanceof Error ? reason : new Error(String(reason)));
    process.on("unhandledRejection", onRejection);
  });
  try {
    return await Promise.race([fn(), unhandled]);
  } catch (err) {
    throw new Error(`the program failed under Pulumi mocks: ${(err as Error).message}`);
  } finally {
    if (onRejection) process.off("unhandledRejection", onRejection);
  }
}

interface Files {
  work: string;
  node: string;
  event: string;
  coldRunner: string;
  warmRunner: string;
  baselineSdk: string;
  baselineExtension: string;
  oneFetch: string;
  pythonDir: string;
  pythonRunner: string;
}

/** Copies the runners and baselines next to the package, where they resolve the SDK as the bundle does. */
function prepareFiles(work: string, nodePath: string, artefact: Artefact): Files {
  const copy = (from: string, to: string) => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(__dirname, from), to);
    return to;
  };
  const event = path.join(work, "event.json");
  fs.writeFileSync(event, JSON.stringify(artefact.event));
  return {
    work,
    node: nodePath,
    event,
    coldRunner: copy("runners/cold.js", path.join(work, "runners", "cold.js")),
    warmRunner: copy("runners/warm.js", path.join(work, "runners", "warm.js")),
    baselineSdk: copy("baselines/sdk.js", path.join(work, "baselines", "sdk.js")),
    baselineExtension: copy("baselines/extension.js", path.join(work, "baselines", "extension.js")),
    oneFetch: copy("baselines/oneFetch.js", path.join(work, "baselines", "oneFetch.js")),
    pythonDir: path.dirname(copy("baselines/peer.py", path.join(work, "python", "handler.py"))),
    pythonRunner: copy("runners/cold.py", path.join(work, "runners", "cold.py")),
  };
}

interface Profiles {
  coldBundle: ProfileSummary;
  coldBaseline: ProfileSummary;
  warmBundle: ProfileSummary;
  warmBaseline: ProfileSummary;
}

/** The profiles in a few lines: sampled time, and the largest groups by attributed and self time. */
function describeProfiles(p: Profiles): string[] {
  const top = (rows: { name: string; ms: number }[], n: number, unit: (ms: number) => string) =>
    rows
      .slice(0, n)
      .map((r) => `${r.name} ${unit(r.ms)}`)
      .join("; ");
  const ms = (x: number) => `${round(x, 1)} ms`;
  const us = (x: number) => `${Math.round(x * 1000)} µs`;
  const c = p.coldBundle;
  const w = p.warmBundle;
  return [
    `Profile, cold start of the bundle (SDK path, ${c.runs} runs under --cpu-prof): ${ms(c.msPer)} sampled per run ` +
      `(SDK baseline: ${ms(p.coldBaseline.msPer)}); the bundle's own code ${ms(c.bundle.selfMs)} self, ` +
      `${ms(c.bundle.attributedMs)} with what it calls. Source map: ${c.sourceMap}.`,
    `  attributed: ${top(c.attributedByGroup, 10, ms)}`,
    `  self:       ${top(c.selfByGroup, 8, ms)}`,
    `  functions:  ${top(
      c.topFunctions.map((f) => ({ ...f, name: `${f.name} [${f.group}]` })),
      6,
      ms,
    )}`,
    `  SDK baseline, attributed: ${top(p.coldBaseline.attributedByGroup, 6, ms)}`,
    `Profile, warm requests (${w.per} each): bundle ${us(w.msPer)} sampled per request, SDK baseline ${us(p.warmBaseline.msPer)}.`,
    `  bundle, attributed: ${top(w.attributedByGroup, 10, us)}`,
    `  bundle, functions:  ${top(
      w.topFunctions.map((f) => ({ ...f, name: `${f.name} [${f.group}]` })),
      6,
      us,
    )}`,
    `  baseline, attributed: ${top(p.warmBaseline.attributedByGroup, 6, us)}`,
  ];
}

const fmtMs = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "n/a" : `${round(x, 1)} ms`);
const fmtRatio = (r: Ratio | undefined) =>
  r ? `${round(r.median, 2).toFixed(2)}× (${round(r.min, 2).toFixed(2)}–${round(r.max, 2).toFixed(2)})` : "n/a";

function verdict(c: { wall: Ratio; cpu: Ratio; target?: number }): string {
  if (c.target === undefined) return "(context)";
  const wall = c.wall.median <= c.target;
  const cpu = c.cpu.median <= c.target;
  if (wall && cpu) return "met";
  if (!wall && !cpu) return "MISSED";
  return wall ? "MISSED (CPU)" : "MISSED (wall)";
}

/** The queued part's rows of the table: answer latency (context) and the drain rate (≥ its target). */
function queuedRows(q: QueuedResults): string[][] {
  const l = q.latency;
  const d = q.drain;
  const cpu = (x: number | undefined) => (x === undefined ? "" : ` · ${round(x, 1)} ms CPU`);
  const x = (r: number) => `${round(r, 2).toFixed(2)}×`;
  const drainOk = d.ratio >= d.target;
  return [
    [
      "Answer, npm start: queued ÷ direct, median",
      `${fmtMs(l.queued.answerMs.median)}${cpu(l.queued.cpuMsPerMessage)}`,
      `${fmtMs(l.direct.answerMs.median)}${cpu(l.direct.cpuMsPerMessage)}`,
      `${x(l.medianRatio)} (blocks ${x(l.blockRatio.min)}–${x(l.blockRatio.max)})`,
      l.cpuRatio === undefined ? "n/a" : `${x(l.cpuRatio)} (per message)`,
      "",
      l.allDelivered ? "(context)" : "MISSED (not all delivered)",
    ],
    ["  same, p95", fmtMs(l.queued.answerMs.p95), fmtMs(l.direct.answerMs.p95), x(l.p95Ratio), "", "", "(context)"],
    [
      `Queued drain: ${d.messages} msgs, ${d.channels} channels, Slack ${d.limit.perSecond}/s each (burst ${d.limit.burst})`,
      `${round(d.measuredPerSecond, 2)} msg/s, posts over ${round(d.postSpanMs / 1000, 1)} s`,
      `allowed ${d.allowedPerSecond} msg/s, ≥ ${round(d.minimumSpanMs / 1000, 1)} s`,
      x(d.ratio),
      "",
      `≥ ${d.target}×, each once, in order`,
      drainOk && d.onceInOrder ? "met" : !d.onceInOrder ? "MISSED (once, in order)" : "MISSED",
    ],
    [
      "  answers during that burst, median · p95",
      `${fmtMs(d.answerMs.median)} · ${fmtMs(d.answerMs.p95)}`,
      `${d.refusedCalls} Slack call(s) refused (429)`,
      "",
      "",
      "",
      "(context)",
    ],
  ];
}

/** The queued part in a few lines under the table. */
function describeQueued(q: QueuedResults): string[] {
  const l = q.latency;
  const d = q.drain;
  const s = (x: Summary) => `median ${fmtMs(x.median)}, p95 ${fmtMs(x.p95)}, max ${fmtMs(x.max)}`;
  return [
    `Queued delivery (${q.durationSeconds} s: start ${q.seconds.start} s, latency ${q.seconds.latency} s, ` +
      `drain ${q.seconds.drain} s): npm start's server (ts-node, one child process), one request at a time, ` +
      `${l.requestsPerMode} per mode in alternating blocks of ${l.blockSize}; CPU per message is the child's over a ` +
      "block until Slack holds its messages (answer and delivery).",
    `  direct: ${s(l.direct.answerMs)}; queued: ${s(l.queued.answerMs)}; every message posted: ${l.allDelivered ? "yes" : "NO"}`,
    `  drain: ${d.posted} posted (${d.duplicates} duplicate(s), ${d.missing} missing), out of order in ` +
      `${d.outOfOrderChannels.length ? d.outOfOrderChannels.join(", ") : "no channel"}; ` +
      `first send → last post ${round(d.acceptedToDeliveredMs / 1000, 1)} s; ` +
      `queue after: ${d.queueAfter ? JSON.stringify(d.queueAfter) : "n/a"}`,
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  const node = node22();
  const python = python3();
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    machine: {
      node: node.version,
      python: python?.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      loadAverage: os.loadavg().map((x) => round(x, 2)),
    },
    settings: {
      rounds: ROUNDS,
      warmBlocks: WARM_BLOCKS,
      warmBlockSize: WARM_BLOCK_SIZE,
      containerN: CONTAINER_N,
      queued: QUEUED ?? "skipped (BENCH_QUEUED=0)",
    },
    targets: TARGETS,
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hipchat-proxy-bench-"));
  let standIns: StandIns | undefined;
  try {
    progress("computing the Lambda artefact under Pulumi mocks (the real program, dev stack)…");
    const artefact = await underMocks(() => buildArtefact(work));
    const files = prepareFiles(work, node.execPath, artefact);
    standIns = await startStandIns(work, node.execPath, {
      slackTokens: [artefact.slackToken],
      secrets: { [artefact.secretArn]: artefact.secretString },
      sessionToken: SESSION_TOKEN,
    });
    const region = artefact.secretArn.split(":")[3] || "eu-west-1";
    const sdkEnv: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: work,
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      ...artefact.env,
      SLACK_API_URL: standIns.slackUrl,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.secretsEndpoint,
      NODE_PATH: artefact.sdkPath,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "bench-secret-access-key",
      AWS_SESSION_TOKEN: SESSION_TOKEN,
      AWS_LAMBDA_FUNCTION_NAME: "hipchat-proxy-fn",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(artefact.memorySize),
      AWS_EXECUTION_ENV: `AWS_Lambda_${artefact.runtime}`,
      LAMBDA_TASK_ROOT: artefact.packageDir,
      BASELINE_CHANNEL: artefact.channel,
      BASELINE_SLACK_TOKEN: artefact.slackToken,
    };
    const extensionEnv = { ...sdkEnv, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(standIns.extensionPort) };
    const details = bundleDetailsOnce(artefact.bundleFile);
    const composition = "composition" in details ? details.composition : undefined;
    results.artefact = {
      entries: artefact.entries,
      bytes: artefact.size.bytes,
      files: artefact.size.files,
      bundleBytes: artefact.size.bundleBytes,
      runtime: artefact.runtime,
      composition: composition ?? ("reason" in details ? details.reason : undefined),
      byDependency: "byDependency" in details ? details.byDependency : undefined,
    };

    const nodeSide = (name: SideName, label: string, module: string, env: Record<string, string>) => ({
      name,
      label,
      command: node.execPath,
      args: [files.coldRunner, module, files.event],
      env,
    });
    const sides: Side[] = [
      {
        ...nodeSide("bundleSdk", "bundle, SDK path", artefact.indexFile, sdkEnv),
        expect: { secretsManager: 1, extension: 0 },
      },
      {
        ...nodeSide("baselineSdk", "baseline, SDK", files.baselineSdk, sdkEnv),
        expect: { secretsManager: 1, extension: 0 },
      },
      {
        ...nodeSide("bundleExtension", "bundle, extension path", artefact.indexFile, extensionEnv),
        expect: { secretsManager: 0, extension: 1 },
      },
      {
        ...nodeSide("baselineExtension", "baseline, extension", files.baselineExtension, extensionEnv),
        expect: { secretsManager: 0, extension: 1 },
      },
      {
        ...nodeSide("oneFetch", "one-fetch reference", files.oneFetch, sdkEnv),
        expect: { secretsManager: 0, extension: 0 },
      },
    ];
    if (python)
      sides.push({
        name: "python",
        label: `peer: Python ${python.version} urllib`,
        command: python.execPath,
        args: [files.pythonRunner, files.pythonDir, files.event],
        env: sdkEnv,
        expect: { secretsManager: 0, extension: 0 },
      });

    progress(`cold starts: ${sides.length} sides × ${ROUNDS} rounds, fresh processes, interleaved…`);
    const cold = await coldStarts(sides, standIns, artefact.packageDir);
    results.coldStart = cold;

    progress(`warm requests: the bundle and the SDK baseline in one process, ${WARM_BLOCKS} pairs of blocks…`);
    const warm = await warmRequests(artefact, files, sdkEnv);
    results.warm = warm;

    progress(`per container: ${CONTAINER_N} invocations, SDK path and extension path…`);
    const containers = {
      sdk: await perContainer(artefact, files, sdkEnv, standIns, "sdk"),
      extension: await perContainer(artefact, files, extensionEnv, standIns, "extension"),
    };
    results.perContainer = containers;

    let profiles: Profiles | undefined;
    if (PROFILE_RUNS > 0) {
      progress(
        `profiles: ${PROFILE_RUNS} cold starts each of the bundle and the SDK baseline (--cpu-prof), and warm requests…`,
      );
      const [coldBundle, coldBaseline] = await coldProfiles(artefact, files, sdkEnv, [
        { name: "cold-bundle", file: artefact.indexFile },
        { name: "cold-baseline", file: files.baselineSdk },
      ]);
      profiles = {
        coldBundle,
        coldBaseline,
        warmBundle: await warmProfile(artefact, files, sdkEnv, artefact.indexFile, "warm-bundle", WARM_PROFILE_N),
        warmBaseline: await warmProfile(artefact, files, sdkEnv, files.baselineSdk, "warm-baseline", WARM_PROFILE_N),
      };
      results.profile = profiles;
    }
    let queued: QueuedResults | undefined;
    if (QUEUED) {
      queued = await measureQueued(node.execPath, work, standIns, QUEUED, progress);
      results.queued = queued;
    }
    results.durationSeconds = round((Date.now() - started) / 1000, 1);
    const file = path.join(__dirname, "results.json");
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

    // ------------------------------------------------------------------------------------------ table
    const side = (n: SideName) => cold.sides[n];
    const cell = (n: SideName) => {
      const s = side(n);
      return s ? `${fmtMs(s.processMs.median)} · ${fmtMs(s.cpuMs.median)} CPU` : "n/a";
    };
    const rows: string[][] = [
      ["Figure", "Measured", "Reference", "Wall ratio (min–max)", "CPU ratio (min–max)", "Target", "Verdict"],
    ];
    const coldRow = (label: string, key: string, targetText: string) => {
      const c = cold.comparisons[key];
      if (!c) return;
      rows.push([
        label,
        cell(c.measured),
        cell(c.reference),
        fmtRatio(c.wall),
        fmtRatio(c.cpu),
        targetText,
        verdict(c),
      ]);
    };
    coldRow("Cold start, SDK path: bundle ÷ SDK baseline", "sdk", `≤ ${TARGETS.coldSdkRatio}×`);
    coldRow("  same bundle ÷ one-fetch reference (no secret)", "sdkVsOldReference", "");
    coldRow("Cold start, extension path: bundle ÷ ext. baseline", "extension", `≤ ${TARGETS.coldExtensionRatio}×`);
    coldRow("  same bundle ÷ one-fetch reference (no secret)", "extensionVsOldReference", "");
    coldRow("  peer: Python urllib ÷ one-fetch reference", "pythonVsOldReference", "");
    coldRow("  bundle, SDK path ÷ Python peer", "bundleSdkVsPython", "");
    rows.push([
      "Warm request: bundle ÷ SDK baseline",
      `${Math.round(warm.measured.wallMs.median * 1000)} µs · ${Math.round(warm.measured.cpuUsPerRequest.median)} µs CPU`,
      `${Math.round(warm.reference.wallMs.median * 1000)} µs · ${Math.round(warm.reference.cpuUsPerRequest.median)} µs CPU`,
      fmtRatio(warm.wall),
      fmtRatio(warm.cpu),
      `≤ ${TARGETS.warmRatio}×`,
      verdict(warm),
    ]);
    const pkgOk = artefact.size.bytes <= TARGETS.packageBytes;
    rows.push([
      "Package, unpacked",
      `${round(artefact.size.bytes / MB, 2)} MB, ${artefact.size.files} files`,
      "",
      "",
      "",
      `≤ ${TARGETS.packageBytes / MB} MB`,
      pkgOk ? "met" : "MISSED",
    ]);
    for (const [key, c] of Object.entries(containers)) {
      rows.push([
        `Per container (${key} path), ${c.invocations} invocations`,
        `${c.slackConnections} connection(s), ${c.secretReads} secret read(s)`,
        "",
        "",
        "",
        "1 and 1",
        c.slackConnections === 1 && c.secretReads === 1 && c.delivered === c.invocations ? "met" : "MISSED",
      ]);
    }
    if (queued) rows.push(...queuedRows(queued));
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    const out = [
      `hipchat-proxy benchmark — ${results.when} — Node ${node.version}${python ? `, Python ${python.version}` : ""}, ` +
        `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load ${os.loadavg()[0].toFixed(2)}`,
      `Cold: process start → first answer, median of ${ROUNDS} rounds; ratios are per-round pairs, median (min–max).`,
      "",
      line(rows[0]),
      `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
      ...rows.slice(1).map(line),
      "",
      "Cold start by phase (medians, the process' own clock): boot → runner's first line; init → module load incl. callbackFactory; answer → since process start",
    ];
    for (const [name, s] of Object.entries(cold.sides)) {
      if (!s) continue;
      const phases = s.bootMs
        ? `boot ${fmtMs(s.bootMs.median)}, init ${fmtMs(s.initMs?.median)}, answer ${fmtMs(s.answerMs?.median)}, `
        : "";
      out.push(
        `  ${s.label.padEnd(30)} ${phases}process ${fmtMs(s.processMs.median)}, CPU ${fmtMs(s.cpuMs.median)} (${name})`,
      );
    }
    if ("byDependency" in details) {
      const own = details.composition.filter((c) => c.name.startsWith("handler/")).reduce((a, c) => a + c.bytes, 0);
      const kb = (bytes: number) => `${round(bytes / 1024, 0)} KB`;
      out.push(
        "",
        `Bundle, ${kb(artefact.size.bundleBytes)}, by what the handler imports (with all it pulls in): ` +
          [...details.byDependency.map((d) => `${d.name} ${kb(d.bytes)}`), `handler's own code ${kb(own)}`].join(", "),
        `  by package: ${details.composition
          .filter((c) => !c.name.startsWith("handler/"))
          .slice(0, 12)
          .map((c) => `${c.name} ${kb(c.bytes)}`)
          .join(", ")}`,
      );
    }
    if (queued) out.push("", ...describeQueued(queued));
    if (profiles) out.push("", ...describeProfiles(profiles));
    out.push("", `Written: ${path.relative(process.cwd(), file)} (${results.durationSeconds} s)`);
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await standIns?.close();
    if (!process.env.BENCH_KEEP_WORK) fs.rmSync(work, { recursive: true, force: true });
    else progress(`kept ${work}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
