/**
 * The pack as the Pulumi CLI runs it, without the CLI: `index.ts` runs in a child process (never in
 * jest's: a PolicyPack starts a gRPC server), prints its port like it does for the CLI, and this
 * suite talks to it over the analyzer protocol. That proves the pack boots (name, package.json
 * version, policy names) and that the policies behave the same behind CrossGuard's real server:
 * props deserialized from protobuf, unknown values wrapped in `unknownCheckingProxy`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as aws from "@pulumi/aws";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  type AnalyzeDiagnostic,
  AnalyzeRequest,
  type AnalyzeResponse,
  type AnalyzerInfo,
  AnalyzerResourceOptions,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { POLICY_PACK_NAME, policies } from "./policies";

const packDir = __dirname;
const packageJson = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8")) as { version: string };
let pack: ChildProcess | undefined;
let client: AnalyzerClient;

/** Starts `index.ts` as the CLI would (cwd = the pack directory) and resolves with its port. */
function startPack(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: packDir,
      env: { ...process.env, TS_NODE_PROJECT: path.join(packDir, "tsconfig.json") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack = child;
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /^(\d+)\s*$/m.exec(stdout);
      if (port) {
        resolve(Number(port[1]));
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}:\n${stdout}\n${stderr}`)));
  });
}

function call<Req, Res>(
  method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, request, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

/** Analyzes one resource the way the engine does before creating or updating it. */
async function analyze(cls: { new (...rest: any[]): unknown }, name: string, props: Record<string, unknown>) {
  const type = (cls as unknown as { __pulumiType: string }).__pulumiType;
  const request = new AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(`urn:pulumi:dev::hipchat-proxy::${type}::${name}`)
    .setProperties(Struct.fromJavaScript(props as Record<string, never>))
    .setOptions(new AnalyzerResourceOptions());
  const response = await call<AnalyzeRequest, AnalyzeResponse>(client.analyze, request);
  return response.getDiagnosticsList().map((d: AnalyzeDiagnostic) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel() === EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
    message: d.getMessage(),
  }));
}

beforeAll(async () => {
  const port = await startPack();
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  pack?.removeAllListeners("exit");
  pack?.kill();
});

describe("the policy pack behind CrossGuard's server", () => {
  it("boots with its name, the package.json version and every policy", async () => {
    // Act
    const info = await call<Empty, AnalyzerInfo>(client.getAnalyzerInfo, new Empty());

    // Assess
    expect(info.getName()).toBe(POLICY_PACK_NAME);
    expect(info.getVersion()).toBe(packageJson.version);
    expect(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()])).toEqual(
      policies.map((p) => [
        p.name,
        p.enforcementLevel === "mandatory" ? EnforcementLevel.MANDATORY : EnforcementLevel.ADVISORY,
      ]),
    );
  });

  it("passes a compliant internal ALB", async () => {
    const diagnostics = await analyze(aws.lb.LoadBalancer, "svc-alb", {
      internal: true,
      dropInvalidHeaderFields: true,
      subnets: ["subnet-a", "subnet-b"],
      tags: { Name: "svc-alb" },
    });
    expect(diagnostics).toEqual([]);
  });

  it("blocks a public ALB that forwards invalid headers", async () => {
    const diagnostics = await analyze(aws.lb.LoadBalancer, "svc-alb", { internal: false, tags: { Name: "svc-alb" } });
    expect(diagnostics).toEqual([
      expect.objectContaining({ policy: "lb-internal", level: "mandatory" }),
      expect.objectContaining({ policy: "alb-drop-invalid-header-fields", level: "mandatory" }),
    ]);
  });

  it("blocks a token in a function's environment and advises on missing tags", async () => {
    const diagnostics = await analyze(aws.lambda.Function, "svc-fn", {
      environment: { variables: { SLACK_TOKEN: "xoxb-1234-5678-abcdefghijkl", LOG_LEVEL: "info" } },
    });
    expect(diagnostics).toEqual([
      {
        policy: "lambda-env-no-secrets",
        level: "mandatory",
        message: expect.stringContaining("SLACK_TOKEN contains a Slack token"),
      },
      { policy: "resources-tagged", level: "advisory", message: expect.stringContaining("no tags") },
    ]);
  });

  it("checks what is known during preview and skips what is not", async () => {
    // A new target group's ARN and a new secret's ARN are unknown during preview.
    const permission = await analyze(aws.lambda.Permission, "svc-alb-invoke", {
      action: "lambda:InvokeFunction",
      function: "svc-fn",
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: unknownValue,
    });
    const fn = await analyze(aws.lambda.Function, "svc-fn", {
      environment: { variables: { SECRETS_ARN: unknownValue, API_PASSWORD: "hunter2" } },
      tags: { Name: "svc-fn" },
    });
    expect(permission).toEqual([]);
    expect(fn).toEqual([
      expect.objectContaining({ policy: "lambda-env-no-secrets", message: expect.stringContaining("API_PASSWORD") }),
    ]);
  });
});
