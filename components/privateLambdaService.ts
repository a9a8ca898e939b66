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

import {
  DEFAULT_EXCLUDED_PACKAGES,
  DEFAULT_NON_RUNTIME_FILES,
  DEFAULT_RUNTIME_PROVIDED_PACKAGES,
  expandPackagePatterns,
  findPackageRoot,
  listInstalledPackages,
  pruneNestedPackages,
} from "./packaging";
import { checkIngressCidr, parentDomain, validateArgs } from "./validation";

/** The component's type token. Changing it changes every child's URN. */
export const PRIVATE_LAMBDA_SERVICE_TYPE = "hipchat-proxy:index:PrivateLambdaService";

/** The TLS policy of the HTTPS listener unless [sslPolicy] says otherwise (TLS 1.3 and 1.2, post-quantum key exchange). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** The Lambda runtime. Pinned: CallbackFunction's own default moves with @pulumi/aws releases. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** A handler for ALB events, as `aws.lambda.CallbackFunction` runs it. */
export type AlbCallback = aws.lambda.Callback<ALBEvent, ALBResult>;

/** Called once per Lambda container (cold start); returns the handler for every invocation. */
export type AlbCallbackFactory = aws.lambda.CallbackFactory<ALBEvent, ALBResult>;

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
    return values as Record<string, string>;
  });
}

/**
 * A resource transformation for the function CallbackFunction creates: its `code` archive with the
 * excluded packages removed from included packages' nested node_modules (see
 * {@link pruneNestedPackages}). The code output keeps its secretness.
 */
export function pruneCodeTransformation(
  excluded: ReadonlySet<string>,
  nonRuntimeFiles: readonly string[] = DEFAULT_NON_RUNTIME_FILES,
): pulumi.ResourceTransformation {
  return (args) => {
    if (args.type !== "aws:lambda/function:Function" || !pulumi.Output.isInstance(args.props.code)) {
      return undefined;
    }
    const code = args.props.code as pulumi.Output<pulumi.asset.AssetArchive>;
    return {
      props: {
        ...args.props,
        code: code.apply((archive) => pruneNestedPackages(archive, { excluded, nonRuntimeFiles })),
      },
      opts: args.opts,
    };
  };
}

/** The arguments of a {@link PrivateLambdaService}. */
export interface PrivateLambdaServiceArgs {
  // ---------------------------------------------------------------- the function

  /**
   * The handler, serialized as the function's code. Exactly one of [callback] or [callbackFactory].
   * Module-level state the callback uses is re-created on every invocation once serialized; use
   * [callbackFactory] for anything that must be built once per container.
   */
  readonly callback?: AlbCallback;

  /**
   * Called once per container (cold start) to build the handler: the place for per-container
   * initialisation (clients, caches). Exactly one of [callback] or [callbackFactory].
   */
  readonly callbackFactory?: AlbCallbackFactory;

  /** Memory in MB, 128–10240. Default: 256. */
  readonly memorySize?: number;

  /** Timeout in seconds, 1–900. Default: 30. */
  readonly timeout?: number;

  /**
   * Plain (non-secret) environment variables. Default: none. `SECRET_ARN` is reserved (with or
   * without [secrets]): the component sets it to the ARN of the secret holding [secrets]. A secret
   * value here is refused when it resolves; pass it through [secrets] instead.
   */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;

  /** Retention of the function's log group, in days (one of CloudWatch Logs' periods). Default: 30. */
  readonly logRetentionInDays?: number;

  /**
   * Packages the Lambda runtime already provides, left out of the deployment package. Exact names or
   * `*` patterns (expanded against node_modules). Default: {@link DEFAULT_RUNTIME_PROVIDED_PACKAGES}
   * (`@aws-sdk/*`, `@smithy/*`, `@aws-crypto/*`).
   */
  readonly runtimeProvidedPackages?: readonly string[];

  /**
   * Packages that never run and are left out of the deployment package: type declarations and dev
   * tools. Exact names or `*` patterns. Default: {@link DEFAULT_EXCLUDED_PACKAGES}. Replaces, not
   * extends, the default.
   */
  readonly excludePackages?: readonly string[];

  /**
   * Lambda layer version ARNs to add to the function (for example AWS's Parameters and Secrets
   * extension). Default: none.
   */
  readonly layers?: readonly pulumi.Input<string>[];

  /**
   * File name patterns (`*` wildcard) left out of every package folder because Node never loads
   * them: source maps, type declarations, TypeScript sources, Markdown. Licences and package.json
   * are always kept. Default: {@link DEFAULT_NON_RUNTIME_FILES}; `[]` keeps every file.
   */
  readonly nonRuntimeFiles?: readonly string[];

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

  /** The ALB's subnets: at least 2, in different Availability Zones, private. Required. */
  readonly subnetIds: readonly pulumi.Input<string>[];

