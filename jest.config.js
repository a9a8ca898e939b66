/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests", "<rootDir>/examples", "<rootDir>/policy"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type-checking is done once by `tsc` (npm run build); ts-jest only transpiles, so a suite is not
    // slowed by re-checking every file it imports.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 30000,
};
