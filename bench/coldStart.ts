/**
 * Cold start and package size of the deployable artefact: the code asset `CallbackFunction` computes
 * for the dev stack under Pulumi mocks, written to disk with its node_modules exactly as Lambda would
 * unpack it (reusing tests/support/pulumiStack.ts and tests/artefact/lambdaArtefact.ts), then loaded
 * in fresh Node processes, each answering one ALB event against the local stand-ins.
 *
 * The Lambda runtime provides the AWS SDK outside the package; `emulateRuntimeSdk` links the repo's
 * copy onto NODE_PATH for that, and for nothing else.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ALBEvent } from "aws-lambda";
import { albEvent, emulateRuntimeSdk, folderSize, writeArchive } from "../tests/artefact/lambdaArtefact";
import { plain } from "../tests/support/pulumiMocks";
import { runStack } from "../tests/support/pulumiStack";

export interface Artefact {
  packageDir: string;
  sdkPath: string;
  /** The function's environment as deployed (stand-in URLs are added per run). */
  env: Record<string, string>;
  secretArn: string;
  secretString: string;
  slackToken: string;
  event: ALBEvent;
  /**
   * Unpacked size, the biggest packages, and the bytes of files that never run (source maps, type
   * declarations, TypeScript sources, markdown): what pruning them would save.
   */
  size: { bytes: number; files: number; packages: { name: string; bytes: number }[]; neverRunBytes: number };
}

/** Computes the dev stack's Lambda code asset under mocks and writes it to `work/package`. */
export async function buildArtefact(work: string): Promise<Artefact> {
  const run = await runStack("dev");
  const fn = run.mocks.ofType("aws:lambda/function:Function")[0];
  if (!fn) throw new Error("the dev stack has no Lambda function");
  const packageDir = path.join(work, "package");
  await writeArchive(fn.inputs.code as pulumi.asset.AssetArchive, packageDir);
  const sdkPath = emulateRuntimeSdk(work);
  const env = plain(fn.inputs.environment?.variables ?? {}) as Record<string, string>;
  const anyRoomToken =
    run.secrets.hipchatTokens.find((t) => !("rooms" in t))?.token ?? run.secrets.hipchatTokens[0].token;
  const targetGroupArn = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/bench/0123456789abcdef";
  const event = albEvent({
    method: "POST",
    path: "/v2/room/Deploys/notification",
    targetGroupArn,
    headers: { "content-type": ["application/json"], authorization: [`Bearer ${anyRoomToken}`] },
    body: JSON.stringify({ message: "deploy <b>42</b> finished", color: "green", from: "CI" }),
  });
  const modules = path.join(packageDir, "node_modules");
  const packages: { name: string; bytes: number }[] = [];
  for (const entry of fs.existsSync(modules) ? fs.readdirSync(modules) : []) {
    const names = entry.startsWith("@")
      ? fs.readdirSync(path.join(modules, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of names) packages.push({ name, bytes: folderSize(path.join(modules, name)).bytes });
  }
  packages.sort((a, b) => b.bytes - a.bytes);
  let neverRunBytes = 0;
  for (const entry of fs.readdirSync(modules, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(map|d\.[cm]?ts|ts|md|markdown)$/i.test(entry.name))
      neverRunBytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return {
    packageDir,
    sdkPath,
    env,
    secretArn: env.SECRET_ARN,
    secretString: JSON.stringify({
      slackToken: run.secrets.slackToken,
      hipchatTokens: JSON.stringify(run.secrets.hipchatTokens),
    }),
    slackToken: run.secrets.slackToken,
    event,
    size: { ...folderSize(packageDir), packages, neverRunBytes },
  };
}

/** What one fresh process measured, all from its own clock (performance.now(): ms since it started). */
export interface ColdRun {
  /** Node's own start-up, before the runner's first line. */
  bootMs: number;
  /** `require` of the handler module (for the artefact this includes callbackFactory). */
  loadMs: number;
  /** From the module load's start to the first answer: what the handler code costs a cold start. */
  firstResponseMs: number;
  /** From the process' start to the first answer. */
  sinceProcessStartMs: number;
  status: number;
}

const RUNNER = `
const { performance } = require("node:perf_hooks");
const bootMs = performance.now();
const fs = require("node:fs");
const [moduleFile, eventFile, outFile] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
const context = { awsRequestId: "bench", callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
const t0 = performance.now();
const mod = require(moduleFile);
const t1 = performance.now();
new Promise((resolve, reject) => {
  const ret = mod.handler(event, context, (err, res) => (err ? reject(err) : resolve(res)));
  if (ret && typeof ret.then === "function") ret.then(resolve, reject);
}).then(
  (res) => {
    const t2 = performance.now();
    fs.writeFileSync(outFile, JSON.stringify({ bootMs, loadMs: t1 - t0, firstResponseMs: t2 - t0, sinceProcessStartMs: t2, status: res.statusCode }));
    process.exit(0);
  },
  (err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  },
);
`;

/** Loads `moduleFile` in a fresh Node process and answers `event` once. */
export function coldRun(
  work: string,
  moduleFile: string,
  event: ALBEvent,
  env: Record<string, string>,
): Promise<ColdRun> {
  const runner = path.join(work, "cold-runner.js");
  if (!fs.existsSync(runner)) fs.writeFileSync(runner, RUNNER);
  const stamp = `${process.hrtime.bigint()}`;
  const eventFile = path.join(work, `event-${stamp}.json`);
  const outFile = path.join(work, `cold-${stamp}.json`);
  fs.writeFileSync(eventFile, JSON.stringify(event));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [runner, moduleFile, eventFile, outFile],
      {
        cwd: path.dirname(moduleFile),
        env: { PATH: process.env.PATH ?? "", HOME: work, ...env },
        timeout: 30_000,
        maxBuffer: 8 * 1024 * 1024,
      },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`cold run failed: ${err.message}\n${stderr.slice(0, 2000)}`));
        try {
          resolve(JSON.parse(fs.readFileSync(outFile, "utf8")) as ColdRun);
        } catch (e) {
          reject(e as Error);
        }
      },
    );
  });
}
