/**
 * Runs `npm start` as a newcomer would, in a child process with the given environment, and waits
 * for it to say where it listens. PORT=0 lets the OS pick a free port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

export interface StartedProxy {
  url: string;
  output(): string;
  stop(): Promise<void>;
  /** Kills the whole process group with `signal` (SIGKILL: no handler runs, nothing is flushed). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function npmStart(env: Record<string, string>, timeoutMs = 30_000): Promise<StartedProxy> {
  const root = path.resolve(__dirname, "../..");
  const child: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out}`)), timeoutMs);
    const check = () => {
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  const signalGroup = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-child.pid!, signal);
    });
  return {
    url,
    output: () => out,
    stop: () => signalGroup("SIGTERM"),
    kill: (signal = "SIGKILL") => signalGroup(signal),
  };
}
