/**
 * The benchmark's child processes: the measured ones (each answers on fd 3 with one JSON line and
 * is killed there), and the stand-ins' process. The process running this code only starts, times
 * and kills them, one measured process at a time.
 */
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { REPO_ROOT } from "../tests/support/pulumiStack";
import type {
  CountsMessage,
  ReadyMessage,
  SlackCountsMessage,
  SlackDeliveriesMessage,
  SlackMessage,
  SlackReadyMessage,
  StartMessage,
} from "./standIns";

/** The Lambda runtime's major version: every measured process runs on it. */
export const RUNTIME_MAJOR = 22;

/**
 * A Node 22 executable: this process' own when it is one (`npm run bench` puts the registry's Node
 * 22 first on PATH), else node_modules/.bin/node.
 */
export function node22(): { execPath: string; version: string } {
  if (Number(process.versions.node.split(".")[0]) === RUNTIME_MAJOR)
    return { execPath: process.execPath, version: process.version };
  const candidate = path.join(REPO_ROOT, "node_modules", ".bin", "node");
  const version = fs.existsSync(candidate) ? execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim() : "";
  if (!version.startsWith(`v${RUNTIME_MAJOR}.`))
    throw new Error(`no Node ${RUNTIME_MAJOR} to measure with (this is ${process.version}; run \`npm run bench\`)`);
  return { execPath: fs.realpathSync(candidate), version };
}

/**
 * The real Python 3 interpreter, not a version manager's shell shim in front of it (pyenv's adds
 * tens of milliseconds to every start), or undefined when there is none.
 */
export function python3(): { execPath: string; version: string } | undefined {
  try {
    const out = execFileSync("python3", ["-c", "import sys; print(sys.executable); print(sys.version.split()[0])"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    });
    const [execPath, version] = out.trim().split("\n");
    return execPath && fs.existsSync(execPath) ? { execPath, version } : undefined;
  } catch {
    return undefined;
  }
}

/** What one measured process reported, and when the benchmark received it. */
export interface Answer<T> {
  /** From just before the spawn to the answer's arrival, in this process' clock. */
  wallMs: number;
  report: T;
  /** The process' stdout and stderr up to the answer (its logs), truncated. */
  output: string;
}

/**
 * Starts `command`, waits for its one JSON line on fd 3, kills it with SIGKILL at once, and waits
 * for it to be gone (so that it cannot overlap the next measurement).
 */
export function runToAnswer<T>(
  command: string,
  args: readonly string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    timeoutMs?: number;
    /**
     * Where the process' stdout (the handler's log lines) goes instead of a pipe to this process:
     * for long runs, so that a write never waits for this process to be scheduled and read.
     */
    stdoutFile?: string;
  },
): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    let output = "";
    const keep = (chunk: Buffer) => {
      if (output.length < 16_384) output += chunk.toString("utf8");
    };
    const stdout = options.stdoutFile ? fs.openSync(options.stdoutFile, "a") : "pipe";
    const start = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", stdout, "pipe", "pipe"],
    });
    if (typeof stdout === "number") fs.closeSync(stdout);
    let line = "";
    let answer: Answer<T> | undefined;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new Error(`no answer within ${options.timeoutMs ?? 30_000} ms`);
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 30_000);
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      if (answer || failure) return;
      line += chunk.toString("utf8");
      const end = line.indexOf("\n");
      if (end < 0) return;
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      child.kill("SIGKILL");
      try {
        const report = JSON.parse(line.slice(0, end)) as T & { error?: string };
        if (report.error) failure = new Error(report.error);
        else answer = { wallMs, report, output };
      } catch (err) {
        failure = err as Error;
      }
    });
    child.on("error", (err) => {
      failure ??= err;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (answer) return resolve(answer);
      const why = failure?.message ?? `exited (${signal ?? code}) without an answer`;
      reject(
        new Error(`${path.basename(args[0] ?? command)} ${args.slice(1, 2).join(" ")}: ${why}\n${output.slice(-2000)}`),
      );
    });
  });
}

/** Runs `command` to its normal exit (for `--cpu-prof`, which writes its profile at exit). */
export function runToExit(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr?.on("data", (c: Buffer) => {
      err += c.toString("utf8");
    });
    (child.stdio[3] as NodeJS.ReadableStream).on("data", () => undefined);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** The stand-ins' process. */
export interface StandIns extends ReadyMessage {
  counts(): Promise<CountsMessage>;
  /** Starts one more Slack stand-in in the stand-ins' process; its base URL. */
  slack(options: Omit<SlackMessage, "type">): Promise<string>;
  slackCounts(name: string): Promise<SlackCountsMessage>;
  slackDeliveries(name: string): Promise<SlackDeliveriesMessage>;
  close(): Promise<void>;
}

/** Bundles bench/standIns.ts into `work` and starts it on `execPath`. */
export async function startStandIns(
  work: string,
  execPath: string,
  start: Omit<StartMessage, "type">,
): Promise<StandIns> {
  const file = path.join(work, "stand-ins.js");
  buildSync({
    entryPoints: [path.join(__dirname, "standIns.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    logLevel: "silent",
  });
  const child: ChildProcess = fork(file, [], {
    execPath,
    cwd: work,
    env: { PATH: process.env.PATH ?? "", HOME: work },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string; message?: string }) => {
        if (m.type !== type && m.type !== "error") return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (m.type === "error") reject(new Error(`stand-ins: ${m.message}`));
        else resolve(m as T);
      };
      const onExit = (code: number | null) => reject(new Error(`the stand-ins' process exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ready = next<ReadyMessage>("ready");
  child.send({ type: "start", ...start });
  const r = await ready;
  // One question at a time: an answer is matched to its question by its type only.
  let turn: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: Record<string, unknown> & { type: string }, answer: string): Promise<T> => {
    const result = turn.then(() => {
      const reply = next<T>(answer);
      child.send(message);
      return reply;
    });
    turn = result.catch(() => undefined);
    return result;
  };
  return {
    ...r,
    counts: () => ask<CountsMessage>({ type: "counts" }, "counts"),
    slack: async (options) => (await ask<SlackReadyMessage>({ type: "slack", ...options }, "slackReady")).url,
    slackCounts: (name) => ask<SlackCountsMessage>({ type: "slackCounts", name }, "slackCounts"),
    slackDeliveries: (name) => ask<SlackDeliveriesMessage>({ type: "slackDeliveries", name }, "slackDeliveries"),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.send({ type: "close" });
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
