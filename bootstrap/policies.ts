/**
 * The IAM policy documents of the CI roles, as pure functions of plain values (tested without
 * Pulumi in tests/bootstrap/policies.test.ts).
 *
 * Least privilege, concretely:
 * - previews: Get/List/Describe only, on what the program reads; never a secret value;
 * - deploys: only the services the program uses, named resources limited to the project's prefix and
 *   the stack's region, Route 53 record changes limited to the stack's host names, PassRole only to
 *   Lambda; the CI roles' own names do not match the prefix, so a deploy cannot edit its own role;
 * - DNS: validation records (`_…` CNAMEs under the stacks' host names) in the public zones only.
 * Trust: GitHub's OIDC token with an exact `sub` (never a wildcard); other accounts' roles through
 * the account root plus `aws:PrincipalArn`, so the DNS account can be bootstrapped first.
 */

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

const doc = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/** Where a stack's Pulumi state and secrets key are, for a self-managed backend. */
export interface StateAccess {
  /** S3 bucket of the backend. */
  bucket: string;
  /** The Pulumi project (its state lives under `.pulumi/<kind>/<project>/<stack>…`). */
  project: string;
  stack: string;
  /** KMS key of the `awskms://` secrets provider, if any. */
  kmsKeyArn?: string;
}

/** What a workload account's roles serve. */
export interface WorkloadPolicyArgs {
  partition?: string;
  account: string;
  region: string;
  /** Prefix of the names of the resources the program creates (`hipchat-proxy` → `hipchat-proxy-*`). */
  prefix: string;
  /** The VPC the stack deploys into, if known: security groups may be created there only. */
  vpcId?: string;
  /** Host names the program writes records for in its private zones. */
  hostnames: string[];
  /** Role in the DNS account the deploy role may assume (certificate validation), if any. */
  dnsValidationRoleArn?: string;
  /** Role in the DNS account the preview role may assume, if any. */
  dnsPreviewRoleArn?: string;
  /** The stack delivers through a queue (`deliveryMode: queued`): SQS, its worker, alarms, a table. */
  queued?: boolean;
  state?: StateAccess;
}

const normalize = (name: string) => name.toLowerCase().replace(/\.$/, "");

