/**
 * Policies for AWS's input limits: what the API refuses although `pulumi preview` (and the
 * provider) accepted it, so an update would stop halfway. The rules themselves live in
 * `awsConstraints.ts`, shared with PrivateLambdaService's own argument checks; these policies apply
 * them to every resource of every program. Values unknown during preview are skipped one at a time
 * (`values.ts`); `pulumi up` checks them.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

import {
  acmDomainNameProblem,
  dnsNameProblem,
  hostHeaderProblem,
  INLINE_RULE_DESCRIPTION,
  LAMBDA_LAYERS_MAX,
  LISTENER_RULE_CONDITION_VALUES_MAX,
  LISTENER_RULE_PRIORITY,
  lambdaEnvironmentProblem,
  NAME_RULES,
  nameProblems,
  policyDocumentLength,
  ROLE_INLINE_POLICY_MAX,
  SECRET_VALUE_MAX_BYTES,
  TEXT_RULES,
  tagProblems,
  tagRuleFor,
  textProblem,
  utf8Bytes,
} from "./awsConstraints";
import { isKnown, known, knownEntries, knownItems, UNKNOWN } from "./values";

/** A resource's inputs as a plain record (each read still goes through `known`). */
function propsOf(args: ResourceValidationArgs): Record<string, unknown> {
  return args.props as Record<string, unknown>;
}

/** A known string input, or `undefined` when it is unset, not a string, or unknown during preview. */
function knownString(read: () => unknown): string | undefined {
  const value = known(read);
  return isKnown(value) && typeof value === "string" ? value : undefined;
}

/** The types whose names the policies below know, for `notApplicable`. */
function only(args: ResourceValidationArgs, types: readonly string[]): void {
  if (!types.includes(args.type)) {
    args.notApplicable(`${args.type} has no such limits`);
  }
}

// ---------------------------------------------------------------------------------------------

/** Names (explicit, prefixes, and the ones Pulumi generates) within AWS's lengths and characters. */
export const awsNameLimits: ResourceValidationPolicy = {
  name: "aws-name-limits",
  description:
    "AWS names fit AWS's limits: load balancers and target groups ≤ 32 characters (prefix ≤ 6), IAM roles ≤ 64, " +
    "Lambda functions ≤ 64, security groups, secrets and log groups in their character sets; names Pulumi " +
    "generates (logical name + 8 characters) included.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Give the resource a shorter logical name or an explicit `name` within the limit, using only the characters AWS accepts.",
  validateResource: (args, report) => {
    only(args, Object.keys(NAME_RULES));
    const rule = NAME_RULES[args.type];
    const props = propsOf(args);
    const name = known(() => props[rule.field]);
    const prefix = rule.prefixField === undefined ? undefined : known(() => props[rule.prefixField as string]);
    const problems = nameProblems(
      rule,
      {
        name: typeof name === "string" ? name : undefined,
        prefix: typeof prefix === "string" ? prefix : undefined,
        unknown: !isKnown(name) || prefix === UNKNOWN,
      },
      args.name,
    );
    for (const problem of problems) {
      report(problem);
    }
  },
};

/** Descriptions and comments within AWS's lengths and character sets. */
export const awsDescriptionLimits: ResourceValidationPolicy = {
  name: "aws-description-limits",
  description:
    "Descriptions fit AWS's limits: security groups and their rules ≤ 255 characters of a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*, " +
    "Lambda ≤ 256, IAM ≤ 1000 (Latin-1), secrets ≤ 2048, hosted zone comments ≤ 256.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Shorten the description, or replace the characters the message names (an apostrophe, say).",
  validateResource: (args, report) => {
    only(args, Object.keys(TEXT_RULES));
    const props = propsOf(args);
    for (const rule of TEXT_RULES[args.type]) {
      const text = knownString(() => props[rule.field]);
      const problem = text === undefined ? undefined : textProblem(rule, text);
      if (problem !== undefined) {
        report(problem);
      }
    }
    if (args.type === "aws:ec2/securityGroup:SecurityGroup") {
      for (const key of ["ingress", "egress"]) {
        knownItems(() => props[key]).forEach((item, i) => {
          const text = knownString(() => (item as Record<string, unknown>).description);
          const problem = text === undefined ? undefined : textProblem(INLINE_RULE_DESCRIPTION, text);
          if (problem !== undefined) {
            report(`Inline ${key} rule ${i}: ${problem}`);
          }
        });
      }
    }
  },
};

