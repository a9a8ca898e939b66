/**
 * Every policy against compliant and violating resources, calling `validateResource` directly
 * through the fake CrossGuard args of `testing.ts` (never through a PolicyPack: see index.ts).
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

import {
  albDropInvalidHeaderFields,
  httpsListenerTls12,
  lambdaAlbPermissionSourceArn,
  lambdaEnvNoSecrets,
  lbInternal,
  logGroupRetention,
  policies,
  resourcesTagged,
  roleNoFullAccess,
  securityGroupNoPublicIngress,
} from "./policies";
import { limitPolicies } from "./limits";
import { queuePolicies } from "./queues";
import { type ResourceUnderTest, runPolicy } from "./testing";

/** The sentinel CrossGuard receives for a value that is unknown during preview. */
const UNKNOWN = unknownValue;

type ResourceClass = { new (...rest: any[]): unknown };

/** A resource of class `cls` with inputs `props`. */
function resource(cls: ResourceClass, props: Record<string, unknown>, name = "r"): ResourceUnderTest {
  return { type: (cls as unknown as { __pulumiType: string }).__pulumiType, name, props };
}

interface Case {
  /** What the case shows. */
  title: string;
  resource: ResourceUnderTest;
  /** One pattern per expected violation, in order; empty for a compliant resource. */
  violations: RegExp[];
  /** Policy config, as `getConfig()` returns it. */
  config?: object;
}

const arn = {
  targetGroup: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/hipchat-tg/0123456789abcdef",
  secret: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hipchat-proxy/slack-AbCdEf",
  kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  cert: "arn:aws:acm:eu-west-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab",
  managed: (name: string) => `arn:aws:iam::aws:policy/${name}`,
  serviceRole: (name: string) => `arn:aws:iam::aws:policy/service-role/${name}`,
};

const RULE = (props: Record<string, unknown>) =>
  resource(aws.vpc.SecurityGroupIngressRule, {
    securityGroupId: "sg-1",
    ipProtocol: "tcp",
    fromPort: 80,
    toPort: 80,
    ...props,
  });
const lb = (props: Record<string, unknown>, cls: ResourceClass = aws.lb.LoadBalancer) =>
  resource(cls, { subnets: ["subnet-a", "subnet-b"], ...props }, "svc-alb");
const listener = (props: Record<string, unknown>, cls: ResourceClass = aws.lb.Listener) =>
  resource(cls, { loadBalancerArn: "arn:lb", port: 443, certificateArn: arn.cert, ...props }, "svc-listener");
const fn = (variables: Record<string, unknown> | undefined) =>
  resource(
    aws.lambda.Function,
    {
      runtime: "nodejs22.x",
      handler: "__index.handler",
      ...(variables === undefined ? {} : { environment: { variables } }),
    },
    "svc-fn",
  );