function stateStatements(state: StateAccess | undefined, write: boolean, partition: string): Statement[] {
  if (!state) return [];
  const bucket = `arn:${partition}:s3:::${state.bucket}`;
  const own = [
    `${bucket}/.pulumi/*/${state.project}/${state.stack}.json*`,
    `${bucket}/.pulumi/*/${state.project}/${state.stack}/*`,
  ];
  return [
    { Sid: "ListStateBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket },
    {
      Sid: write ? "ReadWriteOwnStackState" : "ReadOwnStackState",
      Effect: "Allow",
      Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : "s3:GetObject",
      Resource: own,
    },
    { Sid: "ReadBackendMetadata", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket}/.pulumi/meta.yaml` },
    ...(state.kmsKeyArn
      ? [{ Sid: "DecryptStackSecrets", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: state.kmsKeyArn }]
      : []),
  ];
}

/**
 * A stack without a vpcId gets its own VPC (awsx.ec2.Vpc): private subnets, route tables and the
 * internet gateway awsx always adds, in the account's region. Granted only to such stacks.
 */
function ownVpcStatement(inRegion: Statement["Condition"]): Statement {
  return {
    Sid: "OwnVpcForAStackWithoutOne",
    Effect: "Allow",
    Action: [
      "ec2:CreateVpc",
      "ec2:DeleteVpc",
      "ec2:ModifyVpcAttribute",
      "ec2:CreateSubnet",
      "ec2:DeleteSubnet",
      "ec2:CreateRouteTable",
      "ec2:DeleteRouteTable",
      "ec2:AssociateRouteTable",
      "ec2:DisassociateRouteTable",
      "ec2:CreateRoute",
      "ec2:DeleteRoute",
      "ec2:CreateInternetGateway",
      "ec2:AttachInternetGateway",
      "ec2:DetachInternetGateway",
      "ec2:DeleteInternetGateway",
      "ec2:CreateTags",
      "ec2:DeleteTags",
    ],
    Resource: "*",
    Condition: inRegion,
  };
}

/**
 * What queued delivery adds to a stack (docs/queued-delivery.md): its FIFO queue and dead-letter queue,
 * the worker's event source mapping, the alarms and the optional state table, all named after the
 * project. `write` is the deploy role's set; without it, the preview role's reads.
 */
function queuedDeliveryStatements(a: WorkloadPolicyArgs, write: boolean): Statement[] {
  if (!a.queued) return [];
  const p = a.partition ?? "aws";
  const regional = (service: string, resource: string) => `arn:${p}:${service}:${a.region}:${a.account}:${resource}`;
  const reads = {
    sqs: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"],
    dynamodb: [
      "dynamodb:DescribeTable",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:ListTagsOfResource",
    ],
    cloudwatch: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
  };
  return [
    {
      Sid: write ? "QueuedDeliveryQueues" : "ReadQueuedDeliveryQueues",
      Effect: "Allow",
      Action: write
        ? [
            ...reads.sqs,
            "sqs:CreateQueue",
            "sqs:DeleteQueue",
            "sqs:SetQueueAttributes",
            "sqs:TagQueue",
            "sqs:UntagQueue",
          ]
        : reads.sqs,
      Resource: regional("sqs", `${a.prefix}-*`),
    },
    {
      Sid: write ? "QueuedDeliveryStateTable" : "ReadQueuedDeliveryStateTable",
      Effect: "Allow",
      Action: write
        ? [
            ...reads.dynamodb,
            "dynamodb:CreateTable",
            "dynamodb:DeleteTable",
            "dynamodb:UpdateTable",
            "dynamodb:UpdateTimeToLive",
            "dynamodb:TagResource",
            "dynamodb:UntagResource",
          ]
        : reads.dynamodb,
      Resource: regional("dynamodb", `table/${a.prefix}-*`),
    },
    {
      Sid: write ? "QueuedDeliveryAlarms" : "ReadQueuedDeliveryAlarms",
      Effect: "Allow",
      Action: write
        ? [
            ...reads.cloudwatch,
            "cloudwatch:PutMetricAlarm",
            "cloudwatch:DeleteAlarms",
            "cloudwatch:TagResource",
            "cloudwatch:UntagResource",
          ]
        : reads.cloudwatch,
      Resource: regional("cloudwatch", `alarm:${a.prefix}-*`),
    },
    {
      // Event source mappings get their ARN (a UUID) only when created: scoped by the function instead.
      Sid: write ? "QueuedDeliveryEventSource" : "ReadQueuedDeliveryEventSource",
      Effect: "Allow",
      Action: write
        ? [
            "lambda:GetEventSourceMapping",
            "lambda:ListEventSourceMappings",
            "lambda:CreateEventSourceMapping",
            "lambda:UpdateEventSourceMapping",
            "lambda:DeleteEventSourceMapping",
          ]
        : ["lambda:GetEventSourceMapping", "lambda:ListEventSourceMappings"],
      Resource: "*",
      Condition: { StringLike: { "lambda:FunctionArn": regional("lambda", `function:${a.prefix}-*`) } },
    },
  ];
}

/** Permissions of the deploy role: create, update and delete what the program manages, nothing else. */
export function deployPolicy(a: WorkloadPolicyArgs): PolicyDocument {
  const p = a.partition ?? "aws";
  const regional = (service: string, resource: string) => `arn:${p}:${service}:${a.region}:${a.account}:${resource}`;
  const inRegion = { StringEquals: { "aws:RequestedRegion": a.region } };
  return doc([
    {
      Sid: "ReadTheAccount",
      Effect: "Allow",
      Action: [
        "ec2:Describe*",
        "elasticloadbalancing:Describe*",
        "acm:ListCertificates",
        "logs:DescribeLogGroups",
        "secretsmanager:ListSecrets",
        "lambda:GetLayerVersion",
      ],
      Resource: "*",
      Condition: inRegion,
    },
    {
      Sid: "ReadRoute53",
      Effect: "Allow",
      Action: ["route53:ListHostedZones", "route53:ListHostedZonesByName", "route53:ListHostedZonesByVPC"],
      Resource: "*",
    },
    ...(a.vpcId === undefined ? [ownVpcStatement(inRegion)] : []),
    {
      Sid: "FunctionRoles",
      Effect: "Allow",
      Action: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
      ],
      Resource: `arn:${p}:iam::${a.account}:role/${a.prefix}-*`,
    },
    {
      Sid: "PassFunctionRolesToLambdaOnly",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:${p}:iam::${a.account}:role/${a.prefix}-*`,
      Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
    },
    {
      Sid: "LoadBalancerServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: `arn:${p}:iam::${a.account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Functions",
      Effect: "Allow",
      Action: [
        "lambda:Get*",
        "lambda:List*",
        "lambda:CreateFunction",
        "lambda:DeleteFunction",
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:PublishVersion",
        "lambda:PutFunctionConcurrency",
        "lambda:DeleteFunctionConcurrency",
        "lambda:AddPermission",
        "lambda:RemovePermission",
        "lambda:TagResource",
        "lambda:UntagResource",
        // The smoke test after `up`.
        "lambda:InvokeFunction",
      ],
      Resource: regional("lambda", `function:${a.prefix}-*`),
    },
    {
      Sid: "FunctionSecrets",
      Effect: "Allow",
      Action: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:UpdateSecret",
        "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
        "secretsmanager:ListSecretVersionIds",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      Resource: regional("secretsmanager", `secret:${a.prefix}-*`),
    },
    {
      Sid: "FunctionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:DeleteRetentionPolicy",
        "logs:ListTagsForResource",
        "logs:ListTagsLogGroup",
        "logs:TagResource",
        "logs:UntagResource",
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
      ],
      Resource: [
        regional("logs", `log-group:/aws/lambda/${a.prefix}-*`),
        regional("logs", `log-group:/aws/lambda/${a.prefix}-*:*`),
      ],
    },
    {
      Sid: "SecurityGroups",
      Effect: "Allow",
      Action: [
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:ModifySecurityGroupRules",
        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        "ec2:CreateTags",
        "ec2:DeleteTags",
      ],
      Resource: [
        regional("ec2", "security-group/*"),
        regional("ec2", "security-group-rule/*"),
        regional("ec2", `vpc/${a.vpcId ?? "*"}`),
      ],
    },
    {
      Sid: "LoadBalancer",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets",
        "elasticloadbalancing:SetIpAddressType",
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes",
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
      ],
      Resource: [
        regional("elasticloadbalancing", `loadbalancer/app/${a.prefix}-*/*`),
        regional("elasticloadbalancing", `targetgroup/${a.prefix}-*/*`),
        regional("elasticloadbalancing", `listener/app/${a.prefix}-*/*`),
        regional("elasticloadbalancing", `listener-rule/app/${a.prefix}-*/*`),
      ],
    },
    {
      Sid: "RequestCertificates",
      Effect: "Allow",
      Action: "acm:RequestCertificate",
      Resource: "*",
      Condition: inRegion,
    },
    {
      Sid: "Certificates",
      Effect: "Allow",
      Action: [
        "acm:DescribeCertificate",
        "acm:DeleteCertificate",
        "acm:ListTagsForCertificate",
        "acm:AddTagsToCertificate",
        "acm:RemoveTagsFromCertificate",
      ],
      Resource: regional("acm", "certificate/*"),
    },
    {
      Sid: "CreatePrivateZones",
      Effect: "Allow",
      Action: "route53:CreateHostedZone",
      Resource: "*",
    },
    {
      Sid: "PrivateZones",
      Effect: "Allow",
      Action: [
        "route53:GetHostedZone",
        "route53:DeleteHostedZone",
        "route53:UpdateHostedZoneComment",
        "route53:AssociateVPCWithHostedZone",
        "route53:DisassociateVPCFromHostedZone",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
        "route53:ChangeTagsForResource",
      ],
      Resource: `arn:${p}:route53:::hostedzone/*`,
    },
    {
      Sid: "RecordsOfTheServiceHostNamesOnly",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: `arn:${p}:route53:::hostedzone/*`,
      Condition: {
        // The service's names, and ACM validation records under them (a public zone in this account).
        "ForAllValues:StringLike": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": a.hostnames.flatMap((h) => [
            normalize(h),
            `_*.${normalize(h)}`,
          ]),
        },
      },
    },
    { Sid: "Route53Changes", Effect: "Allow", Action: "route53:GetChange", Resource: `arn:${p}:route53:::change/*` },
    ...(a.dnsValidationRoleArn
      ? [
          {
            Sid: "ValidateCertificatesInTheDnsAccount",
            Effect: "Allow" as const,
            Action: "sts:AssumeRole",
            Resource: a.dnsValidationRoleArn,
          },
        ]
      : []),
    ...stateStatements(a.state, true, p),
    ...queuedDeliveryStatements(a, true),
  ]);
}

