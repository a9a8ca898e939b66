/**
 * The measured artefact: the dev stack's Lambda code asset exactly as the program computes it under
 * Pulumi mocks (tests/support/pulumiStack.ts runs the real index.ts, whose component builds the
 * esbuild bundle and hands it to CallbackFunction), written to disk as Lambda unpacks it with the
 * same helpers the artefact test uses. The Lambda runtime provides AWS SDK v3 outside the package;
 * a folder linking the repo's copy plays that part on NODE_PATH, and nothing else is reachable.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ALBEvent } from "aws-lambda";
import { buildSync, type Metafile } from "esbuild";
import { emulateRuntimeSdk, folderSize, writeArchive } from "../tests/artefact/lambdaArtefact";
import { albEvent } from "../tests/support/albEvents";
import { plain } from "../tests/support/pulumiMocks";
import { REPO_ROOT, runStack } from "../tests/support/pulumiStack";
import { sourceName } from "./profile";

export interface Artefact {
  /** The unpacked archive: `__index.js` and the bundle. */
  packageDir: string;
  /** The archive's entries. */
  entries: string[];
  /** `__index.js`: what the runtime loads (handler `__index.handler`). */
  indexFile: string;
  /** The bundle inside the package. */
  bundleFile: string;
  /** The folder standing in for the runtime's AWS SDK, for NODE_PATH. */
  sdkPath: string;
  /** The function's environment as the stack deploys it. */
  env: Record<string, string>;
  runtime: string;
  memorySize: number;
  secretArn: string;
  /** The secret's value as the program stores it (JSON of the Slack and HipChat tokens). */
  secretString: string;
  slackToken: string;
  /** The Slack channel the event's room maps to. */
  channel: string;
  /** A notification as the ALB delivers it (multi-value headers, a room-limited HipChat token). */
  event: ALBEvent;
  size: { bytes: number; files: number; bundleBytes: number };
}

/** Runs the program for the dev stack under mocks and unpacks its function's code into `work/package`. */
export async function buildArtefact(work: string): Promise<Artefact> {
  const run = await runStack("dev");
  const fn = run.mocks.ofType("aws:lambda/function:Function")[0];
  if (!fn) throw new Error("the dev stack has no Lambda function");
  const packageDir = path.join(work, "package");
  const entries = await writeArchive(fn.inputs.code as pulumi.asset.AssetArchive, packageDir);
  const bundleEntry = entries.find((e) => e.endsWith(".js") && e !== "__index.js");
  if (!bundleEntry) throw new Error(`no bundle in the archive (${entries.join(", ")})`);
  const env = plain(fn.inputs.environment?.variables ?? {}) as Record<string, string>;
  const secretVersion = run.mocks.ofType("aws:secretsmanager/secretVersion:SecretVersion")[0];
  if (!secretVersion) throw new Error("the dev stack has no secret value");
  const permission = run.mocks.ofType("aws:lambda/permission:Permission")[0];
  // The routing the function reads: the settings file shipped next to the bundle.
  const settingsFile = path.join(packageDir, path.dirname(bundleEntry), env.SETTINGS_FILE ?? "settings.json");
  const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8")) as {
    rooms?: Record<string, string | { channel: string }>;
    defaultChannel?: string;
  };
  const rooms = settings.rooms ?? {};
  const room = "Deploys";
  const mapped = rooms[room];
  const channel = typeof mapped === "string" ? mapped : (mapped?.channel ?? settings.defaultChannel ?? "#general");
  const limited = run.secrets.hipchatTokens.find((t) => t.rooms?.includes(room)) ?? run.secrets.hipchatTokens[0];
  const event = albEvent({
    url: `/v2/room/${room}/notification`,
    targetGroupArn: String(permission?.inputs.sourceArn ?? "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/b/0"),
    headerForm: "multi",
    proto: "https",
    headers: { authorization: `Bearer ${limited.token}` },
    json: { message: "deploy <b>42</b> finished", color: "green", from: "CI", notify: true },
  });
  const bundleFile = path.join(packageDir, bundleEntry);
  return {
    packageDir,
    entries,
    indexFile: path.join(packageDir, "__index.js"),
    bundleFile,
    sdkPath: emulateRuntimeSdk(work),
    env,
    runtime: String(fn.inputs.runtime),
    memorySize: Number(fn.inputs.memorySize ?? 128),
    secretArn: env.SECRET_ARN,
    secretString: String(plain(secretVersion.inputs.secretString)),
    slackToken: run.secrets.slackToken,
    channel,
    event,
    size: { ...folderSize(packageDir), bundleBytes: fs.statSync(bundleFile).size },
  };
}

