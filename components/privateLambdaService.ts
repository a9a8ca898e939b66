/**
 * PrivateLambdaService: a Lambda function behind an internal Application Load Balancer, reachable at
 * a private DNS name from inside one VPC. Generic: it knows nothing about what the function does.
 *
 * Wiring follows the ELB guide "Lambda functions as targets": a `lambda` target group, an invoke
 * permission scoped to that target group, then the registration (which fails without the permission).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ALBEvent, ALBResult } from "aws-lambda";

import { lambdaEnvironmentProblem, SECRET_VALUE_MAX_BYTES, TAG_VALUE_MAX, utf8Bytes } from "../policy/awsConstraints";
import { buildBundle, projectPackages, RUNTIME_PROVIDED_PACKAGES } from "./bundle";
import {
  certificateZoneProblem,
  checkIngressCidr,
  logGroupNamePrefix,
  parentDomain,
  subnetsProblem,
  validateArgs,
  vpcDnsProblem,
} from "./validation";

/**
 * The component's type token. Generic, so services built from it carry no other project's name in
 * their URNs; {@link LEGACY_TYPES} keeps stacks created under an earlier token from replacing anything.
 */
export const PRIVATE_LAMBDA_SERVICE_TYPE = "private-lambda-service:index:PrivateLambdaService";

/** Type tokens this component had before; given as aliases so existing children keep their URNs. */
export const LEGACY_TYPES: readonly string[] = ["hipchat-proxy:index:PrivateLambdaService"];

/** The TLS policy of the HTTPS listener unless [sslPolicy] says otherwise (TLS 1.3 and 1.2, post-quantum key exchange). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** The Lambda runtime. Pinned: CallbackFunction's own default moves with @pulumi/aws releases. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/**
 * How long `pulumi up` waits for ACM to validate a new certificate: shorter than a deploy job, so a
 * validation record that never appears fails the update with a message instead of hanging it (the
 * provider's default is 75 minutes).
 */
export const CERTIFICATE_VALIDATION_TIMEOUT = "30m";

/** The Lambda function's description: at most 256 characters, Lambda's limit. */
export function functionDescription(name: string, hostname: string): string {
  const long = `${name}: served by an internal ALB at ${hostname}.`;
  return long.length <= 256 ? long : `${name}: served by an internal ALB.`;
}

/**
 * Listener rule priorities for the legacy host names on :80, one rule each. Derived from the name
 * (the rules' conditions are disjoint, so their order does not matter), so adding, removing or
 * reordering names never moves another name's rule: moving priorities between rules can collide
 * (PriorityInUse) during an update.
 */
export function hostRulePriorities(hosts: readonly string[]): Map<string, number> {
  const span = 49000;
  const used = new Set<number>();
  const out = new Map<string, number>();
  for (const host of [...hosts].sort()) {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(host)) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    }
    let priority = 1000 + (hash % span);
    while (used.has(priority)) {
      priority = priority + 1 >= 1000 + span ? 1000 : priority + 1;
    }
    used.add(priority);
    out.set(host, priority);
  }
  return out;
}

/**
 * The function's environment variables: `environment` plus, when there is a secret, `SECRET_ARN`.
 * When the values resolve, fails if one of `environment`'s values is a secret: Lambda shows
 * environment variables in plain text to anyone who may read the function's configuration.
 *
 * @param secretArn - The ARN of the secret holding [secrets]; `undefined` for a service without
 *   secrets (then no `SECRET_ARN` is set).
 * @param parent - The resource an error is reported against.
 */
export function functionEnvironment(
  environment: Readonly<Record<string, pulumi.Input<string>>>,
  secretArn: pulumi.Input<string> | undefined,
  parent?: pulumi.Resource,
): pulumi.Output<Record<string, string>> {
  const all = secretArn === undefined ? { ...environment } : { ...environment, SECRET_ARN: secretArn };
  return pulumi.all(all).apply(async (values) => {
    for (const [key, value] of Object.entries(environment)) {
      if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value as pulumi.Output<string>))) {
        throw new pulumi.ResourceError(
          `environment.${key} is a secret. Lambda shows environment variables in plain text to anyone who can ` +
            `read the function's configuration: pass it through [secrets] instead.`,
          parent,
        );
      }
    }
    const tooLarge = lambdaEnvironmentProblem(values);
    if (tooLarge !== undefined) {
      throw new pulumi.ResourceError(`${tooLarge} Pass large data as [files].`, parent);
    }
    return values as Record<string, string>;
  });
}

/** The arguments of a {@link PrivateLambdaService}. */
export interface PrivateLambdaServiceArgs {
  // ---------------------------------------------------------------- the function