/** The provider's `defaultTags` (the keys and known values), which the provider adds to each resource. */
export function providerDefaultTags(args: ResourceValidationArgs): Record<string, unknown> {
  let defaultTags: unknown = args.provider?.props?.defaultTags;
  if (typeof defaultTags === "string") {
    try {
      defaultTags = JSON.parse(defaultTags); // Provider inputs arrive JSON-encoded from some engines.
    } catch {
      return {};
    }
  }
  const tags = (defaultTags as { tags?: unknown } | undefined)?.tags;
  return tags !== null && typeof tags === "object" ? (tags as Record<string, unknown>) : {};
}

/** Tags within AWS's limits: counts (provider default tags included), lengths, reserved prefix, characters. */
export const awsTagLimits: ResourceValidationPolicy = {
  name: "aws-tag-limits",
  description:
    "Tags fit AWS's limits: keys ≤ 128 and values ≤ 256 characters, no `aws:` prefix, at most 50 tags (10 on " +
    "Route 53 hosted zones) counting the provider's default tags, and only letters, digits, spaces and _ . : / = + - @ " +
    "where the service requires it (IAM, Lambda, ELB, Secrets Manager, ACM, CloudWatch).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Drop or shorten tags, or replace the characters the message names; mind `aws:defaultTags` too.",
  validateResource: (args, report) => {
    if (!args.type.startsWith("aws:")) {
      args.notApplicable("not an AWS resource");
    }
    const own = knownEntries(() => (propsOf(args) as { tags?: unknown }).tags);
    if (!isKnown(own)) {
      return;
    }
    const defaults = providerDefaultTags(args);
    if (own.length === 0 && Object.keys(defaults).length === 0) {
      return;
    }
    for (const problem of tagProblems(tagRuleFor(args.type), Object.fromEntries(own), defaults)) {
      report(problem);
    }
  },
};

const RECORD = "aws:route53/record:Record";
const ZONE = "aws:route53/zone:Zone";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const LISTENER_RULES = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"];

/** The host-header values of a listener rule's conditions that are known. */
function hostHeaderValues(props: Record<string, unknown>): string[] {
  return knownItems(() => props.conditions).flatMap((condition) =>
    knownItems(() => (condition as { hostHeader?: { values?: unknown } }).hostHeader?.values).filter(
      (v): v is string => typeof v === "string",
    ),
  );
}

/** DNS names within DNS's and ACM's limits. */
export const awsDnsNameLimits: ResourceValidationPolicy = {
  name: "aws-dns-name-limits",
  description:
    "DNS names fit the limits: Route 53 records and zones ≤ 253 characters with labels ≤ 63, a certificate's first " +
    "domain name ≤ 64 characters (ACM), listener rule host headers ≤ 128 characters of letters, digits and - . * ?.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Use a shorter name; for a certificate, request it for a name of at most 64 characters and add longer ones as subject alternative names.",
  validateResource: (args, report) => {
    only(args, [RECORD, ZONE, CERTIFICATE, ...LISTENER_RULES]);
    const props = propsOf(args);
    const problems: (string | undefined)[] = [];
    if (args.type === RECORD) {
      const name = knownString(() => props.name);
      problems.push(name === undefined ? undefined : dnsNameProblem(name, "record name"));
    } else if (args.type === ZONE) {
      const name = knownString(() => props.name);
      problems.push(name === undefined ? undefined : dnsNameProblem(name, "hosted zone name"));
    } else if (args.type === CERTIFICATE) {
      const name = knownString(() => props.domainName);
      problems.push(name === undefined ? undefined : acmDomainNameProblem(name));
      for (const san of knownItems(() => props.subjectAlternativeNames)) {
        problems.push(typeof san === "string" ? dnsNameProblem(san, "subject alternative name") : undefined);
      }
    } else {
      problems.push(...hostHeaderValues(props).map(hostHeaderProblem));
    }
    for (const problem of problems) {
      if (problem !== undefined) {
        report(problem);
      }
    }
  },
};

