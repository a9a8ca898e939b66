/**
 * PrivateLambdaService on its own, under Pulumi mocks: every branch (new vs existing zone, HTTP vs
 * HTTPS by ARN vs by DNS validation, VPC vs security-group vs CIDR ingress, the options) and the
 * refusal paths. One setMocks for the file; each case builds its own instance under its own name.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type * as Components from "../../components";
import { functionEnvironment } from "../../components/privateLambdaService";
import {
  installPulumiMocks,
  isSecretValue,
  subnetsIn,
  plain,
  plaintextOccurrences,
  type PulumiMockHarness,
  type RecordedResource,
  settled,
  unwrap,
  TYPES as T,
} from "../support/pulumiMocks";

const VPC_ID = "vpc-0123456789abcdef0";
const VPC_CIDR = "10.42.0.0/16";
const SECRET_VALUE = "s3cret-api-token-for-tests";
const GREETER = path.join(__dirname, "fixtures", "greeter.ts");
const SUBNETS = ["subnet-0000000000000000a", "subnet-0000000000000000b"];

let mocks: PulumiMockHarness;
let components: typeof Components;

beforeAll(async () => {
  mocks = await installPulumiMocks({
    region: "eu-west-1",
    accountId: "123456789012",
    vpcCidrs: { [VPC_ID]: VPC_CIDR },
    subnets: subnetsIn(VPC_ID, SUBNETS, "eu-west-1"),
    zones: {
      ZPUBLIC0001: { name: "example.com", privateZone: false },
      ZPUBLIC0002: { name: "internal.example.com", privateZone: false },
    },
  });
  // Imported after setMocks: nothing may register resources against the real engine.
  components = await import("../../components");
});

afterAll(settled);

/** Arguments every case starts from: HTTP only, a new zone, default ingress. */
function baseArgs(): Components.PrivateLambdaServiceArgs {
  return {
    entry: GREETER,
    secrets: { apiToken: SECRET_VALUE },
    environment: { GREETING: "hello" },
    vpcId: VPC_ID,
    subnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    hostname: "svc.internal.example.com",
  };
}

/** Builds one instance and waits until all its children are registered and its code serialized. */
async function build(
  name: string,
  overrides: Partial<Components.PrivateLambdaServiceArgs> = {},
): Promise<{
  svc: Components.PrivateLambdaService;
  of: (type: string) => RecordedResource[];
  get: (type: string, suffix: string) => RecordedResource;
}> {
  const svc = new components.PrivateLambdaService(name, { ...baseArgs(), ...overrides });
  await unwrap(svc.functionArn); // the closure is serialized before the function registers (pulumi#11113)
  await settled();
  const own = (r: RecordedResource) => r.name === name || r.name.startsWith(`${name}-`);
  return {
    svc,
    of: (type) => mocks.ofType(type).filter(own),
    get: (type, suffix) => mocks.find(type, `${name}${suffix}`),
  };
}

