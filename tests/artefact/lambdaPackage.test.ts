/**
 * The deployable artefact: the dev stack's Lambda code asset exactly as CallbackFunction computed it
 * under mocks (the closure's `__index.js` and the handler bundle the program built), written to a
 * temporary folder and run in a fresh Node process that sees only what the Lambda runtime provides,
 * against local Slack and Secrets Manager stand-ins.
 *
 * One secret fetch across many invocations shows that per-container work happens once, in the
 * bundle's callbackFactory.
 */
import * as fs from "node:fs";
import { isBuiltin } from "node:module";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ALBEvent, ALBResult } from "aws-lambda";

import { createLambdaHandler } from "../../handler";
import { albEvent, type EventSpec } from "../support/albEvents";

import { plain, type RecordedResource } from "../support/pulumiMocks";
import { runStack, type StackRun } from "../support/pulumiStack";
import { startSecretsStandIn, type SecretsStandIn } from "../support/secretsStandIn";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import {
  type ContainerRun,
  folderSize,
  invokeInContainer,
  unpackArtefact,
  type UnpackedArtefact,
} from "./lambdaArtefact";

let run: StackRun;
let fn: RecordedResource;
let work: string;
let packageDir: string;
let entries: string[];
let sdkPath: string;
let artefact: UnpackedArtefact;

beforeAll(async () => {
  run = await runStack("dev");
  fn = run.mocks.find("aws:lambda/function:Function", "hipchat-proxy-fn");
  artefact = await unpackArtefact(fn.inputs.code as pulumi.asset.AssetArchive, "hipchat-proxy-artefact");
  ({ work, packageDir, entries, sdkPath } = artefact);
});

afterAll(() => artefact?.remove());

describe("the package", () => {
  it("holds a tiny __index.js that loads the bundle, the bundle and its settings, nothing else", () => {
    const { bytes, files } = folderSize(packageDir);
    // Printed on purpose: the size of what is uploaded to Lambda.
    console.log(`Lambda package: ${(bytes / 1024).toFixed(0)} KB unpacked, ${files} files: ${entries.join(", ")}`);
    expect([...entries].sort()).toEqual([
      ".build/hipchat-proxy/index.js",
      ".build/hipchat-proxy/settings.json",
      "__index.js",
    ]);
    const index = fs.readFileSync(path.join(packageDir, "__index.js"), "utf8");
    expect(index.length).toBeLessThan(1024);
    expect(index).toContain('"./.build/hipchat-proxy/index.js"');
    // Everything the handler imports is inside the bundle, but the runtime's AWS SDK.
    const bundle = fs.readFileSync(path.join(packageDir, ".build/hipchat-proxy/index.js"), "utf8");
    const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.filter((r) => !r.startsWith("node:") && !r.startsWith("@aws-sdk/") && !isBuiltin(r))).toEqual([]);
    expect(bytes).toBeLessThan(0.6 * 1024 * 1024);
  });

  it("loads in a process that sees only the package and the runtime's SDK", async () => {
    const probe = path.join(work, "probe.js");
    const answer = path.join(work, "probe.out");
    // The answer goes to a file: loading runs callbackFactory, whose logs are on stdout.
    fs.writeFileSync(
      probe,
      `const m = require(${JSON.stringify(path.join(packageDir, "__index.js"))}); require("node:fs").writeFileSync(${JSON.stringify(answer)}, typeof m.handler); process.exit(0);`,
    );
    const { execFileSync } = await import("node:child_process");
    execFileSync(process.execPath, [probe], {
      cwd: packageDir,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_PATH: sdkPath,
        ...(plain(fn.inputs.environment.variables) as Record<string, string>),
        AWS_REGION: run.file.region,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "test-secret-key",
        // Loading runs callbackFactory, which may start fetching the secret: aim it at a closed port.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://127.0.0.1:9",
        HOME: work,
      },
      timeout: 20_000,
      stdio: "pipe",
    });
    expect(fs.readFileSync(answer, "utf8")).toBe("function");
  });
});

