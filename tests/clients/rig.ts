/**
 * Shared set-up for tests/clients: `npm start` with a Slack stand-in behind it, the same way
 * tests/local/npmStart.test.ts runs it, plus helpers to run a published HipChat client as the
 * separate program it is (Ruby, Python/Ansible, PHP or Node), unchanged but for host and token.
 *
 * Clients that come from Debian must be installed on the machine (see each test file's header for
 * the package); a missing one fails the suite with the install line instead of skipping silently.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { npmStart, type StartedProxy } from "../support/npmStart";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

const execFileAsync = promisify(execFile);

export const ROOT = path.resolve(__dirname, "../..");
export const TOKEN = "clients-token-0123456789";
export const BAD_TOKEN = "bad-token-0123456789";
export const ROOMS: Record<string, string> = { Ops: "#ops", "1234": "#deploys", "Build Room": "#builds" };

export interface Rig {
  slack: SlackStandIn;
  proxy: StartedProxy;
}

/** Starts the Slack stand-in and `npm start` in front of it. Call from beforeAll; stop from afterAll. */
export async function startRig(): Promise<Rig> {
  // The conversations the rooms' channels resolve to for topics (conversations.list/setTopic).
  const slack = await startSlackStandIn({
    tokens: ["xoxb-clients"],
    conversations: [...new Set([...Object.values(ROOMS), "#hipchat"])],
  });
  const proxy = await npmStart({
    SLACK_TOKEN: "xoxb-clients",
    SLACK_API_URL: slack.url,
    HIPCHAT_TOKENS: TOKEN,
    ROOM_CHANNELS: JSON.stringify(ROOMS),
    DEFAULT_CHANNEL: "#hipchat",
  });
  return { slack, proxy };
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  await rig?.proxy.stop();
  await rig?.slack.close();
}

/** Forgets what the stand-in saw, so each test asserts only its own calls. */
export function resetSlack(rig: Rig): void {
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
}

/** The bodies Slack accepted, in order (what `chat.postMessage` received, channel included). */
export function deliveredBodies(rig: Rig): Record<string, unknown>[] {
  return rig.slack.delivered.map((c) => c.body);
}

/** Fails with the install line when a command that a client needs is not on this machine. */
export function requireCommand(command: string, install: string): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not in this directory */
    }
  }
  throw new Error(`\`${command}\` is not installed; install it with: ${install}`);
}

/** Fails with the install line when a file that a Debian package ships is missing. */
export function requireFile(file: string, install: string): void {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing; install it with: ${install}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program to completion in a clean environment (no proxy variables, a throw-away HOME) and
 * returns its exit code and output, whether it succeeded or not.
 */
export async function run(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<RunResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hipchat-client-"));
  try {
    const { stdout, stderr } = await execFileAsync(file, args, {
      cwd: ROOT,
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** The last line of a program's stdout, parsed as JSON (drivers print their result there). */
export function lastJsonLine<T = unknown>(result: RunResult): T {
  const lines = result.stdout.trim().split("\n");
  const last = lines[lines.length - 1];
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`no JSON result (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/**
 * Runs a Node script (a published npm client used as a legacy app would) in its own process, from
 * the repository root so that `require` finds the client in node_modules.
 */
export function runNode(script: string, env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, ["-e", script], { NODE_NO_WARNINGS: "1", ...env });
}