  /**
   * The module that serves requests: a TypeScript or JavaScript file exporting
   * `callbackFactory(): (event: ALBEvent, context) => Promise<ALBResult>`. The component bundles it
   * with esbuild (everything it imports but [external] in one file) while the program runs, and the
   * Lambda calls `callbackFactory` once per container: the place for clients and caches. Required.
   */
  readonly entry: string;

  /**
   * Packages left out of the bundle because the Lambda runtime provides them (`*` wildcards).
   * Default: `["@aws-sdk/*"]`, the AWS SDK for JavaScript v3 that `nodejs22.x` ships.
   */
  readonly external?: readonly string[];

  /**
   * Files shipped next to the bundle (file name → content), for data too large for Lambda's 4 KB
   * environment, such as routing tables. The entry module reads one at `path.join(__dirname, name)`.
   * Plain values only: the package is not encrypted like a secret. Default: none.
   */
  readonly files?: Readonly<Record<string, string>>;

  /** Memory in MB, 128–10240. Default: 256. */
  readonly memorySize?: number;

  /** Timeout in seconds, 1–900. Default: 30. */
  readonly timeout?: number;

  /**
   * Concurrent executions reserved for the function, which are also its ceiling: a flood of requests
   * beyond it is throttled (the ALB answers 503) instead of scaling without limit. Default: none
   * (the account's unreserved pool).
   */
  readonly reservedConcurrency?: number;

  /**
   * Plain (non-secret) environment variables. Default: none. `SECRET_ARN` is reserved (with or
   * without [secrets]): the component sets it to the ARN of the secret holding [secrets]. A secret
   * value here is refused when it resolves; pass it through [secrets] instead.
   */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;

  /** Retention of the function's log group, in days (one of CloudWatch Logs' periods). Default: 30. */
  readonly logRetentionInDays?: number;

  /**
   * Lambda layer version ARNs to add to the function (for example AWS's Parameters and Secrets
   * extension). Default: none.
   */
  readonly layers?: readonly pulumi.Input<string>[];

  /** The arguments of a {@link PrivateLambdaService}. */
  // ---------------------------------------------------------------- secrets

  /**
   * Named secret values. Stored together as one Secrets Manager secret whose string is the JSON
   * object of these names and values; the function receives only its ARN, in `SECRET_ARN`, and its
   * role may read that secret and no other. When given, it must name at least one value. Default:
   * none: no secret, no `SECRET_ARN`, no Secrets Manager permission.
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;

  /**
   * Days Secrets Manager keeps the secret after deletion: 0 (delete at once) or 7–30. Needs
   * [secrets]. Default: 7.
   */
  readonly secretRecoveryWindowInDays?: number;

  // ---------------------------------------------------------------- network

  /** The VPC of the ALB and its security group. Required. */
  readonly vpcId: pulumi.Input<string>;

  /**
   * The ALB's subnets: at least 2, of [vpcId], in at least 2 Availability Zones, private. A list, or
   * one Output of a list (a VPC created in the same program). Checked when the IDs are known: the
   * subnets are looked up (`ec2:DescribeSubnets`) and the preview fails if they are in another VPC
   * or all in one zone. Required.
   */
  readonly subnetIds: pulumi.Input<readonly pulumi.Input<string>[]>;

  /**
   * Security groups allowed to reach the listener ports. Default: none. When neither this nor
   * [allowedCidrBlocks] is set, the VPC's own (primary) CIDR block is allowed; setting one to an empty
   * list while the other is unset or empty is an error (nothing could reach the ALB).
   */
  readonly allowedSecurityGroupIds?: readonly pulumi.Input<string>[];

  /**
   * CIDR blocks (IPv4 or IPv6) allowed to reach the listener ports. Each must lie in private address
   * space (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) or in the VPC's own blocks, unless
   * [allowPublicCidrs]; a block with public addresses wider than /8 (IPv4) or /32 (IPv6) is refused
   * even then, and so is any /0. Default: none (see [allowedSecurityGroupIds] for what happens when
   * both are unset).
   */
  readonly allowedCidrBlocks?: readonly pulumi.Input<string>[];

  /**
   * Allow [allowedCidrBlocks] to include public addresses (a partner's range, say), each block still
   * /8 (IPv4) or /32 (IPv6) or narrower. The policy pack needs the same blocks in its
   * `allowedPublicCidrs`. Needs [allowedCidrBlocks]. Default: false.
   */
  readonly allowPublicCidrs?: boolean;

  // ---------------------------------------------------------------- the target group

