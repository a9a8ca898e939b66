/**
 * What AWS's APIs accept and the Pulumi AWS provider does not check before `pulumi up`: lengths and
 * character sets of names, descriptions and tags, DNS name limits, size limits, and which CIDR
 * blocks are private. Each passes `pulumi preview` (the provider validates less than the API) and
 * fails halfway through an update, with some resources created and others not.
 *
 * Pure functions and tables, no imports: the policy pack (`policies.ts`) checks every program's
 * resources with them, and PrivateLambdaService's `validateArgs` checks its own arguments with the
 * same rules before it creates anything, so the two cannot drift apart. The pack stays
 * self-contained (`pulumi policy publish` ships only this directory).
 *
 * Sources: the API references of EC2 (CreateSecurityGroup, AuthorizeSecurityGroupIngress, tags),
 * Elastic Load Balancing v2 (CreateLoadBalancer, CreateTargetGroup, CreateRule, quotas), IAM
 * (CreateRole, PutRolePolicy, tag rules, quotas), Lambda (CreateFunction, AddPermission, quotas),
 * Secrets Manager (CreateSecret, PutSecretValue), CloudWatch Logs (CreateLogGroup), Route 53
 * (CreateHostedZone, ChangeTagsForResource), ACM (RequestCertificate).
 */

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** What Pulumi's auto-naming appends to a resource's logical name: `-` and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** What the provider's `namePrefix` appends: a 26-character unique ID. */
export const NAME_PREFIX_SUFFIX_LENGTH = 26;

/** The rule for one resource type's AWS name. */
export interface NameRule {
  /** What the name names, for messages ("load balancer name"). */
  readonly what: string;
  /** The input that holds the name. */
  readonly field: string;
  /** Maximum length in characters. */
  readonly max: number;
  /** The characters AWS accepts, anchored. */
  readonly pattern: RegExp;
  /** The accepted characters in words, for messages. */
  readonly allowed: string;
  /** The input holding a prefix the provider completes, if the type has one. */
  readonly prefixField?: string;
  /** Maximum length of that prefix. Default: `max` − {@link NAME_PREFIX_SUFFIX_LENGTH}. */
  readonly prefixMax?: number;
  /** Whether Pulumi names the resource `<logical name>-<7 random characters>` when no name is given. */
  readonly autonamed: boolean;
  /** Further rules (a reserved beginning, say); returns the problem or `undefined`. */
  readonly extra?: (name: string) => string | undefined;
}

/** Characters EC2 accepts in security group names and in security group (rule) descriptions. */
export const EC2_TEXT = /^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const EC2_TEXT_ALLOWED = "letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ *";

/** Characters IAM accepts in role and policy descriptions. */
export const IAM_DESCRIPTION_TEXT = /^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$/;

const LB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IAM_NAME = /^[\w+=,.@-]+$/;

function noInternalPrefix(name: string): string | undefined {
  return /^internal-/i.test(name) ? `must not begin with "internal-"` : undefined;
}

const lbRule = (what: string): NameRule => ({
  what,
  field: "name",
  max: 32,
  pattern: LB_NAME,
  allowed: "letters, digits and hyphens, not beginning or ending with a hyphen",
  prefixField: "namePrefix",
  prefixMax: 6,
  autonamed: true,
  extra: noInternalPrefix,
});

