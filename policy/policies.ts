/**
 * The guardrails for private Lambda services (PrivateLambdaService and the stacks built from it).
 *
 * Every policy here is a plain object, so tests can call `validateResource` directly;
 * `index.ts` only wraps {@link policies} in a `PolicyPack` for the Pulumi CLI. Each policy reads
 * its inputs through the helpers in `values.ts`, so a value that is unknown during preview (an ARN
 * of a resource not created yet) skips that one check instead of the whole policy.
 */
import * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import {
  type EnforcementLevel,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type TypedResourceValidation,
  validateResourceOfType,
} from "@pulumi/policy";

import { ingressCidrProblem } from "./awsConstraints";
import { limitPolicies } from "./limits";
import { queuePolicies } from "./queues";
import { findSecretLikeVariables } from "./secrets";
import { hasInput, isKnown, known, knownEntries, knownItems, UNKNOWN } from "./values";

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/** A CIDR block that covers every address: `0.0.0.0/0`, `::/0` and their spellings. */
export function isOpenCidr(cidr: unknown): boolean {
  return typeof cidr === "string" && /\/0$/.test(cidr.trim());
}

/**
 * TLS policies that accept nothing older than TLS 1.2. AWS names them
 * `ELBSecurityPolicy-TLS13-1-2-*` / `-TLS13-1-3-*` (TLS 1.3 capable, minimum 1.2 or 1.3, including
 * the FIPS and post-quantum variants), `ELBSecurityPolicy-TLS-1-2-*` and `ELBSecurityPolicy-FS-1-2-*`.
 * `ELBSecurityPolicy-TLS13-1-0-*` / `-1-1-*` are TLS 1.3 capable but still accept TLS 1.0/1.1, and
 * `ELBSecurityPolicy-2016-08` (the API's default) accepts TLS 1.0, so none of them is allowed.
 */
export const TLS12_POLICY_PATTERNS: readonly RegExp[] = [
  /^ELBSecurityPolicy-TLS13-1-[23]-/,
  /^ELBSecurityPolicy-TLS-1-2-/,
  /^ELBSecurityPolicy-FS-1-2-/,
];

/** The policy AWS recommends today and that PrivateLambdaService uses. */
export const RECOMMENDED_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** Whether `sslPolicy` is a TLS 1.2+ ELB security policy. */
export function isTls12Policy(sslPolicy: unknown): boolean {
  return typeof sslPolicy === "string" && TLS12_POLICY_PATTERNS.some((p) => p.test(sslPolicy));
}

/**
 * AWS managed policies too broad for a function's role: every `*FullAccess*` policy (the ones
 * `aws.lambda.CallbackFunction` attaches when given neither `role` nor `policies`), plus
 * `AdministratorAccess` and the `*PowerUser*` policies.
 */
export function isBroadManagedPolicy(policyArn: unknown): boolean {
  if (typeof policyArn !== "string") {
    return false;
  }
  const name = policyArn.split("/").pop() ?? policyArn;
  return /FullAccess|PowerUser/i.test(name) || name === "AdministratorAccess";
}

/** The principal ALBs use to invoke Lambda targets. */
export const ELB_PRINCIPAL = "elasticloadbalancing.amazonaws.com";

/** A load balancer's inputs; `aws.alb.LoadBalancer` (a separate type token) has the same shape. */
type LoadBalancerProps = Unwrap<aws.lb.LoadBalancerArgs>;
/** A listener's inputs; `aws.alb.Listener` has the same shape. */
type ListenerProps = Unwrap<aws.lb.ListenerArgs>;

/** A load balancer's type, defaulting like AWS does (an absent `loadBalancerType` is "application"). */
function loadBalancerType(props: LoadBalancerProps): string | typeof UNKNOWN {
  const type = known(() => props.loadBalancerType);
  return isKnown(type) ? (type ?? "application") : UNKNOWN;
}

// ---------------------------------------------------------------------------------------------
// Mandatory policies
// ---------------------------------------------------------------------------------------------

