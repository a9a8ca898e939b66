/**
 * components/validation.ts, pinned where a later mutation run still found rules no test fixed: the
 * anchors of the VPC and security group ID patterns, the advice added only to an open block's
 * refusal, the argument each DNS-name refusal names, which unknown values the environment's size
 * leaves out, and the checks that apply only in one branch (the derived private zone, an empty
 * secret name among others, the "both empty" ingress rule applying only when both are empty).
 */
import * as pulumi from "@pulumi/pulumi";

import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import { checkIngressCidr, logGroupNamePrefix, SECRET_ARN_ENVIRONMENT_BYTES } from "../../components/validation";
import { LAMBDA_ENVIRONMENT_MAX_BYTES, lambdaEnvironmentBytes } from "../../policy/awsConstraints";
import { ok, refused } from "./validArgs";

const dnsNameRefusal = (what: string, name: string) =>
  `${what} "${name}" is not a valid DNS name: use lower-case labels of letters, digits and hyphens, at least ` +
  `two of them, without a trailing dot (for example "service.example.com").`;

describe("IDs must be whole IDs: text before or after a valid one is refused", () => {
  // The patterns are anchored at both ends; an ID found inside longer text is not an ID.
  it.each(["xvpc-0abc", "my-vpc-0abc", "vpc-0abc junk", "vpc-0abc\nvpc-0def", " vpc-0abc"])(
    "the VPC ID %j is refused",
    (vpc) => {
      refused({ extraVpcIds: [vpc] }, `extraVpcIds entry "${vpc}" is not a VPC ID (vpc-…).`);
    },
  );

  it.each(["xsg-0abc", "my-sg-0abc", "sg-0abc junk", "sg-0abc\nsg-0def", " sg-0abc"])(
    "the security group ID %j is refused",
    (sg) => {
      refused(
        { allowedSecurityGroupIds: [sg] },
        `allowedSecurityGroupIds entry "${sg}" is not a security group ID (sg-…).`,
      );
    },
  );

  it("whole IDs are allowed", () => {
    ok({ extraVpcIds: ["vpc-0abc"], allowedSecurityGroupIds: ["sg-0abc"] });
  });
});

describe("checkIngressCidr adds the private-service advice only to the refusal of an open block", () => {
  it.each([
    // Malformed, though ending in /0: the refusal is the malformed one, without the advice.
    ["x/0", 'Ingress CIDR block "x/0" is not a valid IPv4 or IPv6 CIDR block (for example "10.0.0.0/16").'],
    [
      "10.0.0.0/33",
      'Ingress CIDR block "10.0.0.0/33" is not a valid IPv4 or IPv6 CIDR block (for example "10.0.0.0/16").',
    ],
    [
      "10.0.0.1/8",
      'Ingress CIDR block "10.0.0.1/8" has address bits set beyond its /8 prefix: give the block\'s network address.',
    ],
    // An "Ingress from" refusal of a block that is not /0 gets no advice either.
    [
      "16.0.0.0/4",
      'Ingress from "16.0.0.0/4" is refused: it includes public addresses and is wider than a /8, so it spans many ' +
        "networks (a few such blocks cover the whole internet). This is refused even where public ingress is allowed.",
    ],
  ])("%j", (cidr, message) => {
    expect(() => checkIngressCidr(cidr)).toThrow(new Error(message));
  });

  it("an open IPv6 block gets the advice", () => {
    expect(() => checkIngressCidr("::/0")).toThrow(
      new Error(
        'Ingress from "::/0" is refused: a /0 block opens the service to every address. PrivateLambdaService ' +
          "is private; allow the VPC's CIDR, specific CIDR blocks or security groups.",
      ),
    );
  });
});

describe("each DNS-name refusal names the argument it is about", () => {
  it.each<[string, Partial<PrivateLambdaServiceArgs>, string]>([
    ["privateZoneName", { privateZoneName: "Internal.example.com" }, "Internal.example.com"],
    ["extraZoneNames entry", { extraZoneNames: ["legacy_host.example.net"] }, "legacy_host.example.net"],
    // A valid entry before the bad one: every entry is checked, not only the first.
    ["extraZoneNames entry", { extraZoneNames: ["ok.example.net", "localhost"] }, "localhost"],
    ["certificateZoneName", { certificateZoneId: "ZPUB", certificateZoneName: "example.com." }, "example.com."],
  ])("%s", (what, overrides, name) => {
    refused(overrides, dnsNameRefusal(what, name));
  });
});

describe("a private zone is derived from the hostname only when none is given", () => {
  it("a hostname just below a top-level domain is allowed with an existing zone's id", () => {
    // Nothing is derived, so the hostname's parent being a top-level domain does not matter.
    ok({ hostname: "svc.example", privateZoneId: "ZPRIV" });
  });

  it("without a zone's name or id it is refused", () => {
    refused(
      { hostname: "svc.example" },
      'Cannot derive a private zone from hostname "svc.example" (its parent is a top-level domain): ' +
        "give privateZoneName or privateZoneId.",
    );
  });
});