describe("defaults: HTTP only, a new private zone, ingress from the VPC's CIDR", () => {
  const name = "plain";
  let b: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    b = await build(name);
  });

  it("parents every child to the component and names it after the component", () => {
    const component = mocks.find(T.component, name);
    const children = mocks.childrenOf(component.urn);
    expect(children.length).toBeGreaterThanOrEqual(15);
    for (const child of children) {
      expect(child.name.startsWith(`${name}-`)).toBe(true);
      expect(child.urn).toContain(`${T.component}$`);
    }
    // Nothing of this instance escaped the component.
    const stray = mocks.resources.filter((r) => r.name.startsWith(`${name}-`) && r.parent !== component.urn);
    expect(stray.map((r) => r.name)).toEqual([]);
  });

  it("names after itself exactly the children validateName checks (AUTONAMED_CHILDREN)", () => {
    const { AUTONAMED_CHILDREN } = require("../../components/validation");
    const { NAME_RULES } = require("../../policy/awsConstraints");
    const component = mocks.find(T.component, name);
    const generated = mocks
      .childrenOf(component.urn)
      .filter((r) => NAME_RULES[r.type]?.autonamed && r.inputs.name === undefined && r.inputs.namePrefix === undefined)
      .map((r) => [r.type, r.name.slice(name.length)]);
    expect(generated.sort()).toEqual([...AUTONAMED_CHILDREN].map((c: string[]) => [...c]).sort());
    expect(b.get(T.logGroup, "-logs").inputs.namePrefix).toBe(`/aws/lambda/${name}-`);
  });

  it("has a generic type token and keeps stacks built under the old one by aliasing it", async () => {
    expect(T.component).toBe("private-lambda-service:index:PrivateLambdaService");
    const aliases = await Promise.all(
      ((b.svc as unknown as { __aliases: pulumi.Input<string>[] }).__aliases ?? []).map((a) => unwrap(a)),
    );
    expect(aliases).toContain("urn:pulumi:stack::project::hipchat-proxy:index:PrivateLambdaService::plain");
  });

  it("exposes its children as typed fields, so a program can extend them", async () => {
    const s = b.svc;
    expect(await unwrap(s.function.arn)).toBe(await unwrap(s.functionArn));
    expect(await unwrap(s.loadBalancer.dnsName)).toBe(await unwrap(s.albDnsName));
    expect(await unwrap(s.securityGroup.id)).toBe(await unwrap(s.securityGroupId));
    for (const child of [s.role, s.logGroup, s.targetGroup, s.listeners.http, s.zone, s.record, s.secret]) {
      expect(child).toBeInstanceOf(pulumi.CustomResource);
    }
    expect(s.listeners.https).toBeUndefined();
  });

  it("builds an internal application load balancer that drops invalid header fields", () => {
    const alb = b.get(T.alb, "-alb");
    expect(plain(alb.inputs)).toMatchObject({
      internal: true,
      loadBalancerType: "application",
      dropInvalidHeaderFields: true,
      subnets: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
      securityGroups: [expect.stringMatching(/^sg-/)],
    });
  });

  it("lets only the VPC's own CIDR (looked up) reach HTTP :80, with no other rule", () => {
    const getVpc = mocks.calls.filter((c) => c.token === "aws:ec2/getVpc:getVpc" && c.inputs.id === VPC_ID);
    expect(getVpc.length).toBeGreaterThanOrEqual(1);
    const rules = b.of(T.ingress).map((r) => plain(r.inputs));
    expect(rules).toEqual([
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: VPC_CIDR }),
    ]);
    expect(rules[0].cidrIpv6).toBeUndefined();
    expect(rules[0].referencedSecurityGroupId).toBeUndefined();
    expect(b.of(T.egress)).toEqual([]);
    const sg = plain(b.get(T.sg, "-sg").inputs);
    expect(sg.vpcId).toBe(VPC_ID);
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
  });

  it("forwards HTTP :80 to a lambda target group, health checks off, single-value headers", () => {
    const listeners = b.of(T.listener).map((l) => plain(l.inputs));
    const tgArn = listeners[0].defaultActions[0].targetGroupArn;
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] });
    expect(tgArn).toContain(`:targetgroup/${name}-tg/`);
    expect(plain(b.get(T.tg, "-tg").inputs)).toMatchObject({
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: false,
      healthCheck: { enabled: false },
    });
    expect(b.get(T.tg, "-tg").inputs.port).toBeUndefined();
    expect(b.of(T.cert)).toEqual([]);
  });

  it("lets only its target group invoke the function, and registers the function after that permission", () => {
    const permission = b.get(T.permission, "-alb-invoke");
    const attachment = b.get(T.attachment, "-tg-attachment");
    const tgArnPrefix = `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}-tg/`;
    expect(plain(permission.inputs)).toMatchObject({
      action: "lambda:InvokeFunction",
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: expect.stringContaining(tgArnPrefix),
      sourceAccount: "123456789012",
      function: expect.stringMatching(new RegExp(`^${name}-fn-`)),
    });
    expect(attachment.inputs.targetGroupArn).toBe(permission.inputs.sourceArn);
    expect(attachment.inputs.targetId).toMatch(
      new RegExp(`^arn:aws:lambda:eu-west-1:123456789012:function:${name}-fn-`),
    );
    expect(attachment.dependencies).toContain(permission.urn);
  });

  it("runs nodejs22.x under its own role, which may write its log group and read its secret and nothing else", () => {
    const fn = b.get(T.fn, "-fn");
    const role = b.get(T.role, "-fn-role");
    const logGroup = b.get(T.logGroup, "-logs");
    expect(fn.inputs.runtime).toBe("nodejs22.x");
    expect(fn.inputs.handler).toBe("__index.handler");
    expect(fn.inputs.memorySize).toBe(256);
    expect(fn.inputs.timeout).toBe(30);
    expect(fn.inputs.role).toMatch(new RegExp(`^arn:aws:iam::123456789012:role/${name}-fn-role-`));
    expect(fn.inputs.loggingConfig.logGroup).toMatch(new RegExp(`^/aws/lambda/${name}-`));
    expect(logGroup.inputs.retentionInDays).toBe(30);

    expect(JSON.parse(role.inputs.assumeRolePolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        expect.objectContaining({
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "lambda.amazonaws.com" },
        }),
      ],
    });
    expect(role.inputs.managedPolicyArns).toBeUndefined();
    // CallbackFunction's FullAccess defaults never appear.
    expect(mocks.ofType(T.policyAttachment)).toEqual([]);
    expect(b.of(T.role)).toHaveLength(1);

    const policies = b.of(T.rolePolicy);
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0].inputs.policy);
    const secretArn = b.get(T.fn, "-fn").inputs.environment.variables.SECRET_ARN;
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: expect.stringMatching(
          new RegExp(`^arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/${name}-.*:\\*$`),
        ),
      }),
      expect.objectContaining({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn }),
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/"\*"|FullAccess/);
    // The first invocation finds its permissions and its secret value.
    expect(fn.dependencies).toEqual(
      expect.arrayContaining([policies[0].urn, b.get(T.secretVersion, "-secret-value").urn]),
    );
  });

  it("stores the secrets as one secret JSON, marked secret; the function gets only its ARN", () => {
    const version = b.get(T.secretVersion, "-secret-value");
    expect(isSecretValue(version.inputs.secretString)).toBe(true);
    expect(JSON.parse(plain(version.inputs.secretString))).toEqual({ apiToken: SECRET_VALUE });
    const fn = b.get(T.fn, "-fn");
    expect(plain(fn.inputs.environment.variables)).toEqual({
      GREETING: "hello",
      SECRET_ARN: expect.stringMatching(
        new RegExp(`^arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-secret-`),
      ),
    });
    expect(version.inputs.secretId).toBe(fn.inputs.environment.variables.SECRET_ARN);
    const leaks = mocks.resources
      .filter((r) => r.name.startsWith(name))
      .flatMap((r) => plaintextOccurrences(r.inputs, [SECRET_VALUE]).map((p) => `${r.name}: ${p}`));
    expect(leaks).toEqual([]);
  });

  it("creates a private zone for the hostname's parent domain, associated with the VPC, with an A alias to the ALB", async () => {
    const zone = b.get(T.zone, "-zone");
    expect(plain(zone.inputs)).toMatchObject({ name: "internal.example.com", vpcs: [{ vpcId: VPC_ID }] });
    const record = plain(b.get(T.record, "-dns").inputs);
    const albDnsName = await unwrap(b.svc.albDnsName);
    expect(record).toMatchObject({
      name: "svc.internal.example.com",
      type: "A",
      zoneId: await unwrap(b.svc.zoneId),
      aliases: [{ name: albDnsName, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: false }],
    });
  });

  it("exports url, hostname, albDnsName, securityGroupId, functionName, functionArn, secretArn and zoneId", async () => {
    const s = b.svc;
    const out = {
      url: await unwrap(s.url),
      hostname: await unwrap(s.hostname),
      albDnsName: await unwrap(s.albDnsName),
      securityGroupId: await unwrap(s.securityGroupId),
      functionName: await unwrap(s.functionName),
      functionArn: await unwrap(s.functionArn),
      secretArn: await unwrap(s.secretArn),
      zoneId: await unwrap(s.zoneId),
    };
    expect(out).toEqual({
      url: "http://svc.internal.example.com/",
      hostname: "svc.internal.example.com",
      albDnsName: expect.stringMatching(/^internal-plain-alb-.*\.elb\.amazonaws\.com$/),
      securityGroupId: expect.stringMatching(/^sg-/),
      functionName: expect.stringMatching(/^plain-fn-/),
      functionArn: expect.stringContaining(":function:plain-fn-"),
      secretArn: b.get(T.fn, "-fn").inputs.environment.variables.SECRET_ARN,
      zoneId: plain(b.get(T.record, "-dns").inputs).zoneId,
    });
  });
});

