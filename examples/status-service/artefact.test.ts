/**
 * The status service's deployable artefact: the Lambda code asset exactly as CallbackFunction
 * computed it under mocks (the closure that loads the bundle, and the bundle), written to a temporary
 * folder and invoked with ALB events in separate Node processes, the way the Lambda runtime runs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { ALBEvent, ALBResult } from "aws-lambda";

import {
  type ContainerRun,
  invokeInContainer,
  unpackArtefact,
  type UnpackedArtefact,
} from "../../tests/artefact/lambdaArtefact";
import { albEvent, type EventSpec } from "../../tests/support/albEvents";
import { plain, type RecordedResource } from "../../tests/support/pulumiMocks";
import { createStatusHandler } from "./handler";
import { type ExampleRun, runExampleStack } from "./testSupport";

let run: ExampleRun;
let fn: RecordedResource;
let work: string;
let packageDir: string;
let entries: string[];
let sdkPath: string;
let artefact: UnpackedArtefact;
let targetGroupArn: string;
let multiValueTargetGroup: boolean;

beforeAll(async () => {
  run = await runExampleStack();
  fn = run.mocks.find("aws:lambda/function:Function", "status-fn");
  targetGroupArn = run.mocks.find("aws:lambda/permission:Permission", "status-alb-invoke").inputs.sourceArn;
  multiValueTargetGroup = run.mocks.find("aws:lb/targetGroup:TargetGroup", "status-tg").inputs
    .lambdaMultiValueHeadersEnabled;
  artefact = await unpackArtefact(fn.inputs.code as pulumi.asset.AssetArchive, "status-service-artefact");
  ({ work, packageDir, entries, sdkPath } = artefact);
});

afterAll(() => artefact?.remove());

/** The function's environment as deployed, plus what the Lambda runtime adds. */
function containerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...(plain(fn.inputs.environment.variables) as Record<string, string>),
    NODE_PATH: sdkPath,
    AWS_REGION: run.file.region,
    AWS_DEFAULT_REGION: run.file.region,
    AWS_LAMBDA_FUNCTION_NAME: "status-fn",
    LAMBDA_TASK_ROOT: packageDir,
    HOME: work,
    ...overrides,
  };
}

/** An event as this service's target group delivers it (its header form, its hostname). */
function event(spec: EventSpec): ALBEvent {
  return albEvent({
    ...spec,
    targetGroupArn,
    host: run.file.project.hostname as string,
    headerForm: multiValueTargetGroup ? "multi" : "single",
  });
}

/** The requests one container serves, in order. */
function requests(): ALBEvent[] {
  return [
    event({ url: "/healthz", headers: { "user-agent": "ELB-HealthChecker/2.0" } }),
    event({ url: "/status" }),
    event({ url: "/echo", json: { hello: "world", n: [1, 2, 3], nested: { ok: true }, text: "héllo ✓" } }),
    // The ALB base64-encodes bodies of types other than text/JSON/JavaScript/XML.
    event({ url: "/echo", body: '{"patch":1}', contentType: "application/merge-patch+json" }),
    event({ url: "/echo", json: "{not json" }),
    event({ method: "POST", url: "/echo", body: "hi", contentType: "text/plain" }),
    event({ url: "/echo" }),
    event({ url: "/nowhere?q=1" }),
    event({ method: "HEAD", url: "/status" }),
    event({ url: "/status" }),
  ];
}

describe("the package", () => {
  it("holds the closure and the service's bundle only, and it loads in a process that sees nothing else", async () => {
    expect([...entries].sort()).toEqual([".build/status/index.js", "__index.js"]);
    const probe = path.join(work, "probe.js");
    const answer = path.join(work, "probe.out");
    fs.writeFileSync(
      probe,
      `const m = require(${JSON.stringify(path.join(packageDir, "__index.js"))}); require("node:fs").writeFileSync(${JSON.stringify(answer)}, typeof m.handler); process.exit(0);`,
    );
    const { execFileSync } = await import("node:child_process");
    execFileSync(process.execPath, [probe], {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? "", ...containerEnv() },
      timeout: 20_000,
      stdio: "pipe",
    });
    expect(fs.readFileSync(answer, "utf8")).toBe("function");
  });
});

