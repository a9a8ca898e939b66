/**
 * components/validation.ts, pinned where mutation testing (npm run mutate) found rules no other test
 * fixed: every range's both ends, every reserved environment name, the environment's size at its
 * limit with and without the room kept for SECRET_ARN, the layer count, and each refusal's full text.
 */
import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import {
  certificateZoneProblem,
  checkDnsName,
  checkIngressCidr,
  COMPONENT_NAME_MAX,
  componentTagRule,
  isOpenCidr,
  isWithinDomain,
  parentDomain,
  subnetsProblem,
  vpcDnsProblem,
  LOG_RETENTION_DAYS,
  RESERVED_ENVIRONMENT_NAMES,
  SECRET_ARN_ENVIRONMENT_BYTES,
  validateArgs,
  validateName,
} from "../../components/validation";
import {
  ACM_DOMAIN_NAME_MAX,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  LAMBDA_LAYERS_MAX,
  lambdaEnvironmentBytes,
} from "../../policy/awsConstraints";
import { args, ok, refused } from "./validArgs";

describe("integer ranges: both ends are allowed, one past either end and fractions are refused", () => {
  it.each<[keyof PrivateLambdaServiceArgs, number, number]>([
    ["memorySize", 128, 10240],
    ["timeout", 1, 900],
    ["reservedConcurrency", 1, 10000],
  ])("%s from %d to %d", (key, min, max) => {
    ok({ [key]: min });
    ok({ [key]: max });
    for (const bad of [min - 1, max + 1, min + 0.5, Number.NaN]) {
      refused({ [key]: bad }, `${key} must be an integer from ${min} to ${max}; got ${bad}.`);
    }
  });
});

describe("environment", () => {
  it.each(RESERVED_ENVIRONMENT_NAMES.filter((n) => n !== "SECRET_ARN" && !n.startsWith("_")))(
    "%s is refused: Lambda reserves it",
    (key) => {
      refused({ environment: { [key]: "x" } }, `environment must not set ${key}: Lambda reserves it.`);
    },
  );

  it("the reserved names that start with _ are refused by the name's pattern already", () => {
    for (const key of ["_HANDLER", "_X_AMZN_TRACE_ID"]) {
      expect(RESERVED_ENVIRONMENT_NAMES).toContain(key);
      refused(
        { environment: { [key]: "x" } },
        `environment variable name "${key}" is not valid: use letters, digits and "_", starting with a letter.`,
      );
    }
  });

  it("SECRET_ARN is refused because the component sets it", () => {
    refused(
      { environment: { SECRET_ARN: "x" } },
      "environment must not set SECRET_ARN: the component sets it to the ARN of the secret holding [secrets].",
    );
  });

  it("names that only resemble reserved ones are allowed", () => {
    ok({ environment: { AWS_REGION_NAME: "x", aws_region: "x", MY_AWS_REGION: "x", LAMBDA_TASK: "x" } });
  });

  it.each(["1ABC", "_X", "A-B", "A B", "A.B", ""])("the name %j is refused", (key) => {
    refused(
      { environment: { [key]: "x" } },
      `environment variable name "${key}" is not valid: use letters, digits and "_", starting with a letter.`,
    );
  });

  it.each(["A", "a1", "Log_Level_2"])("the name %j is allowed", (key) => ok({ environment: { [key]: "x" } }));

  /** An environment of exactly `bytes` bytes as JSON. */
  const sized = (bytes: number) => {
    const base = lambdaEnvironmentBytes({ BIG: "" });
    return { BIG: "x".repeat(bytes - base) };
  };

  it("fills Lambda's 4 KB exactly without secrets; one byte more is refused", () => {
    ok({ secrets: undefined, environment: sized(LAMBDA_ENVIRONMENT_MAX_BYTES) });
    refused(
      { secrets: undefined, environment: sized(LAMBDA_ENVIRONMENT_MAX_BYTES + 1) },
      `environment measures ${LAMBDA_ENVIRONMENT_MAX_BYTES + 1} bytes as JSON, over Lambda's limit of ` +
        `${LAMBDA_ENVIRONMENT_MAX_BYTES} for all variables together: ship large data as [files].`,
    );
  });

  it("with secrets, keeps room for SECRET_ARN", () => {
    const fits = LAMBDA_ENVIRONMENT_MAX_BYTES - SECRET_ARN_ENVIRONMENT_BYTES;
    ok({ environment: sized(fits) });
    refused(
      { environment: sized(fits + 1) },
      `environment measures ${fits + 1} bytes as JSON (plus about ${SECRET_ARN_ENVIRONMENT_BYTES} for SECRET_ARN), ` +
        `over Lambda's limit of ${LAMBDA_ENVIRONMENT_MAX_BYTES} for all variables together: ship large data as [files].`,
    );
  });
});

