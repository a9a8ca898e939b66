/**
 * An interrupted Stryker run marks the mutants it had not reached as survived without running a test;
 * `npm run mutate` forgets those before Stryker reads its incremental file, so they are tested again
 * instead of being reused as survivors.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// Plain JavaScript, because stryker.config.js requires it.
const { forgetUnrun, forgetUnrunInFile } = require("../../tools/incrementalFile") as {
  forgetUnrun: (report: unknown) => number;
  forgetUnrunInFile: (file: string) => number;
};

const mutant = (id: string, status: string, testsCompleted?: number) => ({ id, status, testsCompleted });

const report = () => ({
  files: {
    "handler/a.ts": {
      mutants: [
        mutant("1", "Survived", 0),
        mutant("2", "Survived", 4),
        mutant("3", "Killed", 1),
        mutant("4", "NoCoverage", 0),
        mutant("5", "Survived"),
      ],
    },
    "handler/b.ts": { mutants: [mutant("6", "Survived", 0)] },
  },
});

describe("forgetting mutants an interrupted run never tested", () => {
  it("drops only survivors with no completed test, keeping every other result", () => {
    const r = report();
    expect(forgetUnrun(r)).toBe(2);
    expect(r.files["handler/a.ts"].mutants.map((m) => m.id)).toEqual(["2", "3", "4", "5"]);
    expect(r.files["handler/b.ts"].mutants).toEqual([]);
  });

  it("rewrites the incremental file, and leaves a missing or clean file alone", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stryker-incremental-"));
    const file = path.join(dir, "stryker-incremental.json");
    expect(forgetUnrunInFile(file)).toBe(0);
    expect(fs.existsSync(file)).toBe(false);

    fs.writeFileSync(file, JSON.stringify(report()));
    expect(forgetUnrunInFile(file)).toBe(2);
    const rewritten = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(rewritten.files["handler/a.ts"].mutants).toHaveLength(4);

    const before = fs.statSync(file).mtimeMs;
    expect(forgetUnrunInFile(file)).toBe(0);
    expect(fs.statSync(file).mtimeMs).toBe(before);
  });

  it("is applied by the Stryker configuration to the incremental file it names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stryker-reports-"));
    fs.writeFileSync(path.join(dir, "stryker-incremental.json"), JSON.stringify(report()));
    const config = path.join(__dirname, "../../stryker.config.js");
    jest.isolateModules(() => {
      const saved = process.env.MUTATE_REPORTS;
      process.env.MUTATE_REPORTS = dir;
      try {
        const options = require(config);
        expect(options.incrementalFile).toBe(`${dir}/stryker-incremental.json`);
      } finally {
        if (saved === undefined) delete process.env.MUTATE_REPORTS;
        else process.env.MUTATE_REPORTS = saved;
      }
    });
    const after = JSON.parse(fs.readFileSync(path.join(dir, "stryker-incremental.json"), "utf8"));
    expect(after.files["handler/b.ts"].mutants).toEqual([]);
  });
});
