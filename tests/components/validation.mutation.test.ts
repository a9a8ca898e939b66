/**
 * components/validation.ts, pinned where mutation testing (npm run mutate) found rules no other test
 * fixed: every range's both ends, every reserved environment name, the environment's size at its
 * limit with and without the room kept for SECRET_ARN, the layer count, and each refusal's full text.
 */
import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import {
  COMPONENT_NAME_MAX,
  componentTagRule,
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
const ok = (o: Partial<PrivateLambdaServiceArgs>) => expect(() => validateArgs(args(o))).not.toThrow();
const refused = (o: Partial<PrivateLambdaServiceArgs>, message: string) =>
  expect(() => validateArgs(args(o))).toThrow(new Error(message));

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
