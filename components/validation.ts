/**
 * Pure checks for {@link PrivateLambdaServiceArgs}. Nothing here touches Pulumi's runtime, so the
 * rules can be unit-tested directly. Values that are still `Output`s when the component is built
 * cannot be checked here; the component re-checks the ones that matter (ingress CIDR blocks against
 * the VPC's own, the subnets' zones, the VPC's DNS attributes, the public zone) when they resolve.
 *
 * AWS's input limits (name lengths, tag rules, DNS name lengths, environment size) come from
 * `policy/awsConstraints.ts`, the module the policy pack checks every program with: what this
 * component refuses and what the pack refuses are the same rules.
 */
import { ACM_CERTIFICATE_ARN } from "../lib/patterns";
import {
  ACM_DOMAIN_NAME_MAX,
  LAMBDA_ENVIRONMENT_MAX_BYTES,
  LAMBDA_LAYERS_MAX,
  lambdaEnvironmentBytes,
  NAME_RULES,
  nameProblems,
  ingressCidrProblem,
  parseCidr,
  type IngressCidrOptions,
  type TagRule,
  tagProblems,
} from "../policy/awsConstraints";
import type { PrivateLambdaServiceArgs } from "./privateLambdaService";

/**
 * The children Pulumi names after the component (`${name}${suffix}` plus 7 random characters), by
 * type: the names AWS limits. The longest limit relative to its suffix, the load balancer's
 * (32 = name + 4 + 8), makes {@link COMPONENT_NAME_MAX}.
 */
export const AUTONAMED_CHILDREN: readonly (readonly [type: string, suffix: string])[] = [
  ["aws:lb/loadBalancer:LoadBalancer", "-alb"],
  ["aws:lb/targetGroup:TargetGroup", "-tg"],
  ["aws:lambda/function:Function", "-fn"],
  ["aws:iam/role:Role", "-fn-role"],
  ["aws:iam/rolePolicy:RolePolicy", "-fn-policy"],
  ["aws:ec2/securityGroup:SecurityGroup", "-sg"],
  ["aws:secretsmanager/secret:Secret", "-secret"],
];

/** The log group's `namePrefix`, completed by the provider. */
export function logGroupNamePrefix(name: string): string {
  return `/aws/lambda/${name}-`;
}

/** The longest component name whose children's generated names all fit AWS's limits. */
export const COMPONENT_NAME_MAX = 20;

/** Room kept in Lambda's 4 KB environment for `SECRET_ARN` (`,"SECRET_ARN":"arn:aws:secretsmanager:…"`). */
export const SECRET_ARN_ENVIRONMENT_BYTES = 160;

/**
 * Checks the component's name: letters, digits and hyphens, and short enough that every child
 * Pulumi names after it fits AWS's name limits.
 *
 * @throws Error naming the child whose name would not fit.
 */
export function validateName(name: string): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
    throw new Error(
      `The component name "${name}" must be letters, digits and hyphens, not beginning or ending with a hyphen: ` +
        `its children's AWS names are made from it.`,
    );
  }
  const problems = [
    ...AUTONAMED_CHILDREN.flatMap(([type, suffix]) => nameProblems(NAME_RULES[type], {}, `${name}${suffix}`)),
    ...nameProblems(NAME_RULES["aws:cloudwatch/logGroup:LogGroup"], { prefix: logGroupNamePrefix(name) }),
  ];
  if (problems.length > 0) {
    throw new Error(
      `The component name "${name}" is too long or not allowed (use at most ${COMPONENT_NAME_MAX} characters): ${problems[0]}`,
    );
  }
}

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/**
 * Environment variable names Lambda reserves (it refuses a function that sets them), plus the one
 * the component sets itself.
 */
