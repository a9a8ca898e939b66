/**
 * Pure checks for {@link PrivateLambdaServiceArgs}. Nothing here touches Pulumi's runtime, so the
 * rules can be unit-tested directly. Values that are still `Output`s when the component is built
 * cannot be checked here; the component re-checks the ones that matter (ingress CIDR blocks) when
 * they resolve.
 */
import type { PrivateLambdaServiceArgs } from "./privateLambdaService";

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
 * Checks one ingress CIDR block: well-formed IPv4 or IPv6, and never open to every address.
 *
 * @returns `"ipv4"` or `"ipv6"`, so the caller can choose the matching rule field.
 * @throws Error for an open or malformed block.
 */
export function checkIngressCidr(cidr: string): "ipv4" | "ipv6" {
  if (isOpenCidr(cidr)) {
    throw new Error(
      `Ingress from "${cidr}" is refused: a /0 block opens the service to every address. ` +
        `PrivateLambdaService is private; allow the VPC's CIDR, specific CIDR blocks or security groups.`,
    );
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (v4) {
    const octets = v4.slice(1, 5).map(Number);
    const prefix = Number(v4[5]);
    if (octets.every((o) => o <= 255) && prefix <= 32) {
      return "ipv4";
    }
  } else if (/^[0-9a-fA-F:]+:[0-9a-fA-F:.]*\/(\d{1,3})$/.test(cidr) && Number(cidr.split("/")[1]) <= 128) {
    return "ipv6";
  }
  throw new Error(`Ingress CIDR block "${cidr}" is not a valid IPv4 or IPv6 CIDR block (for example "10.0.0.0/16").`);
}

/**
 * Validates the arguments of a PrivateLambdaService before any resource is created.
 *
 * Only values known when the component is constructed are checked (plain strings and numbers, and
 * the length of lists); a value that is still an `Output` passes here.
 *
 * @param args - The component's arguments.
 * @throws Error with a message naming the offending argument(s).
 */
export function validateArgs(args: PrivateLambdaServiceArgs): void {
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
  const subnets = args.subnetIds ?? [];
  if (subnets.length < 2) {
    throw new Error(
      `subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got ${subnets.length}.`,
    );
  }
  for (const cidr of args.allowedCidrBlocks ?? []) {
    if (typeof cidr === "string") {
      checkIngressCidr(cidr);
    }
  }
  for (const sg of args.allowedSecurityGroupIds ?? []) {
    if (typeof sg === "string" && !/^sg-[0-9a-f]+$/.test(sg)) {
      throw new Error(`allowedSecurityGroupIds entry "${sg}" is not a security group ID (sg-…).`);
    }
  }
  if (args.allowedCidrBlocks?.length === 0 && args.allowedSecurityGroupIds?.length === 0) {
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
  if (
    typeof args.certificateArn === "string" &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/.test(args.certificateArn)
  ) {
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
}

function checkIntegerRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min && value <= max)) {
    throw new Error(`${name} must be an integer from ${min} to ${max}; got ${value}.`);
  }
}