  /**
   * Security groups allowed to reach the listener ports. Default: none. When neither this nor
   * [allowedCidrBlocks] is set, the VPC's own (primary) CIDR block is allowed; setting both to empty
   * lists is an error.
   */
  readonly allowedSecurityGroupIds?: readonly pulumi.Input<string>[];

  /**
   * CIDR blocks (IPv4 or IPv6) allowed to reach the listener ports. A /0 block (`0.0.0.0/0`, `::/0`)
   * is refused. Default: none (see [allowedSecurityGroupIds] for what happens when both are unset).
   */
  readonly allowedCidrBlocks?: readonly pulumi.Input<string>[];

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
   * With HTTPS: whether HTTP :80 redirects (301) to HTTPS :443; false serves the target on :80 as
   * well. Needs HTTPS. Default: true.
   */
  readonly redirectHttpToHttps?: boolean;

  // ---------------------------------------------------------------- everything

  /** Tags for every child that takes them; each also gets `Name` = the child's name. Default: none. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function behind an internal ALB, at a private DNS name, with its secrets (if any) in
 * Secrets Manager and a role that may write its logs and read that secret, nothing more.
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

  /**
   * @param name The _unique_ name of this component; children are named `${name}-…`.
   * @param args The arguments for this component.
   * @param opts A bag of options that control this component's behavior.
   */
  constructor(name: string, args: PrivateLambdaServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(PRIVATE_LAMBDA_SERVICE_TYPE, name, {}, opts);
    try {
      validateArgs(args);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
    const parent = { parent: this };
    const tags = (child: string): Record<string, string> => ({ ...args.tags, Name: child });
    const https = args.certificateArn !== undefined || args.certificateZoneId !== undefined;

    // ------------------------------------------------------------ secret (only with [secrets]), logs, role
    const secrets = args.secrets;
    let secret: aws.secretsmanager.Secret | undefined;
    let secretVersion: aws.secretsmanager.SecretVersion | undefined;
    if (secrets !== undefined) {
      secret = new aws.secretsmanager.Secret(
        `${name}-secret`,
        {
          description: `Secret values of ${name}, read by its Lambda function.`,
          recoveryWindowInDays: args.secretRecoveryWindowInDays ?? 7,
          tags: tags(`${name}-secret`),
        },
        parent,
      );
      secretVersion = new aws.secretsmanager.SecretVersion(
        `${name}-secret-value`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(pulumi.output(secrets).apply((values) => JSON.stringify(values))),
        },
        parent,
      );
    }

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        namePrefix: `/aws/lambda/${name}-`,
        retentionInDays: args.logRetentionInDays ?? 30,
        tags: tags(`${name}-logs`),
      },
      parent,
    );

    const role = new aws.iam.Role(
      `${name}-fn-role`,
      {
        description: `Execution role of ${name}'s Lambda function.`,
        assumeRolePolicy: JSON.stringify(aws.iam.assumeRolePolicyForPrincipal(aws.iam.Principals.LambdaPrincipal)),
        tags: tags(`${name}-fn-role`),
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

    // ------------------------------------------------------------ the function
    const variables = functionEnvironment(args.environment ?? {}, secret?.arn, this);
    const excludedPackages = expandPackagePatterns(
      [
        ...(args.runtimeProvidedPackages ?? DEFAULT_RUNTIME_PROVIDED_PACKAGES),
        ...(args.excludePackages ?? DEFAULT_EXCLUDED_PACKAGES),
      ],
      listInstalledPackages(findPackageRoot(process.cwd())),
    );

    const fn = new aws.lambda.CallbackFunction<ALBEvent, ALBResult>(
      `${name}-fn`,
      {
        callback: args.callback,
        callbackFactory: args.callbackFactory,
        runtime: LAMBDA_RUNTIME,
        // Always our own role: without one, CallbackFunction attaches its FullAccess defaults.
        role,
        memorySize: args.memorySize ?? 256,
        layers: args.layers ? [...args.layers] : undefined,
        timeout: args.timeout ?? 30,
        environment: { variables },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        description: `${name}: served by an internal ALB at ${args.hostname}.`,
        // A fresh list: CallbackFunction appends "aws-sdk" to it in place.
        codePathOptions: { extraExcludePackages: [...excludedPackages] },
        tags: tags(`${name}-fn`),
      },
      {
        parent: this,
        // The first invocation must find its permissions, its secret value (if any) and its log group.
        dependsOn: secretVersion === undefined ? [rolePolicy, logGroup] : [rolePolicy, secretVersion, logGroup],
        // Drops excluded packages that included packages carry in their own node_modules.
        transformations: [
          pruneCodeTransformation(new Set(excludedPackages), args.nonRuntimeFiles ?? DEFAULT_NON_RUNTIME_FILES),
        ],
      },
    );

    // ------------------------------------------------------------ security group
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: `Ingress to the internal ALB of ${name}`,
        tags: tags(`${name}-sg`),
      },
      parent,
    );
    const ports = https ? [80, 443] : [80];
    type Source = { key: string; cidr?: pulumi.Input<string>; securityGroupId?: pulumi.Input<string> };
    const sources: Source[] = [];
    if (args.allowedCidrBlocks === undefined && args.allowedSecurityGroupIds === undefined) {
      const vpc = aws.ec2.getVpcOutput({ id: args.vpcId }, parent);
      sources.push({ key: "vpc", cidr: vpc.cidrBlock });
    }
    for (const [i, cidr] of (args.allowedCidrBlocks ?? []).entries()) {
      sources.push({ key: typeof cidr === "string" ? cidr : `cidr${i}`, cidr });
    }
    for (const [i, sg] of (args.allowedSecurityGroupIds ?? []).entries()) {
      sources.push({ key: typeof sg === "string" ? sg : `sg${i}`, securityGroupId: sg });
    }
    for (const port of ports) {
      for (const source of sources) {
        const family =
          source.cidr === undefined ? undefined : pulumi.output(source.cidr).apply((c) => checkIngressCidr(c));
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-in-${port}-${source.key}`,
          {
            securityGroupId: securityGroup.id,
            description: `${port === 443 ? "HTTPS" : "HTTP"} from ${source.key === "vpc" ? "the VPC's CIDR block" : source.key}`,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: family && pulumi.all([source.cidr, family]).apply(([c, f]) => (f === "ipv4" ? c : undefined)),
            cidrIpv6: family && pulumi.all([source.cidr, family]).apply(([c, f]) => (f === "ipv6" ? c : undefined)),
            referencedSecurityGroupId: source.securityGroupId,
            tags: tags(`${name}-in-${port}-${source.key}`),
          },
          parent,
        );
      }
    }

    // ------------------------------------------------------------ ALB and Lambda target
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        internal: true,
        loadBalancerType: "application",
        subnets: [...args.subnetIds],
        securityGroups: [securityGroup.id],
        dropInvalidHeaderFields: true,
        tags: tags(`${name}-alb`),
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
        tags: tags(`${name}-tg`),
      },
      parent,
    );

    const permission = new aws.lambda.Permission(
      `${name}-alb-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.name,
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
      { targetGroupArn: targetGroup.arn, targetId: fn.arn },
      { parent: this, dependsOn: [permission] },
    );

    // ------------------------------------------------------------ certificate and listeners
    let certificateArn: pulumi.Input<string> | undefined = args.certificateArn;
    if (args.certificateZoneId !== undefined) {
      const certificate = new aws.acm.Certificate(
        `${name}-cert`,
        { domainName: args.hostname, validationMethod: "DNS", tags: tags(`${name}-cert`) },
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
      const validationRecord = new aws.route53.Record(
        `${name}-cert-dns`,
        {
          zoneId: args.certificateZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        { parent: this, provider: args.dnsProvider },
      );
      const validation = new aws.acm.CertificateValidation(
        `${name}-cert-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
        parent,
      );
      certificateArn = validation.certificateArn;
    }

    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    if (certificateArn !== undefined) {
      new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: args.sslPolicy ?? DEFAULT_SSL_POLICY,
          certificateArn,
          defaultActions: forward,
          tags: tags(`${name}-https`),
        },
        { parent: this, dependsOn: [attachment] },
      );
    }
    const redirect = https && (args.redirectHttpToHttps ?? true);
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: redirect
          ? [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }]
          : forward,
        tags: tags(`${name}-http`),
      },
      { parent: this, dependsOn: [attachment] },
    );

    // ------------------------------------------------------------ private DNS
    const zoneFor = (zone: string, resourceName: string): pulumi.Output<string> =>
      new aws.route53.Zone(
        resourceName,
        {
          name: zone,
          comment: `Private zone of ${name}`,
          vpcs: [{ vpcId: args.vpcId }],
          tags: tags(resourceName),
        },
        parent,
      ).zoneId;
    const aliasTo = (zoneId: pulumi.Input<string>, recordName: string, resourceName: string): void => {
      new aws.route53.Record(
        resourceName,
        {
          zoneId,
          name: recordName,
          type: "A",
          aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: false }],
        },
        parent,
      );
    };
    const zoneId =
      args.privateZoneId !== undefined
        ? pulumi.output(args.privateZoneId)
        : zoneFor(args.privateZoneName ?? (parentDomain(args.hostname) as string), `${name}-zone`);
    aliasTo(zoneId, args.hostname, `${name}-dns`);
    for (const extra of args.extraZoneNames ?? []) {
      aliasTo(zoneFor(extra, `${name}-zone-${extra}`), extra, `${name}-dns-${extra}`);
    }

    // ------------------------------------------------------------ outputs
    this.url = pulumi.output(`${https ? "https" : "http"}://${args.hostname}/`);
    this.hostname = pulumi.output(args.hostname);
    this.albDnsName = alb.dnsName;
    this.securityGroupId = securityGroup.id;
    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.secretArn = secret === undefined ? pulumi.output(undefined) : secret.arn;
    this.zoneId = zoneId;
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
}