  /**
   * Turn on the target group's multi-value headers, so repeated headers and query keys reach the
   * handler as lists (`multiValueHeaders`, `multiValueQueryStringParameters`); the handler must then
   * answer with `multiValueHeaders`. Default: false (AWS's default).
   */
  readonly multiValueHeaders?: boolean;

  /**
   * Path of the target group's health check (a GET every 60 s, expecting 200; each check is an
   * invocation). Default: none, health checks off (AWS's default for Lambda targets).
   */
  readonly healthCheckPath?: string;

  // ---------------------------------------------------------------- DNS

  /**
   * The service's DNS name inside the VPC: an A alias for the ALB. Plain string (it names records
   * that `preview` must show). Required.
   */
  readonly hostname: string;

  /**
   * An existing private hosted zone (associated with the VPC) to put [hostname] in. Default: a new
   * private zone, named [privateZoneName] or the hostname's parent domain, associated with [vpcId].
   */
  readonly privateZoneId?: pulumi.Input<string>;

  /**
   * The domain of the private zone. With [privateZoneId]: that zone's name, used only to check that
   * [hostname] lies inside it. Without: the name of the zone to create. Default: the hostname's
   * parent domain (`svc.internal.example.com` → `internal.example.com`).
   */
  readonly privateZoneName?: string;

  /**
   * Further private zones to create and associate with [vpcId], each with its apex (the zone's own
   * name) an alias for the ALB. Typical use: a zone named after a legacy host so apps that call
   * `http://<legacy host>/` reach the service unchanged. The certificate does not name them, so they
   * are served over plain HTTP: with HTTPS, [redirectHttpToHttps] must be false. Default: none.
   */
  readonly extraZoneNames?: readonly string[];

  /**
   * More VPCs (same account and region) that resolve the zones the component creates: one
   * `aws.route53.ZoneAssociation` per zone and VPC. The zones' own `vpcs` list holds only [vpcId]
   * and is ignored after creation, so associations made here or elsewhere survive the next update.
   * Needs a created zone (no [privateZoneId], or [extraZoneNames]). Default: none.
   */
  readonly extraVpcIds?: readonly pulumi.Input<string>[];

  // ---------------------------------------------------------------- HTTPS

  /**
   * An existing ACM certificate (in the ALB's account and region) for the HTTPS listener. Conflicts
   * with [certificateZoneId]. Default: none. Without either, the ALB listens on HTTP :80 only.
   */
  readonly certificateArn?: pulumi.Input<string>;

  /**
   * A **public** hosted zone in which to validate a new ACM certificate for [hostname] by DNS.
   * Conflicts with [certificateArn]. Default: none.
   */
  readonly certificateZoneId?: pulumi.Input<string>;

  /**
   * The domain of [certificateZoneId], used only to check that [hostname] lies inside it. Needs
   * [certificateZoneId]. Default: not checked.
   */
  readonly certificateZoneName?: string;

  /**
   * The provider for the validation records in [certificateZoneId], when that zone lives in another
   * account (a DNS account). Needs [certificateZoneId]. Default: the component's provider.
   */
  readonly dnsProvider?: pulumi.ProviderResource;

  /** TLS policy of the HTTPS listener. Needs HTTPS. Default: {@link DEFAULT_SSL_POLICY}. */
  readonly sslPolicy?: string;

  /**
   * With HTTPS, :80 always redirects (301) to HTTPS :443 by default. False adds one listener rule
   * per [extraZoneNames] entry that forwards plain HTTP for that host name only (legacy apps that
   * cannot speak HTTPS); every other host is still redirected. Needs HTTPS, and false needs
   * [extraZoneNames]. Default: true.
   */
  readonly redirectHttpToHttps?: boolean;

  // ---------------------------------------------------------------- everything

  /** Tags for every child that takes them; each also gets `Name` = the child's name. Default: none. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The listeners of a {@link PrivateLambdaService}. */
export interface PrivateLambdaServiceListeners {
  /** Port 80: forwards to the function without HTTPS; with HTTPS, redirects (see `httpRules`). */
  readonly http: aws.lb.Listener;
  /** Port 443, when the service has a certificate. */
  readonly https?: aws.lb.Listener;
}

/**
 * A Lambda function behind an internal ALB, at a private DNS name, with its secrets (if any) in
 * Secrets Manager and a role that may write its logs and read that secret, nothing more.
 *
 * Its children are public fields, so a program can add a listener rule, an alarm or a policy
 * statement without forking the component.
 */
export class PrivateLambdaService extends pulumi.ComponentResource {
  /** `https://<hostname>/` with HTTPS, else `http://<hostname>/`. */
  public readonly url: pulumi.Output<string>;
  /** The private DNS name of the service. */
  public readonly hostname: pulumi.Output<string>;
  /** The ALB's own DNS name (`internal-….elb.amazonaws.com`). */
  public readonly albDnsName: pulumi.Output<string>;
  /** The ALB's security group; reference it to allow more sources. */
  public readonly securityGroupId: pulumi.Output<string>;
  /** The Lambda function's name. */
  public readonly functionName: pulumi.Output<string>;
  /** The Lambda function's ARN. */
  public readonly functionArn: pulumi.Output<string>;
  /** The ARN of the secret holding [secrets]; `undefined` without [secrets]. */
  public readonly secretArn: pulumi.Output<string | undefined>;
  /** The private hosted zone holding [hostname] (given or created). */
  public readonly zoneId: pulumi.Output<string>;