describe("other limits", () => {
  it(`allows ${LAMBDA_LAYERS_MAX} layers and refuses one more`, () => {
    const layer = (i: number) => `arn:aws:lambda:eu-west-1:123456789012:layer:l${i}:1`;
    ok({ layers: Array.from({ length: LAMBDA_LAYERS_MAX }, (_, i) => layer(i)) });
    refused(
      { layers: Array.from({ length: LAMBDA_LAYERS_MAX + 1 }, (_, i) => layer(i)) },
      `layers lists ${LAMBDA_LAYERS_MAX + 1} layers; Lambda allows ${LAMBDA_LAYERS_MAX}.`,
    );
  });

  it("every CloudWatch Logs retention period is allowed, and nothing else", () => {
    for (const days of LOG_RETENTION_DAYS) ok({ logRetentionInDays: days });
    for (const days of [0, 2, 366, 3654, 7.5]) {
      refused(
        { logRetentionInDays: days },
        `logRetentionInDays must be one of CloudWatch Logs' periods (${LOG_RETENTION_DAYS.join(", ")}); got ${days}.`,
      );
    }
  });

  it("a secret recovery window is 0, or 7 to 30 days, and needs secrets", () => {
    for (const days of [0, 7, 30]) ok({ secretRecoveryWindowInDays: days });
    for (const days of [6, 31, 7.5, -1]) {
      refused(
        { secretRecoveryWindowInDays: days },
        `secretRecoveryWindowInDays must be 0 (delete at once) or 7 to 30; got ${days}.`,
      );
    }
    refused(
      { secrets: undefined, secretRecoveryWindowInDays: 7 },
      "[secretRecoveryWindowInDays] needs [secrets]: without secrets no secret is created.",
    );
  });

  it("a health check path is / and up to 1,023 more characters without white space", () => {
    ok({ healthCheckPath: "/" });
    ok({ healthCheckPath: `/${"a".repeat(1023)}` });
    for (const path of [`/${"a".repeat(1024)}`, "healthz", "/a b", "", " /x"]) {
      refused({ healthCheckPath: path }, `healthCheckPath must be a path starting with "/"; got "${path}".`);
    }
  });

  it(`a hostname for a validated certificate has at most ${ACM_DOMAIN_NAME_MAX} characters`, () => {
    const host = (n: number) => `${"a".repeat(n - ".example.com".length)}.example.com`;
    const https = { certificateZoneId: "ZPUB", certificateZoneName: "example.com" };
    ok({ ...https, hostname: host(ACM_DOMAIN_NAME_MAX), privateZoneName: "example.com" });
    const long = host(ACM_DOMAIN_NAME_MAX + 1);
    refused(
      { ...https, hostname: long, privateZoneName: "example.com" },
      `hostname "${long}" is ${ACM_DOMAIN_NAME_MAX + 1} characters; ACM issues certificates only for a first ` +
        `domain name of at most ${ACM_DOMAIN_NAME_MAX}. Use a shorter hostname, or an existing certificate ([certificateArn]).`,
    );
    // An existing certificate has no such limit here.
    ok({
      certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
      hostname: long,
      privateZoneName: "example.com",
    });
  });

  it("at least two subnets", () => {
    refused(
      { subnetIds: ["subnet-a"] },
      "subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got 1.",
    );
    refused(
      { subnetIds: undefined },
      "subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got 0.",
    );
  });

  it("the tag rule is Route 53's (10 tags) when the component creates zones, else AWS's (50)", () => {
    expect(componentTagRule(true)).toMatchObject({ service: "Route 53", maxTags: 10, restrictedCharacters: true });
    expect(componentTagRule(false)).toMatchObject({ service: "AWS", maxTags: 50, restrictedCharacters: true });
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));
    ok({ tags: tags(9) }); // plus Name: 10
    expect(() => validateArgs(args({ tags: tags(10) }))).toThrow(/^tags: .*hosted zones included\.$/);
    ok({ privateZoneId: "ZPRIV", privateZoneName: "internal.example.com", tags: tags(49) });
  });
});