describe("one container, invoked like Lambda with ALB events", () => {
  let container: ContainerRun;
  const result = (i: number): ALBResult => container.results[i];
  const body = (i: number): any => JSON.parse(result(i).body ?? "");
  const headers = (i: number): Record<string, string> =>
    Object.fromEntries(
      Object.entries(result(i).multiValueHeaders ?? {})
        .map(([k, v]) => [k, String(v[0])])
        .concat(Object.entries(result(i).headers ?? {}).map(([k, v]) => [k, String(v)])),
    );

  beforeAll(async () => {
    container = await invokeInContainer(packageDir, requests(), containerEnv());
  });

  it("answers the load balancer's health check with 200 ok", () => {
    expect(result(0)).toMatchObject({
      statusCode: 200,
      statusDescription: "200 OK",
      body: "ok",
      isBase64Encoded: false,
    });
  });

  it("reports the service's name, version and region from its environment on GET /status", () => {
    expect(result(1)).toMatchObject({ statusCode: 200, statusDescription: "200 OK" });
    expect(headers(1)["content-type"]).toBe("application/json; charset=utf-8");
    expect(body(1)).toEqual({
      service: "status",
      version: run.file.project.version,
      region: run.file.region,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      requests: 2,
    });
  });

  it("initialises once per container: one start time, and a request count that keeps growing", () => {
    const last = body(9);
    expect(last.startedAt).toBe(body(1).startedAt);
    expect(last.requests).toBe(10);
  });

  it("echoes a JSON body back, plain or base64-encoded by the ALB", () => {
    expect(result(2).statusCode).toBe(200);
    expect(body(2)).toEqual({ hello: "world", n: [1, 2, 3], nested: { ok: true }, text: "héllo ✓" });
    expect(result(3).statusCode).toBe(200);
    expect(body(3)).toEqual({ patch: 1 });
  });

  it("refuses a malformed body (400), another content type (415), a wrong method (405) and an unknown path (404)", () => {
    expect([4, 5, 6, 7].map((i) => [result(i).statusCode, result(i).statusDescription])).toEqual([
      [400, "400 Bad Request"],
      [415, "415 Unsupported Media Type"],
      [405, "405 Method Not Allowed"],
      [404, "404 Not Found"],
    ]);
    expect(body(4).error).toMatch(/^the body is not JSON/);
    expect(headers(6).allow).toBe("POST");
  });

  it("answers HEAD like GET, without a body", () => {
    expect(result(8)).toMatchObject({ statusCode: 200, body: "" });
    expect(headers(8)["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("answers in the header form its target group is set to", () => {
    for (const r of container.results) {
      if (multiValueTargetGroup) {
        expect(r.multiValueHeaders).toBeDefined();
        expect(r.headers).toBeUndefined();
      } else {
        expect(r.headers).toBeDefined();
        expect(r.multiValueHeaders).toBeUndefined();
      }
    }
  });

  it("gives the same answers as the handler's source (but for the container's start time)", async () => {
    const source = createStatusHandler(containerEnv());
    const answers: ALBResult[] = [];
    for (const e of requests()) {
      answers.push(await source(e));
    }
    const masked = (results: ALBResult[]) =>
      results.map((r) => ({ ...r, body: r.body?.replace(/"startedAt":"[^"]+"/, '"startedAt":"…"') }));
    expect(masked(container.results)).toEqual(masked(answers));
  });
});

describe("a misconfigured container", () => {
  it("answers every request, the health check included, with a 503 naming the problem, and logs it", async () => {
    const env = containerEnv();
    delete env.SERVICE_VERSION;
    const container = await invokeInContainer(packageDir, [event({ url: "/healthz" }), event({ url: "/status" })], env);
    for (const r of container.results) {
      expect(r.statusCode).toBe(503);
      expect(JSON.parse(r.body ?? "")).toEqual({
        error: "misconfigured: Environment variable SERVICE_VERSION required",
      });
    }
    expect(container.logs).toContain("status-service misconfigured: Environment variable SERVICE_VERSION required");
  });
});