const checkInternal: TypedResourceValidation<LoadBalancerProps> = (lb, _args, report) => {
  const type = loadBalancerType(lb);
  if (type === "gateway") {
    return; // Gateway load balancers have no scheme.
  }
  const internal = known(() => lb.internal);
  if (isKnown(internal) && internal !== true) {
    const what = isKnown(type) ? `${type} load balancer` : "load balancer";
    report(`The ${what} is internet-facing: set internal: true.`);
  }
};

/** Application and network load balancers are internal: these services are private. */
export const lbInternal: ResourceValidationPolicy = {
  name: "lb-internal",
  description: "Application and network load balancers are internal (internal: true), never internet-facing.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set `internal: true` and place the load balancer in private subnets.",
  validateResource: [aws.lb.LoadBalancer, aws.alb.LoadBalancer].map((cls) =>
    validateResourceOfType(cls, checkInternal),
  ),
};

const checkDropInvalidHeaderFields: TypedResourceValidation<LoadBalancerProps> = (lb, _args, report) => {
  if (loadBalancerType(lb) !== "application") {
    return;
  }
  const drop = known(() => lb.dropInvalidHeaderFields);
  if (isKnown(drop) && drop !== true) {
    report("The ALB forwards invalid header fields: set dropInvalidHeaderFields: true.");
  }
};

/** ALBs drop HTTP headers with invalid names (Security Hub ELB.4). */
export const albDropInvalidHeaderFields: ResourceValidationPolicy = {
  name: "alb-drop-invalid-header-fields",
  description: "Application load balancers drop invalid HTTP header fields (dropInvalidHeaderFields: true).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set `dropInvalidHeaderFields: true` on the load balancer (AWS defaults it to false).",
  validateResource: [aws.lb.LoadBalancer, aws.alb.LoadBalancer].map((cls) =>
    validateResourceOfType(cls, checkDropInvalidHeaderFields),
  ),
};

const checkListenerTls: TypedResourceValidation<ListenerProps> = (listener, _args, report) => {
  const protocol = known(() => listener.protocol);
  const encrypted = isKnown(protocol) && ["HTTPS", "TLS"].includes(String(protocol).toUpperCase());
  if (!encrypted) {
    return;
  }
  const sslPolicy = known(() => listener.sslPolicy);
  if (!isKnown(sslPolicy)) {
    return;
  }
  if (sslPolicy === undefined || sslPolicy === null || sslPolicy === "") {
    report(
      `The ${protocol} listener sets no sslPolicy, so AWS applies ELBSecurityPolicy-2016-08 (TLS 1.0): ` +
        `set sslPolicy: "${RECOMMENDED_TLS_POLICY}".`,
    );
  } else if (!isTls12Policy(sslPolicy)) {
    report(
      `The ${protocol} listener uses ${String(sslPolicy)}, which accepts TLS older than 1.2: ` +
        `use "${RECOMMENDED_TLS_POLICY}" or another TLS 1.2+ policy.`,
    );
  }
};

/** HTTPS and TLS listeners negotiate nothing older than TLS 1.2. */
export const httpsListenerTls12: ResourceValidationPolicy = {
  name: "https-listener-tls12",
  description: "HTTPS/TLS listeners use an ELB security policy that requires TLS 1.2 or newer.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: `Set \`sslPolicy: "${RECOMMENDED_TLS_POLICY}"\` (or another TLS 1.2+ policy).`,
  validateResource: [aws.lb.Listener, aws.alb.Listener].map((cls) => validateResourceOfType(cls, checkListenerTls)),
};

/** An ingress rule's ports for a message, e.g. "tcp 443", "tcp 80-443" or "all traffic". */
function describePorts(rule: object, protocolKey: "protocol" | "ipProtocol"): string {
  const read = (key: string) => known(() => (rule as Record<string, unknown>)[key]);
  const protocol = read(protocolKey);
  if (protocol === "-1" || protocol === -1 || protocol === "all") {
    return "all traffic";
  }
  const [from, to] = [read("fromPort"), read("toPort")].map((p) => (isKnown(p) ? String(p) : "?"));
  return `${isKnown(protocol) ? String(protocol ?? "?") : "?"} ${from === to ? from : `${from}-${to}`}`;
}

