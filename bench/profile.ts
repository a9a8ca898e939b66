/**
 * Where the CPU goes: `node --cpu-prof` profiles of cold starts (bench/runners/cold.js in its "exit"
 * mode, so the profile is written), or inspector profiles of warm requests (bench/runners/warm.js),
 * summed and summarized by self time.
 *
 * Every profile frame is put in a group:
 *   - bundle code, by its source module (the bundle's source map: `find-my-way`, `handler/proxy.ts`…),
 *     the bundle's top level (esbuild hoists ES modules' top-level code there) kept apart;
 *   - packages outside the bundle by name (the runtime's AWS SDK: `@smithy/…`, `@aws-sdk/…`);
 *   - Node's fetch (undici, loaded on first use, and its WebAssembly HTTP parser) as one group;
 *   - Node's other JavaScript by file (`node:internal/modules/cjs/loader` …), native functions by name;
 *   - V8's `(program)` (parsing, compiling, and the VM's own work) and `(garbage collector)`.
 * "Attributed" time moves the time of Node's internals and native functions to the nearest caller
 * that is package or bundle code: the cost of what that code asked for (its `require`s, its I/O).
 */
import * as fs from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Profiles summed. */
  runs: number;
  /** What the times are divided by (runs, or requests for a warm profile). */
  per: number;
  /** Sampled time per unit, ms (from the first to the last sample). */
  msPer: number;
  /** Self time per group, ms per unit, largest first. */
  selfByGroup: ProfileRow[];
  /** Time per group after moving Node internals to their nearest package or bundle caller. */
  attributedByGroup: ProfileRow[];
  /** The functions with the most self time, with their group. */
  topFunctions: (ProfileRow & { group: string })[];
  /** Sum over the bundle's groups, its top level included (self and attributed). */
  bundle: { selfMs: number; attributedMs: number };
  sourceMap: string;
}

const V8_FRAMES = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

/**
 * A bundled source's module: the package it belongs to (`@scope/name`), or for the project's own
 * files their path in the repository. Sources that a package's own source map names by URL
 * (`https://raw.githubusercontent.com/<owner>/<repo>/…`) are named after the repository.
 */
export function sourceName(source: string, repoRoot: string): string {
  const url = /^https?:\/\/[^/]+\/([^/]+)\/([^/]+)\//.exec(source.replace(/^.*?(https?:\/)/, "$1/"));
  if (url) return url[2];
  const chain = source.split("node_modules/").slice(1);
  if (chain.length > 0) {
    // A copy nested in another package (a second version) is named after both: `dom-serializer › entities`.
    return chain
      .map((rest) => {
        const parts = rest.split("/");
        return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
      })
      .join(" › ");
  }
  return path.relative(repoRoot, source);
}

export interface SummaryOptions {
  /** The bundle's path, to recognize its frames. */
  bundleFile: string;
  /** Its source map (artefact.ts `sourceMapFor`), or undefined; `mapNote` says which. */
  map: object | undefined;
  mapNote: string;
  /** For naming the bundle's own sources relative to the repository. */
  repoRoot: string;
  /** Names for other files by base name (the runners, the baselines). */
  labels?: Record<string, string>;
  /** What the times are divided by: the number of runs (default) or of requests. */
  per?: number;
}