/** Cases per policy. Every policy must have at least one compliant and one violating case. */
const cases: [ResourceValidationPolicy, Case[]][] = [
  [
    lbInternal,
    [
      { title: "internal ALB", resource: lb({ internal: true }), violations: [] },
      {
        title: "internal ALB declared with the aws.alb alias",
        resource: lb({ internal: true }, aws.alb.LoadBalancer),
        violations: [],
      },
      { title: "internal NLB", resource: lb({ internal: true, loadBalancerType: "network" }), violations: [] },
      { title: "gateway load balancer (no scheme)", resource: lb({ loadBalancerType: "gateway" }), violations: [] },
      { title: "internal flag unknown during preview", resource: lb({ internal: UNKNOWN }), violations: [] },
      {
        title: "internet-facing ALB",
        resource: lb({ internal: false }),
        violations: [/application load balancer is internet-facing/],
      },
      {
        title: "ALB without `internal` (AWS default: internet-facing)",
        resource: lb({}),
        violations: [/internet-facing/],
      },
      {
        title: "internet-facing ALB via the aws.alb alias",
        resource: lb({ internal: false }, aws.alb.LoadBalancer),
        violations: [/internet-facing/],
      },
      {
        title: "internet-facing NLB",
        resource: lb({ internal: false, loadBalancerType: "network" }),
        violations: [/network load balancer is internet-facing/],
      },
      {
        title: "type unknown during preview, not internal",
        resource: lb({ internal: false, loadBalancerType: UNKNOWN }),
        violations: [/The load balancer is internet-facing/],
      },
      {
        title: "other resource types are not checked",
        resource: resource(aws.ec2.SecurityGroup, { vpcId: "vpc-1" }),
        violations: [],
      },
    ],
  ],
  [
    albDropInvalidHeaderFields,
    [
      { title: "ALB drops invalid header fields", resource: lb({ dropInvalidHeaderFields: true }), violations: [] },
      { title: "NLBs have no such setting", resource: lb({ loadBalancerType: "network" }), violations: [] },
      { title: "setting unknown during preview", resource: lb({ dropInvalidHeaderFields: UNKNOWN }), violations: [] },
      {
        title: "ALB without the setting (AWS default: false)",
        resource: lb({}),
        violations: [/set dropInvalidHeaderFields: true/],
      },
      {
        title: "ALB forwarding invalid headers",
        resource: lb({ dropInvalidHeaderFields: false }),
        violations: [/invalid header fields/],
      },
      {
        title: "aws.alb alias forwarding invalid headers",
        resource: lb({ dropInvalidHeaderFields: false }, aws.alb.LoadBalancer),
        violations: [/invalid header fields/],
      },
    ],
  ],
  [
    httpsListenerTls12,
    [
      {
        title: "HTTPS with the recommended post-quantum policy",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" }),
        violations: [],
      },
      {
        title: "HTTPS with TLS 1.3 only",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" }),
        violations: [],
      },
      {
        title: "HTTPS with a FIPS TLS 1.2 policy",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04" }),
        violations: [],
      },
      {
        title: "HTTPS with TLS-1-2-Ext",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS-1-2-Ext-2018-06" }),
        violations: [],
      },
      {
        title: "HTTPS with FS-1-2",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-FS-1-2-Res-2020-10" }),
        violations: [],
      },
      {
        title: "aws.alb alias, TLS 1.2",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }, aws.alb.Listener),
        violations: [],
      },
      {
        title: "plain HTTP listener needs no TLS policy",
        resource: listener({ protocol: "HTTP", port: 80, certificateArn: undefined }),
        violations: [],
      },
      {
        title: "policy unknown during preview",
        resource: listener({ protocol: "HTTPS", sslPolicy: UNKNOWN }),
        violations: [],
      },
      {
        title: "HTTPS without sslPolicy (AWS applies 2016-08)",
        resource: listener({ protocol: "HTTPS" }),
        violations: [/sets no sslPolicy.*ELBSecurityPolicy-2016-08/],
      },
      {
        title: "HTTPS with ELBSecurityPolicy-2016-08",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" }),
        violations: [/uses ELBSecurityPolicy-2016-08/],
      },
      {
        title: "TLS13-1-0 still accepts TLS 1.0",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-0-2021-06" }),
        violations: [/older than 1.2/],
      },
      {
        title: "TLS13-1-1 still accepts TLS 1.1",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" }),
        violations: [/older than 1.2/],
      },
      {
        title: "TLS-1-1",
        resource: listener({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" }),
        violations: [/older than 1.2/],
      },
      {
        title: "lower-case protocol",
        resource: listener({ protocol: "https", sslPolicy: "ELBSecurityPolicy-2015-05" }),
        violations: [/older than 1.2/],
      },
      {
        title: "NLB TLS listener",
        resource: listener({ protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS-1-0-2015-04" }),
        violations: [/TLS listener uses/],
      },
      {
        title: "aws.alb alias without sslPolicy",
        resource: listener({ protocol: "HTTPS" }, aws.alb.Listener),
        violations: [/sets no sslPolicy/],
      },
    ],
  ],
  [
    securityGroupNoPublicIngress,
    [
      {
        title: "group open to the VPC only",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"] }],
        }),
        violations: [],
      },
      {
        title: "group open to a source group, egress anywhere",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-client"] }],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }],
        }),
        violations: [],
      },
      {
        title: "inline CIDRs unknown during preview",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: UNKNOWN }],
        }),
        violations: [],
      },
      {
        title: "one inline CIDR unknown, another open",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [UNKNOWN, "0.0.0.0/0"] }],
        }),
        violations: [/rule 0 \(tcp 80\) is open to 0.0.0.0\/0/],
      },
      {
        title: "inline rule open to IPv4 and IPv6",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [
            { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/8"] },
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"],
              ipv6CidrBlocks: ["::/0"],
            },
          ],
        }),
        violations: [/rule 1 \(tcp 443\) is open to 0.0.0.0\/0/, /rule 1 \(tcp 443\) is open to ::\/0/],
      },
      {
        title: "inline all-traffic rule",
        resource: resource(aws.ec2.SecurityGroup, {
          ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        }),
        violations: [/all traffic/],
      },
      {
        title: "SecurityGroupRule ingress from the VPC",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "ingress",
          securityGroupId: "sg-1",
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrBlocks: ["10.0.0.0/16"],
        }),
        violations: [],
      },
      {
        title: "SecurityGroupRule egress anywhere",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "egress",
          securityGroupId: "sg-1",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        }),
        violations: [],
      },
      {
        title: "SecurityGroupRule ingress from anywhere",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "ingress",
          securityGroupId: "sg-1",
          protocol: "tcp",
          fromPort: 80,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        }),
        violations: [/\(tcp 80-443\) is open to 0.0.0.0\/0/],
      },
      {
        title: "SecurityGroupRule ingress from any IPv6",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "ingress",
          securityGroupId: "sg-1",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          ipv6CidrBlocks: ["::/0"],
        }),
        violations: [/open to ::\/0/],
      },
      {
        title: "SecurityGroupIngressRule from a source group",
        resource: resource(aws.vpc.SecurityGroupIngressRule, {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          referencedSecurityGroupId: "sg-client",
        }),
        violations: [],
      },
      {
        title: "SecurityGroupIngressRule from a CIDR",
        resource: resource(aws.vpc.SecurityGroupIngressRule, {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "192.168.0.0/24",
        }),
        violations: [],
      },
      {
        title: "SecurityGroupIngressRule from anywhere (IPv4)",
        resource: resource(aws.vpc.SecurityGroupIngressRule, {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        }),
        violations: [/open to 0.0.0.0\/0/],
      },
      {
        title: "SecurityGroupIngressRule from anywhere (IPv6)",
        resource: resource(aws.vpc.SecurityGroupIngressRule, {
          securityGroupId: "sg-1",
          ipProtocol: "-1",
          cidrIpv6: "::/0",
        }),
        violations: [/all traffic.*open to ::\/0/],
      },
      {
        title: "private ranges: RFC 1918, shared space, unique local IPv6",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "ingress",
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24", "100.64.0.0/10"],
          ipv6CidrBlocks: ["fd00:1234::/48", "fc00::/7"],
        }),
        violations: [],
      },
      {
        title: "a public block listed in allowedPublicCidrs (or inside one)",
        resource: RULE({ cidrIpv4: "203.0.113.128/25" }),
        config: { allowedPublicCidrs: ["203.0.113.0/24"] },
        violations: [],
      },
      {
        title: "halves of the internet (which passed the old /0 check)",
        resource: resource(aws.ec2.SecurityGroupRule, {
          type: "ingress",
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
          cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"],
        }),
        violations: [
          /\(tcp 80\): Ingress from "0.0.0.0\/1" is refused: it includes public addresses and is wider than a \/8/,
          /Ingress from "128.0.0.0\/1" is refused/,
        ],
      },
      {
        title: "a wide public block, even when configured",
        resource: RULE({ cidrIpv4: "64.0.0.0/3" }),
        config: { allowedPublicCidrs: ["64.0.0.0/3"] },
        violations: [/wider than a \/8/],
      },
      {
        title: "a public /24 not in allowedPublicCidrs",
        resource: RULE({ cidrIpv4: "203.0.113.0/24" }),
        violations: [
          /Ingress from "203.0.113.0\/24" is refused: it includes public addresses .* add the block to this policy's allowedPublicCidrs/,
        ],
      },
      {
        title: "public IPv6 space (global unicast)",
        resource: RULE({ cidrIpv6: "2001:db8::/48" }),
        violations: [/Ingress from "2001:db8::\/48" is refused: it includes public addresses/],
      },
      {
        title: "a public IPv6 /16",
        resource: RULE({ cidrIpv6: "2001::/16" }),
        config: { allowedPublicCidrs: ["2001::/16"] },
        violations: [/wider than a \/32/],
      },
    ],
  ],
  [
    roleNoFullAccess,
    [
      {
        title: "basic execution role",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.serviceRole("AWSLambdaBasicExecutionRole"),
        }),
        violations: [],
      },
      {
        title: "VPC access role",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.serviceRole("AWSLambdaVPCAccessExecutionRole"),
        }),
        violations: [],
      },
      {
        title: "policy ARN unknown during preview (a customer policy being created)",
        resource: resource(aws.iam.RolePolicyAttachment, { role: "fn-role", policyArn: UNKNOWN }),
        violations: [],
      },
      {
        title: "AWSLambda_FullAccess (a CallbackFunction default)",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.managed("AWSLambda_FullAccess"),
        }),
        violations: [/AWSLambda_FullAccess/],
      },
      {
        title: "AmazonS3FullAccess",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.managed("AmazonS3FullAccess"),
        }),
        violations: [/AmazonS3FullAccess/],
      },
      {
        title: "CloudWatchFullAccessV2",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.managed("CloudWatchFullAccessV2"),
        }),
        violations: [/CloudWatchFullAccessV2/],
      },
      {
        title: "AmazonCognitoPowerUser (a CallbackFunction default)",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.managed("AmazonCognitoPowerUser"),
        }),
        violations: [/AmazonCognitoPowerUser/],
      },
      {
        title: "AdministratorAccess",
        resource: resource(aws.iam.RolePolicyAttachment, {
          role: "fn-role",
          policyArn: arn.managed("AdministratorAccess"),
        }),
        violations: [/AdministratorAccess/],
      },
      {
        title: "role with least-privilege managedPolicyArns",
        resource: resource(aws.iam.Role, {
          assumeRolePolicy: "{}",
          managedPolicyArns: [arn.serviceRole("AWSLambdaBasicExecutionRole")],
        }),
        violations: [],
      },
      {
        title: "role with FullAccess in managedPolicyArns",
        resource: resource(aws.iam.Role, {
          assumeRolePolicy: "{}",
          managedPolicyArns: [arn.serviceRole("AWSLambdaBasicExecutionRole"), arn.managed("AmazonDynamoDBFullAccess")],
        }),
        violations: [/managedPolicyArns includes .*AmazonDynamoDBFullAccess/],
      },
      {
        title: "exclusive attachments with a FullAccess policy",
        resource: resource(aws.iam.RolePolicyAttachmentsExclusive, {
          roleName: "fn-role",
          policyArns: [arn.managed("AmazonSQSFullAccess")],
        }),
        violations: [/AmazonSQSFullAccess/],
      },
      {
        title: "PolicyAttachment of FullAccess to a role",
        resource: resource(aws.iam.PolicyAttachment, {
          policyArn: arn.managed("AmazonKinesisFullAccess"),
          roles: ["fn-role"],
        }),
        violations: [/AmazonKinesisFullAccess to roles/],
      },
      {
        title: "PolicyAttachment to users only is out of scope",
        resource: resource(aws.iam.PolicyAttachment, { policyArn: arn.managed("ReadOnlyAccess"), users: ["alice"] }),
        violations: [],
      },
    ],
  ],
  [
    lambdaAlbPermissionSourceArn,
    [
      {
        title: "ELB permission scoped to the target group",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: "elasticloadbalancing.amazonaws.com",
          sourceArn: arn.targetGroup,
        }),
        violations: [],
      },
      {
        title: "target group ARN unknown during preview",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: "elasticloadbalancing.amazonaws.com",
          sourceArn: UNKNOWN,
        }),
        violations: [],
      },
      {
        title: "other principals are out of scope",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: "events.amazonaws.com",
        }),
        violations: [],
      },
      {
        title: "ELB permission without sourceArn",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: "elasticloadbalancing.amazonaws.com",
        }),
        violations: [/set sourceArn to the target group's ARN/],
      },
      {
        title: "ELB permission with an empty sourceArn",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: "elasticloadbalancing.amazonaws.com",
          sourceArn: "",
        }),
        violations: [/sourceArn/],
      },
      {
        title: "principal spelled with capitals and spaces",
        resource: resource(aws.lambda.Permission, {
          action: "lambda:InvokeFunction",
          function: "fn",
          principal: " ElasticLoadBalancing.amazonaws.com ",
        }),
        violations: [/sourceArn/],
      },
    ],
  ],
  [
    lambdaEnvNoSecrets,
    [
      { title: "no environment", resource: fn(undefined), violations: [] },
      {
        title: "only references and configuration",
        resource: fn({
          SLACK_SECRET_ARN: arn.secret,
          HIPCHAT_TOKENS_SECRET_ARN: arn.secret,
          KMS_KEY_ID: arn.kmsKey,
          SECRET_CACHE_TTL_MS: "300000",
          TOKEN_CHECK_ENABLED: "true",
          SECRETS_EXTENSION_URL: "http://localhost:2773/secretsmanager/get",
          LOG_LEVEL: "info",
          DEFAULT_CHANNEL: "#ops-alerts",
          ROOMS: JSON.stringify({ "Ops Alerts": "#ops-alerts", Deploys: "#deploys" }),
          REQUEST_ID: "3272065b-c1dd-4bbb-b481-c6c5bce854dd",
          SERVICE_NAME: "hipchat-proxy-production-alerts-channel",
        }),
        violations: [],
      },
      {
        title: "environment unknown during preview",
        resource: fn(UNKNOWN as unknown as Record<string, unknown>),
        violations: [],
      },
      {
        title: "secret ARN unknown during preview",
        resource: fn({ SLACK_SECRET_ARN: UNKNOWN, SLACK_TOKEN: UNKNOWN }),
        violations: [],
      },
      {
        title: "a name allowed by config",
        resource: fn({ BUILD_SHA: "0b758db1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7" }),
        config: { allowedNames: ["BUILD_SHA"] },
        violations: [],
      },
      {
        title: "a Slack bot token",
        resource: fn({ SLACK_BOT: "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx" }),
        violations: [/SLACK_BOT contains a Slack token/],
      },
      {
        title: "a Slack user token inside JSON",
        resource: fn({ CONFIG: JSON.stringify({ channel: "#ops", token: "xoxp-1234-5678-abcdefgh" }) }),
        violations: [/CONFIG contains a Slack token/],
      },
      {
        title: "a Slack app-level token",
        resource: fn({ SOCKET: "xapp-1-A0123456789-1234567890123-abcdef0123456789" }),
        violations: [/app-level token/],
      },
      {
        title: "a Slack webhook URL",
        resource: fn({ NOTIFY_URL: "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX" }),
        violations: [/webhook URL/],
      },
      {
        title: "a URL with a password",
        resource: fn({ DATABASE_URL: "postgres://app:s3cr3t@db.internal:5432/app" }),
        violations: [/embedded user and password/],
      },
      {
        title: "an AWS access key pair",
        resource: fn({
          AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
          AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        }),
        violations: [/AWS_ACCESS_KEY_ID contains an AWS access key id/, /AWS_SECRET_ACCESS_KEY has a secret-like name/],
      },
      {
        title: "a PEM private key",
        resource: fn({ TLS: "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----" }),
        violations: [/PEM private key/],
      },
      {
        title: "random strings under innocent names",
        resource: fn({
          UPSTREAM: "q8Zr2XbV7kLm4Np9Ts3Wd6Yf1Hc5Jg0Ae8Ru2Ko7",
          SIGNATURE: "afcf9cb097f28b222e69c2287f488005e365f5dbd10bd510afe73839eea58d19",
          BEARER: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        }),
        violations: [
          /UPSTREAM is a long high-entropy string \(40 characters\)/,
          /SIGNATURE is a long high-entropy string/,
          /BEARER is a long high-entropy string/,
        ],
      },
      {
        title: "secret-like names with literal values",
        resource: fn({
          DB_PASSWORD: "hunter2",
          API_KEY: "abc123",
          HipchatAuthToken: "letmein",
          SIGNING_SECRET: "not-so-secret",
          PASSPHRASE: "correct horse battery staple",
        }),
        violations: [
          /DB_PASSWORD has a secret-like name/,
          /API_KEY/,
          /HipchatAuthToken/,
          /SIGNING_SECRET/,
          /PASSPHRASE/,
        ],
      },
      {
        title: "an ARN under a name that does not say it is a reference",
        resource: fn({ SLACK_TOKEN: arn.secret }),
        violations: [/SLACK_TOKEN has a secret-like name/],
      },
      {
        title: "a _ARN name whose value is not an ARN",
        resource: fn({ SLACK_SECRET_ARN: "hipchat-proxy/slack" }),
        violations: [/SLACK_SECRET_ARN has a secret-like name/],
      },
      {
        title: "the allow-list exempts only the names it lists",
        resource: fn({ BUILD_SHA: "0b758db1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7", SLACK_TOKEN: "xoxb-123-456-abcdefghij" }),
        config: { allowedNames: ["BUILD_SHA"] },
        violations: [/SLACK_TOKEN contains a Slack token/],
      },
      {
        title: "CallbackFunction has the Function type token",
        resource: {
          ...fn({ SLACK_TOKEN: "xoxb-123-456-abcdefghij" }),
          type: (aws.lambda.CallbackFunction as unknown as { __pulumiType: string }).__pulumiType,
        },
        violations: [/Slack token/],
      },
    ],
  ],
  [
    logGroupRetention,
    [
      {
        title: "30 days",
        resource: resource(aws.cloudwatch.LogGroup, { name: "/aws/lambda/fn", retentionInDays: 30 }),
        violations: [],
      },
      {
        title: "unknown during preview",
        resource: resource(aws.cloudwatch.LogGroup, { retentionInDays: UNKNOWN }),
        violations: [],
      },
      {
        title: "no retention",
        resource: resource(aws.cloudwatch.LogGroup, { name: "/aws/lambda/fn" }),
        violations: [/keeps its logs forever/],
      },
      {
        title: "retention 0 (never expire)",
        resource: resource(aws.cloudwatch.LogGroup, { name: "/aws/lambda/fn", retentionInDays: 0 }),
        violations: [/set retentionInDays/],
      },
    ],
  ],
  [
    resourcesTagged,
    [
      {
        title: "tagged function",
        resource: resource(aws.lambda.Function, { tags: { Name: "svc-fn" } }),
        violations: [],
      },
      {
        title: "tags from the provider's defaultTags",
        resource: {
          ...resource(aws.lb.LoadBalancer, {}),
          provider: {
            type: "pulumi:providers:aws",
            name: "default",
            urn: "urn:p",
            props: { defaultTags: JSON.stringify({ tags: { Service: "hipchat-proxy" } }) },
          },
        },
        violations: [],
      },
      {
        title: "required tags present",
        resource: resource(aws.ec2.SecurityGroup, { tags: { Name: "svc-sg", Service: "hipchat-proxy" } }),
        config: { requiredTags: ["Service"] },
        violations: [],
      },
      {
        title: "tags unknown during preview",
        resource: resource(aws.ec2.SecurityGroup, { tags: UNKNOWN }),
        violations: [],
      },
      {
        title: "untaggable types are not checked",
        resource: resource(aws.lambda.Permission, { principal: "elasticloadbalancing.amazonaws.com" }),
        violations: [],
      },
      {
        title: "untagged target group",
        resource: resource(aws.lb.TargetGroup, { targetType: "lambda" }),
        violations: [/has no tags/],
      },
      { title: "empty tags", resource: resource(aws.secretsmanager.Secret, { tags: {} }), violations: [/has no tags/] },
      {
        title: "required tag missing",
        resource: resource(aws.iam.Role, { tags: { Name: "fn-role" } }),
        config: { requiredTags: ["Service", "Owner"] },
        violations: [/lacks the required tags Service, Owner/],
      },
    ],
  ],
];

