/**
 * What PrivateLambdaService checks against AWS while `pulumi preview` runs (read-only lookups), and
 * how a failed check stops the preview: with a message, on the resources that depend on it.
 *
 * The failing services are built in a child process (fixtures/failingServices.ts): a failed check
 * fails every resource downstream of it, and those failures surface as unhandled rejections that a
 * jest worker would report against whichever test runs. The passing cases run here.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

import type * as Components from "../../components";
import { installPulumiMocks, type PulumiMockHarness, settled, unwrap } from "../support/pulumiMocks";
import {
  baseArgs,
  FAILING_CASES,
  GOOD_SUBNETS,
  GOOD_VPC,
  MOCK_OPTIONS,
  PUBLIC_VPC,
  PUBLIC_VPC_SUBNETS,
} from "./fixtures/failingServices";

let mocks: PulumiMockHarness;
let components: typeof Components;
let failures: Record<string, string>;

beforeAll(async () => {
  const harness = path.join(__dirname, "fixtures", "failingServices.ts");
  const stdout = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", harness], {
    cwd: path.resolve(__dirname, "../.."),
    encoding: "utf8",
    timeout: 120_000,
  });
  failures = JSON.parse(stdout.trim().split("\n").pop() as string);
  mocks = await installPulumiMocks(MOCK_OPTIONS);
  components = await import("../../components");
}, 150_000);

afterAll(settled);

function service(
  name: string,
  overrides: Partial<Components.PrivateLambdaServiceArgs>,
): Components.PrivateLambdaService {
  return new components.PrivateLambdaService(name, { ...baseArgs(), ...overrides });
}

describe("passing checks", () => {
  it("look up the VPC and each subnet once, and build the service", async () => {
    const before = mocks.calls.length;
    const svc = service("ok", {});
    expect(await unwrap(svc.albDnsName)).toMatch(/^internal-ok-alb-/);
    await settled();
    const calls = mocks.calls.slice(before).map((c) => `${c.token} ${c.inputs.id}`);
    expect(calls.sort()).toEqual(
      [`aws:ec2/getVpc:getVpc ${GOOD_VPC}`, ...GOOD_SUBNETS.map((s) => `aws:ec2/getSubnet:getSubnet ${s}`)].sort(),
    );
  });

  it("look up the public zone of a certificate validated by DNS", async () => {
    const before = mocks.calls.length;
    const svc = service("zoneok", { certificateZoneId: "ZPUBLIC" });
    expect(await unwrap(svc.listeners.https!.arn)).toContain(":listener/");
    await settled();
    expect(mocks.calls.slice(before).filter((c) => c.token === "aws:route53/getZone:getZone")).toEqual([
      expect.objectContaining({ inputs: { zoneId: "ZPUBLIC" } }),
    ]);
  });

  it("allow public ingress with allowPublicCidrs, within the bound", async () => {
    const svc = service("pubok", { allowedCidrBlocks: ["203.0.113.0/24"], allowPublicCidrs: true });
    expect(await unwrap(svc.ingressRules[0].id)).toMatch(/^sgr-/);
  });

  it("allow blocks inside the VPC's own blocks, IPv4 and IPv6, even in public space", async () => {
    const svc = service("ownblock", {
      vpcId: PUBLIC_VPC,
      subnetIds: PUBLIC_VPC_SUBNETS,
      allowedCidrBlocks: ["198.51.100.0/25", "2001:db8:1234:5600::/64"],
    });
    expect(await unwrap(svc.ingressRules[0].id)).toMatch(/^sgr-/);
    expect(await unwrap(svc.ingressRules[1].id)).toMatch(/^sgr-/);
    const own = service("owndefault", { vpcId: PUBLIC_VPC, subnetIds: PUBLIC_VPC_SUBNETS });
    expect(await unwrap(own.ingressRules[0].id)).toMatch(/^sgr-/);
  });

  it("refuse halves of the internet before anything is created, even with allowPublicCidrs", () => {
    expect(() => service("halves", { allowedCidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] })).toThrow(
      /Ingress from "0.0.0.0\/1" is refused: it includes public addresses and is wider than a \/8/,
    );
    expect(() => service("halves6", { allowedCidrBlocks: ["2000::/4"], allowPublicCidrs: true })).toThrow(
      /wider than a \/32/,
    );
  });
});

describe("failing checks stop the resources that depend on them, with a message", () => {
  it.each<[string, RegExp]>([
    [
      "nodns",
      /VPC vpc-0000000000000000b has enableDnsSupport=true and enableDnsHostnames=false: a private hosted zone resolves only in VPCs with both turned on/,
    ],
    ["nodnszone", /enableDnsHostnames=false/],
    ["onezone", /subnetIds must be in at least 2 Availability Zones \(an ALB needs two\); .* are all in eu-west-1a/],
    [
      "foreign",
      /subnetIds must be subnets of vpc-0000000000000000a; subnet-00000000000000b02 is in vpc-0000000000000000b/,
    ],
    ["outsubnets", /subnetIds must list at least 2 subnets/],
    [
      "privzone",
      /certificateZoneId ZPRIVATE \(example.com\) is a private hosted zone: ACM validates certificates only through records in a public zone/,
    ],
    ["otherzone", /is the zone of example.org, which does not contain svc.internal.example.com/],
    [
      "pub",
      /allowedCidrBlocks: Ingress from "203.0.113.0\/24" is refused: it includes public addresses .* set allowPublicCidrs: true/,
    ],
    ["pubv6", /Ingress from "2001:db8::\/48" is refused: it includes public addresses/],
    ["bigsecret", /secrets \(token\) measure 70012 bytes as JSON; Secrets Manager stores at most 65536\.$/],
  ])("%s", (name, message) => {
    expect(Object.keys(FAILING_CASES)).toContain(name);
    expect(failures[name]).toMatch(message);
    expect(failures[name]).not.toContain("xxxxxxxx"); // never a secret value
  });
});
