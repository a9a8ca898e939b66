const fs = require("node:fs");
const path = require("node:path");

/**
 * Suites that drive published HipChat clients from Debian packages (see .ci/run, which installs
 * them). CI must run them; on a developer machine without the packages (macOS, Windows, another
 * distribution) they are left out with a notice instead of failing `npm test`.
 */
const DEBIAN_CLIENT_SUITES = [
  { suite: "tests/clients/hipchat-rb.test.ts", needs: ["/usr/lib/ruby/vendor_ruby/hipchat.rb"], apt: "ruby-hipchat" },
  { suite: "tests/clients/ansible-hipchat.test.ts", commands: ["ansible"], apt: "ansible" },
  { suite: "tests/clients/php-curl.test.ts", commands: ["php"], apt: "php-cli php-curl" },
];

const onPath = (command) =>
  (process.env.PATH ?? "").split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, command)));

const missing = DEBIAN_CLIENT_SUITES.filter(
  ({ commands = [], needs = [] }) => !commands.every(onPath) || !needs.every((f) => fs.existsSync(f)),
);
if (missing.length > 0 && !process.env.CI) {
  process.stderr.write(
    `Leaving out ${missing.map((m) => m.suite).join(", ")}: install with ` +
      `apt-get install ${missing.map((m) => m.apt).join(" ")} to run them (CI always does).\n`,
  );
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests", "<rootDir>/examples", "<rootDir>/policy"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", ...(process.env.CI ? [] : missing.map((m) => `<rootDir>/${m.suite}`))],
  transform: {
    // Type-checking is done once by `tsc` (npm run build); ts-jest only transpiles, so a suite is not
    // slowed by re-checking every file it imports.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 30000,
};
