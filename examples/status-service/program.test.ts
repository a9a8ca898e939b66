/**
 * The status service's program (index.ts) under Pulumi mocks, with its example stack file: the
 * graph the component builds for a second, secret-less service, checked resource by resource, and
 * against the repository's CrossGuard policy pack.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { formatViolations, runPoliciesOnResources } from "../../policy/testing";
import { plain, type RecordedResource, TYPES as T, unwrap } from "../../tests/support/pulumiMocks";
import { loadSettings, PROJECT } from "./service";
import { EXAMPLE_DIR, type ExampleRun, runExampleStack } from "./testSupport";

let run: ExampleRun;
let cfg: Record<string, any>;
const one = (type: string, name: string): RecordedResource => run.mocks.find(type, name);

beforeAll(async () => {
  run = await runExampleStack();
  cfg = run.file.project;
});

describe("the example's Pulumi project files", () => {
  it("names the project status-service and points `main` at this folder's index.ts", () => {
    const project = parse(fs.readFileSync(path.join(EXAMPLE_DIR, "Pulumi.yaml"), "utf8"));
    // Without `main`, Pulumi would find the repository root's package.json and run its index.ts.
    expect(project).toMatchObject({
      name: "status-service",
      main: "index.ts",
      runtime: { name: "nodejs", options: { typescript: true } },
    });
    expect(fs.existsSync(path.join(EXAMPLE_DIR, project.main))).toBe(true);
    // Pulumi's ts-node reads tsconfig.json from the program's folder.
    expect(fs.existsSync(path.join(EXAMPLE_DIR, "tsconfig.json"))).toBe(true);
  });

  it("keeps the example stack's keys in the project's namespace, and no secrets", () => {
    const keys = Object.keys(run.file.config);
    expect(keys.filter((k) => !k.startsWith("aws:") && !k.startsWith("status-service:"))).toEqual([]);
    expect(JSON.stringify(run.file.config)).not.toContain("secure");
  });
});

describe("the graph", () => {
  it("is one PrivateLambdaService named status, every resource its child", () => {
    const component = one(T.component, "status");
    const others = run.mocks.resources.filter((r) => r !== component && !r.type.startsWith("pulumi:providers:"));
    expect(others.length).toBeGreaterThanOrEqual(12);
    for (const r of others) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("status-")).toBe(true);
    }
  });

  it("has an internal ALB in the configured subnets, dropping invalid header fields", () => {
    expect(plain(one(T.alb, "status-alb").inputs)).toMatchObject({
      internal: true,
      loadBalancerType: "application",
      dropInvalidHeaderFields: true,
      subnets: cfg.subnetIds,
      securityGroups: [expect.stringMatching(/^sg-/)],
    });
    expect(plain(one(T.sg, "status-sg").inputs).vpcId).toBe(cfg.vpcId);
  });

  it("lets only the configured CIDR block reach HTTP :80, after checking the VPC and its subnets", () => {
    expect(run.mocks.ofType(T.ingress).map((r) => plain(r.inputs))).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: cfg.allowedCidrBlocks[0] }),
    ]);
    // Read-only lookups while previewing: DNS attributes of the VPC (its private zone must resolve),
    // and the subnets' zones (the ALB needs two).
    expect(run.mocks.calls.map((c) => `${c.token} ${c.inputs.id}`).sort()).toEqual(
      [
        `aws:ec2/getVpc:getVpc ${cfg.vpcId}`,
        ...cfg.subnetIds.map((id: string) => `aws:ec2/getSubnet:getSubnet ${id}`),
      ].sort(),
    );
  });

  it("forwards :80 to a lambda target group with the /healthz health check and single-value headers", () => {
    const tg = one(T.tg, "status-tg");
    expect(plain(tg.inputs)).toMatchObject({
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: false,
      healthCheck: { enabled: true, path: "/healthz", matcher: "200" },
    });
    const listeners = run.mocks.ofType(T.listener).map((l) => plain(l.inputs));
    expect(listeners).toEqual([
      expect.objectContaining({
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "forward", targetGroupArn: expect.stringContaining(":targetgroup/status-tg/") }],
      }),
    ]);
    expect(run.mocks.ofType(T.cert)).toEqual([]);
  });

  it("lets only that target group invoke the function, and registers the function after the permission", () => {
    const permission = one(T.permission, "status-alb-invoke");
    const attachment = one(T.attachment, "status-tg-attachment");
    expect(plain(permission.inputs)).toMatchObject({
      action: "lambda:InvokeFunction",
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: expect.stringMatching(
        new RegExp(`^arn:aws:elasticloadbalancing:${run.file.region}:${run.file.accountId}:targetgroup/status-tg/`),
      ),
      sourceAccount: run.file.accountId,
    });
    expect(attachment.inputs.targetGroupArn).toBe(permission.inputs.sourceArn);
    expect(attachment.inputs.targetId).toContain(":function:status-fn-");
    expect(attachment.dependencies).toContain(permission.urn);
    for (const listener of run.mocks.ofType(T.listener)) {
      expect(listener.dependencies).toContain(attachment.urn);
    }
  });

  it("runs the function under a role that may write its own log group and nothing else", () => {
    const role = one(T.role, "status-fn-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Principal: { Service: "lambda.amazonaws.com" },
      }),
    ]);
    expect(role.inputs.managedPolicyArns).toBeUndefined();
    expect(run.mocks.ofType(T.policyAttachment)).toEqual([]);
    expect(run.mocks.ofType(T.role)).toHaveLength(1);
    const policies = run.mocks.ofType(T.rolePolicy);
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0].inputs.policy);
    expect(doc.Statement).toEqual([
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: expect.stringMatching(
          new RegExp(`^arn:aws:logs:${run.file.region}:${run.file.accountId}:log-group:/aws/lambda/status-.*:\\*$`),
        ),
      },
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/secretsmanager|"\*"|FullAccess/);
    expect(one(T.logGroup, "status-logs").inputs.retentionInDays).toBe(cfg.logRetentionInDays);
  });

  it("has no secret: no Secrets Manager resource, no SECRET_ARN, only the service's plain settings in the environment", () => {
    expect(run.mocks.ofType(T.secret)).toEqual([]);
    expect(run.mocks.ofType(T.secretVersion)).toEqual([]);
    const fn = one(T.fn, "status-fn");
    expect(plain(fn.inputs.environment.variables)).toEqual({ SERVICE_NAME: "status", SERVICE_VERSION: cfg.version });
    expect(fn.inputs).toMatchObject({ runtime: "nodejs22.x", handler: "__index.handler", memorySize: 128, timeout: 5 });
    expect(fn.inputs.role).toMatch(/:role\/status-fn-role-/);
    expect(fn.dependencies).toEqual(
      expect.arrayContaining([one(T.rolePolicy, "status-fn-policy").urn, one(T.logGroup, "status-logs").urn]),
    );
  });

  it("ships its own bundle and the closure that loads it: no node_modules", async () => {
    const assets = await (one(T.fn, "status-fn").inputs.code as pulumi.asset.AssetArchive).assets;
    expect(Object.keys(assets).sort()).toEqual([".build/status/index.js", "__index.js"]);
    const code = await (assets["__index.js"] as pulumi.asset.StringAsset).text;
    expect(code).toContain('"./.build/status/index.js"');
    // The status handler uses Node's built-ins only: none of the proxy's libraries is in its bundle.
    const bundle = fs.readFileSync(await (assets[".build/status/index.js"] as pulumi.asset.FileAsset).path, "utf8");
    expect(bundle).not.toMatch(/WebClient|htmlparser2|superstruct|find-my-way/);
  });

  it("puts its own hostname in the given private zone, an A alias for the ALB, and creates no zone", async () => {
    expect(run.mocks.ofType(T.zone)).toEqual([]);
    const records = run.mocks.ofType(T.record);
    expect(records.map((r) => r.name)).toEqual(["status-dns"]);
    expect(plain(records[0].inputs)).toEqual(
      expect.objectContaining({
        zoneId: cfg.privateZoneId,
        name: cfg.hostname,
        type: "A",
        aliases: [
          {
            name: expect.stringMatching(/^internal-status-alb-/),
            zoneId: "Z35SXDOTRQ7X7K",
            evaluateTargetHealth: false,
          },
        ],
      }),
    );
  });

  it("tags every taggable resource with Service=status and its Name", () => {
    for (const type of [T.alb, T.tg, T.listener, T.fn, T.role, T.sg, T.ingress, T.logGroup]) {
      for (const r of run.mocks.ofType(type)) {
        expect(plain(r.inputs.tags)).toEqual({ Service: "status", Name: r.name });
      }
    }
  });

  it("passes every policy of the pack, advisory ones included", () => {
    const violations = runPoliciesOnResources(
      run.mocks.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs, urn: r.urn })),
    );
    expect(formatViolations(violations)).toBe("");
  });
});

describe("loadSettings", () => {
  /** A config namespace of its own, so the example stack's keys stay as they are. */
  function configWith(ns: string, values: Record<string, string>): pulumi.Config {
    for (const [key, value] of Object.entries(values)) {
      pulumi.runtime.setConfig(`${ns}:${key}`, value);
    }
    return new pulumi.Config(ns);
  }
  const required = { vpcId: "vpc-1", subnetIds: '["subnet-a","subnet-b"]', hostname: "s.internal.example.com" };

  it("reads the example stack's settings, and defaults the version to dev", () => {
    expect(loadSettings(new pulumi.Config(PROJECT))).toMatchObject({
      vpcId: cfg.vpcId,
      subnetIds: cfg.subnetIds,
      version: cfg.version,
    });
    expect(loadSettings(configWith("defaults", required))).toEqual({
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      hostname: "s.internal.example.com",
      version: "dev",
      privateZoneId: undefined,
      privateZoneName: undefined,
      allowedCidrBlocks: undefined,
      allowedSecurityGroupIds: undefined,
      certificateArn: undefined,
      logRetentionInDays: undefined,
    });
  });

  it.each<[string, string, Record<string, string>, string]>([
    [
      "no subnets",
      "nosubnets",
      { vpcId: "vpc-1", hostname: "h.example.com" },
      "Missing required configuration variable 'nosubnets:subnetIds'",
    ],
    [
      "subnets as one string",
      "badsubnets",
      { ...required, subnetIds: '"subnet-a"' },
      "Config badsubnets:subnetIds must be a list of strings.",
    ],
    [
      "CIDR blocks as numbers",
      "badcidrs",
      { ...required, allowedCidrBlocks: "[10]" },
      "Config badcidrs:allowedCidrBlocks must be a list of strings.",
    ],
    [
      "no VPC",
      "novpc",
      { subnetIds: required.subnetIds, hostname: "h.example.com" },
      "Missing required configuration variable 'novpc:vpcId'",
    ],
  ])("refuses %s, naming the key", (_label, ns, values, message) => {
    expect(() => loadSettings(configWith(ns, values))).toThrow(message);
  });
});

describe("the outputs", () => {
  it("exports the service's URL, names and IDs, and no secret ARN", async () => {
    const p = run.program;
    expect({
      url: await unwrap(p.url),
      hostname: await unwrap(p.hostname),
      albDnsName: await unwrap(p.albDnsName),
      securityGroupId: await unwrap(p.securityGroupId),
      functionName: await unwrap(p.functionName),
      functionArn: await unwrap(p.functionArn),
      zoneId: await unwrap(p.zoneId),
    }).toEqual({
      url: `http://${cfg.hostname}/`,
      hostname: cfg.hostname,
      albDnsName: expect.stringMatching(/^internal-status-alb-.*\.elb\.amazonaws\.com$/),
      securityGroupId: expect.stringMatching(/^sg-/),
      functionName: expect.stringMatching(/^status-fn-/),
      functionArn: expect.stringContaining(":function:status-fn-"),
      zoneId: cfg.privateZoneId,
    });
    expect(Object.keys(p)).not.toContain("secretArn");
  });
});
