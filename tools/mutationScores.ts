/**
 * `npm run mutate:scores`: the per-file table of the last `npm run mutate` (reports/mutation/mutation.json,
 * the mutation-testing-report schema Stryker writes; or of several reports given as arguments, one per
 * group of files, each file from the last report that has it), as docs/reliability.md shows it, followed by every
 * surviving and uncovered mutant, one line each, so that the doc's list of equivalent mutants can be
 * checked against the report rather than remembered.
 *
 * The score is Stryker's: killed and timed-out mutants over all mutants that compile and run. Not
 * counted: mutants that do not compile (or crash the runner), and static mutants when `ignoreStatic`
 * leaves them out (Stryker reports them as Ignored).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The part of Stryker's JSON report this reads. */
export interface MutationReport {
  files: Record<
    string,
    {
      source?: string;
      mutants: {
        mutatorName: string;
        replacement?: string;
        status: string;
        /** How many tests ran against the mutant; 0 for a "Survived" mutant means it never really ran. */
        testsCompleted?: number;
        location: { start: { line: number; column: number }; end: { line: number; column: number } };
      }[];
    }
  >;
}

export interface FileScore {
  file: string;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  /** Static mutants (module-level code) left out by `ignoreStatic`: not counted. */
  ignored: number;
  /** Mutants the TypeScript checker refused, and runtime errors: not counted. */
  notCompiling: number;
  /**
   * "Survived" with no test completed: an interrupted run marks the mutants it had queued so, and an
   * incremental run would reuse them. Not counted; run again to test them.
   */
  notRun: number;
  /** Percent, one decimal; `undefined` when the file has no counted mutant. */
  score: number | undefined;
}

export interface Survivor {
  file: string;
  line: number;
  column: number;
  mutator: string;
  /** The code the mutant replaced (its first line, up to 80 characters). */
  original: string;
  replacement: string;
  status: "Survived" | "NoCoverage";
}

type Mutant = MutationReport["files"][string]["mutants"][number];

// Shared with stryker.config.js, which forgets such mutants before a run (plain JavaScript).
const { neverRan } = require("./incrementalFile") as { neverRan: (m: Mutant) => boolean };

/** Counts per file, sorted by file name. */
export function scoresByFile(report: MutationReport): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const notRun = mutants.filter(neverRan).length;
      const count = (status: string) => mutants.filter((m) => m.status === status && !neverRan(m)).length;
      const killed = count("Killed");
      const timedOut = count("Timeout");
      const survived = count("Survived");
      const noCoverage = count("NoCoverage");
      const counted = killed + timedOut + survived + noCoverage;
      const score = counted === 0 ? undefined : Math.floor((1000 * (killed + timedOut)) / counted) / 10;
      const ignored = count("Ignored");
      const notCompiling = mutants.length - counted - ignored - notRun;
      return { file, killed, timedOut, survived, noCoverage, ignored, notCompiling, notRun, score };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** Every mutant no test noticed, in file and position order. */
export function survivors(report: MutationReport): Survivor[] {
  return Object.entries(report.files)
    .flatMap(([file, { source, mutants }]) =>
      mutants
        .filter((m) => (m.status === "Survived" && !neverRan(m)) || m.status === "NoCoverage")
        .map((m) => ({
          file,
          line: m.location.start.line,
          column: m.location.start.column,
          mutator: m.mutatorName,
          original: originalText(source, m.location),
          replacement: (m.replacement ?? "").replace(/\s+/g, " ").slice(0, 80),
          status: m.status as Survivor["status"],
        })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function originalText(
  source: string | undefined,
  location: { start: { line: number; column: number }; end: { line: number; column: number } },
): string {
  if (source === undefined) return "";
  const lines = source.split("\n");
  const first = lines[location.start.line - 1] ?? "";
  const end = location.end.line === location.start.line ? location.end.column - 1 : first.length;
  return first
    .slice(location.start.column - 1, end)
    .replace(/\s+/g, " ")
    .slice(0, 80);
}

/**
 * One report from several runs (one group of files each, possibly with different suites): each file is
 * taken from the last report that has it, as `npm run mutate:scores -- a.json b.json` reads them.
 */
export function mergeReports(reports: MutationReport[]): MutationReport {
  return { files: Object.assign({}, ...reports.map((r) => r.files)) };
}

/**
 * Files whose source in the report is not the file as it is now: their row describes code that has
 * since changed, so the file must be run again before its score is quoted.
 */
export function staleFiles(report: MutationReport, read: (file: string) => string | undefined): string[] {
  return Object.entries(report.files)
    .filter(([file, { source }]) => source !== undefined && read(file) !== source)
    .map(([file]) => file)
    .sort();
}

/** A Markdown table of the scores (Biome aligns it when the doc is formatted). */
export function markdownTable(scores: FileScore[]): string {
  const rows = scores.map(
    (s) =>
      `| \`${s.file}\` | ${s.score === undefined ? "no mutants" : `${s.score.toFixed(1)} %`} | ${s.killed + s.timedOut} | ${s.survived} | ${s.noCoverage} | ${s.ignored} | ${s.notCompiling} |`,
  );
  return [
    "| File | Score | Killed | Survived | Not covered | Static, not run | Not compiling |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

if (require.main === module) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : ["reports/mutation/mutation.json"];
  const report = mergeReports(files.map((f) => JSON.parse(fs.readFileSync(path.resolve(f), "utf8")) as MutationReport));
  const scores = scoresByFile(report);
  console.log(markdownTable(scores));
  console.log("");
  for (const s of survivors(report)) {
    console.log(`${s.file}:${s.line}:${s.column} ${s.status} ${s.mutator}: ${s.original} → ${s.replacement}`);
  }
  const notRun = scores.reduce((n, s) => n + s.notRun, 0);
  if (notRun > 0) console.log(`\n${notRun} mutants marked Survived never ran (an interrupted run): run again`);
  const stale = staleFiles(report, (f) => {
    try {
      return fs.readFileSync(f, "utf8");
    } catch {
      return undefined;
    }
  });
  if (stale.length > 0) console.log(`\nchanged since their run (run them again): ${stale.join(", ")}`);
  const below = scores.filter((s) => s.score !== undefined && s.score < 90).map((s) => s.file);
  if (below.length > 0) console.log(`\nbelow 90 %: ${below.join(", ")}`);
}