describe("entry", () => {
  it.each<[string, unknown]>([
    // A JavaScript caller, or a config value read with config.get(), can leave it unset.
    ["missing", undefined],
    ["not a string", 42],
  ])("%s is refused with the argument's name, not a TypeError", (_, entry) => {
    refused({ entry: entry as string }, "[entry] is required: the path of the module that exports callbackFactory().");
  });
});

describe("secrets", () => {
  it.each<Record<string, string>>([
    { token: "x", "": "y" },
    { " ": "x", token: "y" },
  ])("an empty name among valid ones is refused: %j", (secrets) => {
    refused({ secrets }, "secrets must not contain an empty name.");
  });
});

describe("ingress: an empty security group list next to CIDR blocks is allowed", () => {
  // The CIDR blocks still let clients reach the ALB, so this is not the "both empty" refusal.
  it.each<[string, Partial<PrivateLambdaServiceArgs>]>([
    ["CIDR blocks and no security groups", { allowedCidrBlocks: ["10.0.0.0/16"], allowedSecurityGroupIds: [] }],
    [
      "no security groups, CIDR blocks unknown yet",
      { allowedCidrBlocks: [pulumi.output("10.0.0.0/16")], allowedSecurityGroupIds: [] },
    ],
  ])("%s is allowed", (_, overrides) => ok(overrides));
});

describe("ingress: an empty list with the other unset is refused", () => {
  // Setting either list turns the VPC's own CIDR block off: an empty one alone leaves no ingress at all.
  it.each<[string, Partial<PrivateLambdaServiceArgs>]>([
    ["no CIDR blocks, security groups unset", { allowedCidrBlocks: [] }],
    ["no security groups, CIDR blocks unset", { allowedSecurityGroupIds: [] }],
    ["both empty", { allowedCidrBlocks: [], allowedSecurityGroupIds: [] }],
  ])("%s", (_, overrides) =>
    refused(
      overrides,
      "allowedCidrBlocks and allowedSecurityGroupIds are both empty, so nothing could reach the ALB. " +
        "Leave both unset to allow the VPC's own CIDR block.",
    ),
  );

  it("both unset is allowed: the VPC's own CIDR block may reach the ALB", () =>
    ok({ allowedCidrBlocks: undefined, allowedSecurityGroupIds: undefined }));
});

describe("extra VPCs: the same VPC twice is refused, whether known now or an output", () => {
  const vpc = pulumi.output("vpc-0b");
  const vpcId = pulumi.output("vpc-0a");
  it.each<[string, Partial<PrivateLambdaServiceArgs>]>([
    ["the same ID twice", { extraVpcIds: ["vpc-0b", "vpc-0b"] }],
    ["the same output twice", { extraVpcIds: [vpc, vpc] }],
    ["the stack's own VPC output among them", { vpcId, extraVpcIds: [vpcId] }],
  ])("%s", (_, overrides) => refused(overrides, "extraVpcIds must not repeat a VPC or contain [vpcId] itself."));

  it("two different outputs are allowed: their values are not known yet", () =>
    ok({ extraVpcIds: [pulumi.output("vpc-0b"), pulumi.output("vpc-0c")] }));
});

describe("the environment's size counts only values known now", () => {
  /** An environment of exactly `bytes` bytes as JSON. */
  const sized = (bytes: number) => {
    const base = lambdaEnvironmentBytes({ BIG: "" });
    return { BIG: "x".repeat(bytes - base) };
  };
  const fits = LAMBDA_ENVIRONMENT_MAX_BYTES - SECRET_ARN_ENVIRONMENT_BYTES;

  it("an unknown value next to a full known environment is not counted here", () => {
    // Its size is not known until it resolves; counting its JSON (an Output's stand-in text) would
    // refuse a configuration by a number that has nothing to do with the value.
    ok({ environment: { ...sized(fits), LATER: pulumi.output("v") } });
  });

  it("the known values alone are still measured", () => {
    refused(
      { environment: { ...sized(fits + 1), LATER: pulumi.output("v") } },
      `environment measures ${fits + 1} bytes as JSON (plus about ${SECRET_ARN_ENVIRONMENT_BYTES} for SECRET_ARN), ` +
        `over Lambda's limit of ${LAMBDA_ENVIRONMENT_MAX_BYTES} for all variables together: ship large data as [files].`,
    );
  });
});

describe("logGroupNamePrefix", () => {
  it.each([
    ["svc", "/aws/lambda/svc-"],
    ["hipchat-proxy", "/aws/lambda/hipchat-proxy-"],
  ])("%s → %s: Lambda's log group path for the component's function", (name, prefix) => {
    expect(logGroupNamePrefix(name)).toBe(prefix);
  });
});
