/**
 * The AWS-limit policies (limits.ts) against compliant and violating resources, table-driven, and
 * fast-check properties per constraint: random valid inputs pass, random violating inputs are
 * reported. Called through `validateResource` directly (testing.ts), never through a PolicyPack.
 */
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import fc from "fast-check";

import {
  awsDescriptionLimits,
  awsDnsNameLimits,
  awsNameLimits,
  awsSizeLimits,
  awsTagLimits,
  limitPolicies,
} from "./limits";
import { policies } from "./policies";
import { type ResourceUnderTest, runPolicy } from "./testing";

const UNKNOWN = unknownValue;
type ResourceClass = { new (...rest: any[]): unknown };

function resource(
  cls: ResourceClass,
  props: Record<string, unknown>,
  name = "r",
  defaultTags?: Record<string, string>,
): ResourceUnderTest {
  return {
    type: (cls as unknown as { __pulumiType: string }).__pulumiType,
    name,
    props,
    provider:
      defaultTags === undefined
        ? undefined
        : {
            type: "pulumi:providers:aws",
            name: "default",
            urn: "urn:p",
            props: { defaultTags: { tags: defaultTags } },
          },
  };
}

interface Case {
  title: string;
  resource: ResourceUnderTest;
  violations: RegExp[];
}

