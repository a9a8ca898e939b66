/**
 * Helpers to treat the Lambda code asset that `aws.lambda.CallbackFunction` computed as the deployed
 * artefact: write it to disk exactly as AWS would unpack it, and run its `__index.handler` in a
 * separate Node process the way the Lambda runtime does.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ALBEvent, ALBResult } from "aws-lambda";

import { REPO_ROOT } from "../support/pulumiStack";

/**
 * Writes an AssetArchive to `dir`: string assets as files, `node_modules/<pkg>` folder archives
 * copied (symlinks resolved, as the zip would hold their contents).
 *
 * @returns The archive's entry names.
 */
export async function writeArchive(archive: pulumi.asset.AssetArchive, dir: string): Promise<string[]> {
  const assets = await archive.assets;
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, entry] of Object.entries(assets)) {
    await writeEntry(entry, path.join(dir, name));
  }
  return Object.keys(assets);
}

/** Writes one archive entry; nested AssetArchives (pruned package folders) become folders. */
async function writeEntry(entry: unknown, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const e = entry as { text?: Promise<string>; path?: Promise<string>; assets?: Promise<Record<string, unknown>> };
  if (pulumi.asset.Asset.isInstance(entry) && e.text !== undefined) {
    fs.writeFileSync(target, await e.text);
  } else if (pulumi.asset.Asset.isInstance(entry) && e.path !== undefined) {
    fs.copyFileSync(path.resolve(REPO_ROOT, await e.path), target);
  } else if (pulumi.asset.Archive.isInstance(entry) && e.path !== undefined) {
    fs.cpSync(path.resolve(REPO_ROOT, await e.path), target, { recursive: true, dereference: true });
  } else if (pulumi.asset.Archive.isInstance(entry) && e.assets !== undefined) {
    for (const [name, inner] of Object.entries(await e.assets)) {
      await writeEntry(inner, path.join(target, name));
    }
  } else {
    throw new Error(`Unexpected entry ${target} in the Lambda archive`);
  }
}

/** Total size in bytes and number of files under `dir`. */
export function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
      files += 1;
    }
  }
  return { bytes, files };
}

/**
 * Emulates what the `nodejs22.x` runtime provides besides the package: AWS SDK for JavaScript v3.
 * The runtime ships it outside the package (on its own module path); here a folder holding links to
 * the repo's `@aws-sdk`, `@smithy` and `@aws-crypto` scopes plays that part and goes on NODE_PATH.
 * Node resolves a linked package from its real path, so the SDK's own dependencies (tslib, …) are
 * found next to it, as they are in the runtime. Nothing else from the repo is reachable: a package
 * the artefact forgot fails to load.
 *
 * @returns The folder to put on NODE_PATH.
 */
export function emulateRuntimeSdk(dir: string): string {
  const modules = path.join(dir, "lambda-runtime", "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  for (const scope of ["@aws-sdk", "@smithy", "@aws-crypto"]) {
    const source = path.join(REPO_ROOT, "node_modules", scope);
    if (fs.existsSync(source)) {
      fs.symlinkSync(source, path.join(modules, scope), "dir");
    }
  }
  return modules;
}

/** A function's code asset unpacked to a temporary folder, ready to run like a Lambda container. */
export interface UnpackedArtefact {
  /** The temporary folder holding everything (remove with {@link UnpackedArtefact.remove}). */
  work: string;
  /** The package itself: `__index.js` and `node_modules/`. */
  packageDir: string;
  /** The archive's entries as written. */
  entries: string[];
  /** The folder standing in for the runtime's AWS SDK; put it on NODE_PATH. */
  sdkPath: string;
  remove(): void;
}

/** Writes a function's code asset to a new temporary folder, beside a stand-in for the runtime SDK. */
export async function unpackArtefact(code: pulumi.asset.AssetArchive, prefix: string): Promise<UnpackedArtefact> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const packageDir = path.join(work, "package");
  const entries = await writeArchive(code, packageDir);
  return {
    work,
    packageDir,
    entries,
    sdkPath: emulateRuntimeSdk(work),
    remove: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}

/** What one child-process container run returns. */
export interface ContainerRun {
  results: ALBResult[];
  /** What the container printed (its logs). */
  logs: string;
}

const RUNNER = `
// Loads the artefact once, like a Lambda container, then invokes its handler for each event in turn.
const fs = require("node:fs");
const path = require("node:path");
const [packageDir, eventsFile, resultsFile] = process.argv.slice(2);
const mod = require(path.join(packageDir, "__index.js"));
const events = JSON.parse(fs.readFileSync(eventsFile, "utf8"));
(async () => {
  const results = [];
  for (const [i, event] of events.entries()) {
    const context = {
      awsRequestId: "req-" + i,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => 30000,
    };
    results.push(await new Promise((resolve, reject) => {
      const ret = mod.handler(event, context, (err, res) => (err ? reject(err) : resolve(res)));
      if (ret && typeof ret.then === "function") ret.then(resolve, reject);
    }));
  }
  // Results go to a file: the handler's own logs are on stdout, as in Lambda.
  fs.writeFileSync(resultsFile, JSON.stringify(results));
  process.exit(0);
})().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
`;

/**
 * Runs the artefact in a fresh Node process (one "container") and invokes its handler with each
 * event in order. Asynchronous, so stand-in servers in this process keep answering meanwhile.
 *
 * @param env - The container's whole environment (nothing is inherited but PATH).
 */
export async function invokeInContainer(
  packageDir: string,
  events: ALBEvent[],
  env: Record<string, string>,
): Promise<ContainerRun> {
  const work = path.dirname(packageDir);
  const runner = path.join(work, "runner.js");
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const eventsFile = path.join(work, `events-${stamp}.json`);
  const resultsFile = path.join(work, `results-${stamp}.json`);
  fs.writeFileSync(runner, RUNNER);
  fs.writeFileSync(eventsFile, JSON.stringify(events));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [runner, packageDir, eventsFile, resultsFile],
      { cwd: packageDir, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 25_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`The container failed: ${err.message}\n${stderr}`));
          return;
        }
        try {
          resolve({
            results: JSON.parse(fs.readFileSync(resultsFile, "utf8")) as ALBResult[],
            logs: `${stdout}${stderr}`,
          });
        } catch {
          reject(new Error(`The container wrote no results:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}