/** Configuration of {@link securityGroupNoPublicIngress}. */
export interface SecurityGroupNoPublicIngressConfig {
  /**
   * Public CIDR blocks that may be ingress sources (a partner's range, a VPC numbered in public
   * space); blocks inside them pass too. Still no wider than /8 (IPv4) or /32 (IPv6). Default: none.
   */
  allowedPublicCidrs?: string[];
}

/**
 * Reports each CIDR of `cidrs` that is open to every address, includes public addresses (unless
 * configured), is wider than the public bound, or is malformed.
 */
function reportPublicCidrs(
  report: ReportViolation,
  what: string,
  cidrs: unknown[],
  config: SecurityGroupNoPublicIngressConfig,
): void {
  for (const cidr of cidrs.filter((c): c is string => typeof c === "string")) {
    if (isOpenCidr(cidr)) {
      report(`${what} is open to ${cidr}.`);
      continue;
    }
    const problem = ingressCidrProblem(cidr, {
      allowedPublicBlocks: config.allowedPublicCidrs,
      optIn: "add the block to this policy's allowedPublicCidrs (--policy-pack-config)",
    });
    if (problem !== undefined) {
      report(`${what}: ${problem}`);
    }
  }
}

/** No ingress from public address space, whichever resource declares it. */
export const securityGroupNoPublicIngress: ResourceValidationPolicy = {
  name: "security-group-no-public-ingress",
  description:
    "No security group accepts ingress from public address space: only private ranges (10/8, 172.16/12, " +
    "192.168/16, 100.64/10, fc00::/7) and configured public blocks, never wider than /8 (IPv4) or /32 (IPv6), never /0.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Allow ingress only from private CIDR blocks or source security groups; list an intended public block in the " +
    "policy's allowedPublicCidrs.",
  configSchema: {
    properties: {
      allowedPublicCidrs: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: [
    validateResourceOfType(aws.ec2.SecurityGroup, (sg, args, report) => {
      const config = args.getConfig<SecurityGroupNoPublicIngressConfig>();
      knownItems(() => sg.ingress).forEach((item, i) => {
        const rule = item as { cidrBlocks?: unknown; ipv6CidrBlocks?: unknown };
        reportPublicCidrs(
          report,
          `Inline ingress rule ${i} (${describePorts(rule, "protocol")})`,
          [...knownItems(() => rule.cidrBlocks), ...knownItems(() => rule.ipv6CidrBlocks)],
          config,
        );
      });
    }),
    validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, args, report) => {
      if (known(() => rule.type) === "ingress") {
        reportPublicCidrs(
          report,
          `Ingress rule (${describePorts(rule, "protocol")})`,
          [...knownItems(() => rule.cidrBlocks), ...knownItems(() => rule.ipv6CidrBlocks)],
          args.getConfig<SecurityGroupNoPublicIngressConfig>(),
        );
      }
    }),
    validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, args, report) => {
      reportPublicCidrs(
        report,
        `Ingress rule (${describePorts(rule, "ipProtocol")})`,
        [known(() => rule.cidrIpv4), known(() => rule.cidrIpv6)],
        args.getConfig<SecurityGroupNoPublicIngressConfig>(),
      );
    }),
  ],
};