describe("package contents", () => {
  /** The function's code archive: entry name → asset. */
  async function archiveOf(fn: RecordedResource): Promise<Record<string, pulumi.asset.Asset | pulumi.asset.Archive>> {
    return (fn.inputs.code as pulumi.asset.AssetArchive).assets;
  }

  it("holds a tiny __index.js that requires the bundle, the bundle, and nothing from node_modules", async () => {
    const b = await build("pkg");
    const assets = await archiveOf(b.get(T.fn, "-fn"));
    expect(Object.keys(assets).sort()).toEqual([".build/pkg/index.js", "__index.js"]);
    const index = await (assets["__index.js"] as pulumi.asset.StringAsset).text;
    expect(index).toContain("require(bundlePath)");
    expect(index).toContain('"./.build/pkg/index.js"');
    expect(Buffer.byteLength(index)).toBeLessThan(1024);
  });

  it("builds the same bytes from the same sources, so an unchanged entry shows no diff", async () => {
    const first = fs.readFileSync(".build/pkg/index.js");
    await build("pkg-again");
    expect(fs.readFileSync(".build/pkg-again/index.js").equals(first)).toBe(true);
  });

  it("keeps the runtime's AWS SDK out of the bundle and names in it, minified for Node 22", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entry-"));
    const entry = path.join(dir, "entry.ts");
    fs.writeFileSync(
      entry,
      [
        'import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";',
        "export class NamedError extends Error {}",
        "export function callbackFactory() {",
        "  const client = new SecretsManagerClient({});",
        "  return async () => ({ statusCode: 200, body: typeof client + new NamedError().constructor.name });",
        "}",
      ].join("\n"),
    );
    await build("pkg-sdk", { entry });
    const text = fs.readFileSync(".build/pkg-sdk/index.js", "utf8");
    expect(text).toContain('require("@aws-sdk/client-secrets-manager")');
    expect(text).toContain('"NamedError"');
    expect(text.split("\n").length).toBeLessThan(10);
  });

  it("excludes every package of the project, which the bundle already contains", async () => {
    const b = await build("pkg-deps");
    const fn = b.get(T.fn, "-fn");
    const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));
    const names = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.optionalDependencies ?? {})];
    expect(plain(fn.inputs).codePathOptions).toBeUndefined(); // not an input of the AWS resource
    expect(Object.keys(await archiveOf(fn)).filter((k) => k.startsWith("node_modules/"))).toEqual([]);
    expect(names.length).toBeGreaterThan(3);
  });

  it("fails the program, naming the entry, when the entry does not build", () => {
    expect(
      () => new components.PrivateLambdaService("pkg-broken", { ...baseArgs(), entry: "/nonexistent/entry.ts" }),
    ).toThrow(/Could not bundle \/nonexistent\/entry\.ts/);
  });

  it("runs: the archive as shipped answers through the bundle in a fresh Node process", async () => {
    const b = await build("pkg-run");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pkg-run-"));
    for (const [name, entry] of Object.entries(await archiveOf(b.get(T.fn, "-fn")))) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      const asset = entry as { text?: Promise<string>; path?: Promise<string> };
      fs.writeFileSync(path.join(dir, name), asset.text ? await asset.text : fs.readFileSync(await asset.path!));
    }
    const out = execFileSync(
      process.execPath,
      ["-e", 'require("./__index.js").handler({ path: "/x" }, {}).then((r) => process.stdout.write(r.body))'],
      { cwd: dir, env: { PATH: process.env.PATH, GREETING: "hi" } },
    ).toString();
    expect(out).toBe("hi /x");
  });
});

