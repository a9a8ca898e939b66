/**
 * Mutation testing: `npm run mutate` (not part of `npm test`). See docs/reliability.md, "Mutation testing".
 *
 * - Jest runs the suites in stryker.jest.config.js, with per-test coverage: each mutant runs only the
 *   tests that reach it.
 * - Incremental: results are kept in reports/stryker-incremental.json (git-ignored, like the HTML
 *   report), so a second run only tests mutants in code or tests that changed since. `--force` runs
 *   everything again. One file: `npm run mutate -- --mutate handler/secrets.ts`.
 * - No type checker by default, as in Stryker's own default: a mutant TypeScript would refuse (`"xml"`
 *   → `""` where the type is `"json" | "xml"`) still runs as JavaScript and counts. MUTATE_TYPECHECK=1
 *   adds the TypeScript checker, which drops such mutants from the score (stryker.tsconfig.json, or
 *   MUTATE_TSCONFIG). Measured here, it checks about one mutant per 2 s of CPU and so became the whole
 *   run's bottleneck (the test runner waited on it 85 % of the time); the results of earlier runs with
 *   it are reused by the incremental file, so those mutants stay out of the score where it ran.
 * - Static mutants (in code that runs once, when a module loads: tables, patterns, constants) are left
 *   out (`ignoreStatic`): no per-test coverage can select tests for them, so each runs every suite,
 *   and on 2 cores they took about 60 % of a run's time for 15 % of its mutants. Stryker reports them
 *   as Ignored and `npm run mutate:scores` counts them per file. MUTATE_STATIC=1 runs them too (the CLI cannot
 *   turn the option off: `--ignoreStatic false` reads `false` as a config file).
 * - Concurrency 2: the machines have 2 cores.
 * - MUTATE_REPORTS (default `reports`) moves the incremental file and the reports, so that runs for
 *   different files can go on side by side without overwriting each other's results.
 */
const { forgetUnrunInFile } = require("./tools/incrementalFile");

const REPORTS = process.env.MUTATE_REPORTS ?? "reports";
// An interrupted run leaves the mutants it had not reached marked as survived: test them this time.
forgetUnrunInFile(`${REPORTS}/stryker-incremental.json`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
module.exports = {
  testRunner: "jest",
  jest: { projectType: "custom", configFile: "stryker.jest.config.js", enableFindRelatedTests: true },
  coverageAnalysis: "perTest",
  checkers: process.env.MUTATE_TYPECHECK ? ["typescript"] : [],
  tsconfigFile: process.env.MUTATE_TSCONFIG ?? "stryker.tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ["handler/**/*.ts", "components/validation.ts"],
  ignoreStatic: !process.env.MUTATE_STATIC,
  incremental: true,
  incrementalFile: `${REPORTS}/stryker-incremental.json`,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `${REPORTS}/mutation/mutation.html` },
  jsonReporter: { fileName: `${REPORTS}/mutation/mutation.json` },
  concurrency: 2,
  // The fault suites wait on real timers (deadlines, Retry-After): give a slow mutant room before
  // calling it a timeout.
  timeoutMS: 10000,
  dryRunTimeoutMinutes: 15,
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
};