/** Roles (CallbackFunction's execution roles above all) carry no broad AWS managed policy. */
export const roleNoFullAccess: ResourceValidationPolicy = {
  name: "role-no-full-access",
  description:
    "IAM roles, Lambda execution roles above all, carry no *FullAccess*, *PowerUser* or " +
    "AdministratorAccess managed policy.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Pass an explicit `role` (or `policies`) to aws.lambda.CallbackFunction: AWSLambdaBasicExecutionRole, " +
    "AWSLambdaVPCAccessExecutionRole if in a VPC, and an inline policy for exactly the resources it uses.",
  validateResource: [
    validateResourceOfType(aws.iam.RolePolicyAttachment, (attachment, _args, report) => {
      const arn = known(() => attachment.policyArn);
      if (isKnown(arn) && isBroadManagedPolicy(arn)) {
        report(`Attaches ${String(arn)}: grant only what the function uses.`);
      }
    }),
    validateResourceOfType(aws.iam.PolicyAttachment, (attachment, _args, report) => {
      const arn = known(() => attachment.policyArn);
      if (isKnown(arn) && isBroadManagedPolicy(arn) && knownItems(() => attachment.roles).length > 0) {
        report(`Attaches ${String(arn)} to roles: grant only what the function uses.`);
      }
    }),
    validateResourceOfType(aws.iam.RolePolicyAttachmentsExclusive, (attachments, _args, report) => {
      for (const arn of knownItems(() => attachments.policyArns).filter(isBroadManagedPolicy)) {
        report(`Attaches ${String(arn)}: grant only what the function uses.`);
      }
    }),
    validateResourceOfType(aws.iam.Role, (role, _args, report) => {
      for (const arn of knownItems(() => role.managedPolicyArns).filter(isBroadManagedPolicy)) {
        report(`managedPolicyArns includes ${String(arn)}: grant only what the function uses.`);
      }
    }),
  ],
};

/** An ALB's invoke permission is scoped to its target group. */
export const lambdaAlbPermissionSourceArn: ResourceValidationPolicy = {
  name: "lambda-alb-permission-source-arn",
  description:
    "Lambda permissions for elasticloadbalancing.amazonaws.com set sourceArn, so only the intended " +
    "target group can invoke the function.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set `sourceArn: targetGroup.arn` on the aws.lambda.Permission.",
  validateResource: validateResourceOfType(aws.lambda.Permission, (permission, _args, report) => {
    const principal = known(() => permission.principal);
    const forElb = isKnown(principal) && String(principal).trim().toLowerCase() === ELB_PRINCIPAL;
    if (forElb && (!hasInput(permission, "sourceArn") || known(() => permission.sourceArn) === "")) {
      report(
        "The permission lets any load balancer in any account invoke the function: " +
          "set sourceArn to the target group's ARN.",
      );
    }
  }),
};

/** Configuration of {@link lambdaEnvNoSecrets}. */
export interface LambdaEnvNoSecretsConfig {
  /** Variable names never flagged, for values the heuristics misjudge. Defaults to none. */
  allowedNames?: string[];
}

/** Lambda environment variables hold references to secrets, never secrets. */
export const lambdaEnvNoSecrets: ResourceValidationPolicy = {
  name: "lambda-env-no-secrets",
  description:
    "No Lambda environment variable looks like a secret: Slack xox*- tokens, webhook URLs, keys, " +
    "long high-entropy strings, or *TOKEN*/*SECRET*/*PASSWORD*/*KEY* names with literal values.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Store the secret in AWS Secrets Manager, pass only its ARN (e.g. SECRET_ARN), and read it at cold start.",
  configSchema: {
    properties: {
      allowedNames: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, report) => {
    const variables = knownEntries(() => fn.environment?.variables);
    if (!isKnown(variables)) {
      return;
    }
    const { allowedNames } = args.getConfig<LambdaEnvNoSecretsConfig>();
    for (const { variable, reason } of findSecretLikeVariables(variables, { allowedNames })) {
      report(`Environment variable ${variable} ${reason}.`);
    }
  }),
};

// ---------------------------------------------------------------------------------------------
// Advisory policies
// ---------------------------------------------------------------------------------------------

/** Log groups expire their logs. */
export const logGroupRetention: ResourceValidationPolicy = {
  name: "log-group-retention",
  description: "CloudWatch log groups set retentionInDays (AWS keeps logs forever by default).",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Set `retentionInDays` (for example 30) on the aws.cloudwatch.LogGroup.",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, report) => {
    const days = known(() => group.retentionInDays);
    if (isKnown(days) && (days === undefined || days === null || days === 0)) {
      report("The log group keeps its logs forever: set retentionInDays.");
    }
  }),
};