  /** The function: a CallbackFunction whose closure loads the bundle of [entry]. */
  public readonly function: aws.lambda.CallbackFunction<ALBEvent, ALBResult>;
  /** The function's execution role. Attach further policies to it for more permissions. */
  public readonly role: aws.iam.Role;
  /** The function's log group. */
  public readonly logGroup: aws.cloudwatch.LogGroup;
  /** The Secrets Manager secret holding [secrets]; `undefined` without [secrets]. */
  public readonly secret?: aws.secretsmanager.Secret;
  /** The ALB's security group. */
  public readonly securityGroup: aws.ec2.SecurityGroup;
  /** The security group's ingress rules: one per listener port and allowed source. */
  public readonly ingressRules: readonly aws.vpc.SecurityGroupIngressRule[];
  /** The internal Application Load Balancer. */
  public readonly loadBalancer: aws.lb.LoadBalancer;
  /** The `lambda` target group that forwards to the function. */
  public readonly targetGroup: aws.lb.TargetGroup;
  /** The ALB's listeners. */
  public readonly listeners: PrivateLambdaServiceListeners;
  /**
   * The :80 listener rules that forward plain HTTP for the legacy host names, by host name: one per
   * [extraZoneNames] entry with HTTPS and `redirectHttpToHttps: false`, else none.
   */
  public readonly httpRules: Readonly<Record<string, aws.lb.ListenerRule>>;
  /** The private zone the component created; `undefined` when [privateZoneId] was given. */
  public readonly zone?: aws.route53.Zone;
  /** The zones the component created for [extraZoneNames], by name. */
  public readonly extraZones: Readonly<Record<string, aws.route53.Zone>>;
  /** The associations of the created zones with [extraVpcIds]. */
  public readonly zoneAssociations: readonly aws.route53.ZoneAssociation[];
  /** The alias record of [hostname]. */
  public readonly record: aws.route53.Record;

  /**
   * @param name The _unique_ name of this component; children are named `${name}-…`.
   * @param args The arguments for this component.
   * @param opts A bag of options that control this component's behavior.
   */
  constructor(name: string, args: PrivateLambdaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PRIVATE_LAMBDA_SERVICE_TYPE, name, {}, withLegacyAliases(opts));
    try {
      validateArgs(args, name);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    const https = args.certificateArn !== undefined || args.certificateZoneId !== undefined;
    const network = this.checkNetwork(args);

    const identity = this.createIdentity(name, args);
    this.secret = identity.secret;
    this.logGroup = identity.logGroup;
    this.role = identity.role;
    this.function = this.createFunction(name, args, identity);

    const alb = this.createNetwork(name, args, https, network);
    this.securityGroup = alb.securityGroup;
    this.ingressRules = alb.ingressRules;
    this.loadBalancer = alb.loadBalancer;
    this.targetGroup = alb.targetGroup;

    const listeners = this.createListeners(name, args, https, alb.attachment);
    this.listeners = listeners.listeners;
    this.httpRules = listeners.httpRules;

    const dns = this.createDns(name, args, network.vpcId);
    this.zone = dns.zone;
    this.extraZones = dns.extraZones;
    this.zoneAssociations = dns.zoneAssociations;
    this.record = dns.record;

    this.url = pulumi.output(`${https ? "https" : "http"}://${args.hostname}/`);
    this.hostname = pulumi.output(args.hostname);
    this.albDnsName = this.loadBalancer.dnsName;
    this.securityGroupId = this.securityGroup.id;
    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.secretArn = this.secret === undefined ? pulumi.output(undefined) : this.secret.arn;
    this.zoneId = dns.zoneId;
    this.registerOutputs({
      url: this.url,
      hostname: this.hostname,
      albDnsName: this.albDnsName,
      securityGroupId: this.securityGroupId,
      functionName: this.functionName,
      functionArn: this.functionArn,
      secretArn: this.secretArn,
      zoneId: this.zoneId,
    });
  }