export function summarizeProfiles(files: readonly string[], options: SummaryOptions): ProfileSummary {
  const { bundleFile, map, mapNote, repoRoot } = options;
  const labels = options.labels ?? {};
  const sourceMap = map ? new SourceMap(map as SourceMapPayload) : undefined;
  // esbuild names the sources relative to the folder it builds the bundle into.
  const bundleDir = path.join(repoRoot, ".build", path.basename(path.dirname(bundleFile)));
  const groupCache = new Map<string, { group: string; code: boolean; bundle: boolean }>();

  /** The group of a frame; `code` when it is package or bundle code (a caller time is attributed to). */
  const classify = (f: CallFrame): { group: string; code: boolean; bundle: boolean } => {
    const key = `${f.url}:${f.lineNumber}:${f.columnNumber}:${f.functionName}`;
    const cached = groupCache.get(key);
    if (cached) return cached;
    let out: { group: string; code: boolean; bundle: boolean };
    const file = f.url.startsWith("file:") ? fileURLToPath(f.url) : f.url;
    if (!f.url && V8_FRAMES.has(f.functionName)) out = { group: `V8 ${f.functionName}`, code: false, bundle: false };
    else if (!f.url) out = { group: `native ${f.functionName || "(anonymous)"}`, code: false, bundle: false };
    else if (f.url === "node:internal/deps/undici/undici")
      // Node's fetch, loaded on first use: its own group, not the caller's, as every side pays it.
      out = { group: "node: undici (fetch)", code: true, bundle: false };
    else if (f.url.startsWith("wasm:")) out = { group: "node: undici (fetch)", code: true, bundle: false };
    else if (f.url.startsWith("node:")) out = { group: f.url, code: false, bundle: false };
    else if (file === bundleFile) {
      if (f.lineNumber === 0 && f.columnNumber === 0)
        out = { group: "bundle: top level (hoisted ES modules)", code: true, bundle: true };
      else {
        const entry = sourceMap?.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string } | undefined;
        const source = entry?.originalSource;
        // No source: esbuild's own helpers, chiefly the __commonJS wrapper that runs each bundled
        // CommonJS module on its first require (V8 compiles the module's code lazily right there).
        let name = sourceMap ? "bundle: esbuild module wrappers" : "bundle: (no source map)";
        if (source) {
          const abs = source.startsWith("file:") ? fileURLToPath(source) : path.resolve(bundleDir, source);
          name = `bundle: ${sourceName(abs, repoRoot)}`;
        }
        out = { group: name, code: true, bundle: true };
      }
    } else if (file.includes("/node_modules/")) out = { group: sourceName(file, repoRoot), code: true, bundle: false };
    else if (path.basename(file) === "__index.js")
      out = { group: "__index.js: require of the bundle (read, compile)", code: true, bundle: false };
    else out = { group: labels[path.basename(file)] ?? path.basename(file), code: true, bundle: false };
    groupCache.set(key, out);
    return out;
  };

  const self = new Map<string, number>();
  const attributed = new Map<string, number>();
  const functions = new Map<string, { name: string; group: string; ms: number }>();
  let totalMs = 0;
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);

  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const deltas = profile.timeDeltas;
    const mean = deltas.length > 1 ? deltas.slice(1).reduce((a, b) => a + b, 0) / (deltas.length - 1) : 0;
    profile.samples.forEach((id, i) => {
      // A sample stands for the time until the next one.
      const ms = (i + 1 < deltas.length ? deltas[i + 1] : mean) / 1000;
      const node = byId.get(id);
      if (!node) return;
      totalMs += ms;
      const leaf = classify(node.callFrame);
      add(self, leaf.group, ms);
      const fn = `${node.callFrame.functionName || "(anonymous)"} @ ${leaf.group}`;
      const entry = functions.get(fn) ?? {
        name: node.callFrame.functionName || "(anonymous)",
        group: leaf.group,
        ms: 0,
      };
      entry.ms += ms;
      functions.set(fn, entry);
      let owner = leaf;
      for (let at = parent.get(id); !owner.code && at !== undefined; at = parent.get(at)) {
        const c = classify(byId.get(at)!.callFrame);
        if (c.code) owner = c;
      }
      add(attributed, owner.group, ms);
    });
  }

  const runs = options.per ?? Math.max(1, files.length);
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .map(([name, ms]) => ({ name, ms: ms / runs, share: totalMs ? ms / totalMs : 0 }))
      .sort((a, b) => b.ms - a.ms);
  const bundleSum = (m: Map<string, number>) =>
    [...m.entries()].filter(([k]) => k.startsWith("bundle: ")).reduce((a, [, ms]) => a + ms, 0) / runs;
  return {
    runs: files.length,
    per: runs,
    msPer: totalMs / runs,
    selfByGroup: rows(self),
    attributedByGroup: rows(attributed),
    topFunctions: [...functions.values()]
      .map((f) => ({ name: f.name, group: f.group, ms: f.ms / runs, share: totalMs ? f.ms / totalMs : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 25),
    bundle: { selfMs: bundleSum(self), attributedMs: bundleSum(attributed) },
    sourceMap: mapNote,
  };
}