/**
 * The AWS resource types this project creates, or is likely to, that accept `tags`. Resources of
 * other types (permissions, attachments, DNS records, rules) cannot be tagged and are not checked.
 */
export const TAGGABLE_TYPES: readonly string[] = [
  aws.lambda.Function,
  aws.iam.Role,
  aws.iam.Policy,
  aws.lb.LoadBalancer,
  aws.lb.TargetGroup,
  aws.lb.Listener,
  aws.lb.ListenerRule,
  aws.alb.LoadBalancer,
  aws.alb.TargetGroup,
  aws.alb.Listener,
  aws.alb.ListenerRule,
  aws.ec2.SecurityGroup,
  aws.ec2.Vpc,
  aws.ec2.Subnet,
  aws.vpc.SecurityGroupIngressRule,
  aws.vpc.SecurityGroupEgressRule,
  aws.cloudwatch.LogGroup,
  aws.secretsmanager.Secret,
  aws.route53.Zone,
  aws.acm.Certificate,
  aws.kms.Key,
  aws.s3.Bucket,
  aws.sqs.Queue,
  aws.sns.Topic,
  aws.dynamodb.Table,
].map((cls) => (cls as unknown as { __pulumiType: string }).__pulumiType);

/** Configuration of {@link resourcesTagged}. */
export interface ResourcesTaggedConfig {
  /** Tag keys every taggable resource must carry. Defaults to none: any tag will do. */
  requiredTags?: string[];
}

/** The tag keys of a provider's `defaultTags`, which the provider adds to every resource it creates. */
function providerDefaultTagKeys(args: ResourceValidationArgs): string[] {
  let defaultTags: unknown = args.provider?.props?.defaultTags;
  if (typeof defaultTags === "string") {
    try {
      defaultTags = JSON.parse(defaultTags); // Provider inputs arrive JSON-encoded from some engines.
    } catch {
      return [];
    }
  }
  const tags = (defaultTags as { tags?: unknown } | undefined)?.tags;
  return tags !== null && typeof tags === "object" ? Object.keys(tags) : [];
}

/** Taggable resources carry tags (their own or the provider's defaultTags). */
export const resourcesTagged: ResourceValidationPolicy = {
  name: "resources-tagged",
  description: "Taggable AWS resources carry tags, from their own `tags` or the provider's `defaultTags`.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Pass `tags` (PrivateLambdaService merges a Name tag into them) or set `aws:defaultTags` in the stack config.",
  configSchema: {
    properties: {
      requiredTags: { type: "array", items: { type: "string" }, default: [] },
    },
  },
  validateResource: (args, report) => {
    if (!TAGGABLE_TYPES.includes(args.type)) {
      args.notApplicable(`${args.type} is not in the list of taggable types`);
    }
    const own = knownEntries(() => (args.props as { tags?: unknown }).tags);
    if (!isKnown(own)) {
      return;
    }
    const keys = new Set([...own.map(([key]) => key), ...providerDefaultTagKeys(args)]);
    const { requiredTags = [] } = args.getConfig<ResourcesTaggedConfig>();
    const missing = requiredTags.filter((key) => !keys.has(key));
    if (keys.size === 0) {
      report("The resource has no tags.");
    } else if (missing.length > 0) {
      report(`The resource lacks the required tags ${missing.join(", ")}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------------
// The pack
// ---------------------------------------------------------------------------------------------

/** Every policy of the pack, in the order `pulumi preview` lists them. */
export const policies: ResourceValidationPolicy[] = [
  lbInternal,
  albDropInvalidHeaderFields,
  httpsListenerTls12,
  securityGroupNoPublicIngress,
  roleNoFullAccess,
  lambdaAlbPermissionSourceArn,
  lambdaEnvNoSecrets,
  ...limitPolicies,
  ...queuePolicies,
  logGroupRetention,
  resourcesTagged,
];

/** The pack's name, as `pulumi preview` prints it. */
export const POLICY_PACK_NAME = "hipchat-proxy-guardrails";

/** The pack's default enforcement level; every policy sets its own. */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "advisory";