/** Permissions of the preview role: read what `pulumi preview` reads; write nothing, read no secret value. */
export function previewPolicy(a: WorkloadPolicyArgs): PolicyDocument {
  const p = a.partition ?? "aws";
  const regional = (service: string, resource: string) => `arn:${p}:${service}:${a.region}:${a.account}:${resource}`;
  return doc([
    {
      Sid: "DescribeTheAccount",
      Effect: "Allow",
      Action: [
        "ec2:Describe*",
        "elasticloadbalancing:Describe*",
        "acm:DescribeCertificate",
        "acm:ListCertificates",
        "acm:ListTagsForCertificate",
        "logs:DescribeLogGroups",
        "logs:ListTagsForResource",
        "secretsmanager:DescribeSecret",
        "secretsmanager:ListSecrets",
        "lambda:GetLayerVersion",
      ],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": a.region } },
    },
    {
      Sid: "ReadFunctions",
      Effect: "Allow",
      Action: [
        "lambda:GetFunction",
        "lambda:GetFunctionConfiguration",
        "lambda:GetFunctionCodeSigningConfig",
        "lambda:GetFunctionConcurrency",
        "lambda:GetRuntimeManagementConfig",
        "lambda:GetPolicy",
        "lambda:ListTags",
        "lambda:ListVersionsByFunction",
      ],
      Resource: regional("lambda", `function:${a.prefix}-*`),
    },
    {
      Sid: "ReadFunctionRoles",
      Effect: "Allow",
      Action: [
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListRoleTags",
      ],
      Resource: `arn:${p}:iam::${a.account}:role/${a.prefix}-*`,
    },
    {
      Sid: "ReadZones",
      Effect: "Allow",
      Action: [
        "route53:GetHostedZone",
        "route53:ListHostedZones",
        "route53:ListHostedZonesByName",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResource",
      ],
      Resource: "*",
    },
    ...(a.dnsPreviewRoleArn
      ? [
          {
            Sid: "ReadTheDnsAccount",
            Effect: "Allow" as const,
            Action: "sts:AssumeRole",
            Resource: a.dnsPreviewRoleArn,
          },
        ]
      : []),
    ...stateStatements(a.state, false, p),
    ...queuedDeliveryStatements(a, false),
  ]);
}

