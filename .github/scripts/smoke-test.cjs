#!/usr/bin/env node
"use strict";
/**
 * After `pulumi up`: proves the deployed function answers, by invoking it directly (`aws lambda
 * invoke`) with two events shaped as the internal ALB sends them (multi-value form: the target group
 * has multi-value headers on):
 *
 * 1. the ALB health check, `GET /healthz` without a body: must answer 200 `{"status":"ok"}`;
 * 2. a HipChat `auth_test` call, `POST /v2/room/<room>/notification?auth_test=true` with a configured
 *    token as `Authorization: Bearer`: must answer 202 (HipChat's "This auth_token has access"),
 *    which needs the function's secret to be readable and the token in it, and posts nothing to
 *    Slack. (`GET /v2/room?auth_test=true` would not do: room listing ignores auth_test and answers
 *    200.)
 *
 * Both answers must be in multi-value form, or the ALB would answer 502 to real clients.
 *
 * Usage: node .github/scripts/smoke-test.cjs --function <name> --region <region> --stack <pulumi stack>
 *          [--host <hostname>] [--max-wait <seconds>] [--interval <seconds>]
 * The HipChat tokens come from `pulumi config get hipchatTokens --stack <stack>` (decrypted with the
 * job's backend login), or from $HIPCHAT_TOKENS when set. The token is masked in the log.
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** The ALB's health check as the function receives it. */
function healthEvent() {
  return {
    requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:::targetgroup/ci-smoke-test/0" } },
    httpMethod: "GET",
    path: "/healthz",
    multiValueQueryStringParameters: {},
    multiValueHeaders: { "user-agent": ["ELB-HealthChecker/2.0"] },
    body: "",
    isBase64Encoded: false,
  };
}

/** A HipChat client's `auth_test` of a room notification, with `token`. */
function authTestEvent({ token, room, host = "localhost" }) {
  return {
    requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:::targetgroup/ci-smoke-test/0" } },
    httpMethod: "POST",
    path: `/v2/room/${encodeURIComponent(room)}/notification`,
    multiValueQueryStringParameters: { auth_test: ["true"] },
    multiValueHeaders: {
      authorization: [`Bearer ${token}`],
      host: [host],
      "user-agent": ["hipchat-proxy-ci-smoke-test"],
      "x-forwarded-proto": ["https"],
    },
    body: "",
    isBase64Encoded: false,
  };
}

/**
 * A token to test with, and a room it may use: the first token without a room list (any room), else
 * the first room of the first token.
 */
function chooseToken(hipchatTokensJson) {
  let tokens;
  try {
    tokens = JSON.parse(hipchatTokensJson);
  } catch {
    throw new Error("hipchatTokens is not valid JSON");
  }
  if (!Array.isArray(tokens) || tokens.length === 0) throw new Error("hipchatTokens holds no token");
  const valid = tokens.filter((t) => t && typeof t.token === "string" && t.token.trim() !== "");
  const unscoped = valid.find((t) => !Array.isArray(t.rooms) || t.rooms.length === 0);
  if (unscoped) return { token: unscoped.token.trim(), room: "ci-smoke-test" };
  const scoped = valid.find((t) => Array.isArray(t.rooms) && t.rooms.length > 0);
  if (!scoped) throw new Error("hipchatTokens holds no usable token");
  return { token: scoped.token.trim(), room: String(scoped.rooms[0]) };
}

function parseBody(result) {
  try {
    return JSON.parse(result.body);
  } catch {
    return undefined;
  }
}

/** Problems with an ALB result, for an event sent in multi-value form. Empty when it is right. */
function checkAlbShape(result) {
  if (!result || typeof result !== "object") return ["the answer is not an ALB result object"];
  const problems = [];
  if (!Number.isInteger(result.statusCode)) problems.push("the answer has no numeric statusCode");
  if (!result.multiValueHeaders || typeof result.multiValueHeaders !== "object") {
    problems.push("the answer has no multiValueHeaders although the event used them (the ALB would answer 502)");
  }
  return problems;
}

function checkHealth(result) {
  const problems = checkAlbShape(result);
  if (problems.length > 0) return problems;
  if (result.statusCode !== 200) problems.push(`GET /healthz answered ${result.statusCode}, expected 200`);
  if (parseBody(result)?.status !== "ok") problems.push('GET /healthz did not answer {"status":"ok"}');
  return problems;
}

