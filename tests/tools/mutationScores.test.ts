/**
 * The table docs/reliability.md shows comes from Stryker's JSON report through tools/mutationScores.ts:
 * what counts towards a score, how it rounds, and which mutants are listed as survivors.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  markdownTable,
  mergeReports,
  type MutationReport,
  scoresByFile,
  staleFiles,
  survivors,
} from "../../tools/mutationScores";

type Mutant = MutationReport["files"][string]["mutants"][number];

const mutant = (status: string, line = 1, column = 1, extra: Partial<Mutant> = {}): Mutant => ({
  mutatorName: "StringLiteral",
  replacement: '""',
  status,
  location: { start: { line, column }, end: { line, column: column + 5 } },
  ...extra,
});

const repeat = (n: number, status: string) => Array.from({ length: n }, () => mutant(status));

describe("scoresByFile", () => {
  it.each([
    // killed + timed out over killed + timed out + survived + not covered; the rest is not counted
    {
      name: "killed and timed out count as detected",
      mutants: [...repeat(8, "Killed"), ...repeat(1, "Timeout"), ...repeat(1, "Survived")],
      score: 90,
    },
    {
      name: "a mutant without coverage counts against the score",
      mutants: [...repeat(9, "Killed"), mutant("NoCoverage")],
      score: 90,
    },
    {
      name: "compile and runtime errors and ignored mutants are not counted",
      mutants: [...repeat(1, "Killed"), mutant("CompileError"), mutant("RuntimeError"), mutant("Ignored")],
      score: 100,
    },
    {
      name: "a score just under 90 % is not rounded up to 90 %",
      mutants: [...repeat(8999, "Killed"), ...repeat(1001, "Survived")],
      score: 89.9,
    },
    {
      name: "a mutant an interrupted run marked Survived without running a test is not counted",
      mutants: [
        mutant("Killed"),
        mutant("Survived", 1, 1, { testsCompleted: 0 }),
        mutant("Survived", 1, 1, { testsCompleted: 3 }),
      ],
      score: 50,
    },
    { name: "a file with no counted mutant has no score", mutants: [mutant("CompileError")], score: undefined },
  ])("$name", ({ mutants, score }) => {
    const [row] = scoresByFile({ files: { "handler/a.ts": { mutants } } });
    expect(row.score).toBe(score);
    expect(
      row.killed + row.timedOut + row.survived + row.noCoverage + row.ignored + row.notCompiling + row.notRun,
    ).toBe(mutants.length);
  });

  it("lists files in name order", () => {
    const report = {
      files: { "handler/z.ts": { mutants: [] }, "components/a.ts": { mutants: [] }, "handler/b.ts": { mutants: [] } },
    };
    expect(scoresByFile(report).map((s) => s.file)).toEqual(["components/a.ts", "handler/b.ts", "handler/z.ts"]);
  });
});

describe("survivors", () => {
  it("lists surviving (and really run) and uncovered mutants with the code they replaced, in file and position order", () => {
    const report: MutationReport = {
      files: {
        "handler/b.ts": {
          source: 'const a = "x";\nconst re = /\\s+/g;\n',
          mutants: [
            mutant("Survived", 2, 12, {
              mutatorName: "Regex",
              replacement: "/\\s/g",
              location: { start: { line: 2, column: 12 }, end: { line: 2, column: 18 } },
            }),
            mutant("Killed", 1, 11),
            mutant("Survived", 1, 2, { testsCompleted: 0 }),
            mutant("NoCoverage", 1, 11, { location: { start: { line: 1, column: 11 }, end: { line: 1, column: 14 } } }),
          ],
        },
        "handler/a.ts": { mutants: [mutant("Survived", 3, 1, { replacement: "a\n   b" })] },
      },
    };
    expect(survivors(report)).toEqual([
      {
        file: "handler/a.ts",
        line: 3,
        column: 1,
        mutator: "StringLiteral",
        original: "",
        replacement: "a b",
        status: "Survived",
      },
      {
        file: "handler/b.ts",
        line: 1,
        column: 11,
        mutator: "StringLiteral",
        original: '"x"',
        replacement: '""',
        status: "NoCoverage",
      },
      {
        file: "handler/b.ts",
        line: 2,
        column: 12,
        mutator: "Regex",
        original: "/\\s+/g",
        replacement: "/\\s/g",
        status: "Survived",
      },
    ]);
  });
});

describe("markdownTable", () => {
  it("shows one row per file with its counts", () => {
    const table = markdownTable(
      scoresByFile({
        files: {
          "handler/a.ts": {
            mutants: [...repeat(9, "Killed"), mutant("Survived"), mutant("Ignored"), mutant("CompileError")],
          },
        },
      }),
    );
    expect(table.split("\n")).toEqual([
      "| File | Score | Killed | Survived | Not covered | Static, not run | Not compiling |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      "| `handler/a.ts` | 90.0 % | 9 | 1 | 0 | 1 | 1 |",
    ]);
  });
});

describe("mergeReports", () => {
  it("takes each file from the last report that has it", () => {
    const first: MutationReport = {
      files: { "a.ts": { mutants: [mutant("Survived")] }, "b.ts": { mutants: [mutant("Killed")] } },
    };
    const second: MutationReport = { files: { "a.ts": { mutants: [mutant("Killed"), mutant("Killed")] } } };
    const merged = mergeReports([first, second]);
    expect(Object.keys(merged.files).sort()).toEqual(["a.ts", "b.ts"]);
    expect(merged.files["a.ts"].mutants.map((m) => m.status)).toEqual(["Killed", "Killed"]);
    expect(merged.files["b.ts"]).toBe(first.files["b.ts"]);
  });
});

describe("staleFiles", () => {
  it("names the files whose source changed (or is gone) since their run, and no others", () => {
    const report: MutationReport = {
      files: {
        "same.ts": { source: "x\n", mutants: [] },
        "changed.ts": { source: "old\n", mutants: [] },
        "gone.ts": { source: "y\n", mutants: [] },
        "no-source.ts": { mutants: [] },
      },
    };
    const now: Record<string, string> = { "same.ts": "x\n", "changed.ts": "new\n", "no-source.ts": "z\n" };
    expect(staleFiles(report, (f) => now[f])).toEqual(["changed.ts", "gone.ts"]);
  });
});

describe("npm run mutate:scores", () => {
  it("prints the table, the survivors and the files below 90 % from a report file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-scores-"));
    const file = path.join(dir, "mutation.json");
    fs.writeFileSync(
      file,
      JSON.stringify({ files: { "handler/a.ts": { source: "x\n", mutants: [mutant("Killed"), mutant("Survived")] } } }),
    );
    const out = execFileSync(
      process.execPath,
      [
        require.resolve("ts-node/dist/bin"),
        "--transpile-only",
        path.join(__dirname, "../../tools/mutationScores.ts"),
        file,
      ],
      { encoding: "utf8" },
    );
    expect(out).toContain("| `handler/a.ts` | 50.0 % | 1 | 1 | 0 | 0 | 0 |");
    expect(out).toContain('handler/a.ts:1:1 Survived StringLiteral: x → ""');
    expect(out).toContain("below 90 %: handler/a.ts");
    expect(out).toContain("changed since their run (run them again): handler/a.ts");
  });

  it("reads several reports, each file from the last one that has it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-scores-"));
    const write = (name: string, mutants: Mutant[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify({ files: { "handler/a.ts": { mutants } } }));
      return file;
    };
    const older = write("older.json", [mutant("Survived")]);
    const newer = write("newer.json", [mutant("Killed")]);
    const out = execFileSync(
      process.execPath,
      [
        require.resolve("ts-node/dist/bin"),
        "--transpile-only",
        path.join(__dirname, "../../tools/mutationScores.ts"),
        older,
        newer,
      ],
      { encoding: "utf8" },
    );
    expect(out).toContain("| `handler/a.ts` | 100.0 % | 1 | 0 | 0 | 0 | 0 |");
    expect(out).not.toContain("below 90 %");
  });
});