/** AWS's name rules, by Pulumi type token. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
  "aws:lb/loadBalancer:LoadBalancer": lbRule("load balancer name"),
  "aws:alb/loadBalancer:LoadBalancer": lbRule("load balancer name"),
  "aws:lb/targetGroup:TargetGroup": lbRule("target group name"),
  "aws:alb/targetGroup:TargetGroup": lbRule("target group name"),
  "aws:iam/role:Role": {
    what: "IAM role name",
    field: "name",
    max: 64,
    pattern: IAM_NAME,
    allowed: "letters, digits and + = , . @ _ -",
    prefixField: "namePrefix",
    autonamed: true,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    what: "inline policy name",
    field: "name",
    max: 128,
    pattern: IAM_NAME,
    allowed: "letters, digits and + = , . @ _ -",
    prefixField: "namePrefix",
    autonamed: true,
  },
  "aws:iam/policy:Policy": {
    what: "IAM policy name",
    field: "name",
    max: 128,
    pattern: IAM_NAME,
    allowed: "letters, digits and + = , . @ _ -",
    prefixField: "namePrefix",
    autonamed: true,
  },
  "aws:lambda/function:Function": {
    what: "Lambda function name",
    field: "name",
    max: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
    autonamed: true,
  },
  "aws:lambda/permission:Permission": {
    what: "Lambda permission statement ID",
    field: "statementId",
    max: 100,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
    prefixField: "statementIdPrefix",
    autonamed: false,
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    what: "security group name",
    field: "name",
    max: 255,
    pattern: EC2_TEXT,
    allowed: EC2_TEXT_ALLOWED,
    prefixField: "namePrefix",
    autonamed: true,
    extra: (name) => (/^sg-/i.test(name) ? `must not begin with "sg-"` : undefined),
  },
  "aws:secretsmanager/secret:Secret": {
    what: "secret name",
    field: "name",
    max: 512,
    pattern: /^[A-Za-z0-9/_+=.@-]+$/,
    allowed: "letters, digits and / _ + = . @ -",
    prefixField: "namePrefix",
    autonamed: true,
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    what: "log group name",
    field: "name",
    max: 512,
    pattern: /^[A-Za-z0-9._\-/#]+$/,
    allowed: "letters, digits and . _ - / #",
    prefixField: "namePrefix",
    autonamed: true,
  },
};

/** A resource's name inputs, as far as they are known. */
export interface NameInputs {
  /** The value of the rule's `field`, when set and known. */
  readonly name?: string;
  /** The value of the rule's `prefixField`, when set and known. */
  readonly prefix?: string;
  /** True when the name or prefix is set but unknown (preview): nothing can be checked. */
  readonly unknown?: boolean;
}

/**
 * The problems with a resource's AWS name under `rule`: the explicit name, else the prefix, else
 * (for auto-named types) the name Pulumi will generate from `logicalName`.
 *
 * @returns One message per problem; empty when the name is acceptable or cannot be known yet.
 */
export function nameProblems(rule: NameRule, inputs: NameInputs, logicalName?: string): string[] {
  if (inputs.unknown) {
    return [];
  }
  if (inputs.name !== undefined) {
    return checkFullName(rule, inputs.name, `${rule.what} "${inputs.name}"`, "Use a shorter name");
  }
  if (inputs.prefix !== undefined && rule.prefixField !== undefined) {
    const prefixMax = rule.prefixMax ?? rule.max - NAME_PREFIX_SUFFIX_LENGTH;
    const problems: string[] = [];
    if (inputs.prefix.length > prefixMax) {
      problems.push(
        `${rule.prefixField} "${inputs.prefix}" is ${inputs.prefix.length} characters; the ${rule.what} allows a ` +
          `prefix of at most ${prefixMax} (AWS's limit is ${rule.max}, and ${NAME_PREFIX_SUFFIX_LENGTH} characters are added).`,
      );
    }
    // The prefix is completed with letters and digits, so test it with a stand-in completion.
    const completed = `${inputs.prefix}0`;
    if (inputs.prefix !== "" && !rule.pattern.test(completed)) {
      problems.push(
        `${rule.prefixField} "${inputs.prefix}" has characters a ${rule.what} cannot have (${rule.allowed}).`,
      );
    }
    const extra = rule.extra?.(completed);
    if (extra !== undefined) {
      problems.push(`${rule.prefixField} "${inputs.prefix}": a ${rule.what} ${extra}.`);
    }
    return problems;
  }
  if (rule.autonamed && logicalName !== undefined) {
    const generated = `${logicalName}-0000000`;
    return checkFullName(
      rule,
      generated,
      `Pulumi names this resource "${logicalName}-" plus 7 random characters, so its ${rule.what}`,
      `Give it a shorter resource name (at most ${rule.max - AUTONAME_SUFFIX_LENGTH} characters) or an explicit \`${rule.field}\``,
    );
  }
  return [];
}