describe("the component's name", () => {
  it(`has at most ${COMPONENT_NAME_MAX} characters`, () => {
    expect(() => validateName("a".repeat(COMPONENT_NAME_MAX))).not.toThrow();
    expect(() => validateName("a".repeat(COMPONENT_NAME_MAX + 1))).toThrow(
      new RegExp(
        `^The component name "a{${COMPONENT_NAME_MAX + 1}}" is too long or not allowed \\(use at most 20 characters\\): `,
      ),
    );
  });

  it.each(["-a", "a-", "a_b", "a.b", ""])("%j is refused", (name) => {
    expect(() => validateName(name)).toThrow(
      new Error(
        `The component name "${name}" must be letters, digits and hyphens, not beginning or ending with a hyphen: ` +
          `its children's AWS names are made from it.`,
      ),
    );
  });

  it.each(["a", "A1", "a-b-c"])("%j is allowed", (name) => expect(() => validateName(name)).not.toThrow());
});

describe("the helpers, each answer in full", () => {
  it("vpcDnsProblem: nothing when both attributes are on, else the fix", () => {
    expect(vpcDnsProblem({ id: "vpc-1", enableDnsSupport: true, enableDnsHostnames: true })).toBeUndefined();
    for (const [support, hostnames] of [
      [true, false],
      [false, true],
      [undefined, true],
      [true, undefined],
    ] as const) {
      expect(vpcDnsProblem({ id: "vpc-1", enableDnsSupport: support, enableDnsHostnames: hostnames })).toBe(
        `VPC vpc-1 has enableDnsSupport=${support} and enableDnsHostnames=${hostnames}: a private hosted zone ` +
          `resolves only in VPCs with both turned on, so the service's name would not resolve. Turn both on ` +
          `(aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-support '{"Value":true}', then ` +
          `--enable-dns-hostnames '{"Value":true}') or use another VPC.`,
      );
    }
  });

  it("subnetsProblem: foreign subnets named, then fewer than two zones", () => {
    const s = (id: string, vpcId: string, availabilityZone: string) => ({ id, vpcId, availabilityZone });
    expect(subnetsProblem("vpc-1", [s("a", "vpc-1", "z1"), s("b", "vpc-1", "z2")])).toBeUndefined();
    expect(subnetsProblem("vpc-1", [s("a", "vpc-1", "z1"), s("b", "vpc-2", "z2"), s("c", "vpc-3", "z1")])).toBe(
      "subnetIds must be subnets of vpc-1; b is in vpc-2, c is in vpc-3.",
    );
    expect(subnetsProblem("vpc-1", [s("a", "vpc-1", "z1"), s("b", "vpc-1", "z1")])).toBe(
      "subnetIds must be in at least 2 Availability Zones (an ALB needs two); a, b are all in z1.",
    );
    expect(subnetsProblem("vpc-1", [s("a", "vpc-1", "z1")])).toBe(
      "subnetIds must be in at least 2 Availability Zones (an ALB needs two); a is in z1.",
    );
  });

  it("certificateZoneProblem: a private zone, a zone without the hostname, or nothing", () => {
    const host = "svc.example.com";
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.com" }, host)).toBeUndefined();
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.com", privateZone: false }, host)).toBeUndefined();
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.com", privateZone: true }, host)).toBe(
      "certificateZoneId Z1 (example.com) is a private hosted zone: ACM validates certificates only through records " +
        "in a public zone. Give the public zone of svc.example.com's domain.",
    );
    expect(certificateZoneProblem({ zoneId: "Z1", name: "example.net" }, host)).toBe(
      "certificateZoneId Z1 is the zone of example.net, which does not contain svc.example.com: ACM could not be " +
        "validated by records in it.",
    );
  });

  it("isWithinDomain: the domain itself or below it, a trailing dot on the domain ignored", () => {
    expect(isWithinDomain("example.com", "example.com")).toBe(true);
    expect(isWithinDomain("a.example.com", "example.com.")).toBe(true);
    expect(isWithinDomain("badexample.com", "example.com")).toBe(false);
    expect(isWithinDomain("example.com", "a.example.com")).toBe(false);
  });

  it("parentDomain: the hostname without its first label, when that leaves two labels or more", () => {
    expect(parentDomain("svc.internal.example.com")).toBe("internal.example.com");
    expect(parentDomain("svc.example.com")).toBe("example.com");
    expect(parentDomain("example.com")).toBeUndefined();
  });

  it("isOpenCidr: any /0, and only /0", () => {
    for (const c of ["0.0.0.0/0", " ::/0 ", "10.0.0.0/00"]) expect(isOpenCidr(c)).toBe(true);
    for (const c of ["10.0.0.0/8", "0.0.0.0/10", "::/0x"]) expect(isOpenCidr(c)).toBe(false);
  });

  it("checkIngressCidr: the family, and the advice for an open block", () => {
    expect(checkIngressCidr("10.0.0.0/8")).toBe("ipv4");
    expect(checkIngressCidr(" fd00::/8 ")).toBe("ipv6");
    expect(() => checkIngressCidr("0.0.0.0/0")).toThrow(
      new Error(
        'Ingress from "0.0.0.0/0" is refused: a /0 block opens the service to every address. PrivateLambdaService ' +
          "is private; allow the VPC's CIDR, specific CIDR blocks or security groups.",
      ),
    );
  });

  it("checkDnsName: lower-case labels, two at least, no trailing dot, 253 characters at most", () => {
    for (const n of ["a.b", "svc-1.example.com", `${"a".repeat(63)}.com`]) {
      expect(() => checkDnsName("hostname", n)).not.toThrow();
    }
    const long = `${"a.".repeat(126)}ab`; // 254 characters
    for (const n of [
      "localhost",
      "Svc.example.com",
      "svc.example.com.",
      "-a.com",
      "a-.com",
      `${"a".repeat(64)}.com`,
      long,
    ]) {
      expect(() => checkDnsName("hostname", n)).toThrow(
        new Error(
          `hostname "${n}" is not a valid DNS name: use lower-case labels of letters, digits and hyphens, at least ` +
            `two of them, without a trailing dot (for example "service.example.com").`,
        ),
      );
    }
  });
});