describe("invoked like Lambda, against the Slack and Secrets Manager stand-ins", () => {
  let slack: SlackStandIn;
  let secrets: SecretsStandIn;
  let container: ContainerRun;
  let targetGroupArn: string;
  const notifications = 5;

  beforeAll(async () => {
    const env = plain(fn.inputs.environment.variables) as Record<string, string>;
    const secretString = plain(
      run.mocks.find("aws:secretsmanager/secretVersion:SecretVersion", "hipchat-proxy-secret-value").inputs
        .secretString,
    );
    slack = await startSlackStandIn({ tokens: [run.secrets.slackToken] });
    secrets = await startSecretsStandIn({ [env.SECRET_ARN]: secretString });
    targetGroupArn = run.mocks.find("aws:lambda/permission:Permission", "hipchat-proxy-alb-invoke").inputs.sourceArn;

    const token = run.secrets.hipchatTokens[0].token; // limited to the Deploys room
    const notify = (i: number) =>
      albEvent({
        url: "/v2/room/Deploys/notification",
        targetGroupArn,
        headerForm: "multi",
        proto: "https",
        headers: { authorization: `Bearer ${token}` },
        json: { message: `deploy ${i} finished`, message_format: "text", color: "green" },
      });
    const events = [
      ...Array.from({ length: notifications }, (_, i) => notify(i)),
      albEvent({
        url: "/healthz",
        targetGroupArn,
        headerForm: "multi",
        headers: { "user-agent": "ELB-HealthChecker/2.0" },
      }),
      albEvent({
        url: "/v2/room/Deploys/notification?auth_token=not-a-configured-token",
        targetGroupArn,
        headerForm: "multi",
        proto: "https",
        json: { message: "should not arrive" },
      }),
    ];
    container = await invokeInContainer(packageDir, events, {
      ...env,
      // The deployed function talks to Slack and Secrets Manager; here, to the stand-ins.
      SLACK_API_URL: slack.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      // What the Lambda runtime sets, and the runtime's SDK (see emulateRuntimeSdk).
      NODE_PATH: sdkPath,
      AWS_REGION: run.file.region,
      AWS_DEFAULT_REGION: run.file.region,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "test-secret-key",
      AWS_SESSION_TOKEN: "test-session-token",
      AWS_LAMBDA_FUNCTION_NAME: "hipchat-proxy-fn",
      LAMBDA_TASK_ROOT: packageDir,
      HOME: work,
    });
  });

  afterAll(async () => {
    await slack?.close();
    await secrets?.close();
  });

  const result = (i: number): ALBResult => container.results[i];

  it("delivers each room notification to the room's Slack channel and answers 204", () => {
    for (let i = 0; i < notifications; i++) {
      expect(result(i).statusCode).toBe(204);
    }
    expect(slack.delivered).toHaveLength(notifications);
    for (const [i, call] of slack.delivered.entries()) {
      expect(call.method).toBe("chat.postMessage");
      expect(call.token).toBe(run.secrets.slackToken);
      expect(String(call.body.channel)).toMatch(/deploys-dev$/);
      expect(JSON.stringify(call.body)).toContain(`deploy ${i} finished`);
    }
  });

  it("initialises once per container: one secret fetch across all invocations", () => {
    expect(secrets.calls.filter((c) => c.target === "secretsmanager.GetSecretValue")).toHaveLength(1);
    expect(secrets.calls[0].secretId).toBe(plain(fn.inputs.environment.variables).SECRET_ARN);
  });

  it("answers the load balancer's /healthz check with 200, without a token", () => {
    expect(result(notifications).statusCode).toBe(200);
  });

  it("refuses an unknown HipChat token with 401 and posts nothing for it", () => {
    expect(result(notifications + 1).statusCode).toBe(401);
    expect(JSON.stringify(slack.calls)).not.toContain("should not arrive");
  });

  it("answers in the multi-value form the target group is set to", () => {
    for (const r of container.results) {
      expect(r.multiValueHeaders).toBeDefined();
    }
  });
});

/**
 * A differential test: the same broad set of requests (every route, formats, cards, emoticons,
 * mentions, and every client-error class) goes through the serialized artefact in its own process
 * and through the handler's source in this process. Answers and Slack payloads must be identical,
 * which is what shows that Pulumi's serialization kept every code path intact (classes, tables,
 * regular expressions, schemas), not only the happy one.
 */