function checkFullName(rule: NameRule, name: string, subject: string, fix: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) {
    problems.push(`${subject} is empty.`);
  }
  if (name.length > rule.max) {
    problems.push(`${subject} is ${name.length} characters, over AWS's limit of ${rule.max}. ${fix}.`);
  }
  if (name.length > 0 && !rule.pattern.test(name)) {
    problems.push(`${subject} has characters AWS does not accept: use ${rule.allowed}.`);
  }
  const extra = rule.extra?.(name);
  if (extra !== undefined) {
    problems.push(`${subject} ${extra}.`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Descriptions and other free text
// ---------------------------------------------------------------------------------------------

/** The rule for one free-text input. */
export interface TextRule {
  /** The input. */
  readonly field: string;
  /** What it is, for messages. */
  readonly what: string;
  /** Maximum length in characters. */
  readonly max: number;
  /** The accepted characters, anchored; absent when AWS accepts any. */
  readonly pattern?: RegExp;
  /** The accepted characters in words. */
  readonly allowed?: string;
}

const EC2_DESCRIPTION = (what: string): TextRule => ({
  field: "description",
  what,
  max: 255,
  pattern: EC2_TEXT,
  allowed: EC2_TEXT_ALLOWED,
});

/** AWS's rules for descriptions and comments, by Pulumi type token. */
export const TEXT_RULES: Readonly<Record<string, readonly TextRule[]>> = {
  "aws:ec2/securityGroup:SecurityGroup": [EC2_DESCRIPTION("security group description")],
  "aws:ec2/securityGroupRule:SecurityGroupRule": [EC2_DESCRIPTION("security group rule description")],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": [EC2_DESCRIPTION("security group rule description")],
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": [EC2_DESCRIPTION("security group rule description")],
  "aws:lambda/function:Function": [{ field: "description", what: "Lambda function description", max: 256 }],
  "aws:iam/role:Role": [
    {
      field: "description",
      what: "IAM role description",
      max: 1000,
      pattern: IAM_DESCRIPTION_TEXT,
      allowed: "printable Latin-1 characters, tabs and newlines",
    },
  ],
  "aws:iam/policy:Policy": [
    {
      field: "description",
      what: "IAM policy description",
      max: 1000,
      pattern: IAM_DESCRIPTION_TEXT,
      allowed: "printable Latin-1 characters, tabs and newlines",
    },
  ],
  "aws:secretsmanager/secret:Secret": [{ field: "description", what: "secret description", max: 2048 }],
  "aws:route53/zone:Zone": [{ field: "comment", what: "hosted zone comment", max: 256 }],
};

/** The rule for the descriptions of a security group's inline `ingress`/`egress` rules. */
export const INLINE_RULE_DESCRIPTION: TextRule = EC2_DESCRIPTION("security group rule description");

/** The problem with `text` under `rule`, or `undefined`. */
export function textProblem(rule: TextRule, text: string): string | undefined {
  if (text.length > rule.max) {
    return `The ${rule.what} is ${text.length} characters, over AWS's limit of ${rule.max}.`;
  }
  if (rule.pattern !== undefined && !rule.pattern.test(text)) {
    const bad = [...new Set([...text].filter((c) => !rule.pattern!.test(c)))].map((c) => JSON.stringify(c)).join(" ");
    return `The ${rule.what} "${text}" has characters AWS refuses (${bad}): use ${rule.allowed}.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

/** Tag rules of one AWS service. */
export interface TagRule {
  /** The service, for messages. */
  readonly service: string;
  /** Maximum number of tags on one resource (provider default tags included). */
  readonly maxTags: number;
  /** Whether keys and values are limited to letters, digits, spaces and `_ . : / = + - @`. */
  readonly restrictedCharacters: boolean;
  /** Who refuses other characters, for messages. Default: `service`. */
  readonly charactersRefusedBy?: string;
}

/** Maximum tag key length, every service. */
export const TAG_KEY_MAX = 128;
/** Maximum tag value length, every service. */
export const TAG_VALUE_MAX = 256;
/** The characters most services accept in tag keys and values. */
export const RESTRICTED_TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const TAG_RULES: readonly [prefix: string, rule: TagRule][] = [
  ["aws:route53/", { service: "Route 53", maxTags: 10, restrictedCharacters: false }],
  ["aws:ec2/", { service: "EC2", maxTags: 50, restrictedCharacters: false }],
  ["aws:vpc/", { service: "EC2", maxTags: 50, restrictedCharacters: false }],
  ["aws:lambda/", { service: "Lambda", maxTags: 50, restrictedCharacters: true }],
  ["aws:iam/", { service: "IAM", maxTags: 50, restrictedCharacters: true }],
  ["aws:lb/", { service: "Elastic Load Balancing", maxTags: 50, restrictedCharacters: true }],
  ["aws:alb/", { service: "Elastic Load Balancing", maxTags: 50, restrictedCharacters: true }],
  ["aws:secretsmanager/", { service: "Secrets Manager", maxTags: 50, restrictedCharacters: true }],
  ["aws:acm/", { service: "ACM", maxTags: 50, restrictedCharacters: true }],
  ["aws:cloudwatch/", { service: "CloudWatch", maxTags: 50, restrictedCharacters: true }],
];

/** The strictest rule of all: what a tag set must meet to be valid on every resource type here. */
export const STRICTEST_TAG_RULE: TagRule = { service: "every service", maxTags: 10, restrictedCharacters: true };

/** The tag rule for a Pulumi type token; services not listed get AWS's general limits. */
export function tagRuleFor(type: string): TagRule {
  const found = TAG_RULES.find(([prefix]) => type.startsWith(prefix));
  return found?.[1] ?? { service: "AWS", maxTags: 50, restrictedCharacters: false };
}

/**
 * The problems with a resource's tags. `tags` are the resource's own; `defaultTags` the provider's,
 * which the provider adds to the same resource and which count towards the same limits.
 */
export function tagProblems(
  rule: TagRule,
  tags: Readonly<Record<string, unknown>>,
  defaultTags: Readonly<Record<string, unknown>> = {},
): string[] {
  const problems: string[] = [];
  const all = { ...defaultTags, ...tags };
  const count = Object.keys(all).length;
  if (count > rule.maxTags) {
    const fromDefaults = Object.keys(defaultTags).filter((k) => !(k in tags)).length;
    problems.push(
      `${count} tags${fromDefaults > 0 ? ` (${fromDefaults} of them the provider's default tags)` : ""}, over ` +
        `${rule.service}'s limit of ${rule.maxTags} per resource.`,
    );
  }
  for (const [key, value] of Object.entries(all)) {
    const where = key in tags ? "Tag" : "Default tag";
    if (key.length === 0 || key.length > TAG_KEY_MAX) {
      problems.push(`${where} key "${key}" is ${key.length} characters; keys are 1 to ${TAG_KEY_MAX}.`);
    }
    if (/^aws:/i.test(key)) {
      problems.push(`${where} key "${key}" begins with "aws:", which AWS reserves for its own tags.`);
    }
    if (typeof value === "string" && value.length > TAG_VALUE_MAX) {
      problems.push(`${where} ${key}'s value is ${value.length} characters, over the limit of ${TAG_VALUE_MAX}.`);
    }
    if (rule.restrictedCharacters) {
      const refuser = rule.charactersRefusedBy ?? rule.service;
      if (!RESTRICTED_TAG_TEXT.test(key)) {
        problems.push(
          `${where} key "${key}" has characters ${refuser} refuses: use letters, digits, spaces and _ . : / = + - @.`,
        );
      }
      if (typeof value === "string" && !RESTRICTED_TAG_TEXT.test(value)) {
        problems.push(
          `${where} ${key}'s value "${value}" has characters ${refuser} refuses: use letters, digits, spaces and _ . : / = + - @.`,
        );
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// DNS names
// ---------------------------------------------------------------------------------------------

/** Longest DNS name, without the trailing dot. */
export const DNS_NAME_MAX = 253;
/** Longest DNS label. */
export const DNS_LABEL_MAX = 63;
/** Longest first domain name (the Common Name) ACM accepts; further names may be 253. */
export const ACM_DOMAIN_NAME_MAX = 64;

/**
 * The problem with a DNS name, or `undefined`: at most 253 characters (one trailing dot allowed),
 * labels of 1–63 letters, digits, hyphens or underscores, optionally a leading `*` label.
 */
export function dnsNameProblem(name: string, what: string): string | undefined {
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  if (bare.length === 0) {
    return `The ${what} is empty.`;
  }
  if (bare.length > DNS_NAME_MAX) {
    return `The ${what} "${name}" is ${bare.length} characters, over DNS's limit of ${DNS_NAME_MAX}.`;
  }
  const labels = bare.split(".");
  for (const [i, label] of labels.entries()) {
    if (label.length === 0) {
      return `The ${what} "${name}" has an empty label.`;
    }
    if (label.length > DNS_LABEL_MAX) {
      return `The ${what} "${name}" has a label of ${label.length} characters ("${label}"), over DNS's limit of ${DNS_LABEL_MAX}.`;
    }
    if (!(i === 0 && label === "*") && !/^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(label)) {
      return `The ${what} "${name}" has a label ("${label}") that is not letters, digits, hyphens and underscores.`;
    }
  }
  return undefined;
}

/** The problem with a certificate's first domain name (its Common Name), or `undefined`. */
export function acmDomainNameProblem(name: string): string | undefined {
  const bare = name.replace(/\.$/, "");
  if (bare.length > ACM_DOMAIN_NAME_MAX) {
    return (
      `The certificate's domain name "${name}" is ${bare.length} characters; ACM accepts at most ` +
      `${ACM_DOMAIN_NAME_MAX} for the first name (the Common Name). Use a shorter name, and add this one as a ` +
      `subject alternative name.`
    );
  }
  return dnsNameProblem(name, "certificate's domain name");
}

/** Longest host-header condition value of a listener rule. */
export const HOST_HEADER_MAX = 128;

/** The problem with a listener rule's host-header value, or `undefined`. */
export function hostHeaderProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > HOST_HEADER_MAX) {
    return `The host-header value "${value}" is ${value.length} characters; the limit is 1 to ${HOST_HEADER_MAX}.`;
  }
  if (!/^[A-Za-z0-9.*?-]+$/.test(value)) {
    return `The host-header value "${value}" has characters a listener rule refuses: use letters, digits and - . * ?.`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Sizes and counts
// ---------------------------------------------------------------------------------------------

/** Lambda's limit on all environment variables together, measured as their JSON, in bytes. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** Most layers one function may use. */
export const LAMBDA_LAYERS_MAX = 5;
/** Largest secret value Secrets Manager stores, in bytes. */
export const SECRET_VALUE_MAX_BYTES = 65536;
/** IAM's limit on one role's inline policies together, in characters without whitespace. */
export const ROLE_INLINE_POLICY_MAX = 10240;
/** Listener rule priorities. */
export const LISTENER_RULE_PRIORITY = { min: 1, max: 50000 } as const;
/** Most condition values (host names, paths, …) in one listener rule. */
export const LISTENER_RULE_CONDITION_VALUES_MAX = 5;

/** UTF-8 length of a string. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The size Lambda measures for a function's environment: the JSON of its variables, in bytes.
 * Lambda's error quotes that string ("String measured: {…}").
 */
export function lambdaEnvironmentBytes(variables: Readonly<Record<string, unknown>>): number {
  return utf8Bytes(JSON.stringify(variables));
}

/** The problem with a Lambda environment's size, or `undefined`. */
export function lambdaEnvironmentProblem(variables: Readonly<Record<string, unknown>>): string | undefined {
  const bytes = lambdaEnvironmentBytes(variables);
  return bytes > LAMBDA_ENVIRONMENT_MAX_BYTES
    ? `The function's environment variables measure ${bytes} bytes as JSON, over Lambda's limit of ` +
        `${LAMBDA_ENVIRONMENT_MAX_BYTES} for all of them together. Ship large data with the code instead.`
    : undefined;
}

/** The size IAM counts for a policy document: its JSON without insignificant whitespace. */
export function policyDocumentLength(document: string): number {
  try {
    return JSON.stringify(JSON.parse(document)).length;
  } catch {
    return document.replace(/\s+/g, "").length;
  }
}

// ---------------------------------------------------------------------------------------------
// CIDR blocks
// ---------------------------------------------------------------------------------------------

/** A parsed CIDR block. */
export interface Cidr {
  readonly family: "ipv4" | "ipv6";
  /** The address as given (host bits included). */
  readonly address: bigint;
  readonly prefix: number;
  /** Whether address bits beyond the prefix are set (`10.0.0.1/8`). */
  readonly hostBitsSet: boolean;
}

function parseIpv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) {
    return undefined;
  }
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) {
    return undefined;
  }
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) {
    return undefined;
  }
  const halves = text.split("::");
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === "") {
      return [];
    }
    const out: number[] = [];
    const pieces = part.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) {
          return undefined;
        }
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return undefined;
  }
  return [...head, ...new Array<number>(missing).fill(0), ...tail].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 CIDR block; `undefined` when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) {
    return undefined;
  }
  const prefix = Number(m[2]);
  const v4 = parseIpv4(m[1]);
  const family = v4 !== undefined ? "ipv4" : "ipv6";
  const address = v4 ?? parseIpv6(m[1]);
  const bits = family === "ipv4" ? 32 : 128;
  if (address === undefined || prefix > bits || (family === "ipv4" && m[1].includes(":"))) {
    return undefined;
  }
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return { family, address, prefix, hostBitsSet: (address & hostMask) !== 0n };
}

