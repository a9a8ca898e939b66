/**
 * .github/scripts/smoke-test.cjs, the deploy job's last step. Its events go through the real proxy
 * (handler/proxy.ts, Slack replaced by a recorder) to prove that a healthy function passes and a
 * wrong one fails; its command line runs against a stand-in `aws` CLI.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import {
  authTestEvent,
  checkAuthTest,
  checkHealth,
  chooseToken,
  healthEvent,
  probe,
} from "../../.github/scripts/smoke-test.cjs";
import { parseTokenList } from "../../handler/settings";
import { albResultProblems } from "../support/albAssert";
import { createHarness } from "../support/proxyHarness";

const root = path.resolve(__dirname, "../..");
const TOKENS = [{ token: "room-scoped-token-0123", rooms: ["Deploys"] }, { token: "any-room-token-0123456" }];
const proxy = (tokens: unknown = TOKENS) =>
  createHarness({ ROOM_CHANNELS: JSON.stringify({ Deploys: "#deploys" }) }, parseTokenList(tokens, "test"));

describe("smoke-test events through the real proxy", () => {
  it("the health check event gets the answer the ALB expects, and passes", async () => {
    const harness = proxy();
    const event = healthEvent();
    const result = await harness.invoke(event);
    expect(albResultProblems(event, result)).toEqual([]);
    expect(checkHealth(result)).toEqual([]);
  });

  it.each([
    ["an unscoped token", TOKENS],
    ["only a room-scoped token", [TOKENS[0]]],
  ])("the auth_test event with %s is answered 202, passes, and posts nothing to Slack", async (_what, tokens) => {
    const harness = proxy(tokens);
    const event = authTestEvent({ ...chooseToken(JSON.stringify(tokens)), host: "hipchat-proxy.private.example.com" });
    const result = await harness.invoke(event);
    expect(albResultProblems(event, result)).toEqual([]);
    expect(result.statusCode).toBe(202);
    expect(checkAuthTest(result)).toEqual([]);
    expect(harness.sent).toEqual([]);
  });

  it("fails when the token is not one the function holds (an old secret, a wrong stack)", async () => {
    const result = await proxy().invoke(authTestEvent({ token: "not-a-configured-token", room: "Deploys" }));
    expect(checkAuthTest(result)).toEqual([expect.stringMatching(/^auth_test answered 401 \(.+\), expected 202$/)]);
  });

  it("fails when a room-scoped token is tested on another room", async () => {
    const result = await proxy().invoke(authTestEvent({ token: TOKENS[0].token, room: "Elsewhere" }));
    expect(checkAuthTest(result)).toEqual([expect.stringContaining("auth_test answered 403")]);
  });

  it("fails answers the ALB would turn into a 502 or that are not the health answer", () => {
    expect(checkHealth({ statusCode: 200, headers: {}, body: '{"status":"ok"}' })).toEqual([
      expect.stringContaining("no multiValueHeaders"),
    ]);
    expect(checkHealth({ statusCode: 503, multiValueHeaders: {}, body: "{}" })).toEqual([
      "GET /healthz answered 503, expected 200",
      'GET /healthz did not answer {"status":"ok"}',
    ]);
    expect(checkHealth(null)).toEqual(["the answer is not an ALB result object"]);
    expect(checkAuthTest({ statusCode: 202, multiValueHeaders: {}, body: "{}" })).toEqual([
      "auth_test answered 202 without HipChat's success body",
    ]);
  });

  it("chooses an unscoped token, else a scoped one with one of its rooms, and refuses lists without one", () => {
    expect(chooseToken(JSON.stringify(TOKENS))).toEqual({ token: TOKENS[1].token, room: "ci-smoke-test" });
    expect(chooseToken(JSON.stringify([{ token: "t-0123456789", rooms: [42, "x"] }]))).toEqual({
      token: "t-0123456789",
      room: "42",
    });
    expect(() => chooseToken("[]")).toThrow("no token");
    expect(() => chooseToken("{")).toThrow("not valid JSON");
    expect(() => chooseToken('[{"rooms":["a"]}]')).toThrow("no usable token");
  });
});

describe("probe", () => {
  const ok = { statusCode: 202, multiValueHeaders: {}, body: JSON.stringify({ success: { code: 202 } }) };
  const denied = {
    statusCode: 401,
    multiValueHeaders: {},
    body: JSON.stringify({ error: { message: "Invalid auth token" } }),
  };
  const run = (answers: unknown[], maxWait = 10) => {
    const seen: unknown[] = [];
    const invokeFn = () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      seen.push(next);
      return next;
    };
    return probe({
      name: "auth_test",
      event: healthEvent(),
      check: checkAuthTest,
      invokeFn,
      maxWait,
      interval: 0,
      retryStatuses: [401],
      log: () => undefined,
    }).then((problems) => ({ problems, calls: seen.length }));
  };

  it("retries a 401 while warm containers may hold the previous secret, then passes", async () => {
    expect(await run([denied, denied, ok])).toEqual({ problems: [], calls: 3 });
  });

  it("retries a failed invocation, but not a function error", async () => {
    expect(await run([new Error("throttled"), ok])).toEqual({ problems: [], calls: 1 });
    const crash = Object.assign(new Error("the function failed (Unhandled)"), { functionError: true });
    expect((await run([crash, ok])).problems).toEqual(["auth_test: the function failed (Unhandled)"]);
  });

  it("gives up on a wrong answer that retrying cannot fix, and when the time is up", async () => {
    const wrong = { statusCode: 500, multiValueHeaders: {}, body: "{}" };
    expect(await run([wrong, ok])).toEqual({ problems: ["auth_test: auth_test answered 500, expected 202"], calls: 1 });
    expect((await run([denied, denied], 0)).problems).toEqual([
      "auth_test: auth_test answered 401 (Invalid auth token), expected 202",
    ]);
  });
});

describe("smoke-test.cjs from the command line", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "smoke-cli-"));
    // A stand-in for `aws lambda invoke`: records its arguments and answers per FAKE_MODE.
    const fake = path.join(dir, "aws");
    writeFileSync(
      fake,
      `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(dir, "calls.log"))}, JSON.stringify(args) + "\\n");
const event = JSON.parse(fs.readFileSync(args[args.indexOf("--payload") + 1].replace("file://", ""), "utf8"));
const out = args[args.length - 1];
const mode = process.env.FAKE_MODE;
if (mode === "crash") {
  fs.writeFileSync(out, JSON.stringify({ errorMessage: "boom" }));
  console.log(JSON.stringify({ StatusCode: 200, FunctionError: "Unhandled", LogResult: Buffer.from("ERROR boom").toString("base64") }));
  process.exit(0);
}
const health = event.path === "/healthz";
const token = (event.multiValueHeaders.authorization || [""])[0];
const status = health ? 200 : token === "Bearer any-room-token-0123456" ? 202 : 401;
const body = health ? { status: "ok" } : status === 202 ? { success: { code: 202 } } : { error: { message: "Invalid auth token" } };
fs.writeFileSync(out, JSON.stringify({ statusCode: status, multiValueHeaders: {}, body: JSON.stringify(body) }));
console.log(JSON.stringify({ StatusCode: 200 }));
`,
    );
    chmodSync(fake, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (env: Record<string, string>, extra: string[] = []) =>
    spawnSync(
      process.execPath,
      [
        path.join(root, ".github/scripts/smoke-test.cjs"),
        "--function",
        "hipchat-proxy-fn-abc1234",
        "--region",
        "eu-west-1",
        "--stack",
        "acme/dev",
        "--max-wait",
        "0",
        "--interval",
        "0",
        ...extra,
      ],
      {
        env: {
          PATH: String(process.env.PATH),
          AWS_CLI: path.join(dir, "aws"),
          HIPCHAT_TOKENS: JSON.stringify(TOKENS),
          ...env,
        },
        encoding: "utf8",
      },
    );

  it("passes a healthy function, masking the token and invoking the named function in its region", () => {
    const run = cli({});
    expect(run.stdout).toContain("::add-mask::any-room-token-0123456");
    expect(run.stdout).toContain("✓ GET /healthz");
    expect(run.status).toBe(0);
    const calls = readFileSync(path.join(dir, "calls.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(calls.at(-1)).toEqual(
      expect.arrayContaining([
        "lambda",
        "invoke",
        "--function-name",
        "hipchat-proxy-fn-abc1234",
        "--region",
        "eu-west-1",
      ]),
    );
    // The token never reaches the command line (it is in a file only the job can read).
    expect(JSON.stringify(calls)).not.toContain("any-room-token");
  });

  it("fails, with the function's log, when the function crashes", () => {
    const run = cli({ FAKE_MODE: "crash" });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /::error title=Smoke test of hipchat-proxy-fn-abc1234::GET \/healthz.*the function failed \(Unhandled\)/,
    );
    expect(run.stdout).toContain("ERROR boom");
  });

  it("fails when the function refuses the configured token", () => {
    const run = cli({ HIPCHAT_TOKENS: JSON.stringify([{ token: "another-token-0123456" }]) });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("auth_test answered 401 (Invalid auth token), expected 202");
  });

  it("fails with a usage error when an argument is missing", () => {
    const run = spawnSync(process.execPath, [path.join(root, ".github/scripts/smoke-test.cjs"), "--function", "f"], {
      encoding: "utf8",
      env: { PATH: String(process.env.PATH), HIPCHAT_TOKENS: "[]" },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("missing --region");
  });
});