  /** Tags for a child: the component's tags plus `Name` (cut to AWS's 256 characters). */
  private tags(args: PrivateLambdaServiceArgs, child: string): Record<string, string> {
    return { ...args.tags, Name: child.slice(0, TAG_VALUE_MAX) };
  }

  /**
   * Step 0: what AWS would accept but not make work, checked while `pulumi preview` runs (the
   * lookups are read-only): a VPC without DNS support or DNS hostnames (its private zones would not
   * resolve), subnets of another VPC or all in one Availability Zone (the ALB refuses them). Each
   * check is an input of the resources that need it, so a failed check stops them with its message.
   */
  private checkNetwork(args: PrivateLambdaServiceArgs) {
    const parent = { parent: this };
    const vpc = aws.ec2.getVpcOutput({ id: args.vpcId }, parent);
    const vpcId = vpc.apply((v) => {
      const problem = vpcDnsProblem(v);
      if (problem !== undefined) {
        throw new pulumi.ResourceError(problem, this);
      }
      return v.id;
    });
    const vpcCidrBlocks = vpc.apply((v) => [
      ...new Set([
        v.cidrBlock,
        ...(v.cidrBlockAssociations ?? []).map((a) => a.cidrBlock),
        ...(v.ipv6CidrBlock ? [v.ipv6CidrBlock] : []),
      ]),
    ]);
    const subnetIds = pulumi.output(args.subnetIds).apply((ids) => {
      if (ids.length < 2) {
        throw new pulumi.ResourceError(
          `subnetIds must list at least 2 subnets (in different Availability Zones) for the ALB; got ${ids.length}.`,
          this,
        );
      }
      const subnets = ids.map((id) => aws.ec2.getSubnetOutput({ id }, parent));
      return pulumi.all([vpcId, pulumi.all(subnets)]).apply(([id, found]) => {
        const problem = subnetsProblem(id, found);
        if (problem !== undefined) {
          throw new pulumi.ResourceError(problem, this);
        }
        return [...ids];
      });
    });
    return { vpcId, vpcCidrBlocks, subnetIds };
  }