describe("validateArgs: the remaining refusals, in full", () => {
  it.each<[string, Partial<PrivateLambdaServiceArgs>, string]>([
    ["no entry", { entry: "" }, "[entry] is required: the path of the module that exports callbackFactory()."],
    ["an empty secret name", { secrets: { "": "x" } }, "secrets must not contain an empty name."],
    [
      "public CIDRs without CIDR blocks",
      { allowPublicCidrs: true },
      "[allowPublicCidrs] needs [allowedCidrBlocks]: without them only the VPC's own CIDR block is allowed.",
    ],
    ["a malformed VPC id", { extraVpcIds: ["vpc-XYZ"] }, 'extraVpcIds entry "vpc-XYZ" is not a VPC ID (vpc-…).'],
    [
      "a repeated extra VPC",
      { extraVpcIds: ["vpc-0a", "vpc-0a"] },
      "extraVpcIds must not repeat a VPC or contain [vpcId] itself.",
    ],
    [
      "the VPC itself as an extra VPC",
      { extraVpcIds: ["vpc-0123456789abcdef0"] },
      "extraVpcIds must not repeat a VPC or contain [vpcId] itself.",
    ],
    [
      "a malformed security group",
      { allowedSecurityGroupIds: ["sg-XYZ"] },
      'allowedSecurityGroupIds entry "sg-XYZ" is not a security group ID (sg-…).',
    ],
    [
      "nothing allowed in",
      { allowedCidrBlocks: [], allowedSecurityGroupIds: [] },
      "allowedCidrBlocks and allowedSecurityGroupIds are both empty, so nothing could reach the ALB. Leave both " +
        "unset to allow the VPC's own CIDR block.",
    ],
    [
      "a hostname outside the private zone",
      { privateZoneName: "internal.example.net" },
      'hostname "svc.internal.example.com" is outside the private zone\'s domain "internal.example.net"; the alias ' +
        "record must be created inside the zone.",
    ],
    [
      "a hostname with no parent zone to derive",
      { hostname: "example.com" },
      'Cannot derive a private zone from hostname "example.com" (its parent is a top-level domain): give ' +
        "privateZoneName or privateZoneId.",
    ],
    [
      "an extra zone repeating the hostname",
      { extraZoneNames: ["svc.internal.example.com"] },
      "extraZoneNames must not repeat a name or contain the hostname itself.",
    ],
    [
      "a repeated extra zone",
      { extraZoneNames: ["a.example.net", "a.example.net"] },
      "extraZoneNames must not repeat a name or contain the hostname itself.",
    ],
    [
      "extra VPCs with a given zone and no zones to create",
      { extraVpcIds: ["vpc-0b"], privateZoneId: "ZPRIV" },
      "[extraVpcIds] associates the zones the component creates with more VPCs, but with [privateZoneId] and no " +
        "[extraZoneNames] it creates none: associate the given zone where it is managed.",
    ],
    [
      "both certificate sources",
      { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc", certificateZoneId: "Z1" },
      "Only one of [certificateArn] or [certificateZoneId] can be specified: give an existing certificate, or the " +
        "public zone in which to validate a new one.",
    ],
    [
      "a certificate zone name without its id",
      { certificateZoneName: "example.com" },
      "HTTPS is half-configured: [certificateZoneName] needs [certificateZoneId] (the public zone to validate in).",
    ],
    [
      "a DNS provider without a certificate zone",
      { dnsProvider: {} as never },
      "HTTPS is half-configured: [dnsProvider] needs [certificateZoneId] (the public zone it manages).",
    ],
    [
      "an SSL policy without HTTPS",
      { sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
      "HTTPS is half-configured: [sslPolicy] needs [certificateArn] or [certificateZoneId].",
    ],
    [
      "a redirect setting without HTTPS",
      { redirectHttpToHttps: true },
      "HTTPS is half-configured: [redirectHttpToHttps] needs [certificateArn] or [certificateZoneId].",
    ],
    [
      "a certificate ARN that is not ACM's",
      { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
      'certificateArn "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN.',
    ],
    [
      "a hostname outside the certificate zone",
      { certificateZoneId: "Z1", certificateZoneName: "example.net" },
      'hostname "svc.internal.example.com" is outside the public zone\'s domain "example.net"; ACM could not be ' +
        "validated by records in that zone.",
    ],
    [
      "extra zones over HTTPS that redirects",
      { certificateZoneId: "Z1", extraZoneNames: ["legacy.example.net"] },
      "extraZoneNames are served over plain HTTP (the certificate does not name them), but HTTP redirects to " +
        "HTTPS: set redirectHttpToHttps to false.",
    ],
    [
      "no redirect without legacy names",
      { certificateZoneId: "Z1", redirectHttpToHttps: false },
      "redirectHttpToHttps: false forwards plain HTTP only for the legacy names in [extraZoneNames], and there " +
        "are none: :80 would still redirect everything. Leave redirectHttpToHttps unset.",
    ],
  ])("%s", (_label, overrides, message) => refused(overrides, message));

  it("a tag problem names the rule, and mentions hosted zones only when the component creates them", () => {
    expect(() => validateArgs(args({ tags: { "bad\u0000key": "v" } }))).toThrow(
      /^tags: .* The component puts its tags \(and a Name tag\) on every child, hosted zones included\.$/,
    );
    expect(() =>
      validateArgs(
        args({ privateZoneId: "ZPRIV", privateZoneName: "internal.example.com", tags: { "bad\u0000key": "v" } }),
      ),
    ).toThrow(/^tags: .* The component puts its tags \(and a Name tag\) on every child\.$/);
  });

  it("values still unknown pass, as Outputs", () => {
    ok({ extraVpcIds: [{} as never], allowedSecurityGroupIds: [{} as never], subnetIds: {} as never });
  });
});
