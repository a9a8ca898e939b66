/**
 * validateArgs and its helpers: pure functions, no Pulumi runtime. Each refusal is matched on the
 * text an operator would read.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import { checkIngressCidr, isOpenCidr, isWithinDomain, parentDomain, validateArgs } from "../../components/validation";

function args(overrides: Partial<PrivateLambdaServiceArgs> = {}): PrivateLambdaServiceArgs {
  return {
    entry: "service/handler.ts",
    secrets: { token: "x" },
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-a", "subnet-b"],
    hostname: "svc.internal.example.com",
    ...overrides,
  };
}

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