/** A public zone in the DNS account and the host names whose certificates are validated in it. */
export interface ValidatedZone {
  zoneId: string;
  hostnames: string[];
}

/** The certificate-validation role: ACM's `_…` CNAME records under the stacks' host names, in their zones only. */
export function dnsValidationPolicy(zones: ValidatedZone[], partition = "aws"): PolicyDocument {
  const zoneArn = (z: ValidatedZone) => `arn:${partition}:route53:::hostedzone/${z.zoneId}`;
  return doc([
    ...zones.map((z, i) => ({
      Sid: `ValidationRecords${i}`,
      Effect: "Allow" as const,
      Action: "route53:ChangeResourceRecordSets",
      Resource: zoneArn(z),
      Condition: {
        "ForAllValues:StringEquals": {
          "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
          "route53:ChangeResourceRecordSetsActions": ["CREATE", "UPSERT", "DELETE"],
        },
        "ForAllValues:StringLike": {
          "route53:ChangeResourceRecordSetsNormalizedRecordNames": z.hostnames.map((h) => `_*.${normalize(h)}`),
        },
      },
    })),
    {
      Sid: "ReadTheZones",
      Effect: "Allow",
      Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
      Resource: zones.map(zoneArn),
    },
    {
      Sid: "Route53Changes",
      Effect: "Allow",
      Action: "route53:GetChange",
      Resource: `arn:${partition}:route53:::change/*`,
    },
  ]);
}