const cases: [ResourceValidationPolicy, Case[]][] = [
  [
    awsNameLimits,
    [
      {
        title: "explicit 32-character ALB name",
        resource: resource(aws.lb.LoadBalancer, { name: "a".repeat(32) }),
        violations: [],
      },
      {
        title: "generated ALB name from a 24-character logical name",
        resource: resource(aws.lb.LoadBalancer, {}, "a".repeat(24)),
        violations: [],
      },
      {
        title: "6-character ALB name prefix",
        resource: resource(aws.lb.LoadBalancer, { namePrefix: "svc-ab" }),
        violations: [],
      },
      {
        title: "name unknown during preview",
        resource: resource(aws.lb.TargetGroup, { name: UNKNOWN }, "a".repeat(40)),
        violations: [],
      },
      {
        title: "64-character role name",
        resource: resource(aws.iam.Role, { name: `r${"+=,.@_-".repeat(9)}` }),
        violations: [],
      },
      {
        title: "other types are not checked",
        resource: resource(aws.lb.Listener, { port: 80 }, "x".repeat(300)),
        violations: [],
      },
      {
        title: "generated ALB name from a 25-character logical name (33 with Pulumi's suffix)",
        resource: resource(aws.lb.LoadBalancer, {}, "a".repeat(25)),
        violations: [
          /Pulumi names this resource "a{25}-" plus 7 random characters, so its load balancer name is 33 characters, over AWS's limit of 32/,
        ],
      },
      {
        title: "33-character target group name",
        resource: resource(aws.alb.TargetGroup, { name: "t".repeat(33) }),
        violations: [/target group name "t{33}" is 33 characters, over AWS's limit of 32/],
      },
      {
        title: "7-character ALB name prefix",
        resource: resource(aws.lb.LoadBalancer, { namePrefix: "svc-abc" }),
        violations: [/namePrefix "svc-abc" is 7 characters; the load balancer name allows a prefix of at most 6/],
      },
      {
        title: "ALB name with an underscore, ending in a hyphen",
        resource: resource(aws.lb.LoadBalancer, { name: "svc_alb-" }),
        violations: [/has characters AWS does not accept: use letters, digits and hyphens/],
      },
      {
        title: "ALB name beginning with internal-",
        resource: resource(aws.lb.LoadBalancer, { name: "internal-svc" }),
        violations: [/must not begin with "internal-"/],
      },
      {
        title: "generated role name over 64",
        resource: resource(aws.iam.Role, {}, "r".repeat(57)),
        violations: [/IAM role name is 65 characters, over AWS's limit of 64/],
      },
      {
        title: "generated Lambda function name with a dot",
        resource: resource(aws.lambda.Function, {}, "svc.fn"),
        violations: [/Lambda function name has characters AWS does not accept/],
      },
      {
        title: "security group named sg-…",
        resource: resource(aws.ec2.SecurityGroup, {}, "sg"),
        violations: [/security group name must not begin with "sg-"/],
      },
      {
        title: "security group name with an apostrophe",
        resource: resource(aws.ec2.SecurityGroup, { name: "ops's group" }),
        violations: [/has characters AWS does not accept/],
      },
      {
        title: "log group prefix with a colon",
        resource: resource(aws.cloudwatch.LogGroup, { namePrefix: "/aws/lambda/a:b-" }),
        violations: [/namePrefix "\/aws\/lambda\/a:b-" has characters a log group name cannot have/],
      },
      {
        title: "secret name with a space",
        resource: resource(aws.secretsmanager.Secret, { name: "my secret" }),
        violations: [/secret name "my secret" has characters AWS does not accept/],
      },
      {
        title: "statement ID of 101 characters",
        resource: resource(aws.lambda.Permission, { statementId: "s".repeat(101) }),
        violations: [/Lambda permission statement ID .* is 101 characters, over AWS's limit of 100/],
      },
    ],
  ],
  [
    awsDescriptionLimits,
    [
      {
        title: "security group description with every allowed character",
        resource: resource(aws.ec2.SecurityGroup, { description: "aZ09. _-:/()#,@[]+=&;{}!$*" }),
        violations: [],
      },
      {
        title: "IAM role description with an apostrophe (Latin-1 is fine)",
        resource: resource(aws.iam.Role, { description: "svc's role – ok?".replace("–", "-") }),
        violations: [],
      },
      {
        title: "description unknown during preview",
        resource: resource(aws.ec2.SecurityGroup, { description: UNKNOWN }),
        violations: [],
      },
      {
        title: "rule description with an apostrophe",
        resource: resource(aws.vpc.SecurityGroupIngressRule, { description: "HTTP from ops's VPC" }),
        violations: [/security group rule description "HTTP from ops's VPC" has characters AWS refuses \("'"\)/],
      },
      {
        title: "inline ingress rule description with a question mark",
        resource: resource(aws.ec2.SecurityGroup, { ingress: [{ description: "why?", protocol: "tcp" }] }),
        violations: [/Inline ingress rule 0: The security group rule description "why\?" has characters AWS refuses/],
      },
      {
        title: "security group description of 256 characters",
        resource: resource(aws.ec2.SecurityGroup, { description: "d".repeat(256) }),
        violations: [/security group description is 256 characters, over AWS's limit of 255/],
      },
      {
        title: "Lambda description of 257 characters",
        resource: resource(aws.lambda.Function, { description: "d".repeat(257) }),
        violations: [/Lambda function description is 257 characters, over AWS's limit of 256/],
      },
      {
        title: "IAM role description with an emoji",
        resource: resource(aws.iam.Role, { description: "role 🚀" }),
        violations: [/IAM role description .* has characters AWS refuses/],
      },
      {
        title: "hosted zone comment of 257 characters",
        resource: resource(aws.route53.Zone, { name: "a.example.com", comment: "c".repeat(257) }),
        violations: [/hosted zone comment is 257 characters, over AWS's limit of 256/],
      },
    ],
  ],
  [
    awsTagLimits,
    [
      {
        title: "a few tags",
        resource: resource(aws.lambda.Function, { tags: { Name: "svc-fn", Team: "chat ops" } }),
        violations: [],
      },
      {
        title: "EC2 accepts an apostrophe",
        resource: resource(aws.ec2.SecurityGroup, { tags: { Owner: "ops's team" } }),
        violations: [],
      },
      {
        title: "10 tags on a hosted zone, default tags included",
        resource: resource(
          aws.route53.Zone,
          { tags: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, "v"])) },
          "zone",
          { Project: "p", Stack: "s" },
        ),
        violations: [],
      },
      { title: "tags unknown during preview", resource: resource(aws.iam.Role, { tags: UNKNOWN }), violations: [] },
      {
        title: "non-AWS resources are not checked",
        resource: { type: "random:index/randomId:RandomId", name: "r", props: { tags: { "aws:x": "y" } } },
        violations: [],
      },
      {
        title: "11 tags on a hosted zone, 2 of them default tags",
        resource: resource(
          aws.route53.Zone,
          { tags: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v"])) },
          "zone",
          { Project: "p", Stack: "s" },
        ),
        violations: [/11 tags \(2 of them the provider's default tags\), over Route 53's limit of 10 per resource/],
      },
      {
        title: "51 tags on a role",
        resource: resource(aws.iam.Role, {
          tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])),
        }),
        violations: [/51 tags, over IAM's limit of 50/],
      },
      {
        title: "a reserved key",
        resource: resource(aws.ec2.SecurityGroup, { tags: { "AWS:Owner": "x" } }),
        violations: [/Tag key "AWS:Owner" begins with "aws:"/],
      },
      {
        title: "an apostrophe on a load balancer",
        resource: resource(aws.lb.LoadBalancer, { tags: { Owner: "ops's team" } }),
        violations: [/Tag Owner's value "ops's team" has characters Elastic Load Balancing refuses/],
      },
      {
        title: "a default tag value with a comma on a Lambda function",
        resource: resource(aws.lambda.Function, { tags: { Name: "fn" } }, "fn", { Owner: "a,b" }),
        violations: [/Default tag Owner's value "a,b" has characters Lambda refuses/],
      },
      {
        title: "a long key and a long value",
        resource: resource(aws.secretsmanager.Secret, { tags: { ["k".repeat(129)]: "v".repeat(257) } }),
        violations: [/keys are 1 to 128/, /value is 257 characters, over the limit of 256/],
      },
    ],
  ],
  [
    awsDnsNameLimits,
    [
      {
        title: "a record name",
        resource: resource(aws.route53.Record, { name: "svc.internal.example.com" }),
        violations: [],
      },
      {
        title: "ACM's validation record (underscore, trailing dot)",
        resource: resource(aws.route53.Record, { name: "_0123abcd.svc.example.com." }),
        violations: [],
      },
      {
        title: "a wildcard certificate",
        resource: resource(aws.acm.Certificate, { domainName: "*.example.com" }),
        violations: [],
      },
      {
        title: "a 64-character certificate name",
        resource: resource(aws.acm.Certificate, { domainName: `${"a".repeat(52)}.example.com` }),
        violations: [],
      },
      {
        title: "a host-header rule",
        resource: resource(aws.lb.ListenerRule, {
          conditions: [{ hostHeader: { values: ["hipchat.example.com", "*.example.?om"] } }],
        }),
        violations: [],
      },
      {
        title: "record name unknown during preview",
        resource: resource(aws.route53.Record, { name: UNKNOWN }),
        violations: [],
      },
      {
        title: "a 65-character certificate name",
        resource: resource(aws.acm.Certificate, { domainName: `${"a".repeat(53)}.example.com` }),
        violations: [/domain name .* is 65 characters; ACM accepts at most 64 for the first name/],
      },
      {
        title: "a 64-character label in a zone name",
        resource: resource(aws.route53.Zone, { name: `${"l".repeat(64)}.example.com` }),
        violations: [/has a label of 64 characters/],
      },
      {
        title: "a 254-character record name",
        resource: resource(aws.route53.Record, { name: `${"a.".repeat(121)}examples.com` }),
        violations: [/is 254 characters, over DNS's limit of 253/],
      },
      {
        title: "a subject alternative name with a space",
        resource: resource(aws.acm.Certificate, {
          domainName: "a.example.com",
          subjectAlternativeNames: ["b c.example.com"],
        }),
        violations: [/subject alternative name "b c.example.com" has a label/],
      },
      {
        title: "a host header with an underscore and one of 129 characters",
        resource: resource(aws.lb.ListenerRule, {
          conditions: [{ hostHeader: { values: ["a_b.example.com", `${"h".repeat(117)}.example.com`] } }],
        }),
        violations: [/host-header value "a_b.example.com" has characters/, /is 129 characters; the limit is 1 to 128/],
      },
    ],
  ],
  [
    awsSizeLimits,
    [
      {
        title: "a small environment",
        resource: resource(aws.lambda.Function, { environment: { variables: { A: "b" } } }),
        violations: [],
      },
      {
        title: "an environment of exactly 4096 bytes",
        resource: resource(aws.lambda.Function, { environment: { variables: { A: "x".repeat(4096 - 8) } } }),
        violations: [],
      },
      {
        title: "an environment whose values are unknown (counted as empty)",
        resource: resource(aws.lambda.Function, { environment: { variables: { A: UNKNOWN, B: "x" } } }),
        violations: [],
      },
      {
        title: "a secret of 64 KB",
        resource: resource(aws.secretsmanager.SecretVersion, { secretString: "s".repeat(65536) }),
        violations: [],
      },
      {
        title: "a listener rule with priority 50000 and 5 values",
        resource: resource(aws.lb.ListenerRule, {
          priority: 50000,
          conditions: [{ hostHeader: { values: ["a", "b", "c"] } }, { pathPattern: { values: ["/x", "/y"] } }],
        }),
        violations: [],
      },
      {
        title: "an environment of 4097 bytes",
        resource: resource(aws.lambda.Function, { environment: { variables: { A: "x".repeat(4096 - 7) } } }),
        violations: [/environment variables measure 4097 bytes as JSON, over Lambda's limit of 4096/],
      },
      {
        title: "unknown values do not hide a known excess",
        resource: resource(aws.lambda.Function, { environment: { variables: { A: UNKNOWN, B: "é".repeat(2100) } } }),
        violations: [/over Lambda's limit of 4096/],
      },
      {
        title: "six layers",
        resource: resource(aws.lambda.Function, { layers: ["1", "2", "3", "4", "5", "6"] }),
        violations: [/uses 6 layers; Lambda allows 5/],
      },
      {
        title: "a secret one byte over 64 KB (multi-byte characters count as bytes)",
        resource: resource(aws.secretsmanager.SecretVersion, { secretString: `${"s".repeat(65535)}é` }),
        violations: [/secret value is 65537 bytes; Secrets Manager stores at most 65536/],
      },
      {
        title: "an inline policy over 10,240 characters",
        resource: resource(aws.iam.RolePolicy, {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "r".repeat(10300) }],
          }),
        }),
        violations: [/inline policy is \d+ characters without whitespace; IAM allows 10240/],
      },
      {
        title: "priority 0 and 6 condition values",
        resource: resource(aws.alb.ListenerRule, {
          priority: 0,
          conditions: [
            { hostHeader: { values: ["a", "b", "c", "d"] } },
            { sourceIp: { values: ["10.0.0.0/8", "10.1.0.0/16"] } },
          ],
        }),
        violations: [/priority 0 is outside 1–50000/, /has 6 condition values; a rule allows 5/],
      },
    ],
  ],
];

describe.each(cases.map(([policy, policyCases]) => [policy.name, policy, policyCases] as const))(
  "policy %s",
  (_name, policy, policyCases) => {
    it.each(policyCases.map((c) => [c.title, c] as const))("%s", (_title, c) => {
      const messages = runPolicy(policy, c.resource);
      expect(messages).toHaveLength(c.violations.length);
      for (const [i, pattern] of c.violations.entries()) expect(messages[i]).toMatch(pattern);
    });
  },
);

describe("the limit policies", () => {
  it("are mandatory, in the pack, each with compliant and violating cases", () => {
    for (const policy of limitPolicies) {
      expect(policy.enforcementLevel).toBe("mandatory");
      expect(policies).toContain(policy);
      const policyCases = cases.find(([p]) => p === policy)?.[1] ?? [];
      expect(policyCases.some((c) => c.violations.length === 0)).toBe(true);
      expect(policyCases.some((c) => c.violations.length > 0)).toBe(true);
    }
  });
});

describe("properties: valid inputs pass, each violation is reported", () => {
  const lbName = fc
    .stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/)
    .filter((n) => !/^internal-/i.test(n));
  const ec2Text = fc.stringMatching(/^[A-Za-z0-9. _\-:/()#,@[\]+=&;{}!$*]{0,255}$/);
  const tagKey = fc.stringMatching(/^[A-Za-z0-9 _.:/=+@-]{1,128}$/).filter((k) => !/^aws:/i.test(k));
  const tagValue = fc.stringMatching(/^[A-Za-z0-9 _.:/=+@-]{0,256}$/);
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  const forbiddenEc2 = fc.constantFrom("'", '"', "?", "%", "^", "|", "\\", "<", ">", "~", "`", "é");
  const messages = (policy: ResourceValidationPolicy, r: ResourceUnderTest) => runPolicy(policy, r);

  it("load balancer and target group names of up to 32 valid characters pass; longer ones do not", () => {
    fc.assert(
      fc.property(lbName, fc.constantFrom(aws.lb.LoadBalancer, aws.lb.TargetGroup), (name, cls) => {
        expect(messages(awsNameLimits, resource(cls, { name }))).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{33,60}$/), (name) => {
        expect(messages(awsNameLimits, resource(aws.lb.LoadBalancer, { name }))).toEqual([
          expect.stringContaining("over AWS's limit of 32"),
        ]);
      }),
    );
  });

  it("logical names Pulumi extends by 8 characters pass up to the limit minus 8, for every limited type", () => {
    const limits: [ResourceClass, number][] = [
      [aws.lb.LoadBalancer, 32],
      [aws.lb.TargetGroup, 32],
      [aws.iam.Role, 64],
      [aws.lambda.Function, 64],
      [aws.iam.RolePolicy, 128],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...limits), fc.integer({ min: 1, max: 140 }), ([cls, max], length) => {
        const found = messages(awsNameLimits, resource(cls, {}, `a${"b".repeat(length - 1)}`));
        expect(found.length === 0).toBe(length + 8 <= max);
      }),
    );
  });

  it("security group (rule) descriptions in EC2's character set pass; one other character fails", () => {
    fc.assert(
      fc.property(ec2Text, (description) => {
        expect(messages(awsDescriptionLimits, resource(aws.vpc.SecurityGroupIngressRule, { description }))).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), forbiddenEc2, fc.string({ maxLength: 100 }), (a, bad, b) => {
        const description = `${a.replace(/[^A-Za-z0-9 ]/g, "")}${bad}${b.replace(/[^A-Za-z0-9 ]/g, "")}`;
        expect(messages(awsDescriptionLimits, resource(aws.ec2.SecurityGroup, { description }))).toEqual([
          expect.stringContaining("has characters AWS refuses"),
        ]);
      }),
    );
  });

  it("tag sets within the limits pass on every service; each broken rule is reported", () => {
    const types = [aws.lambda.Function, aws.iam.Role, aws.lb.LoadBalancer, aws.ec2.SecurityGroup, aws.route53.Zone];
    fc.assert(
      fc.property(fc.dictionary(tagKey, tagValue, { maxKeys: 10 }), fc.constantFrom(...types), (tags, cls) => {
        expect(messages(awsTagLimits, resource(cls, { tags }))).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(tagKey, fc.constantFrom(...types), (key, cls) => {
        expect(messages(awsTagLimits, resource(cls, { tags: { [`aws:${key}`.slice(0, 128)]: "v" } }))).toEqual([
          expect.stringContaining('begins with "aws:"'),
        ]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 257, max: 1000 }), fc.constantFrom(...types), (length, cls) => {
        expect(messages(awsTagLimits, resource(cls, { tags: { K: "v".repeat(length) } }))).toEqual([
          expect.stringContaining("over the limit of 256"),
        ]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 60 }), (count) => {
        const tags = Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));
        expect(messages(awsTagLimits, resource(aws.route53.Zone, { tags }))).toEqual([
          expect.stringContaining("over Route 53's limit of 10"),
        ]);
        expect(messages(awsTagLimits, resource(aws.iam.Role, { tags })).length).toBe(count > 50 ? 1 : 0);
      }),
    );
  });

  it("DNS names of valid labels up to 253 characters pass; a longer label or name fails", () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), (labels) => {
        const name = labels.join(".");
        expect(messages(awsDnsNameLimits, resource(aws.route53.Record, { name })).length === 0).toBe(
          name.length <= 253,
        );
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 100 }), (length) => {
        expect(
          messages(awsDnsNameLimits, resource(aws.route53.Zone, { name: `${"x".repeat(length)}.example.com` })),
        ).toEqual([expect.stringContaining(`has a label of ${length} characters`)]);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), (length) => {
        const domainName = `${"c".repeat(length)}.example.com`;
        const found = messages(awsDnsNameLimits, resource(aws.acm.Certificate, { domainName }));
        expect(found.length === 0).toBe(domainName.length <= 64 && length <= 63);
      }),
    );
  });

  it("Lambda environments pass up to 4096 bytes of JSON and fail beyond", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/), fc.string({ maxLength: 600 }), { maxKeys: 12 }),
        (variables) => {
          const bytes = Buffer.byteLength(JSON.stringify(variables));
          const found = messages(awsSizeLimits, resource(aws.lambda.Function, { environment: { variables } }));
          expect(found.length === 0).toBe(bytes <= 4096);
        },
      ),
    );
  });
});