/** What the shipped bundle is made of: bytes of output per package (or per handler file). */
export type Composition = { name: string; bytes: number }[];

/** Bytes of output that each package the handler imports brings, with everything it pulls in. */
export type DependencyWeight = { name: string; bytes: number; packages: string[] }[];

/**
 * Follows the metafile's import graph from each package the handler's own files import: every
 * bundled input reachable from exactly one of them is counted for it, inputs reachable from several
 * as shared. This is what replacing or dropping that one import would take out of the bundle.
 */
function byDependency(metafile: Metafile): DependencyWeight {
  const inputs: Record<string, { bytesInOutput: number }> =
    Object.entries(metafile.outputs).find(([file]) => file.endsWith(".js"))?.[1].inputs ?? {};
  const own = (input: string) => !input.includes("node_modules/");
  const roots = new Map<string, string[]>();
  for (const [input, info] of Object.entries(metafile.inputs)) {
    if (!own(input)) continue;
    for (const imp of info.imports) {
      if (imp.external || own(imp.path) || !metafile.inputs[imp.path]) continue;
      const name = sourceName(imp.path, "");
      roots.set(name, [...(roots.get(name) ?? []), imp.path]);
    }
  }
  const reachedBy = new Map<string, Set<string>>();
  for (const [name, starts] of roots) {
    const stack = [...starts];
    const seen = new Set<string>();
    while (stack.length) {
      const input = stack.pop()!;
      if (seen.has(input) || own(input)) continue;
      seen.add(input);
      reachedBy.set(input, (reachedBy.get(input) ?? new Set()).add(name));
      for (const imp of metafile.inputs[input]?.imports ?? []) if (!imp.external) stack.push(imp.path);
    }
  }
  const weights = new Map<string, { bytes: number; packages: Set<string> }>();
  for (const [input, names] of reachedBy) {
    const key = names.size === 1 ? [...names][0] : `shared by ${[...names].sort().join(", ")}`;
    const w = weights.get(key) ?? { bytes: 0, packages: new Set<string>() };
    w.bytes += inputs[input]?.bytesInOutput ?? 0;
    w.packages.add(sourceName(input, ""));
    weights.set(key, w);
  }
  return [...weights.entries()]
    .map(([name, w]) => ({ name, bytes: w.bytes, packages: [...w.packages].sort() }))
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * A source map for the shipped bundle, for the profile, and its composition: the bundle rebuilt
 * with the options of components/bundle.ts plus an external source map and esbuild's metafile, used
 * only if its code is byte for byte the shipped bundle (otherwise the profile names functions but
 * not their modules).
 *
 * @returns The map's JSON and the composition, or a reason why there are none.
 */
export function bundleDetails(
  bundleFile: string,
  entry = path.join(REPO_ROOT, "handler/index.ts"),
): { map: object; composition: Composition; byDependency: DependencyWeight } | { reason: string } {
  const name = path.basename(path.dirname(bundleFile));
  const outfile = path.join(REPO_ROOT, ".build", name, "index.js");
  try {
    const result = buildSync({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      keepNames: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      external: ["@aws-sdk/*"],
      legalComments: "eof",
      sourcemap: "external",
      metafile: true,
      absWorkingDir: path.dirname(entry),
      logLevel: "silent",
      write: false,
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".js"));
    const map = result.outputFiles.find((f) => f.path.endsWith(".js.map"));
    if (!code || !map) return { reason: "esbuild produced no source map" };
    if (!Buffer.from(code.contents).equals(fs.readFileSync(bundleFile)))
      return { reason: "the rebuilt bundle differs from the shipped one (build options changed?)" };
    const bytes = new Map<string, number>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const key = sourceName(path.resolve(path.dirname(entry), input), REPO_ROOT);
        bytes.set(key, (bytes.get(key) ?? 0) + bytesInOutput);
      }
    }
    const composition = [...bytes.entries()].map(([n, b]) => ({ name: n, bytes: b })).sort((a, b) => b.bytes - a.bytes);
    return { map: JSON.parse(map.text) as object, composition, byDependency: byDependency(result.metafile) };
  } catch (err) {
    return { reason: `could not rebuild the bundle: ${(err as Error).message.split("\n")[0]}` };
  }
}
