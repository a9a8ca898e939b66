/**
 * The Jest configuration `npm run mutate` (Stryker, stryker.config.js) runs: the unit and in-process
 * suites that exercise handler/ and components/validation.ts. Left out:
 * - suites that start `npm start`, a published client or another process (tests/local, tests/queued
 *   but its two in-process suites, tests/load, tests/clients, tests/audit): a child process never runs
 *   the mutant under test;
 * - suites that test infrastructure, not the handler (tests/stacks, tests/artefact, tests/bootstrap,
 *   tests/workflows, tests/runtime, the component's other suites, examples, policy);
 * - tests/faults/queuedFaults.test.ts (see LEFT_OUT);
 * - the two generated-input suites (tests/fuzz, tests/handler/convert/properties.test.ts): each takes
 *   about 30 s and covers nearly every line, so Stryker would run them for nearly every mutant. The
 *   behaviour they check is pinned by example tests, which is what a surviving mutant should point at.
 *
 * MUTATE_TESTS (comma-separated paths or path prefixes, e.g. `tests/handler/secrets,tests/faults`) narrows the run further while a
 * file's tests are being written; the scores in docs/reliability.md come from runs without it.
 */
const base = require("./jest.config.js");

const SUITES = [
  "<rootDir>/tests/handler/**/*.test.ts",
  "<rootDir>/tests/faults/**/*.test.ts",
  "<rootDir>/tests/integration/**/*.test.ts",
  "<rootDir>/tests/components/validation*.test.ts",
  // handler/delivery/: the envelope and the local queue's deliverer, in process.
  "<rootDir>/tests/queued/envelope.test.ts",
  "<rootDir>/tests/queued/localQueue.test.ts",
  // handler/delivery/'s own in-process suites: the worker, its Lambda entry, the SQS and DynamoDB edges.
  "<rootDir>/tests/queued/**/*.mutation.test.ts",
];

const LEFT_OUT = [
  "<rootDir>/tests/handler/convert/properties.test.ts",
  // Times a worker's death against SQS stand-in seconds, and under Stryker's instrumentation fails the
  // initial run. Run it for handler/delivery/ alone: MUTATE_TESTS=tests/faults/queuedFaults.test.ts.
  "<rootDir>/tests/faults/queuedFaults.test.ts",
];

const narrowed = (process.env.MUTATE_TESTS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // The code under test must be among the roots, not only the suites: Stryker runs each mutant with
  // `--findRelatedTests <mutated file>`, and Jest follows imports only between files it has mapped. With
  // the suites alone it found no related suite for any file of handler/, and only suites importing the file
  // directly got to kill its mutants; a suite driving the whole handler (tests/support/lambdaRig.ts) never ran.
  roots: ["<rootDir>/tests", "<rootDir>/handler", "<rootDir>/components"],
  testMatch:
    narrowed.length > 0
      ? narrowed.flatMap((p) =>
          p.endsWith(".ts")
            ? [`<rootDir>/${p}`]
            : [`<rootDir>/${p}*.test.ts`, `<rootDir>/${p.replace(/\/$/, "")}/**/*.test.ts`],
        )
      : SUITES,
  // A suite MUTATE_TESTS names by its file runs even if LEFT_OUT lists it.
  testPathIgnorePatterns: ["/node_modules/", ...LEFT_OUT.filter((p) => !narrowed.some((n) => p.endsWith(n)))],
};