function checkAuthTest(result) {
  const problems = checkAlbShape(result);
  if (problems.length > 0) return problems;
  const body = parseBody(result);
  if (result.statusCode !== 202) {
    const why = body?.error?.message ? ` (${body.error.message})` : "";
    problems.push(`auth_test answered ${result.statusCode}${why}, expected 202`);
  } else if (body?.success?.code !== 202) {
    problems.push("auth_test answered 202 without HipChat's success body");
  }
  return problems;
}

/** Runs `aws lambda invoke`; returns the function's answer, or throws with its log tail. */
function invoke({ functionName, region, event, aws = "aws" }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
  try {
    const eventFile = path.join(dir, "event.json");
    const outFile = path.join(dir, "answer.json");
    fs.writeFileSync(eventFile, JSON.stringify(event), { mode: 0o600 });
    const meta = JSON.parse(
      execFileSync(
        aws,
        [
          "lambda",
          "invoke",
          "--function-name",
          functionName,
          "--region",
          region,
          "--cli-binary-format",
          "raw-in-base64-out",
          "--log-type",
          "Tail",
          "--payload",
          `file://${eventFile}`,
          "--output",
          "json",
          outFile,
        ],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      ),
    );
    const answer = fs.readFileSync(outFile, "utf8");
    if (meta.FunctionError) {
      const log = meta.LogResult ? Buffer.from(meta.LogResult, "base64").toString("utf8") : "";
      const err = new Error(`the function failed (${meta.FunctionError}): ${answer}\n${log}`);
      err.functionError = true;
      throw err;
    }
    return JSON.parse(answer);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * Invokes until `check` passes, an answer is wrong for good, or `maxWait` seconds have passed. A
 * 401/403/503 to auth_test is retried: warm containers keep the previous secret for up to
 * secretTtlSeconds (default 300) after a token changes.
 */
async function probe({ name, event, check, invokeFn, maxWait, interval, retryStatuses = [], log = console.log }) {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    let problems;
    let retriable = false;
    try {
      const result = invokeFn(event);
      problems = check(result);
      retriable = retryStatuses.includes(result?.statusCode);
    } catch (err) {
      problems = [String(err.message ?? err)];
      retriable = !err.functionError;
    }
    if (problems.length === 0) {
      log(`✓ ${name}`);
      return [];
    }
    const left = maxWait - (Date.now() - started) / 1000;
    if (!retriable || left < interval) return problems.map((p) => `${name}: ${p}`);
    log(`… ${name}, attempt ${attempt}: ${problems.join("; ")}; again in ${interval} s`);
    await sleep(interval);
  }
}

function readTokens(stack) {
  if (process.env.HIPCHAT_TOKENS) return process.env.HIPCHAT_TOKENS;
  return execFileSync("pulumi", ["config", "get", "hipchatTokens", "--stack", stack], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

function parseArgs(argv) {
  const args = { host: "localhost", maxWait: 330, interval: 30 };
  const names = { "--function": "functionName", "--region": "region", "--stack": "stack", "--host": "host" };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--max-wait" || flag === "--interval")
      args[flag === "--max-wait" ? "maxWait" : "interval"] = Number(value);
    else if (names[flag]) args[names[flag]] = value;
    else throw new Error(`unknown argument ${flag}`);
  }
  for (const required of ["functionName", "region", "stack"]) {
    if (!args[required]) throw new Error(`missing --${required === "functionName" ? "function" : required}`);
  }
  return args;
}

async function main(argv) {
  let args;
  let choice;
  try {
    args = parseArgs(argv);
    choice = chooseToken(readTokens(args.stack));
  } catch (err) {
    console.log(`::error title=Smoke test::${err.message}`);
    return 1;
  }
  console.log(`::add-mask::${choice.token}`);
  const invokeFn = (event) =>
    invoke({ functionName: args.functionName, region: args.region, event, aws: process.env.AWS_CLI ?? "aws" });
  const common = { invokeFn, maxWait: args.maxWait, interval: args.interval };
  const problems = [
    ...(await probe({ ...common, name: "GET /healthz (ALB health check)", event: healthEvent(), check: checkHealth })),
    ...(await probe({
      ...common,
      name: `auth_test of room "${choice.room}"`,
      event: authTestEvent({ token: choice.token, room: choice.room, host: args.host }),
      check: checkAuthTest,
      retryStatuses: [401, 403, 503],
    })),
  ];
  for (const p of problems) console.log(`::error title=Smoke test of ${args.functionName}::${p.replace(/\n/g, "%0A")}`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

module.exports = { healthEvent, authTestEvent, chooseToken, checkHealth, checkAuthTest, invoke, probe, main };
