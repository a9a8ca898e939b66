/**
 * validateArgs and its helpers: pure functions, no Pulumi runtime. Each refusal is matched on the
 * text an operator would read.
 */
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";

import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import {
  certificateZoneProblem,
  checkIngressCidr,
  isOpenCidr,
  isWithinDomain,
  parentDomain,
  subnetsProblem,
  validateArgs,
  validateName,
  vpcDnsProblem,
} from "../../components/validation";
import { type ValidConfig, validConfig } from "./arbitraries";
import { args } from "./validArgs";

// A stand-in for a provider; validateArgs only checks whether one is present.
const provider = {} as pulumi.ProviderResource;

describe("validateArgs accepts", () => {
  it.each<[string, Partial<PrivateLambdaServiceArgs>]>([
    ["the minimum", {}],
    ["a reserved concurrency", { reservedConcurrency: 50 }],
    ["no secrets at all", { secrets: undefined }],
    ["HTTPS by certificate ARN", { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123" }],
    [
      "HTTPS by DNS validation through a DNS provider",
      { certificateZoneId: "ZPUB", certificateZoneName: "example.com", dnsProvider: provider },
    ],
    [
      "an existing zone whose domain holds the hostname",
      { privateZoneId: "ZPRIV", privateZoneName: "internal.example.com" },
    ],
    ["a hostname at the zone's apex", { hostname: "hipchat.example.com", privateZoneName: "hipchat.example.com" }],
    ["security groups only", { allowedSecurityGroupIds: ["sg-0123abcd"] }],
    ["CIDR blocks only, IPv4 and IPv6", { allowedCidrBlocks: ["10.0.0.0/8", "fd00::/8"] }],
    ["an empty CIDR list next to security groups", { allowedCidrBlocks: [], allowedSecurityGroupIds: ["sg-0123abcd"] }],
    [
      "values still unknown (Outputs)",
      { allowedCidrBlocks: [pulumi.output("0.0.0.0/0")], certificateArn: pulumi.output("x") },
    ],
    ["extra zones over plain HTTP", { extraZoneNames: ["hipchat.example.net"] }],
    [
      "extra zones with HTTPS when :80 forwards",
      { extraZoneNames: ["hipchat.example.net"], certificateZoneId: "Z1", redirectHttpToHttps: false },
    ],
    [
      "tunables in range",
      {
        memorySize: 128,
        timeout: 900,
        logRetentionInDays: 3653,
        secretRecoveryWindowInDays: 30,
        healthCheckPath: "/healthz",
      },
    ],
  ])("%s", (_label, overrides) => {
    expect(() => validateArgs(args(overrides))).not.toThrow();
  });
});

describe("validateArgs refuses", () => {
  it.each<[string, Partial<PrivateLambdaServiceArgs>, string]>([
    // the function
    ["no entry module", { entry: " " }, "[entry] is required: the path of the module that exports callbackFactory()."],
    [
      "a reserved concurrency of zero (the function would never run)",
      { reservedConcurrency: 0 },
      "reservedConcurrency must be an integer from 1 to 10000; got 0.",
    ],
    ["memory out of range", { memorySize: 64 }, "memorySize must be an integer from 128 to 10240; got 64."],
    ["a fractional timeout", { timeout: 2.5 }, "timeout must be an integer from 1 to 900; got 2.5."],
    [
      "a retention CloudWatch does not offer",
      { logRetentionInDays: 10 },
      "logRetentionInDays must be one of CloudWatch Logs' periods",
    ],
    ["SECRET_ARN in the environment", { environment: { SECRET_ARN: "x" } }, "environment must not set SECRET_ARN"],
    [
      "a variable Lambda reserves",
      { environment: { AWS_REGION: "x" } },
      "environment must not set AWS_REGION: Lambda reserves it.",
    ],
    ["a malformed variable name", { environment: { "1BAD": "x" } }, 'environment variable name "1BAD" is not valid'],
    // the secret
    [
      "an empty secrets map",
      { secrets: {} },
      'secrets must name at least one value (for example { apiToken: config.requireSecret("apiToken") }); leave it unset for a service without secrets.',
    ],
    ["an empty secret name", { secrets: { " ": "x" } }, "secrets must not contain an empty name."],
    [
      "a recovery window without secrets",
      { secrets: undefined, secretRecoveryWindowInDays: 7 },
      "[secretRecoveryWindowInDays] needs [secrets]: without secrets no secret is created.",
    ],
    [
      "a recovery window AWS refuses",
      { secretRecoveryWindowInDays: 3 },
      "secretRecoveryWindowInDays must be 0 (delete at once) or 7 to 30; got 3.",
    ],
    // the network
    [
      "fewer than 2 subnets",
      { subnetIds: ["subnet-a"] },
      "subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got 1.",
    ],
    ["no subnets", { subnetIds: [] }, "got 0."],
    [
      "0.0.0.0/0",
      { allowedCidrBlocks: ["0.0.0.0/0"] },
      'Ingress from "0.0.0.0/0" is refused: a /0 block opens the service to every address.',
    ],
    ["::/0", { allowedCidrBlocks: ["10.0.0.0/8", "::/0"] }, 'Ingress from "::/0" is refused'],
    ["any other /0", { allowedCidrBlocks: ["10.0.0.0/0"] }, 'Ingress from "10.0.0.0/0" is refused'],
    [
      "a malformed CIDR block",
      { allowedCidrBlocks: ["10.0.0.300/16"] },
      'Ingress CIDR block "10.0.0.300/16" is not a valid IPv4 or IPv6 CIDR block',
    ],
    [
      "a malformed security group ID",
      { allowedSecurityGroupIds: ["default"] },
      'allowedSecurityGroupIds entry "default" is not a security group ID',
    ],
    [
      "both ingress lists empty",
      { allowedCidrBlocks: [], allowedSecurityGroupIds: [] },
      "allowedCidrBlocks and allowedSecurityGroupIds are both empty",
    ],
    [
      "a health check path without a slash",
      { healthCheckPath: "healthz" },
      'healthCheckPath must be a path starting with "/"',
    ],
    // DNS
    ["an upper-case hostname", { hostname: "Svc.Example.com" }, 'hostname "Svc.Example.com" is not a valid DNS name'],
    ["a hostname with a trailing dot", { hostname: "svc.example.com." }, "is not a valid DNS name"],
    [
      "a hostname outside the private zone",
      { privateZoneName: "other.example.com" },
      'hostname "svc.internal.example.com" is outside the private zone\'s domain "other.example.com"',
    ],
    [
      "a suffix that is not a parent domain",
      { hostname: "svc.badexample.com", privateZoneName: "example.com" },
      "is outside the private zone's domain",
    ],
    [
      "a hostname whose parent is a TLD, with no zone given",
      { hostname: "example.com" },
      'Cannot derive a private zone from hostname "example.com"',
    ],
    [
      "an extra zone equal to the hostname",
      { extraZoneNames: ["svc.internal.example.com"] },
      "extraZoneNames must not repeat a name or contain the hostname itself.",
    ],
    // HTTPS half-configured
    [
      "both certificateArn and certificateZoneId",
      { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x", certificateZoneId: "Z1" },
      "Only one of [certificateArn] or [certificateZoneId] can be specified",
    ],
    [
      "certificateZoneName without its zone",
      { certificateZoneName: "example.com" },
      "HTTPS is half-configured: [certificateZoneName] needs [certificateZoneId]",
    ],
    [
      "a DNS provider without a zone",
      { dnsProvider: provider },
      "HTTPS is half-configured: [dnsProvider] needs [certificateZoneId]",
    ],
    [
      "a TLS policy without HTTPS",
      { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" },
      "HTTPS is half-configured: [sslPolicy] needs [certificateArn] or [certificateZoneId].",
    ],
    [
      "a redirect without HTTPS",
      { redirectHttpToHttps: true },
      "HTTPS is half-configured: [redirectHttpToHttps] needs",
    ],
    [
      "a certificate ARN that is not ACM's",
      { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
      "is not an ACM certificate ARN",
    ],
    [
      "a hostname outside the public zone",
      { certificateZoneId: "Z1", certificateZoneName: "example.org" },
      'is outside the public zone\'s domain "example.org"',
    ],
    [
      "extra zones while :80 redirects to HTTPS",
      { extraZoneNames: ["hipchat.example.net"], certificateZoneId: "Z1" },
      "set redirectHttpToHttps to false",
    ],
  ])("%s", (_label, overrides, message) => {
    expect(() => validateArgs(args(overrides))).toThrow(message);
  });
});

describe("helpers", () => {
  it("recognises open CIDR blocks", () => {
    expect(["0.0.0.0/0", "::/0", " 0.0.0.0/0 ", "1.2.3.4/00"].every(isOpenCidr)).toBe(true);
    expect(["10.0.0.0/8", "10.0.0.0/10", "fd00::/8"].some(isOpenCidr)).toBe(false);
  });

  it("tells IPv4 from IPv6 blocks", () => {
    expect(checkIngressCidr("10.1.2.0/24")).toBe("ipv4");
    expect(checkIngressCidr("2001:db8::/32")).toBe("ipv6");
    expect(() => checkIngressCidr("10.1.2.0/33")).toThrow("not a valid IPv4 or IPv6 CIDR block");
    expect(() => checkIngressCidr("10.1.2.0")).toThrow("not a valid IPv4 or IPv6 CIDR block");
  });

  it("derives the parent domain and checks domain membership by whole labels", () => {
    expect(parentDomain("a.b.example.com")).toBe("b.example.com");
    expect(parentDomain("example.com")).toBeUndefined();
    expect(isWithinDomain("a.example.com", "example.com")).toBe(true);
    expect(isWithinDomain("example.com", "example.com.")).toBe(true);
    expect(isWithinDomain("aexample.com", "example.com")).toBe(false);
  });
});

describe("AWS's limits, checked before anything is created", () => {
  it.each<[string, Partial<PrivateLambdaServiceArgs>]>([
    [
      "public CIDR blocks with allowPublicCidrs (checked against the VPC later)",
      {
        allowedCidrBlocks: ["203.0.113.0/24"],
        allowPublicCidrs: true,
      },
    ],
    ["public CIDR blocks, not yet known to be outside the VPC's own", { allowedCidrBlocks: ["198.51.100.0/24"] }],
    ["the whole unique local IPv6 range", { allowedCidrBlocks: ["fc00::/7"] }],
    ["extra VPCs for the created zone", { extraVpcIds: ["vpc-0123456789abcdef1", pulumi.output("vpc-x")] }],
    ["subnets as one Output", { subnetIds: pulumi.output(["subnet-a"]) }],
    ["tags every service accepts", { tags: { Team: "chat ops", "cost-centre": "1234", "a:b/c=d+e@f": "x_y.z" } }],
    [
      "9 tags with created zones (Route 53 takes 10, Name included)",
      {
        tags: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v"])),
      },
    ],
    [
      "49 tags on an existing zone",
      {
        privateZoneId: "Z1",
        tags: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"])),
      },
    ],
    [
      "a 64-character hostname with DNS validation",
      {
        hostname: `${"a".repeat(52)}.example.com`,
        certificateZoneId: "Z1",
      },
    ],
    ["five layers", { layers: ["l1", "l2", "l3", "l4", "l5"] }],
  ])("%s", (_label, overrides) => {
    expect(() => validateArgs(args(overrides), "svc")).not.toThrow();
  });

  it.each<[string, Partial<PrivateLambdaServiceArgs>, string]>([
    ["half the internet", { allowedCidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }, 'Ingress from "0.0.0.0/1" is refused'],
    [
      "a /7 of public space, even with the opt-in",
      {
        allowedCidrBlocks: ["2.0.0.0/7"],
        allowPublicCidrs: true,
      },
      "wider than a /8",
    ],
    ["a public IPv6 /31", { allowedCidrBlocks: ["2001:db8::/31"] }, "wider than a /32"],
    ["host bits set", { allowedCidrBlocks: ["10.0.0.1/8"] }, "has address bits set beyond its /8 prefix"],
    ["allowPublicCidrs without blocks", { allowPublicCidrs: true }, "[allowPublicCidrs] needs [allowedCidrBlocks]"],
    ["a malformed extra VPC", { extraVpcIds: ["default"] }, 'extraVpcIds entry "default" is not a VPC ID'],
    [
      "the VPC itself as an extra VPC",
      { extraVpcIds: ["vpc-0123456789abcdef0"] },
      "must not repeat a VPC or contain [vpcId]",
    ],
    [
      "extra VPCs with nothing created to associate",
      {
        privateZoneId: "Z1",
        extraVpcIds: ["vpc-0123456789abcdef1"],
      },
      "with [privateZoneId] and no [extraZoneNames] it creates none",
    ],
    ["a tag key AWS reserves", { tags: { "aws:cost": "x" } }, 'begins with "aws:"'],
    [
      "an apostrophe in a tag value",
      { tags: { Owner: "chat's team" } },
      "has characters AWS (IAM, Lambda, ELB, Secrets Manager, ACM, CloudWatch) refuses",
    ],
    ["a 257-character tag value", { tags: { Note: "x".repeat(257) } }, "over the limit of 256"],
    ["a 129-character tag key", { tags: { ["k".repeat(129)]: "x" } }, "keys are 1 to 128"],
    [
      "10 tags with created zones (11 with Name)",
      {
        tags: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "v"])),
      },
      "11 tags, over Route 53's limit of 10",
    ],
    [
      "no legacy names but :80 not redirecting",
      {
        certificateZoneId: "Z1",
        redirectHttpToHttps: false,
      },
      "redirectHttpToHttps: false forwards plain HTTP only for the legacy names",
    ],
    [
      "a 65-character hostname with DNS validation",
      {
        hostname: `${"a".repeat(53)}.example.com`,
        certificateZoneId: "Z1",
      },
      "ACM issues certificates only for a first domain name of at most 64",
    ],
    ["an environment over 4 KB", { environment: { BIG: "x".repeat(4000) } }, "over Lambda's limit of 4096"],
    ["six layers", { layers: ["l1", "l2", "l3", "l4", "l5", "l6"] }, "Lambda allows 5"],
  ])("refuses %s", (_label, overrides, message) => {
    expect(() => validateArgs(args(overrides), "svc")).toThrow(message);
  });

  it("refuses a component name whose generated AWS names would not fit, or with other characters", () => {
    expect(() => validateName("a".repeat(20))).not.toThrow();
    expect(() => validateName("a".repeat(21))).toThrow(
      `load balancer name is 33 characters, over AWS's limit of 32. Give it a shorter resource name (at most 24 characters)`,
    );
    for (const bad of ["-svc", "svc-", "svc_1", "svc.1", "svc 1", "sv'c"]) {
      expect(() => validateName(bad)).toThrow("must be letters, digits and hyphens");
    }
    expect(() => validateName("internal-x")).toThrow('must not begin with "internal-"');
  });
});

describe("checks run once AWS has answered", () => {
  it("vpcDnsProblem: both DNS attributes on", () => {
    expect(vpcDnsProblem({ id: "vpc-1", enableDnsSupport: true, enableDnsHostnames: true })).toBeUndefined();
    expect(vpcDnsProblem({ id: "vpc-1", enableDnsSupport: true, enableDnsHostnames: false })).toMatch(
      "VPC vpc-1 has enableDnsSupport=true and enableDnsHostnames=false",
    );
    expect(vpcDnsProblem({ id: "vpc-1", enableDnsSupport: false, enableDnsHostnames: true })).toMatch(
      "modify-vpc-attribute --vpc-id vpc-1",
    );
  });

  it("subnetsProblem: the VPC's subnets, in two zones at least", () => {
    const s = (id: string, az: string, vpcId = "vpc-1") => ({ id, vpcId, availabilityZone: az });
    expect(subnetsProblem("vpc-1", [s("a", "eu-west-1a"), s("b", "eu-west-1b")])).toBeUndefined();
    expect(subnetsProblem("vpc-1", [s("a", "eu-west-1a"), s("b", "eu-west-1a")])).toMatch(
      "subnetIds must be in at least 2 Availability Zones",
    );
    expect(subnetsProblem("vpc-1", [s("a", "eu-west-1a"), s("b", "eu-west-1b", "vpc-2")])).toMatch(
      "subnetIds must be subnets of vpc-1; b is in vpc-2.",
    );
  });

  it("certificateZoneProblem: a public zone holding the hostname", () => {
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.com", privateZone: false }, "a.example.com")).toBe(
      undefined,
    );
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.com", privateZone: true }, "a.example.com")).toMatch(
      "is a private hosted zone: ACM validates certificates only through records in a public zone",
    );
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.org", privateZone: false }, "a.example.com")).toMatch(
      "which does not contain a.example.com",
    );
  });

  it("checkIngressCidr with the VPC's blocks: public space only inside them or with the opt-in", () => {
    expect(checkIngressCidr("198.51.100.0/25", { ownBlocks: ["198.51.100.0/24"] })).toBe("ipv4");
    expect(() => checkIngressCidr("198.51.100.0/23", { ownBlocks: ["198.51.100.0/24"] })).toThrow(
      "set allowPublicCidrs: true",
    );
    expect(checkIngressCidr("198.51.100.0/23", { ownBlocks: [], allowPublic: true })).toBe("ipv4");
    expect(checkIngressCidr("2001:db8:1:2::/64", { ownBlocks: ["2001:db8:1::/56"] })).toBe("ipv6");
  });
});