/** Whether every address of `inner` lies in `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) {
    return false;
  }
  const bits = inner.family === "ipv4" ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.address >> shift === outer.address >> shift;
}

/**
 * Private address space: RFC 1918, RFC 6598's shared space (used for VPC secondary ranges), and
 * IPv6 unique local addresses. Ingress from inside these never reaches the internet's hosts.
 */
export const PRIVATE_CIDR_BLOCKS: readonly string[] = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "fc00::/7",
];

/**
 * The shortest prefix allowed for a block that includes public addresses, even when public ingress
 * is allowed: a /8 is 16.7 million IPv4 addresses; an IPv6 /32 is one ISP's allocation. Shorter
 * blocks span many organisations, and a few of them cover the internet (`0.0.0.0/1` + `128.0.0.0/1`).
 */
export const MIN_PUBLIC_PREFIX: Readonly<Record<Cidr["family"], number>> = { ipv4: 8, ipv6: 32 };

/** Options of {@link ingressCidrProblem}. */
export interface IngressCidrOptions {
  /** The VPC's own blocks (IPv4 and IPv6), allowed like private space. Default: none. */
  readonly ownBlocks?: readonly string[];
  /** Whether blocks with public addresses may be allowed at all (still within the bound). Default: false. */
  readonly allowPublic?: boolean;
  /** Specific public blocks allowed without `allowPublic` (blocks within them are fine). Default: none. */
  readonly allowedPublicBlocks?: readonly string[];
  /** How the caller opts in, for the message ("set allowPublicCidrs: true"). */
  readonly optIn?: string;
}