describe("an existing private zone", () => {
  it("puts the alias in the given zone and creates no zone", async () => {
    const b = await build("zoned", { privateZoneId: "ZEXISTING123", privateZoneName: "internal.example.com" });
    expect(b.of(T.zone)).toEqual([]);
    expect(plain(b.get(T.record, "-dns").inputs)).toMatchObject({
      zoneId: "ZEXISTING123",
      name: "svc.internal.example.com",
      type: "A",
    });
    expect(await unwrap(b.svc.zoneId)).toBe("ZEXISTING123");
  });

  it("creates a zone under the given name when only privateZoneName is set (the hostname may be its apex)", async () => {
    const b = await build("apex", { hostname: "hipchat.example.org", privateZoneName: "hipchat.example.org" });
    expect(plain(b.get(T.zone, "-zone").inputs).name).toBe("hipchat.example.org");
    expect(plain(b.get(T.record, "-dns").inputs).name).toBe("hipchat.example.org");
  });
});

describe("HTTPS with a given certificate", () => {
  const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
  let b: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    b = await build("tls-arn", { certificateArn });
  });

  it("listens on :443 with the TLS 1.3/1.2 PQ policy and that certificate, and redirects :80 there", () => {
    const https = plain(b.get(T.listener, "-https").inputs);
    expect(https).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
      certificateArn,
      defaultActions: [{ type: "forward", targetGroupArn: expect.stringContaining(":targetgroup/tls-arn-tg/") }],
    });
    expect(plain(b.get(T.listener, "-http").inputs)).toMatchObject({
      port: 80,
      protocol: "HTTP",
      defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
    });
    expect(b.of(T.cert)).toEqual([]);
    expect(b.of(T.certValidation)).toEqual([]);
  });

  it("opens exactly :80 and :443 to the sources", () => {
    expect(
      b
        .of(T.ingress)
        .map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4])
        .sort(),
    ).toEqual([
      [443, 443, VPC_CIDR],
      [80, 80, VPC_CIDR],
    ]);
  });

  it("answers at an https:// URL", async () => {
    expect(await unwrap(b.svc.url)).toBe("https://svc.internal.example.com/");
  });

  it("takes another TLS policy", async () => {
    const c = await build("tls-opts", { certificateArn, sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" });
    expect(c.get(T.listener, "-https").inputs.sslPolicy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
    expect(c.of(T.listenerRule)).toEqual([]);
    expect(c.svc.httpRules).toEqual({});
  });
});

describe("plain HTTP only for the legacy names", () => {
  const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
  const legacy = ["hipchat.example.net", "chat.example.org"];
  let b: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    b = await build("legacy-http", { certificateArn, extraZoneNames: legacy, redirectHttpToHttps: false });
  });

  it("keeps :80's default action a redirect to HTTPS, so the service's own name never answers in plain HTTP", () => {
    expect(plain(b.get(T.listener, "-http").inputs).defaultActions).toEqual([
      { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
    ]);
  });

  it("forwards plain HTTP for exactly the legacy names, one host-header rule each, exposed as httpRules", async () => {
    const httpArn = await unwrap(b.svc.listeners.http.arn);
    const tgArn = await unwrap(b.svc.targetGroup.arn);
    const rules = b.of(T.listenerRule).map((r) => plain(r.inputs));
    expect(rules.map((r) => r.conditions)).toEqual(
      expect.arrayContaining(legacy.map((host) => [{ hostHeader: { values: [host] } }])),
    );
    expect(rules).toHaveLength(legacy.length);
    for (const rule of rules) {
      expect(rule).toMatchObject({ listenerArn: httpArn, actions: [{ type: "forward", targetGroupArn: tgArn }] });
      expect(rule.priority).toBeGreaterThanOrEqual(1);
      expect(rule.priority).toBeLessThanOrEqual(50000);
    }
    expect(new Set(rules.map((r) => r.priority)).size).toBe(legacy.length);
    expect(Object.keys(b.svc.httpRules).sort()).toEqual([...legacy].sort());
    for (const host of legacy) {
      expect(await unwrap(b.svc.httpRules[host].listenerArn)).toBe(httpArn);
      // Registered after the function is attached, like the listeners.
      expect(b.get(T.listenerRule, `-http-${host}`).dependencies).toContain(b.get(T.attachment, "-tg-attachment").urn);
    }
  });

  it("gives each name a priority of its own that does not move when names are added, removed or reordered", () => {
    const { hostRulePriorities } = require("../../components/privateLambdaService");
    const two: Map<string, number> = hostRulePriorities(legacy);
    const more: Map<string, number> = hostRulePriorities([
      "zzz.example.com",
      ...[...legacy].reverse(),
      "a.example.com",
    ]);
    for (const host of legacy) {
      expect(more.get(host)).toBe(two.get(host));
    }
  });

  it("forwards everything on :80 without HTTPS, with no rules", async () => {
    const c = await build("legacy-plain", { extraZoneNames: ["hipchat.example.net"] });
    expect(plain(c.get(T.listener, "-http").inputs).defaultActions).toEqual([
      { type: "forward", targetGroupArn: expect.stringContaining(":targetgroup/legacy-plain-tg/") },
    ]);
    expect(c.of(T.listenerRule)).toEqual([]);
  });
});