describe("properties", () => {
  it("accepts every random valid configuration", () => {
    fc.assert(
      fc.property(validConfig, ({ name, args: a }) => {
        validateArgs({ entry: "e.ts", vpcId: "vpc-0123456789abcdef0", subnetIds: ["s-a", "s-b"], ...a }, name);
      }),
      { numRuns: 300 },
    );
  });

  /** Each constraint, broken on an otherwise valid configuration: refused with its message. */
  const violations: [string, fc.Arbitrary<(c: ValidConfig) => ValidConfig>, RegExp][] = [
    [
      "a component name over 20 characters",
      fc.stringMatching(/^[a-z][a-z0-9-]{19,40}[a-z0-9]$/).map((n) => (c) => ({ ...c, name: n })),
      /too long or not allowed/,
    ],
    [
      "a component name with a character AWS names refuse",
      fc.constantFrom("_", ".", " ", "'", "/", "é").map((ch) => (c) => ({ ...c, name: `a${ch}b` })),
      /must be letters, digits and hyphens/,
    ],
    [
      "a tag key with the aws: prefix",
      fc
        .stringMatching(/^[a-z]{1,10}$/)
        .map((k) => (c) => ({ ...c, args: { ...c.args, tags: { [`aws:${k}`]: "v" } } })),
      /begins with "aws:"/,
    ],
    [
      "a tag value over 256 characters",
      fc.integer({ min: 257, max: 600 }).map((n) => (c) => ({ ...c, args: { ...c.args, tags: { K: "v".repeat(n) } } })),
      /over the limit of 256/,
    ],
    [
      "a tag with a character IAM, Lambda or ELB refuse",
      fc.constantFrom("'", '"', ",", "(", ")", "!", "#", "*", "&", ";").map((ch) => (c) => ({
        ...c,
        args: { ...c.args, tags: { K: `a${ch}b` } },
      })),
      /has characters AWS \(IAM, Lambda, ELB, Secrets Manager, ACM, CloudWatch\) refuses/,
    ],
    [
      "an IPv4 block wider than /8",
      fc
        .integer({ min: 1, max: 7 })
        .map((p) => (c) => ({ ...c, args: { ...c.args, allowedCidrBlocks: [`0.0.0.0/${p}`] } })),
      /wider than a \/8/,
    ],
    [
      "a public IPv6 block wider than /32",
      fc.integer({ min: 4, max: 31 }).map((p) => (c) => ({
        ...c,
        args: { ...c.args, allowedCidrBlocks: [`2000::/${p}`], allowPublicCidrs: true },
      })),
      /wider than a \/32/,
    ],
    [
      "an environment over 4 KB",
      fc
        .integer({ min: 4100, max: 8000 })
        .map((n) => (c) => ({ ...c, args: { ...c.args, environment: { BIG: "x".repeat(n) } } })),
      /over Lambda's limit of 4096/,
    ],
    [
      "a hostname over 64 characters with DNS validation",
      fc.integer({ min: 53, max: 60 }).map((n) => (c) => ({
        ...c,
        args: {
          ...c.args,
          hostname: `${"h".repeat(n)}.example.com`,
          certificateArn: undefined,
          certificateZoneId: "ZPUB",
          certificateZoneName: undefined,
          redirectHttpToHttps: c.args.extraZoneNames ? false : undefined,
          privateZoneId: undefined,
          privateZoneName: undefined,
        },
      })),
      /ACM issues certificates only for a first domain name of at most 64/,
    ],
  ];

  it.each(violations.map(([label, mutate, message]) => [label, mutate, message] as const))(
    "refuses %s",
    (_label, mutate, message) => {
      fc.assert(
        fc.property(validConfig, mutate, (config, breakIt) => {
          const { name, args: a } = breakIt(config);
          expect(() =>
            validateArgs({ entry: "e.ts", vpcId: "vpc-0123456789abcdef0", subnetIds: ["s-a", "s-b"], ...a }, name),
          ).toThrow(message);
        }),
        { numRuns: 100 },
      );
    },
  );
});