/** The DNS account's read-only role for previews. */
export function dnsPreviewPolicy(zones: ValidatedZone[], partition = "aws"): PolicyDocument {
  return doc([
    {
      Sid: "ReadTheZones",
      Effect: "Allow",
      Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
      Resource: zones.map((z) => `arn:${partition}:route53:::hostedzone/${z.zoneId}`),
    },
  ]);
}

/** Who may run the deploy or preview job: exactly one kind of GitHub Actions run of one repository. */
export function githubTrustPolicy(oidcProviderArn: string, subject: string): PolicyDocument {
  return doc([
    {
      Sid: "GitHubActions",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: subject,
        },
      },
    },
  ]);
}

/** The OIDC `sub` of the jobs that may assume a role. */
export const githubSubject = {
  pullRequest: (repository: string) => `repo:${repository}:pull_request`,
  branch: (repository: string, branch: string) => `repo:${repository}:ref:refs/heads/${branch}`,
  environment: (repository: string, environment: string) => `repo:${repository}:environment:${environment}`,
};

/** The deploy role's trust: its CI job, plus operators (principals of the same account, by ARN pattern). */
export function deployTrustPolicy(args: {
  oidcProviderArn: string;
  subject: string;
  account: string;
  operatorPrincipalArns: string[];
  partition?: string;
}): PolicyDocument {
  const trust = githubTrustPolicy(args.oidcProviderArn, args.subject);
  if (args.operatorPrincipalArns.length === 0) return trust;
  return doc([
    ...trust.Statement,
    {
      Sid: "Operators",
      Effect: "Allow",
      Principal: { AWS: `arn:${args.partition ?? "aws"}:iam::${args.account}:root` },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Condition: { ArnLike: { "aws:PrincipalArn": args.operatorPrincipalArns } },
    },
  ]);
}

/**
 * Trust in the DNS account for roles of other accounts. Through each account's root and
 * `aws:PrincipalArn` rather than the role ARNs as principals: IAM refuses a principal that does not
 * exist yet, and the DNS account is bootstrapped before the workload accounts.
 */
export function crossAccountTrustPolicy(roleArns: string[], partition = "aws"): PolicyDocument {
  const accounts = [...new Set(roleArns.map((arn) => arn.split(":")[4]))].sort();
  return doc([
    {
      Sid: "RolesOfTheWorkloadAccounts",
      Effect: "Allow",
      Principal: { AWS: accounts.map((a) => `arn:${partition}:iam::${a}:root`) },
      Action: "sts:AssumeRole",
      Condition: { ArnEquals: { "aws:PrincipalArn": [...roleArns].sort() } },
    },
  ]);
}
