/**
 * Stryker's incremental file after an interrupted run (Ctrl-C) marks every mutant the run had not
 * reached yet as "Survived" with no test completed, and a later run would reuse those results as they
 * are. `forgetUnrun` drops them, so that the next run tests them. stryker.config.js calls it on the
 * incremental file before Stryker reads it.
 */
const fs = require("node:fs");

/** Whether a mutant is one of those: marked "Survived" without a test having run against it. */
const neverRan = (m) => m.status === "Survived" && m.testsCompleted === 0;

/** The report without "Survived" mutants that never ran a test; returns how many it dropped. */
function forgetUnrun(report) {
  let dropped = 0;
  for (const file of Object.values(report.files ?? {})) {
    const kept = file.mutants.filter((m) => !neverRan(m));
    dropped += file.mutants.length - kept.length;
    file.mutants = kept;
  }
  return dropped;
}

/** Rewrites the incremental file at `path` without such mutants, if it exists and has any. */
function forgetUnrunInFile(path) {
  if (!fs.existsSync(path)) return 0;
  const report = JSON.parse(fs.readFileSync(path, "utf8"));
  const dropped = forgetUnrun(report);
  if (dropped > 0) fs.writeFileSync(path, JSON.stringify(report));
  return dropped;
}

module.exports = { forgetUnrun, forgetUnrunInFile, neverRan };