describe("the deployed bundle behaves exactly like its source", () => {
  const token = () => run.secrets.hipchatTokens[1].token; // valid for every room
  const limited = () => run.secrets.hipchatTokens[0].token; // Deploys only
  const events = (): ALBEvent[] => {
    const q = `auth_token=${token()}`;
    const specs: EventSpec[] = [
      {
        url: `/v2/room/Deploys/notification?${q}`,
        json: {
          message:
            "<h2>Deploy</h2><p><b>api</b> <i>v2</i> <s>v1</s> <a href='https://ci.example.com/1'>log</a></p><ul><li>one</li><li>two</li></ul><pre>a < b</pre><table><tr><th>k</th><th>v</th></tr><tr><td>x</td><td>1</td></tr></table><img src='https://x.io/i.png' alt='img'><script>alert(1)</script>",
          color: "red",
          from: "CI",
        },
      },
      {
        url: `/v2/room/Deploys/notification?${q}`,
        json: {
          message: "(successful) @all build &amp; <!channel> (yey) @here",
          message_format: "text",
          color: "purple",
        },
      },
      {
        url: `/v2/room/Deploys/notification?${q}`,
        json: {
          message: "card fallback",
          card: {
            style: "application",
            title: "Build #7",
            url: "https://ci.example.com/7",
            description: { value: "All <b>green</b>", format: "html" },
            thumbnail: { url: "https://x.io/t.png" },
            attributes: [{ label: "Branch", value: { label: "main", url: "https://x.io/main" } }],
            activity: { html: "<b>CI</b> built" },
          },
        },
      },
      { url: `/v2/room/Deploys/message?${q}`, json: { message: "hello (coffee)" } },
      { url: `/v2/room/Deploys/share/link?${q}`, json: { message: "see", link: "https://example.com/a?b=c" } },
      {
        url: `/v1/rooms/message?format=json&${q}`,
        form: { room_id: "Deploys", from: "cron", message: "v1 <b>form</b>", color: "yellow", notify: "1" },
      },
      { method: "GET", url: `/v2/room?${q}` },
      { method: "GET", url: `/v1/rooms/list?${q}` },
      { url: `/v2/room/Deploys/notification?auth_test=true&${q}`, json: {} },
      { url: `/v2/room/Deploys/notification`, json: { message: "no token" } },
      { url: `/v2/room/Deploys/notification?auth_token=wrong-token-000`, json: { message: "bad token" } },
      { url: `/v2/room/Elsewhere/notification?auth_token=${limited()}`, json: { message: "scoped" } },
      { url: `/v2/room/Deploys/notification?${q}`, json: { message: "x", color: "blue" } },
      { url: `/v2/room/Deploys/notification?${q}`, json: { message: "x", card: { style: "link" } } },
      { url: `/v2/room/Deploys/notification?${q}`, body: "{broken", contentType: "application/json" },
      { url: `/v2/room/Deploys/notification?${q}`, body: "<x/>", contentType: "application/xml" },
      { url: `/v2/user/nobody%40example.com/message?${q}`, json: { message: "dm" } },
      { method: "GET", url: `/v2/room/Deploys/notification?${q}` },
      { method: "GET", url: `/v2/room/Deploys/history?${q}` },
      { url: `/v2/room/a%00b/notification?${q}`, json: { message: "x" } },
    ];
    const built = specs.map((s) => albEvent({ ...s, headerForm: "multi" }));
    built.push({
      ...albEvent({ url: `/v2/room/Deploys/notification?${q}`, form: { message: "x" }, headerForm: "multi" }),
      body: "!!!",
    });
    return built;
  };

  let slackA: SlackStandIn;
  let slackB: SlackStandIn;
  let secrets: SecretsStandIn;
  let serialized: ContainerRun;
  let source: ALBResult[];
  const saved = { ...process.env };

  beforeAll(async () => {
    const env = plain(fn.inputs.environment.variables) as Record<string, string>;
    const secretString = plain(
      run.mocks.find("aws:secretsmanager/secretVersion:SecretVersion", "hipchat-proxy-secret-value").inputs
        .secretString,
    );
    slackA = await startSlackStandIn({ tokens: [run.secrets.slackToken] });
    slackB = await startSlackStandIn({ tokens: [run.secrets.slackToken] });
    secrets = await startSecretsStandIn({ [env.SECRET_ARN]: secretString });
    const awsEnv = {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_REGION: run.file.region,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "test-secret-key",
    };
    serialized = await invokeInContainer(packageDir, events(), {
      ...env,
      ...awsEnv,
      SLACK_API_URL: slackA.url,
      NODE_PATH: sdkPath,
      HOME: work,
    });
    Object.assign(process.env, awsEnv);
    // `random` colors must pick the same hex on both sides.
    jest.spyOn(Math, "random").mockReturnValue(0.5);
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    // The source reads the same settings file the package ships (the bundle finds it next to itself).
    const settingsFile = path.join(packageDir, ".build", "hipchat-proxy", env.SETTINGS_FILE);
    const handler = createLambdaHandler({ ...env, SETTINGS_FILE: settingsFile, SLACK_API_URL: slackB.url });
    source = [];
    for (const event of events()) source.push(await handler(event, { getRemainingTimeInMillis: () => 30_000 }));
    write.mockRestore();
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    process.env = { ...saved };
    await slackA?.close();
    await slackB?.close();
    await secrets?.close();
  });

  it("gives the same answers, in HipChat shape, for every request", () => {
    expect(serialized.results).toHaveLength(source.length);
    const statuses = source.map((r) => r.statusCode);
    // The table really covers the classes it claims to.
    expect(new Set(statuses)).toEqual(new Set([200, 201, 202, 204, 400, 401, 403, 404, 405, 415]));
    if (process.env.DEBUG_ARTEFACT) require("node:fs").writeFileSync("/tmp/artefact.log", serialized.logs);
    expect(serialized.results.map(withoutClock)).toEqual(source.map(withoutClock));
  });

  /**
   * The answer with its clock reading taken out: X-Ratelimit-Reset is "now" in Unix seconds, so the
   * two sides may straddle a second. It must still be a time within a minute of now.
   */
  function withoutClock(result: ALBResult): ALBResult {
    const headers = { ...result.multiValueHeaders };
    const reset = headers["X-Ratelimit-Reset"];
    if (reset !== undefined) {
      expect(Math.abs(Number(reset[0]) - Date.now() / 1000)).toBeLessThan(60);
      headers["X-Ratelimit-Reset"] = ["<unix seconds>"];
    }
    return { ...result, multiValueHeaders: headers };
  }

  it("posts the same Slack payloads", () => {
    expect(slackA.delivered.length).toBeGreaterThanOrEqual(6);
    expect(slackA.delivered.map((c) => c.body)).toEqual(slackB.delivered.map((c) => c.body));
  });
});