/**
 * Checks one ingress source block: well formed, and either private (inside
 * {@link PRIVATE_CIDR_BLOCKS} or the VPC's own blocks) or explicitly allowed public space no wider
 * than {@link MIN_PUBLIC_PREFIX}. A set of blocks covers public space exactly when one of its blocks
 * does, so checking each block checks the set.
 *
 * @returns The problem, or `undefined` when the block is acceptable.
 */
export function ingressCidrProblem(cidr: string, options: IngressCidrOptions = {}): string | undefined {
  const block = parseCidr(cidr.trim());
  if (block === undefined) {
    return `Ingress CIDR block "${cidr}" is not a valid IPv4 or IPv6 CIDR block (for example "10.0.0.0/16").`;
  }
  if (block.prefix === 0) {
    return `Ingress from "${cidr}" is refused: a /0 block opens the service to every address.`;
  }
  if (block.hostBitsSet) {
    return `Ingress CIDR block "${cidr}" has address bits set beyond its /${block.prefix} prefix: give the block's network address.`;
  }
  const within = (list: readonly string[] | undefined) =>
    (list ?? []).some((text) => {
      const outer = parseCidr(text);
      return outer !== undefined && cidrWithin(block, outer);
    });
  if (within(PRIVATE_CIDR_BLOCKS) || within(options.ownBlocks)) {
    return undefined;
  }
  const min = MIN_PUBLIC_PREFIX[block.family];
  if (block.prefix < min) {
    return (
      `Ingress from "${cidr}" is refused: it includes public addresses and is wider than a /${min}, so it spans ` +
      `many networks (a few such blocks cover the whole internet). This is refused even where public ingress is allowed.`
    );
  }
  if (options.allowPublic || within(options.allowedPublicBlocks)) {
    return undefined;
  }
  return (
    `Ingress from "${cidr}" is refused: it includes public addresses (outside ${PRIVATE_CIDR_BLOCKS.join(", ")}` +
    `${options.ownBlocks?.length ? ` and the VPC's own ${options.ownBlocks.join(", ")}` : ""}).` +
    (options.optIn ? ` If that is intended, ${options.optIn}.` : "")
  );
}