export const RESERVED_ENVIRONMENT_NAMES: readonly string[] = [
  "SECRET_ARN",
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DNS_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

/**
 * Checks a DNS name: lower-case labels, at least two of them, no trailing dot.
 *
 * @throws Error naming `what` when the name is not valid.
 */
export function checkDnsName(what: string, name: string): void {
  if (!DNS_NAME.test(name)) {
    throw new Error(
      `${what} "${name}" is not a valid DNS name: use lower-case labels of letters, digits and hyphens, ` +
        `at least two of them, without a trailing dot (for example "service.example.com").`,
    );
  }
}

/** True when `name` is `domain` itself or a name below it. */
export function isWithinDomain(name: string, domain: string): boolean {
  const d = domain.replace(/\.$/, "");
  return name === d || name.endsWith(`.${d}`);
}

/**
 * The domain a private hosted zone is created for when none is given: the hostname without its first
 * label (`svc.internal.example.com` → `internal.example.com`).
 *
 * @returns The parent domain, or `undefined` when it would be a single label (a top-level domain).
 */
export function parentDomain(hostname: string): string | undefined {
  const labels = hostname.split(".");
  return labels.length >= 3 ? labels.slice(1).join(".") : undefined;
}

/** An ingress source the service refuses: a CIDR block with prefix length 0 matches every address. */
export function isOpenCidr(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}

/**
 * Checks one ingress CIDR block. Without `options` (the check before anything is known about the
 * VPC): well formed, not /0, not wider than /8 (IPv4) or /32 (IPv6) unless private. With `options`
 * (when the VPC's blocks are known): also no public addresses outside `ownBlocks` unless
 * `allowPublic`.
 *
 * @returns `"ipv4"` or `"ipv6"`, so the caller can choose the matching rule field.
 * @throws Error for a malformed, open, too wide or (with `options`) public block.
 */
export function checkIngressCidr(cidr: string, options?: IngressCidrOptions): "ipv4" | "ipv6" {
  const problem = ingressCidrProblem(
    cidr,
    options === undefined
      ? { allowPublic: true }
      : { optIn: "set allowPublicCidrs: true (config key allowPublicCidrs)", ...options },
  );
  if (problem !== undefined) {
    throw new Error(
      problem.startsWith("Ingress from") && isOpenCidr(cidr)
        ? `${problem} PrivateLambdaService is private; allow the VPC's CIDR, specific CIDR blocks or security groups.`
        : problem,
    );
  }
  return (parseCidr(cidr.trim()) as { family: "ipv4" | "ipv6" }).family;
}

/**
 * The problem with the component's VPC, or `undefined`: a private hosted zone resolves only in VPCs
 * with DNS support and DNS hostnames both turned on.
 */
export function vpcDnsProblem(vpc: {
  id: string;
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
}): string | undefined {
  if (vpc.enableDnsSupport === true && vpc.enableDnsHostnames === true) {
    return undefined;
  }
  return (
    `VPC ${vpc.id} has enableDnsSupport=${vpc.enableDnsSupport} and enableDnsHostnames=${vpc.enableDnsHostnames}: ` +
    `a private hosted zone resolves only in VPCs with both turned on, so the service's name would not resolve. ` +
    `Turn both on (aws ec2 modify-vpc-attribute --vpc-id ${vpc.id} --enable-dns-support '{"Value":true}', then ` +
    `--enable-dns-hostnames '{"Value":true}') or use another VPC.`
  );
}

/**
 * The problem with the ALB's subnets, or `undefined`: all must be subnets of `vpcId`, in at least
 * two Availability Zones (an ALB refuses fewer).
 */
export function subnetsProblem(
  vpcId: string,
  subnets: readonly { id: string; vpcId: string; availabilityZone: string }[],
): string | undefined {
  const foreign = subnets.filter((s) => s.vpcId !== vpcId);
  if (foreign.length > 0) {
    return `subnetIds must be subnets of ${vpcId}; ${foreign.map((s) => `${s.id} is in ${s.vpcId}`).join(", ")}.`;
  }
  const zones = new Set(subnets.map((s) => s.availabilityZone));
  if (zones.size < 2) {
    return (
      `subnetIds must be in at least 2 Availability Zones (an ALB needs two); ` +
      `${subnets.map((s) => s.id).join(", ")} ${subnets.length === 1 ? "is" : "are all"} in ${[...zones].join(", ")}.`
    );
  }
  return undefined;
}

/**
 * The problem with the zone for the certificate's validation record, or `undefined`: it must be a
 * public zone (ACM cannot validate through a private one; validation would wait for its timeout)
 * containing the hostname.
 */
export function certificateZoneProblem(
  zone: { zoneId: string; name: string; privateZone?: boolean },
  hostname: string,
): string | undefined {
  if (zone.privateZone === true) {
    return (
      `certificateZoneId ${zone.zoneId} (${zone.name}) is a private hosted zone: ACM validates certificates only ` +
      `through records in a public zone. Give the public zone of ${hostname}'s domain.`
    );
  }
  if (!isWithinDomain(hostname, zone.name)) {
    return (
      `certificateZoneId ${zone.zoneId} is the zone of ${zone.name}, which does not contain ${hostname}: ACM could ` +
      `not be validated by records in it.`
    );
  }
  return undefined;
}

/**
 * The tag rule the component's tags must meet: every child gets them, so the strictest service's
 * characters apply, and Route 53 (10 tags) when the component creates hosted zones.
 */
export function componentTagRule(createsZones: boolean): TagRule {
  return {
    service: createsZones ? "Route 53" : "AWS",
    maxTags: createsZones ? 10 : 50,
    restrictedCharacters: true,
    charactersRefusedBy: "AWS (IAM, Lambda, ELB, Secrets Manager, ACM, CloudWatch)",
  };
}

/**
 * Validates the arguments of a PrivateLambdaService before any resource is created.
 *
 * Only values known when the component is constructed are checked (plain strings and numbers, and
 * the length of lists); a value that is still an `Output` passes here.
 *
 * @param args - The component's arguments.
 * @param name - The component's name, when its children's generated names should be checked too.
 * @throws Error with a message naming the offending argument(s).
 */
export function validateArgs(args: PrivateLambdaServiceArgs, name?: string): void {
  if (name !== undefined) {
    validateName(name);
  }

  // The function.
  if (typeof args.entry !== "string" || args.entry.trim() === "") {
    throw new Error("[entry] is required: the path of the module that exports callbackFactory().");
  }
  checkIntegerRange("memorySize", args.memorySize, 128, 10240);
  checkIntegerRange("timeout", args.timeout, 1, 900);
  checkIntegerRange("reservedConcurrency", args.reservedConcurrency, 1, 10000);
  if (args.logRetentionInDays !== undefined && !LOG_RETENTION_DAYS.includes(args.logRetentionInDays)) {
    throw new Error(
      `logRetentionInDays must be one of CloudWatch Logs' periods (${LOG_RETENTION_DAYS.join(", ")}); ` +
        `got ${args.logRetentionInDays}.`,
    );
  }
  for (const key of Object.keys(args.environment ?? {})) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(
        `environment variable name "${key}" is not valid: use letters, digits and "_", starting with a letter.`,
      );
    }
    if (RESERVED_ENVIRONMENT_NAMES.includes(key)) {
      throw new Error(
        key === "SECRET_ARN"
          ? `environment must not set SECRET_ARN: the component sets it to the ARN of the secret holding [secrets].`
          : `environment must not set ${key}: Lambda reserves it.`,
      );
    }
  }

  const knownEnvironment = Object.fromEntries(
    Object.entries(args.environment ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const environmentBytes = lambdaEnvironmentBytes(knownEnvironment);
  const reserve = args.secrets === undefined ? 0 : SECRET_ARN_ENVIRONMENT_BYTES;
  if (environmentBytes + reserve > LAMBDA_ENVIRONMENT_MAX_BYTES) {
    throw new Error(
      `environment measures ${environmentBytes} bytes as JSON${reserve > 0 ? ` (plus about ${reserve} for SECRET_ARN)` : ""}, ` +
        `over Lambda's limit of ${LAMBDA_ENVIRONMENT_MAX_BYTES} for all variables together: ship large data as [files].`,
    );
  }
  if ((args.layers?.length ?? 0) > LAMBDA_LAYERS_MAX) {
    throw new Error(`layers lists ${args.layers?.length} layers; Lambda allows ${LAMBDA_LAYERS_MAX}.`);
  }

  // The secret: optional, but when given it must hold something.
  if (args.secrets !== undefined) {
    const secretNames = Object.keys(args.secrets);
    if (secretNames.length === 0) {
      throw new Error(
        'secrets must name at least one value (for example { apiToken: config.requireSecret("apiToken") }); ' +
          "leave it unset for a service without secrets.",
      );
    }
    if (secretNames.some((k) => k.trim() === "")) {
      throw new Error("secrets must not contain an empty name.");
    }
  } else if (args.secretRecoveryWindowInDays !== undefined) {
    throw new Error("[secretRecoveryWindowInDays] needs [secrets]: without secrets no secret is created.");
  }
  const window = args.secretRecoveryWindowInDays;
  if (window !== undefined && window !== 0 && !(Number.isInteger(window) && window >= 7 && window <= 30)) {
    throw new Error(`secretRecoveryWindowInDays must be 0 (delete at once) or 7 to 30; got ${window}.`);
  }

  // The network.
  if (Array.isArray(args.subnetIds) || args.subnetIds === undefined) {
    const subnets = (args.subnetIds as unknown[] | undefined) ?? [];
    if (subnets.length < 2) {
      throw new Error(
        `subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got ${subnets.length}.`,
      );
    }
  }
  for (const cidr of args.allowedCidrBlocks ?? []) {
    if (typeof cidr === "string") {
      checkIngressCidr(cidr);
    }
  }
  if (args.allowPublicCidrs !== undefined && args.allowedCidrBlocks === undefined) {
    throw new Error(
      "[allowPublicCidrs] needs [allowedCidrBlocks]: without them only the VPC's own CIDR block is allowed.",
    );
  }
  const extraVpcs = args.extraVpcIds ?? [];
  for (const vpc of extraVpcs) {
    if (typeof vpc === "string" && !/^vpc-[0-9a-f]+$/.test(vpc)) {
      throw new Error(`extraVpcIds entry "${vpc}" is not a VPC ID (vpc-…).`);
    }
  }
  // By value for IDs known now, and by identity for outputs: the same output listed twice is the same
  // VPC twice (two zone associations for one VPC fail at deploy).
  if (new Set(extraVpcs).size !== extraVpcs.length || (args.vpcId !== undefined && extraVpcs.includes(args.vpcId))) {
    throw new Error("extraVpcIds must not repeat a VPC or contain [vpcId] itself.");
  }
  for (const sg of args.allowedSecurityGroupIds ?? []) {
    if (typeof sg === "string" && !/^sg-[0-9a-f]+$/.test(sg)) {
      throw new Error(`allowedSecurityGroupIds entry "${sg}" is not a security group ID (sg-…).`);
    }
  }
  // Either list set turns the VPC's own CIDR block off, so an empty one with the other unset (or also
  // empty) leaves the security group without any ingress rule.
  const ingressSet = args.allowedCidrBlocks !== undefined || args.allowedSecurityGroupIds !== undefined;
  if (ingressSet && (args.allowedCidrBlocks?.length ?? 0) + (args.allowedSecurityGroupIds?.length ?? 0) === 0) {
    throw new Error(
      "allowedCidrBlocks and allowedSecurityGroupIds are both empty, so nothing could reach the ALB. " +
        "Leave both unset to allow the VPC's own CIDR block.",
    );
  }
  if (args.healthCheckPath !== undefined && !/^\/\S{0,1023}$/.test(args.healthCheckPath)) {
    throw new Error(`healthCheckPath must be a path starting with "/"; got "${args.healthCheckPath}".`);
  }

  // DNS.
  checkDnsName("hostname", args.hostname);
  if (args.privateZoneName !== undefined) {
    checkDnsName("privateZoneName", args.privateZoneName);
    if (!isWithinDomain(args.hostname, args.privateZoneName)) {
      throw new Error(
        `hostname "${args.hostname}" is outside the private zone's domain "${args.privateZoneName}"; ` +
          `the alias record must be created inside the zone.`,
      );
    }
  } else if (args.privateZoneId === undefined && parentDomain(args.hostname) === undefined) {
    throw new Error(
      `Cannot derive a private zone from hostname "${args.hostname}" (its parent is a top-level domain): ` +
        `give privateZoneName or privateZoneId.`,
    );
  }
  const extraZones = args.extraZoneNames ?? [];
  for (const zone of extraZones) {
    checkDnsName("extraZoneNames entry", zone);
  }
  if (new Set([args.hostname, ...extraZones]).size !== extraZones.length + 1) {
    throw new Error("extraZoneNames must not repeat a name or contain the hostname itself.");
  }
  const createsZones = args.privateZoneId === undefined || extraZones.length > 0;
  if (extraVpcs.length > 0 && !createsZones) {
    throw new Error(
      "[extraVpcIds] associates the zones the component creates with more VPCs, but with [privateZoneId] and no " +
        "[extraZoneNames] it creates none: associate the given zone where it is managed.",
    );
  }

  // Tags: every child gets them (plus Name), so the strictest rules apply.
  const tagRule = componentTagRule(createsZones);
  const tagErrors = tagProblems(tagRule, { ...args.tags, Name: "name" });
  if (tagErrors.length > 0) {
    throw new Error(
      `tags: ${tagErrors[0]} The component puts its tags (and a Name tag) on every child${createsZones ? ", hosted zones included" : ""}.`,
    );
  }

  // HTTPS.
  const byArn = args.certificateArn !== undefined;
  const byValidation = args.certificateZoneId !== undefined;
  if (byArn && byValidation) {
    throw new Error(
      "Only one of [certificateArn] or [certificateZoneId] can be specified: give an existing certificate, " +
        "or the public zone in which to validate a new one.",
    );
  }
  if (!byValidation && args.certificateZoneName !== undefined) {
    throw new Error(
      "HTTPS is half-configured: [certificateZoneName] needs [certificateZoneId] (the public zone to validate in).",
    );
  }
  if (!byValidation && args.dnsProvider !== undefined) {
    throw new Error("HTTPS is half-configured: [dnsProvider] needs [certificateZoneId] (the public zone it manages).");
  }
  const https = byArn || byValidation;
  if (!https && args.sslPolicy !== undefined) {
    throw new Error("HTTPS is half-configured: [sslPolicy] needs [certificateArn] or [certificateZoneId].");
  }
  if (!https && args.redirectHttpToHttps !== undefined) {
    throw new Error("HTTPS is half-configured: [redirectHttpToHttps] needs [certificateArn] or [certificateZoneId].");
  }
  if (typeof args.certificateArn === "string" && !ACM_CERTIFICATE_ARN.test(args.certificateArn)) {
    throw new Error(`certificateArn "${args.certificateArn}" is not an ACM certificate ARN.`);
  }
  if (args.certificateZoneName !== undefined) {
    checkDnsName("certificateZoneName", args.certificateZoneName);
    if (!isWithinDomain(args.hostname, args.certificateZoneName)) {
      throw new Error(
        `hostname "${args.hostname}" is outside the public zone's domain "${args.certificateZoneName}"; ` +
          `ACM could not be validated by records in that zone.`,
      );
    }
  }
  if (https && (args.redirectHttpToHttps ?? true) && extraZones.length > 0) {
    throw new Error(
      "extraZoneNames are served over plain HTTP (the certificate does not name them), but HTTP redirects to HTTPS: " +
        "set redirectHttpToHttps to false.",
    );
  }
  if (https && args.redirectHttpToHttps === false && extraZones.length === 0) {
    throw new Error(
      "redirectHttpToHttps: false forwards plain HTTP only for the legacy names in [extraZoneNames], and there are " +
        "none: :80 would still redirect everything. Leave redirectHttpToHttps unset.",
    );
  }
  if (byValidation && args.hostname.length > ACM_DOMAIN_NAME_MAX) {
    throw new Error(
      `hostname "${args.hostname}" is ${args.hostname.length} characters; ACM issues certificates only for a first ` +
        `domain name of at most ${ACM_DOMAIN_NAME_MAX}. Use a shorter hostname, or an existing certificate ([certificateArn]).`,
    );
  }
}

function checkIntegerRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; got ${value}.`);
  }
}