const FUNCTION = "aws:lambda/function:Function";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";

/** The environment variables of a function, unknown values counted as empty strings (a lower bound). */
function environmentLowerBound(props: Record<string, unknown>): Record<string, unknown> | undefined {
  const variables = known(() => (props.environment as { variables?: unknown } | undefined)?.variables);
  if (!isKnown(variables) || variables === null || typeof variables !== "object") {
    return undefined;
  }
  return Object.fromEntries(
    Object.keys(variables).map((key) => {
      const value = known(() => (variables as Record<string, unknown>)[key]);
      return [key, isKnown(value) ? value : ""];
    }),
  );
}

/** Reports each problem of `problems` that is defined. */
function reportAll(report: ReportViolation, problems: (string | undefined)[]): void {
  for (const problem of problems) {
    if (problem !== undefined) {
      report(problem);
    }
  }
}

/** Sizes and counts within AWS's limits. */
export const awsSizeLimits: ResourceValidationPolicy = {
  name: "aws-size-limits",
  description:
    "Sizes fit AWS's limits: a Lambda function's environment ≤ 4 KB (as JSON) and ≤ 5 layers, a secret value ≤ 64 KB, " +
    "a role's inline policy ≤ 10,240 characters, listener rule priorities 1–50000 with ≤ 5 condition values.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Move large data out of the environment (ship it with the code) or out of the secret; split a policy; split a listener rule.",
  validateResource: (args, report) => {
    only(args, [FUNCTION, SECRET_VERSION, ROLE_POLICY, ...LISTENER_RULES]);
    const props = propsOf(args);
    if (args.type === FUNCTION) {
      const variables = environmentLowerBound(props);
      const layers = knownItems(() => props.layers);
      reportAll(report, [
        variables === undefined ? undefined : lambdaEnvironmentProblem(variables),
        layers.length > LAMBDA_LAYERS_MAX
          ? `The function uses ${layers.length} layers; Lambda allows ${LAMBDA_LAYERS_MAX}.`
          : undefined,
      ]);
    } else if (args.type === SECRET_VERSION) {
      const value = knownString(() => props.secretString);
      const bytes = value === undefined ? 0 : utf8Bytes(value);
      reportAll(report, [
        bytes > SECRET_VALUE_MAX_BYTES
          ? `The secret value is ${bytes} bytes; Secrets Manager stores at most ${SECRET_VALUE_MAX_BYTES}.`
          : undefined,
      ]);
    } else if (args.type === ROLE_POLICY) {
      const document = knownString(() => props.policy);
      const length = document === undefined ? 0 : policyDocumentLength(document);
      reportAll(report, [
        length > ROLE_INLINE_POLICY_MAX
          ? `The inline policy is ${length} characters without whitespace; IAM allows ${ROLE_INLINE_POLICY_MAX} for all of a role's inline policies.`
          : undefined,
      ]);
    } else {
      const priority = known(() => props.priority);
      const values = knownItems(() => props.conditions).reduce<number>((count, condition) => {
        const c = condition as Record<string, { values?: unknown } | undefined>;
        return (
          count +
          ["hostHeader", "pathPattern", "httpRequestMethod", "sourceIp", "httpHeader"]
            .map((key) => knownItems(() => c[key]?.values).length)
            .reduce((a, b) => a + b, 0) +
          knownItems(() => (c as Record<string, unknown>).queryStrings).length
        );
      }, 0);
      const { min, max } = LISTENER_RULE_PRIORITY;
      reportAll(report, [
        isKnown(priority) &&
        typeof priority === "number" &&
        !(Number.isInteger(priority) && priority >= min && priority <= max)
          ? `The listener rule's priority ${priority} is outside ${min}–${max}.`
          : undefined,
        values > LISTENER_RULE_CONDITION_VALUES_MAX
          ? `The listener rule has ${values} condition values; a rule allows ${LISTENER_RULE_CONDITION_VALUES_MAX}: split it.`
          : undefined,
      ]);
    }
  },
};

/** The limit policies, in the order the pack lists them. */
export const limitPolicies: ResourceValidationPolicy[] = [
  awsNameLimits,
  awsDescriptionLimits,
  awsTagLimits,
  awsDnsNameLimits,
  awsSizeLimits,
];