describe.each(cases.map(([policy, policyCases]) => [policy.name, policy, policyCases] as const))(
  "policy %s",
  (_name, policy, policyCases) => {
    it.each(policyCases.map((c) => [c.title, c] as const))("%s", (_title, c) => {
      // Act
      const messages = runPolicy(policy, c.resource, c.config);

      // Assess
      expect(messages).toHaveLength(c.violations.length);
      for (const [i, pattern] of c.violations.entries()) expect(messages[i]).toMatch(pattern);
    });
  },
);

describe("the case table", () => {
  it.each(
    policies.filter((p) => !limitPolicies.includes(p) && !queuePolicies.includes(p)).map((p) => [p.name, p] as const),
  )(
    "covers %s with compliant and violating resources (the limit policies: limits.test.ts; the queue policies: queues.test.ts)",
    (_name, policy) => {
      const policyCases = cases.find(([p]) => p === policy)?.[1] ?? [];
      expect(policyCases.some((c) => c.violations.length === 0)).toBe(true);
      expect(policyCases.some((c) => c.violations.length > 0)).toBe(true);
    },
  );

  it("has several violating cases for the secrets policy", () => {
    const secretCases = cases.find(([p]) => p === lambdaEnvNoSecrets)?.[1] ?? [];
    expect(secretCases.filter((c) => c.violations.length > 0).length).toBeGreaterThanOrEqual(8);
  });
});

