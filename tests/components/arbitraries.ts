/**
 * fast-check arbitraries for PrivateLambdaService: random **valid** configurations (every AWS limit
 * respected), for property tests that such configurations are accepted and build graphs the policy
 * pack passes. Violations are derived from them by the tests, one constraint at a time.
 */
import fc from "fast-check";

import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import { COMPONENT_NAME_MAX } from "../../components/validation";

/** The public zone the mocks know for certificate validation (`ZPUBLICPROP`, example.com). */
export const PROPERTY_PUBLIC_ZONE = { id: "ZPUBLICPROP", name: "example.com" } as const;
/** The VPC and subnets the mocks know for property runs. */
export const PROPERTY_VPC = "vpc-0feedfacefeedface";
export const PROPERTY_SUBNETS = ["subnet-0feedfacefeed0001", "subnet-0feedfacefeed0002", "subnet-0feedfacefeed0003"];
export const PROPERTY_VPC_CIDR = "10.200.0.0/16";

/**
 * A component name within {@link COMPONENT_NAME_MAX}: letters, digits and hyphens, not at the ends,
 * and none of the prefixes AWS reserves for the names derived from it (`internal-` for load
 * balancers, `sg-` for security groups).
 */
export const componentName: fc.Arbitrary<string> = fc
  .stringMatching(new RegExp(`^[a-z][a-z0-9-]{0,${COMPONENT_NAME_MAX - 2}}[a-z0-9]$`))
  .filter((n) => !n.startsWith("internal-") && !n.startsWith("sg-"));

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/);

/** A hostname under example.com, at most 64 characters (so ACM can issue it). */
export const hostname: fc.Arbitrary<string> = fc
  .array(label, { minLength: 2, maxLength: 3 })
  .map((labels) => `${labels.join(".")}.example.com`)
  .filter((h) => h.length <= 64);

/** Tags valid on every service the component tags (restricted characters, at most 9 + Name). */
export const tags: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _.:/=+@-]{0,30}$/).filter((k) => !/^aws:/i.test(k) && k !== "Name"),
  fc.stringMatching(/^[A-Za-z0-9 _.:/=+@-]{0,60}$/),
  { maxKeys: 7 },
);

const octet = fc.integer({ min: 0, max: 255 });

/** Private CIDR blocks: RFC 1918, shared space, unique local IPv6. */
export const privateCidr: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(octet, octet).map(([a, b]) => `10.${a}.${b}.0/24`),
  fc.integer({ min: 16, max: 31 }).map((b) => `172.${b}.0.0/16`),
  octet.map((c) => `192.168.${c}.0/24`),
  fc.integer({ min: 64, max: 127 }).map((b) => `100.${b}.0.0/16`),
  fc.integer({ min: 0, max: 0xffff }).map((h) => `fd00:${h.toString(16)}::/48`),
);

const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{1,20}$/).filter((n) => !/^(AWS_|LAMBDA_|_)|^SECRET_ARN$/.test(n));

/** A valid configuration: the name and the arguments (entry and network filled in by the caller). */
export interface ValidConfig {
  name: string;
  args: Omit<PrivateLambdaServiceArgs, "entry" | "vpcId" | "subnetIds">;
}

/** Random valid configurations, covering every branch of the component. */
export const validConfig: fc.Arbitrary<ValidConfig> = fc
  .record({
    name: componentName,
    hostname,
    tags: fc.option(tags, { nil: undefined }),
    https: fc.constantFrom("none", "arn", "zone"),
    legacy: fc.uniqueArray(
      hostname.map((h) => h.replace(/\.example\.com$/, ".legacy.example.net")),
      { maxLength: 2 },
    ),
    cidrs: fc.option(fc.uniqueArray(privateCidr, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    groups: fc.option(fc.uniqueArray(fc.stringMatching(/^sg-[0-9a-f]{17}$/), { minLength: 1, maxLength: 2 }), {
      nil: undefined,
    }),
    extraVpcIds: fc.uniqueArray(fc.stringMatching(/^vpc-[0-9a-f]{17}$/), { maxLength: 2 }),
    existingZone: fc.boolean(),
    memorySize: fc.option(fc.integer({ min: 128, max: 10240 }), { nil: undefined }),
    timeout: fc.option(fc.integer({ min: 1, max: 900 }), { nil: undefined }),
    reservedConcurrency: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    environment: fc.option(fc.dictionary(envName, fc.stringMatching(/^[a-z0-9 ]{0,40}$/), { maxKeys: 5 }), {
      nil: undefined,
    }),
    withSecrets: fc.boolean(),
  })
  .map((c) => {
    const existingZone = c.existingZone;
    const args: ValidConfig["args"] = {
      hostname: c.hostname,
      tags: c.tags,
      memorySize: c.memorySize,
      timeout: c.timeout,
      reservedConcurrency: c.reservedConcurrency,
      environment: c.environment,
      secrets: c.withSecrets ? { token: "property-test-secret" } : undefined,
      allowedCidrBlocks: c.cidrs,
      allowedSecurityGroupIds: c.groups,
      extraZoneNames: c.legacy.length > 0 ? c.legacy : undefined,
      extraVpcIds: c.extraVpcIds.length > 0 && (!existingZone || c.legacy.length > 0) ? c.extraVpcIds : undefined,
      privateZoneId: existingZone ? "ZEXISTINGPROP" : undefined,
      privateZoneName: existingZone ? c.hostname.split(".").slice(1).join(".") : undefined,
      certificateArn:
        c.https === "arn"
          ? "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
          : undefined,
      certificateZoneId: c.https === "zone" ? PROPERTY_PUBLIC_ZONE.id : undefined,
      certificateZoneName: c.https === "zone" ? PROPERTY_PUBLIC_ZONE.name : undefined,
      redirectHttpToHttps: c.https !== "none" && c.legacy.length > 0 ? false : undefined,
    };
    return { name: c.name, args };
  });
