/**
 * The test-support runner (`runPoliciesOnResources`) on whole resource graphs shaped like what
 * PrivateLambdaService creates: a compliant one, and one built the way the component must not be
 * (CallbackFunction defaults, a public ALB, open ingress, a token in the environment).
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";

import { lbInternal } from "./policies";
import { formatViolations, type ResourceUnderTest, runPoliciesOnResources } from "./testing";

const t = (cls: { new (...rest: any[]): unknown }) => (cls as unknown as { __pulumiType: string }).__pulumiType;
const tags = (Name: string) => ({ tags: { Name, Service: "hipchat-proxy" } });
const account = "123456789012";
const tgArn = `arn:aws:elasticloadbalancing:eu-west-1:${account}:targetgroup/svc-tg/0123456789abcdef`;
const secretArn = `arn:aws:secretsmanager:eu-west-1:${account}:secret:svc-secrets-AbCdEf`;

/** What a well-built private Lambda service looks like to the pack. */
function compliantGraph(): ResourceUnderTest[] {
  return [
    {
      type: t(aws.ec2.SecurityGroup),
      name: "svc-sg",
      props: {
        vpcId: "vpc-1",
        ingress: [
          { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"] },
          { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] },
        ],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        ...tags("svc-sg"),
      },
    },
    {
      type: t(aws.lb.LoadBalancer),
      name: "svc-alb",
      props: {
        internal: true,
        loadBalancerType: "application",
        dropInvalidHeaderFields: true,
        subnets: ["subnet-a", "subnet-b"],
        ...tags("svc-alb"),
      },
    },
    { type: t(aws.lb.TargetGroup), name: "svc-tg", props: { targetType: "lambda", ...tags("svc-tg") } },
    {
      type: t(aws.lb.Listener),
      name: "svc-listener-http",
      props: { port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect" }], ...tags("svc-listener-http") },
    },
    {
      type: t(aws.lb.Listener),
      name: "svc-listener",
      props: {
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        ...tags("svc-listener"),
      },
    },
    { type: t(aws.iam.Role), name: "svc-fn-role", props: { assumeRolePolicy: "{}", ...tags("svc-fn-role") } },
    {
      type: t(aws.iam.RolePolicyAttachment),
      name: "svc-fn-logs",
      props: { role: "svc-fn-role", policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
    },
    { type: t(aws.secretsmanager.Secret), name: "svc-secrets", props: tags("svc-secrets") },
    { type: t(aws.cloudwatch.LogGroup), name: "svc-fn-logs", props: { retentionInDays: 30, ...tags("svc-fn-logs") } },
    {
      type: t(aws.lambda.Function),
      name: "svc-fn",
      props: {
        runtime: "nodejs22.x",
        environment: { variables: { SECRETS_ARN: secretArn, LOG_LEVEL: "info" } },
        ...tags("svc-fn"),
      },
    },
    {
      type: t(aws.lambda.Permission),
      name: "svc-alb-invoke",
      props: {
        action: "lambda:InvokeFunction",
        function: "svc-fn",
        principal: "elasticloadbalancing.amazonaws.com",
        sourceArn: tgArn,
      },
    },
    {
      type: t(aws.lb.TargetGroupAttachment),
      name: "svc-attachment",
      props: { targetGroupArn: tgArn, targetId: "arn:fn" },
    },
    { type: t(aws.route53.Record), name: "svc-dns", props: { type: "A", name: "svc.private.example.com" } },
    { type: "pulumi:pulumi:Stack", name: "hipchat-proxy-dev", props: {} },
  ];
}

describe("runPoliciesOnResources", () => {
  it("finds nothing, advisory included, in a well-built service", () => {
    // Act
    const violations = runPoliciesOnResources(compliantGraph());

    // Assess
    expect(formatViolations(violations)).toBe("");
  });

  it("finds every mandatory problem in a service built carelessly", () => {
    // Prepare: CallbackFunction without role/policies, a public ALB with HTTPS on the API default,
    // open ingress, a permission any load balancer may use, the token in the environment.
    const careless: ResourceUnderTest[] = [
      {
        type: t(aws.ec2.SecurityGroup),
        name: "sg",
        props: { ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }] },
      },
      { type: t(aws.lb.LoadBalancer), name: "alb", props: { subnets: ["subnet-a", "subnet-b"] } },
      { type: t(aws.lb.Listener), name: "listener", props: { port: 443, protocol: "HTTPS" } },
      { type: t(aws.iam.Role), name: "fn", props: { assumeRolePolicy: "{}" } },
      ...["AWSLambda_FullAccess", "AmazonS3FullAccess", "AmazonDynamoDBFullAccess"].map((policy) => ({
        type: t(aws.iam.RolePolicyAttachment),
        name: `fn-${policy}`,
        props: { role: "fn", policyArn: `arn:aws:iam::aws:policy/${policy}` },
      })),
      {
        type: t(aws.lambda.CallbackFunction),
        name: "fn",
        props: { environment: { variables: { SLACK_TOKEN: "xoxb-1234-5678-abcdefghijkl" } } },
      },
      {
        type: t(aws.lambda.Permission),
        name: "invoke",
        props: { action: "lambda:InvokeFunction", function: "fn", principal: "elasticloadbalancing.amazonaws.com" },
      },
      { type: t(aws.cloudwatch.LogGroup), name: "logs", props: {} },
    ];

    // Act
    const violations = runPoliciesOnResources(careless);

    // Assess
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => `${v.policy} ${v.name}`)).toEqual([
      "security-group-no-public-ingress sg",
      // Pulumi would name it "sg-" plus 7 characters, a name EC2 reserves for group IDs.
      "aws-name-limits sg",
      "lb-internal alb",
      "alb-drop-invalid-header-fields alb",
      "https-listener-tls12 listener",
      "role-no-full-access fn-AWSLambda_FullAccess",
      "role-no-full-access fn-AmazonS3FullAccess",
      "role-no-full-access fn-AmazonDynamoDBFullAccess",
      "lambda-env-no-secrets fn",
      "lambda-alb-permission-source-arn invoke",
    ]);
    const advisory = violations.filter((v) => v.enforcementLevel === "advisory");
    expect(new Set(advisory.map((v) => v.policy))).toEqual(new Set(["log-group-retention", "resources-tagged"]));
    expect(violations.every((v) => v.urn.endsWith(`::${v.name}`))).toBe(true);
  });

  it("sees secrets in plain text, as CrossGuard does (mock inputs keep Pulumi's secret marker)", () => {
    // Prepare: what a mock's newResource receives for `SLACK_TOKEN: config.requireSecret("slackToken")`
    const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
    const fn = {
      type: t(aws.lambda.Function),
      name: "fn",
      props: {
        environment: secret({ variables: { SLACK_TOKEN: secret("xoxb-1234-5678-abcdefghijkl") } }),
        tags: { Name: "fn" },
      },
    };

    // Act
    const violations = runPoliciesOnResources([fn]);

    // Assess
    expect(violations).toEqual([
      expect.objectContaining({ policy: "lambda-env-no-secrets", message: expect.stringContaining("SLACK_TOKEN") }),
    ]);
  });

  it("passes per-policy config to getConfig", () => {
    // Prepare
    const graph = compliantGraph();

    // Act
    const violations = runPoliciesOnResources(graph, { config: { "resources-tagged": { requiredTags: ["Owner"] } } });

    // Assess: every taggable resource lacks Owner, nothing else is reported
    expect(new Set(violations.map((v) => v.policy))).toEqual(new Set(["resources-tagged"]));
    expect(violations.map((v) => v.name)).toContain("svc-fn");
    expect(violations.map((v) => v.name)).not.toContain("svc-alb-invoke");
  });

  it("reports a policy that trips over an unknown value as advisory, like CrossGuard", () => {
    // Prepare: a naive policy that reads an input without the values.ts helpers
    const naive: ResourceValidationPolicy = {
      name: "naive",
      description: "reads sourceArn directly",
      enforcementLevel: "mandatory",
      validateResource: (args, report) => {
        if (!String(args.props.sourceArn).startsWith("arn:")) {
          report("not an ARN");
        }
      },
    };
    const permission = { type: t(aws.lambda.Permission), name: "invoke", props: { sourceArn: unknownValue } };

    // Act
    const violations = runPoliciesOnResources([permission], { policies: [naive] });

    // Assess
    expect(violations).toEqual([
      expect.objectContaining({
        policy: "naive",
        enforcementLevel: "advisory",
        message: expect.stringMatching(/can't run policy 'naive' during preview/),
      }),
    ]);
  });

  it("skips disabled policies, as CrossGuard does", () => {
    const disabled = { ...lbInternal, enforcementLevel: "disabled" as const };
    const publicAlb = { type: t(aws.lb.LoadBalancer), name: "alb", props: { internal: false } };
    expect(runPoliciesOnResources([publicAlb], { policies: [disabled] })).toEqual([]);
    expect(runPoliciesOnResources([publicAlb], { policies: [lbInternal] })).toHaveLength(1);
  });

  it("refuses asynchronous policies instead of missing their violations", () => {
    const asyncPolicy: ResourceValidationPolicy = {
      name: "async",
      description: "validates later",
      enforcementLevel: "mandatory",
      validateResource: async (_args, report) => report("too late"),
    };
    expect(() => runPoliciesOnResources(compliantGraph().slice(0, 1), { policies: [asyncPolicy] })).toThrow(
      /asynchronously/,
    );
  });
});