describe("HTTPS with a certificate validated by DNS", () => {
  it("requests a DNS-validated certificate and writes its validation record in the public zone", async () => {
    const b = await build("tls-dns", { certificateZoneId: "ZPUBLIC0001", certificateZoneName: "example.com" });
    const cert = b.get(T.cert, "-cert");
    expect(plain(cert.inputs)).toMatchObject({ domainName: "svc.internal.example.com", validationMethod: "DNS" });
    const record = b.get(T.record, "-cert-dns");
    expect(plain(record.inputs)).toMatchObject({
      zoneId: "ZPUBLIC0001",
      type: "CNAME",
      name: expect.stringMatching(/^_[0-9a-f]+\.svc\.internal\.example\.com\.$/),
      records: [expect.stringMatching(/\.acm-validations\.aws\.$/)],
      allowOverwrite: true,
    });
    // Written with the component's own provider when no DNS provider is given.
    expect(record.provider).toBe("");
    const validation = b.get(T.certValidation, "-cert-validation");
    expect(plain(validation.inputs)).toEqual({
      certificateArn: expect.stringMatching(/^arn:aws:acm:eu-west-1:123456789012:certificate\//),
      validationRecordFqdns: [plain(record.inputs).name],
    });
    // The listener waits for validation: its certificate is the validation's output.
    const https = b.get(T.listener, "-https");
    expect(https.inputs.certificateArn).toBe(validation.inputs.certificateArn);
    expect(https.propertyDependencies.certificateArn).toContain(validation.urn);
  });

  it("waits at most 30 minutes for validation, and never deletes the record another stack may share", async () => {
    const b = await build("tls-share", { certificateZoneId: "ZPUBLIC0001" });
    expect(b.get(T.certValidation, "-cert-validation").options.customTimeouts).toEqual({
      create: "30m",
      update: "",
      delete: "",
    });
    const record = b.get(T.record, "-cert-dns");
    // ACM's record is the same for every stack of the account with this hostname.
    expect(record.inputs.allowOverwrite).toBe(true);
    expect(record.options.retainOnDelete).toBe(true);
    // The zone is checked (a public zone, holding the hostname) before the record is written.
    expect(
      mocks.calls.filter((c) => c.token === "aws:route53/getZone:getZone" && c.inputs.zoneId === "ZPUBLIC0001"),
    ).not.toEqual([]);
  });

  it("creates the validation record through the DNS-account provider when given", async () => {
    const dnsProvider = new aws.Provider("dns-test", { region: "us-east-1" });
    const b = await build("tls-xacct", { certificateZoneId: "ZPUBLIC0002", dnsProvider });
    const record = b.get(T.record, "-cert-dns");
    expect(record.provider).toMatch(/::pulumi:providers:aws::dns-test::/);
    // The zone is looked up in that account too.
    const lookup = mocks.calls.find(
      (c) => c.token === "aws:route53/getZone:getZone" && c.inputs.zoneId === "ZPUBLIC0002",
    );
    expect(lookup?.provider).toMatch(/::pulumi:providers:aws::dns-test::/);
    // Everything else stays on the component's provider.
    expect(b.get(T.cert, "-cert").provider).toBe("");
    expect(b.get(T.record, "-dns").provider).toBe("");
  });
});

describe("ingress from security groups and CIDR blocks", () => {
  it("opens the listener ports to exactly those sources, and no rule for the VPC's block", async () => {
    const b = await build("ingress", {
      allowedSecurityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
      allowedCidrBlocks: ["10.9.0.0/24", "fd00:1234::/56"],
    });
    expect(b.of(T.ingress).map((r) => r.name)).not.toContain("ingress-in-80-vpc");
    const rules = b.of(T.ingress).map((r) => plain(r.inputs));
    const summary = rules
      .map((r) => `${r.fromPort} ${r.cidrIpv4 ?? ""}${r.cidrIpv6 ?? ""}${r.referencedSecurityGroupId ?? ""}`)
      .sort();
    expect(summary).toEqual(["80 10.9.0.0/24", "80 fd00:1234::/56", "80 sg-0aaaaaaaaaaaaaaa1"]);
    for (const rule of rules) {
      expect(rule).toMatchObject({ ipProtocol: "tcp", toPort: rule.fromPort });
    }
  });

  it("switching from the VPC default to a list holding the same block updates the rule in place, never duplicating it", async () => {
    const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    const b = await build("switch", {
      certificateArn,
      allowedCidrBlocks: [VPC_CIDR, "10.9.0.0/24"],
      allowedSecurityGroupIds: ["sg-0aaaaaaaaaaaaaaa1"],
    });
    for (const port of [80, 443]) {
      const first = b.get(T.ingress, `-in-${port}-${VPC_CIDR}`);
      const second = b.get(T.ingress, `-in-${port}-10.9.0.0/24`);
      const group = b.get(T.ingress, `-in-${port}-sg-0aaaaaaaaaaaaaaa1`);
      // The first CIDR rule of each port takes over the VPC default's rule of that port (an alias)…
      expect(first.options.aliases).toEqual([`switch-in-${port}-vpc`]);
      expect(second.options.aliases).toEqual([]);
      expect(group.options.aliases).toEqual([]);
      // …and the next waits for it, so an update never authorises one block twice.
      expect(second.dependencies).toContain(first.urn);
      for (const rule of [first, second, group]) {
        expect(rule.options.deleteBeforeReplace).toBe(true);
      }
    }
    // In the default mode, the rules are the ones aliased to.
    const d = await build("switch-default", { certificateArn });
    expect(d.of(T.ingress).map((r) => [r.name, r.options.aliases])).toEqual([
      ["switch-default-in-80-vpc", []],
      ["switch-default-in-443-vpc", []],
    ]);
  });
});

describe("options", () => {
  it("turns on multi-value headers and the health check path", async () => {
    const b = await build("opts-tg", { multiValueHeaders: true, healthCheckPath: "/healthz" });
    expect(plain(b.get(T.tg, "-tg").inputs)).toMatchObject({
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: true,
      healthCheck: { enabled: true, path: "/healthz", matcher: "200" },
    });
  });

  it("sets memory, timeout, retention, secret recovery window, layers and tags", async () => {
    const b = await build("opts-fn", {
      memorySize: 512,
      timeout: 10,
      logRetentionInDays: 90,
      secretRecoveryWindowInDays: 0,
      tags: { Team: "chatops" },
      layers: ["arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"],
    });
    expect(b.get(T.fn, "-fn").inputs).toMatchObject({
      memorySize: 512,
      timeout: 10,
      tags: { Team: "chatops", Name: "opts-fn-fn" },
    });
    expect(b.get(T.fn, "-fn").inputs.layers).toEqual([
      "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12",
    ]);
    expect(b.get(T.logGroup, "-logs").inputs.retentionInDays).toBe(90);
    expect(b.get(T.secret, "-secret").inputs.recoveryWindowInDays).toBe(0);
    expect(b.get(T.alb, "-alb").inputs.tags).toEqual({ Team: "chatops", Name: "opts-fn-alb" });
  });

  it("associates every created zone with extraVpcIds, and ignores the zones' own VPC list after creation", async () => {
    const b = await build("shared", {
      extraZoneNames: ["hipchat.example.net"],
      extraVpcIds: ["vpc-0bbbbbbbbbbbbbbb1", "vpc-0bbbbbbbbbbbbbbb2"],
    });
    const zones = [b.get(T.zone, "-zone"), b.get(T.zone, "-zone-hipchat.example.net")];
    for (const zone of zones) {
      expect(plain(zone.inputs).vpcs).toEqual([{ vpcId: VPC_ID }]);
      expect(zone.options.ignoreChanges).toEqual(["vpcs"]);
    }
    const associations = b.of(T.zoneAssociation).map((a) => plain(a.inputs));
    const zoneIds = await Promise.all([
      unwrap(b.svc.zone!.zoneId),
      unwrap(b.svc.extraZones["hipchat.example.net"].zoneId),
    ]);
    expect(associations.map((a) => `${a.zoneId} ${a.vpcId}`).sort()).toEqual(
      zoneIds.flatMap((z) => [`${z} vpc-0bbbbbbbbbbbbbbb1`, `${z} vpc-0bbbbbbbbbbbbbbb2`]).sort(),
    );
    expect(b.svc.zoneAssociations).toHaveLength(4);
    // Without extraVpcIds a zone still ignores its VPC list: associations made elsewhere survive.
    expect((await build("unshared")).get(T.zone, "-zone").options.ignoreChanges).toEqual(["vpcs"]);
  });

  it("keeps generated names within AWS's limits: names Pulumi makes from a 20-character component name fit", async () => {
    const b = await build("a234567890123456789z");
    const { runPoliciesOnResources, formatViolations } = require("../../policy/testing");
    const own = mocks.resources.filter((r) => r.name.startsWith("a234567890123456789z"));
    const violations = runPoliciesOnResources(own.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
    expect(
      formatViolations(violations.filter((v: { enforcementLevel: string }) => v.enforcementLevel === "mandatory")),
    ).toBe("");
    expect(b.of(T.alb)).toHaveLength(1);
  });

  it("creates one private zone per extra name, its apex an alias for the ALB", async () => {
    const b = await build("legacy", { extraZoneNames: ["hipchat.example.net"] });
    expect(plain(b.get(T.zone, "-zone-hipchat.example.net").inputs)).toMatchObject({
      name: "hipchat.example.net",
      vpcs: [{ vpcId: VPC_ID }],
    });
    expect(plain(b.get(T.record, "-dns-hipchat.example.net").inputs)).toMatchObject({
      name: "hipchat.example.net",
      type: "A",
      aliases: [{ name: await unwrap(b.svc.albDnsName) }],
    });
  });
});

describe("without secrets", () => {
  const name = "nosecret";
  let b: Awaited<ReturnType<typeof build>>;
  beforeAll(async () => {
    b = await build(name, { secrets: undefined });
  });

  it("creates no secret and sets no SECRET_ARN", async () => {
    expect(b.of(T.secret)).toEqual([]);
    expect(b.of(T.secretVersion)).toEqual([]);
    expect(plain(b.get(T.fn, "-fn").inputs.environment.variables)).toEqual({ GREETING: "hello" });
    expect(await unwrap(b.svc.secretArn)).toBeUndefined();
  });

  it("grants its role its own log group only: no Secrets Manager permission", () => {
    const policies = b.of(T.rolePolicy);
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(policies[0].inputs.policy);
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      }),
    ]);
    expect(JSON.stringify(doc)).not.toContain("secretsmanager");
    expect(mocks.ofType(T.policyAttachment)).toEqual([]);
  });

  it("still waits for its permissions and log group before the function, and wires the ALB the same way", () => {
    const fn = b.get(T.fn, "-fn");
    expect(fn.dependencies).toEqual(
      expect.arrayContaining([b.get(T.rolePolicy, "-fn-policy").urn, b.get(T.logGroup, "-logs").urn]),
    );
    const permission = b.get(T.permission, "-alb-invoke");
    expect(b.get(T.attachment, "-tg-attachment").dependencies).toContain(permission.urn);
    expect(plain(permission.inputs).sourceArn).toContain(`:targetgroup/${name}-tg/`);
  });
});