describe("the policy list", () => {
  it("has unique, well-formed names and descriptions", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of policies) {
      expect(p.name).toMatch(/^[a-z0-9-]+$/);
      expect(p.name).not.toBe("all"); // reserved by CrossGuard
      expect(p.description.length).toBeGreaterThan(20);
      expect(p.validateResource).toBeDefined();
    }
  });

  it("enforces the mandatory guardrails and only advises on hygiene", () => {
    const byLevel = (level: string) => policies.filter((p) => p.enforcementLevel === level).map((p) => p.name);
    expect(byLevel("mandatory")).toEqual([
      "lb-internal",
      "alb-drop-invalid-header-fields",
      "https-listener-tls12",
      "security-group-no-public-ingress",
      "role-no-full-access",
      "lambda-alb-permission-source-arn",
      "lambda-env-no-secrets",
      "aws-name-limits",
      "aws-description-limits",
      "aws-tag-limits",
      "aws-dns-name-limits",
      "aws-size-limits",
      "sqs-queue-encrypted",
      "sqs-queue-valid",
      "sqs-event-source-batch-failures",
      "iam-queue-grants-scoped",
    ]);
    expect(byLevel("advisory")).toEqual([
      "sqs-queue-retention",
      "queue-alarms-notify",
      "log-group-retention",
      "resources-tagged",
    ]);
  });
});