  /** Step 1: the secret (only with [secrets]), the log group and the role that may use exactly those. */
  private createIdentity(name: string, args: PrivateLambdaServiceArgs) {
    const parent = { parent: this };
    let secret: aws.secretsmanager.Secret | undefined;
    let secretVersion: aws.secretsmanager.SecretVersion | undefined;
    if (args.secrets !== undefined) {
      secret = new aws.secretsmanager.Secret(
        `${name}-secret`,
        {
          description: `Secret values of ${name}, read by its Lambda function.`,
          recoveryWindowInDays: args.secretRecoveryWindowInDays ?? 7,
          tags: this.tags(args, `${name}-secret`),
        },
        parent,
      );
      secretVersion = new aws.secretsmanager.SecretVersion(
        `${name}-secret-value`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(
            pulumi.output(args.secrets).apply((values) => {
              const text = JSON.stringify(values);
              if (utf8Bytes(text) > SECRET_VALUE_MAX_BYTES) {
                // The message names sizes and keys only: never the secret values.
                throw new pulumi.ResourceError(
                  `secrets (${Object.keys(values).join(", ")}) measure ${utf8Bytes(text)} bytes as JSON; Secrets ` +
                    `Manager stores at most ${SECRET_VALUE_MAX_BYTES}.`,
                  this,
                );
              }
              return text;
            }),
          ),
        },
        parent,
      );
    }
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        namePrefix: logGroupNamePrefix(name),
        retentionInDays: args.logRetentionInDays ?? 30,
        tags: this.tags(args, `${name}-logs`),
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-fn-role`,
      {
        description: `Execution role of ${name}'s Lambda function.`,
        assumeRolePolicy: JSON.stringify(aws.iam.assumeRolePolicyForPrincipal(aws.iam.Principals.LambdaPrincipal)),
        tags: this.tags(args, `${name}-fn-role`),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-fn-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WriteOwnLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${logGroup.arn}:*`,
            },
            ...(secret === undefined
              ? []
              : [
                  {
                    Sid: "ReadOwnSecret",
                    Effect: "Allow",
                    Action: ["secretsmanager:GetSecretValue"],
                    Resource: secret.arn,
                  },
                ]),
          ],
        }),
      },
      parent,
    );
    // The first invocation must find its permissions, its secret value (if any) and its log group.
    const ready: pulumi.Resource[] =
      secretVersion === undefined ? [rolePolicy, logGroup] : [rolePolicy, secretVersion, logGroup];
    return { secret, logGroup, role, ready };
  }

  /**
   * Step 2: the function. [entry] is bundled now, and the closure CallbackFunction serializes does
   * nothing but `require` that bundle and call its `callbackFactory`: a captured string and a
   * `require`, which the serializer leaves as they are. The archive holds `__index.js` and the bundle;
   * every package of the project is excluded, since the bundle already contains what runs.
   */
  private createFunction(
    name: string,
    args: PrivateLambdaServiceArgs,
    identity: ReturnType<PrivateLambdaService["createIdentity"]>,
  ): aws.lambda.CallbackFunction<ALBEvent, ALBResult> {
    const bundle = buildBundle({
      entry: args.entry,
      name,
      external: args.external ?? RUNTIME_PROVIDED_PACKAGES,
      files: args.files,
    });
    const bundlePath = bundle.requirePath;
    return new aws.lambda.CallbackFunction<ALBEvent, ALBResult>(
      `${name}-fn`,
      {
        callbackFactory: () => require(bundlePath).callbackFactory(),
        runtime: LAMBDA_RUNTIME,
        // Always our own role: without one, CallbackFunction attaches its FullAccess defaults.
        role: identity.role,
        memorySize: args.memorySize ?? 256,
        layers: args.layers ? [...args.layers] : undefined,
        timeout: args.timeout ?? 30,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: { variables: functionEnvironment(args.environment ?? {}, identity.secret?.arn, this) },
        loggingConfig: { logFormat: "Text", logGroup: identity.logGroup.name },
        description: functionDescription(name, args.hostname),
        codePathOptions: { extraIncludePaths: [...bundle.archivePaths], extraExcludePackages: projectPackages() },
        tags: this.tags(args, `${name}-fn`),
      },
      { parent: this, dependsOn: identity.ready },
    );
  }

  /**
   * Step 3: the security group and its ingress, the internal ALB, and the function as its target.
   *
   * One ingress rule per port and source, named after what it allows (the CIDR block or security
   * group), so an unchanged source keeps its rule. The VPC's own block (the default source) is known
   * only once looked up, so its rules are named `-in-<port>-vpc`; when a stack switches to an
   * explicit list, the list's first CIDR rule per port takes that rule over (an alias: updated in
   * place, not created next to it), and each CIDR rule of a port waits for the one before it, so the
   * same block is never authorised twice (`InvalidPermission.Duplicate`). A replaced rule is deleted
   * before its replacement is created, for the same reason.
   */
  private createNetwork(
    name: string,
    args: PrivateLambdaServiceArgs,
    https: boolean,
    network: ReturnType<PrivateLambdaService["checkNetwork"]>,
  ) {
    const parent = { parent: this };
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: network.vpcId,
        description: `Ingress to the internal ALB of ${name}`,
        tags: this.tags(args, `${name}-sg`),
      },
      parent,
    );
    type Source = { key: string; cidr?: pulumi.Input<string>; securityGroupId?: pulumi.Input<string> };
    const sources: Source[] = [];
    const useVpcCidr = args.allowedCidrBlocks === undefined && args.allowedSecurityGroupIds === undefined;
    if (useVpcCidr) {
      sources.push({ key: "vpc", cidr: network.vpcCidrBlocks.apply((blocks) => blocks[0]) });
    }
    for (const [i, cidr] of (args.allowedCidrBlocks ?? []).entries()) {
      sources.push({ key: typeof cidr === "string" ? cidr : `cidr${i}`, cidr });
    }
    for (const [i, sg] of (args.allowedSecurityGroupIds ?? []).entries()) {
      sources.push({ key: typeof sg === "string" ? sg : `sg${i}`, securityGroupId: sg });
    }
    const ingressRules: aws.vpc.SecurityGroupIngressRule[] = [];
    for (const port of https ? [80, 443] : [80]) {
      let previousCidrRule: aws.vpc.SecurityGroupIngressRule | undefined;
      for (const source of sources) {
        const ruleName = `${name}-in-${port}-${source.key}`;
        // The block, checked against the VPC's own blocks once both are known.
        const checked =
          source.cidr === undefined
            ? undefined
            : pulumi.all([source.cidr, network.vpcCidrBlocks]).apply(([cidr, own]) => {
                try {
                  return {
                    cidr,
                    family: checkIngressCidr(cidr, { ownBlocks: own, allowPublic: args.allowPublicCidrs }),
                  };
                } catch (err) {
                  throw new pulumi.ResourceError(`allowedCidrBlocks: ${(err as Error).message}`, this);
                }
              });
        const firstCidrRule = source.cidr !== undefined && previousCidrRule === undefined;
        const rule: aws.vpc.SecurityGroupIngressRule = new aws.vpc.SecurityGroupIngressRule(
          ruleName,
          {
            securityGroupId: securityGroup.id,
            // EC2 allows only a-zA-Z0-9. _-:/()#,@[]+=&;{}!$* in rule descriptions.
            description: `${port === 443 ? "HTTPS" : "HTTP"} from ${source.key === "vpc" ? "the VPC CIDR block" : source.key}`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: checked?.apply((c) => (c.family === "ipv4" ? c.cidr : undefined)),
            cidrIpv6: checked?.apply((c) => (c.family === "ipv6" ? c.cidr : undefined)),
            referencedSecurityGroupId: source.securityGroupId,
            tags: this.tags(args, ruleName),
          },
          {
            parent: this,
            deleteBeforeReplace: true,
            aliases: !useVpcCidr && firstCidrRule ? [{ name: `${name}-in-${port}-vpc` }] : undefined,
            dependsOn: source.cidr !== undefined && previousCidrRule !== undefined ? [previousCidrRule] : undefined,
          },
        );
        ingressRules.push(rule);
        if (source.cidr !== undefined) {
          previousCidrRule = rule;
        }
      }
    }

    const loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        internal: true,
        loadBalancerType: "application",
        subnets: network.subnetIds,
        securityGroups: [securityGroup.id],
        dropInvalidHeaderFields: true,
        tags: this.tags(args, `${name}-alb`),
      },
      parent,
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        targetType: "lambda",
        lambdaMultiValueHeadersEnabled: args.multiValueHeaders ?? false,
        healthCheck:
          args.healthCheckPath === undefined
            ? { enabled: false }
            : {
                enabled: true,
                path: args.healthCheckPath,
                matcher: "200",
                interval: 60,
                timeout: 30,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
              },
        tags: this.tags(args, `${name}-tg`),
      },
      parent,
    );
    const permission = new aws.lambda.Permission(
      `${name}-alb-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "elasticloadbalancing.amazonaws.com",
        sourceArn: targetGroup.arn,
        // The target group's ARN names its account: arn:aws:elasticloadbalancing:<region>:<account>:….
        sourceAccount: targetGroup.arn.apply((arn) => arn.split(":")[4]),
      },
      parent,
    );
    // Registration fails unless the permission exists first.
    const attachment = new aws.lb.TargetGroupAttachment(
      `${name}-tg-attachment`,
      { targetGroupArn: targetGroup.arn, targetId: this.function.arn },
      { parent: this, dependsOn: [permission] },
    );
    return { securityGroup, ingressRules, loadBalancer, targetGroup, attachment };
  }

  /**
   * The public zone for the certificate's validation record, checked: a **public** zone (ACM cannot
   * validate through a private one, and the validation would wait for its timeout) that contains
   * the hostname. Looked up through [dnsProvider] when given (the zone may be in a DNS account).
   */
  private checkedCertificateZoneId(args: PrivateLambdaServiceArgs): pulumi.Output<string> {
    const hostname = args.hostname;
    const zone = aws.route53.getZoneOutput(
      { zoneId: args.certificateZoneId },
      { parent: this, provider: args.dnsProvider },
    );
    return zone.apply((z) => {
      const problem = certificateZoneProblem(z, hostname);
      if (problem !== undefined) {
        throw new pulumi.ResourceError(problem, this);
      }
      return z.zoneId;
    });
  }

  /** Step 4: the certificate (validated by DNS when asked), the listeners and the :80 host rules. */
  private createListeners(
    name: string,
    args: PrivateLambdaServiceArgs,
    https: boolean,
    attachment: aws.lb.TargetGroupAttachment,
  ): { listeners: PrivateLambdaServiceListeners; httpRules: Record<string, aws.lb.ListenerRule> } {
    const parent = { parent: this };
    let certificateArn: pulumi.Input<string> | undefined = args.certificateArn;
    if (args.certificateZoneId !== undefined) {
      const certificate = new aws.acm.Certificate(
        `${name}-cert`,
        { domainName: args.hostname, validationMethod: "DNS", tags: this.tags(args, `${name}-cert`) },
        parent,
      );
      // One record per known domain, created here and not inside an apply, so preview lists it.
      const hostname = args.hostname;
      const option = certificate.domainValidationOptions.apply((options) => {
        const found = options.find((o) => o.domainName === hostname);
        if (!found) {
          throw new pulumi.ResourceError(`ACM returned no DNS validation option for ${hostname}.`, this);
        }
        return found;
      });
      // ACM derives the record from the domain and the account: every stack of one account with this
      // hostname (and its certificate renewals) uses this same record. So a second stack overwrites
      // it with the same value, and a destroyed stack leaves it in place for the others.
      const validationRecord = new aws.route53.Record(
        `${name}-cert-dns`,
        {
          zoneId: this.checkedCertificateZoneId(args),
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent: this, provider: args.dnsProvider, retainOnDelete: true },
      );
      const validation = new aws.acm.CertificateValidation(
        `${name}-cert-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
        { parent: this, customTimeouts: { create: CERTIFICATE_VALIDATION_TIMEOUT } },
      );
      certificateArn = validation.certificateArn;
    }

    const forward = [{ type: "forward", targetGroupArn: this.targetGroup.arn }];
    const httpsListener =
      certificateArn === undefined
        ? undefined
        : new aws.lb.Listener(
            `${name}-https`,
            {
              loadBalancerArn: this.loadBalancer.arn,
              port: 443,
              protocol: "HTTPS",
              sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY,
              certificateArn,
              defaultActions: forward,
              tags: this.tags(args, `${name}-https`),
            },
            { parent: this, dependsOn: [attachment] },
          );
    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: https
          ? [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }]
          : forward,
        tags: this.tags(args, `${name}-http`),
      },
      { parent: this, dependsOn: [attachment] },
    );
    // Plain HTTP only where needed: the legacy names, which the certificate does not cover.
    const httpRules: Record<string, aws.lb.ListenerRule> = {};
    if (https && args.redirectHttpToHttps === false) {
      for (const [host, priority] of hostRulePriorities(args.extraZoneNames ?? [])) {
        httpRules[host] = new aws.lb.ListenerRule(
          `${name}-http-${host}`,
          {
            listenerArn: http.arn,
            priority,
            conditions: [{ hostHeader: { values: [host] } }],
            actions: forward,
            tags: this.tags(args, `${name}-http-${host}`),
          },
          { parent: this, dependsOn: [attachment] },
        );
      }
    }
    return { listeners: { http, https: httpsListener }, httpRules };
  }

  /**
   * Step 5: the private zone (given or created), the alias record, the extra zones, and their
   * associations with [extraVpcIds]. A created zone lists only [vpcId] inline and ignores later
   * changes to that list: inline `vpcs` are exclusive, so without `ignoreChanges` the next update
   * would remove every association made by a `ZoneAssociation` (here or in another stack).
   */
  private createDns(name: string, args: PrivateLambdaServiceArgs, vpcId: pulumi.Output<string>) {
    const parent = { parent: this };
    const zoneAssociations: aws.route53.ZoneAssociation[] = [];
    const newZone = (zone: string, resourceName: string): aws.route53.Zone => {
      const created = new aws.route53.Zone(
        resourceName,
        {
          name: zone,
          comment: `Private zone of ${name}`,
          vpcs: [{ vpcId }],
          tags: this.tags(args, resourceName),
        },
        { parent: this, ignoreChanges: ["vpcs"] },
      );
      for (const [i, extraVpc] of (args.extraVpcIds ?? []).entries()) {
        zoneAssociations.push(
          new aws.route53.ZoneAssociation(
            `${resourceName}-${typeof extraVpc === "string" ? extraVpc : `vpc${i}`}`,
            { zoneId: created.zoneId, vpcId: extraVpc },
            parent,
          ),
        );
      }
      return created;
    };
    const aliasTo = (zoneId: pulumi.Input<string>, recordName: string, resourceName: string): aws.route53.Record =>
      new aws.route53.Record(
        resourceName,
        {
          zoneId,
          name: recordName,
          type: "A",
          aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: false }],
        },
        parent,
      );
    const zone =
      args.privateZoneId === undefined
        ? newZone(args.privateZoneName ?? (parentDomain(args.hostname) as string), `${name}-zone`)
        : undefined;
    const zoneId = zone === undefined ? pulumi.output(args.privateZoneId as pulumi.Input<string>) : zone.zoneId;
    const record = aliasTo(zoneId, args.hostname, `${name}-dns`);
    const extraZones: Record<string, aws.route53.Zone> = {};
    for (const extra of args.extraZoneNames ?? []) {
      extraZones[extra] = newZone(extra, `${name}-zone-${extra}`);
      aliasTo(extraZones[extra].zoneId, extra, `${name}-dns-${extra}`);
    }
    return { zone, zoneId, record, extraZones, zoneAssociations };
  }
}

/** Adds the component's earlier type tokens as aliases, keeping any the caller gave. */
function withLegacyAliases(opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), ...LEGACY_TYPES.map((type) => ({ type }))] };
}