describe("descriptions within Lambda's 256 characters", () => {
  it("names the hostname when it fits, and drops it when it would not", () => {
    const { functionDescription } = require("../../components/privateLambdaService");
    expect(functionDescription("svc", "svc.internal.example.com")).toBe(
      "svc: served by an internal ALB at svc.internal.example.com.",
    );
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.com`;
    expect(functionDescription("a".repeat(20), long)).toBe(`${"a".repeat(20)}: served by an internal ALB.`);
  });
});

describe("refusals", () => {
  it("refuses a name whose children's generated AWS names would not fit, before creating anything", () => {
    expect(() => new components.PrivateLambdaService("bad-name-of-21-chars1", baseArgs())).toThrow(
      /The component name "bad-name-of-21-chars1" is too long .* its load balancer name is 33 characters, over AWS's limit of 32/,
    );
    expect(() => new components.PrivateLambdaService("bad_underscore", baseArgs())).toThrow(
      /must be letters, digits and hyphens/,
    );
  });

  it("refuses invalid arguments in the constructor, as a ResourceError naming the problem", () => {
    expect(
      () =>
        new components.PrivateLambdaService("bad-subnets", { ...baseArgs(), subnetIds: ["subnet-0000000000000000a"] }),
    ).toThrow("subnetIds must list at least 2 subnets");
    expect(
      () => new components.PrivateLambdaService("bad-open", { ...baseArgs(), allowedCidrBlocks: ["0.0.0.0/0"] }),
    ).toThrow(pulumi.ResourceError);
    expect(mocks.resources.filter((r) => r.name.startsWith("bad-") && r.type !== T.component)).toEqual([]);
  });

  it("refuses a secret environment value when the values resolve", async () => {
    const env = functionEnvironment({ PLAIN: "a", LEAK: pulumi.secret("b") }, "arn:secret");
    await expect(unwrap(env)).rejects.toThrow("environment.LEAK is a secret");
    await expect(unwrap(functionEnvironment({ PLAIN: pulumi.output("a") }, "arn:secret"))).resolves.toEqual({
      PLAIN: "a",
      SECRET_ARN: "arn:secret",
    });
    // Without a secret there is no SECRET_ARN, and the check still runs.
    await expect(unwrap(functionEnvironment({ PLAIN: "a" }, undefined))).resolves.toEqual({ PLAIN: "a" });
    await expect(unwrap(functionEnvironment({ LEAK: pulumi.secret("b") }, undefined))).rejects.toThrow(
      "environment.LEAK is a secret",
    );
    // Lambda's 4 KB counts SECRET_ARN and every Output, known only now.
    await expect(
      unwrap(
        functionEnvironment({ BIG: pulumi.output("x".repeat(4000)) }, `arn:aws:secretsmanager:${"r".repeat(100)}`),
      ),
    ).rejects.toThrow(/environment variables measure \d+ bytes as JSON, over Lambda's limit of 4096/);
  });
});
