/**
 * The CI roles' policies (bootstrap/policies.ts), built as planBootstrap builds them for the
 * committed stacks, and judged by what they allow rather than by how they are written: previews
 * can write nothing, a deploy cannot escalate through its own role or reach another stack's state,
 * the DNS role writes validation records in the configured zone only, and every trust is one exact
 * kind of GitHub run.
 */
import * as path from "node:path";

import { loadCiConfig } from "../../.github/scripts/lib/stacks.cjs";
import { planBootstrap } from "../../bootstrap/plan";
import {
  crossAccountTrustPolicy,
  deployPolicy,
  deployTrustPolicy,
  dnsPreviewPolicy,
  dnsValidationPolicy,
  githubTrustPolicy,
  type PolicyDocument,
  previewPolicy,
} from "../../bootstrap/policies";
import { actionsOf, allowing, allows, resourcesOf } from "./iam";

const root = path.resolve(__dirname, "../..");
const ci = loadCiConfig(root);
const REPO = "acme/hipchat-proxy";
const OIDC = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
const state = { stateBucket: "acme-pulumi-state", secretsKmsKeyArn: "arn:aws:kms:eu-west-1:444444444444:key/k-1" };
const dev = planBootstrap({ account: "111111111111", appStack: "dev", githubRepository: REPO, ...state }).workload!;
const prod = planBootstrap({ account: "222222222222", appStack: "prod", githubRepository: REPO }).workload!;
const dns = planBootstrap({ account: "333333333333" }).dns!;

const ciRoleArns = (account: string) => Object.values(ci.roles).map((n) => `arn:aws:iam::${account}:role/${n}`);
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z*]*$/;
const compact = (p: PolicyDocument) => JSON.stringify(p).length;

describe("the preview role", () => {
  const policy = previewPolicy(dev);

  it("may only read: every action is a Get, List or Describe, but assuming the DNS preview role and decrypting state", () => {
    const other = actionsOf(policy).filter((a) => !READ_ONLY.test(a));
    expect(other.sort()).toEqual(["kms:Decrypt", "sts:AssumeRole"]);
    const assume = policy.Statement.filter((st) => [st.Action].flat().includes("sts:AssumeRole"));
    expect(assume.flatMap((st) => [st.Resource].flat())).toEqual([dev.dnsPreviewRoleArn]);
  });

  it("reads no secret value and writes no state", () => {
    expect(
      allows(
        policy,
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:hipchat-proxy-secret-x",
      ),
    ).toBe(false);
    expect(allows(policy, "s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/hipchat-proxy/dev.json")).toBe(
      false,
    );
    expect(allows(policy, "s3:GetObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/hipchat-proxy/dev.json")).toBe(
      true,
    );
  });

  it("reaches no deploy or certificate-validation role", () => {
    for (const arn of [...ciRoleArns("111111111111"), ...ciRoleArns("333333333333")]) {
      if (arn === dev.dnsPreviewRoleArn) continue;
      expect({ arn, allowed: allows(policy, "sts:AssumeRole", arn) }).toEqual({ arn, allowed: false });
    }
  });

  it("is trusted by pull requests of the repository only", () => {
    expect(githubTrustPolicy(OIDC, dev.previewSubject)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubActions",
          Effect: "Allow",
          Principal: { Federated: OIDC },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub": "repo:acme/hipchat-proxy:pull_request",
            },
          },
        },
      ],
    });
  });
});

describe("the deploy role", () => {
  const policy = deployPolicy(dev);
  const A = "111111111111";
  const R = "eu-west-1";

  it("manages the program's resources in the stack's region", () => {
    const can = [
      ["lambda:CreateFunction", `arn:aws:lambda:${R}:${A}:function:hipchat-proxy-fn-abc1234`],
      ["lambda:InvokeFunction", `arn:aws:lambda:${R}:${A}:function:hipchat-proxy-fn-abc1234`],
      ["iam:PutRolePolicy", `arn:aws:iam::${A}:role/hipchat-proxy-fn-role-abc1234`],
      ["secretsmanager:PutSecretValue", `arn:aws:secretsmanager:${R}:${A}:secret:hipchat-proxy-secret-abc1234-XyZ12`],
      ["logs:CreateLogGroup", `arn:aws:logs:${R}:${A}:log-group:/aws/lambda/hipchat-proxy-abc1234`],
      ["ec2:CreateSecurityGroup", `arn:aws:ec2:${R}:${A}:vpc/vpc-0d1e2f3a4b5c6d7e8`],
      [
        "elasticloadbalancing:CreateLoadBalancer",
        `arn:aws:elasticloadbalancing:${R}:${A}:loadbalancer/app/hipchat-proxy-alb-abc1234/50dc6c495c0c9188`,
      ],
      [
        "elasticloadbalancing:CreateListener",
        `arn:aws:elasticloadbalancing:${R}:${A}:listener/app/hipchat-proxy-alb-abc1234/50dc6c495c0c9188/f2f7dc8efc522ab2`,
      ],
      [
        "elasticloadbalancing:RegisterTargets",
        `arn:aws:elasticloadbalancing:${R}:${A}:targetgroup/hipchat-proxy-tg-abc1234/73e2d6bc24d8a067`,
      ],
      ["acm:DeleteCertificate", `arn:aws:acm:${R}:${A}:certificate/0f1e2d3c`],
      ["route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0PRIVATE"],
      ["sts:AssumeRole", String(dev.dnsValidationRoleArn)],
      ["s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/hipchat-proxy/dev.json"],
      ["s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/locks/organization/hipchat-proxy/dev/1.json"],
    ];
    for (const [action, resource] of can)
      expect({ action, resource, ok: allows(policy, action, resource) }).toEqual({ action, resource, ok: true });
  });

  it("cannot touch resources of other projects, regions or VPCs", () => {
    const cannot = [
      ["lambda:UpdateFunctionCode", `arn:aws:lambda:${R}:${A}:function:payroll`],
      ["lambda:InvokeFunction", `arn:aws:lambda:us-east-1:${A}:function:hipchat-proxy-fn-abc1234`],
      ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${R}:${A}:secret:database-password`],
      ["iam:PutRolePolicy", `arn:aws:iam::${A}:role/OrganizationAccountAccessRole`],
      ["ec2:CreateSecurityGroup", `arn:aws:ec2:${R}:${A}:vpc/vpc-0other`],
      ["elasticloadbalancing:DeleteLoadBalancer", `arn:aws:elasticloadbalancing:${R}:${A}:loadbalancer/app/payroll/1`],
      ["s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/hipchat-proxy/prod.json"],
      ["s3:PutObject", "arn:aws:s3:::acme-pulumi-state/.pulumi/stacks/hipchat-proxy/dev2.json"],
    ];
    for (const [action, resource] of cannot)
      expect({ action, resource, ok: allows(policy, action, resource) }).toEqual({ action, resource, ok: false });
  });

  it("cannot escalate: no change to any CI role, no managed-policy attachment, PassRole only to Lambda", () => {
    for (const arn of ciRoleArns(A)) {
      for (const action of [
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DeleteRole",
        "iam:PassRole",
      ]) {
        expect({ arn, action, ok: allows(policy, action, arn) }).toEqual({ arn, action, ok: false });
      }
    }
    const iamWriting = policy.Statement.filter((st) =>
      [st.Action].flat().some((a) => a.startsWith("iam:") && !READ_ONLY.test(a)),
    );
    for (const st of iamWriting) {
      for (const resource of [st.Resource].flat()) {
        expect({ sid: st.Sid, resource }).toEqual({
          sid: st.Sid,
          resource: expect.stringMatching(
            /^arn:aws:iam::111111111111:role\/(hipchat-proxy-\*|aws-service-role\/elasticloadbalancing\.amazonaws\.com\/AWSServiceRoleForElasticLoadBalancing)$/,
          ),
        });
      }
    }
    expect(
      actionsOf(policy).filter((a) =>
        /^iam:(Attach|Detach|Create(Policy|User|AccessKey|Group|OpenID|SAML))|^iam:\*|^\*$/.test(a),
      ),
    ).toEqual([]);
    const pass = allowing(policy, "iam:PassRole", `arn:aws:iam::${A}:role/hipchat-proxy-fn-role-x`);
    expect(pass.map((s) => s.Condition)).toEqual([{ StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }]);
  });

  it("changes Route 53 records of the service's host names only (and ACM validation records under them)", () => {
    const [records] = allowing(policy, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z0PRIVATE");
    expect(records.Condition).toEqual({
      "ForAllValues:StringLike": {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
          "hipchat-proxy.private.example.com",
          "_*.hipchat-proxy.private.example.com",
        ],
      },
    });
    const prodRecords = allowing(
      deployPolicy(prod),
      "route53:ChangeResourceRecordSets",
      "arn:aws:route53:::hostedzone/Z",
    )[0];
    expect(
      prodRecords.Condition?.["ForAllValues:StringLike"]["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
    ).toEqual(expect.arrayContaining(["hipchat-proxy.private.example.com", "hipchat.example.com"]));
  });

  it("keeps unscoped (Resource *) grants to reads, certificate requests and zone creation, in the stack's region where regional", () => {
    const star = policy.Statement.filter((s) => [s.Resource].flat().includes("*"));
    expect(
      star
        .flatMap((s) => [s.Action].flat())
        .filter((a) => !READ_ONLY.test(a))
        .sort(),
    ).toEqual(["acm:RequestCertificate", "route53:CreateHostedZone"]);
    for (const s of star.filter((x) => ![x.Action].flat().every((a) => a.startsWith("route53:")))) {
      expect(s.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
    }
  });

  it("may manage a delivery queue, its alarms, table and event source only for a queued stack", () => {
    const sids = (d: PolicyDocument) => d.Statement.map((st) => st.Sid ?? "");
    expect(sids(policy).filter((sid) => sid.includes("QueuedDelivery"))).toEqual([]);
    const queued = deployPolicy({ ...dev, queued: true });
    const queue = queued.Statement.find((st) => st.Sid === "QueuedDeliveryQueues");
    expect(queue?.Resource).toBe("arn:aws:sqs:eu-west-1:111111111111:hipchat-proxy-*");
    expect([queue?.Action].flat()).toContain("sqs:CreateQueue");
    const mapping = queued.Statement.find((st) => st.Sid === "QueuedDeliveryEventSource");
    expect(mapping?.Condition).toEqual({
      StringLike: { "lambda:FunctionArn": "arn:aws:lambda:eu-west-1:111111111111:function:hipchat-proxy-*" },
    });
    // The preview role only reads them.
    const preview = previewPolicy({ ...dev, queued: true });
    const writes = preview.Statement.filter((st) => st.Sid?.includes("QueuedDelivery"))
      .flatMap((st) => [st.Action].flat())
      .filter((action) => !/:(Get|List|Describe)/.test(action));
    expect(writes).toEqual([]);
  });

  it("may build a VPC only for a stack that has none of its own", () => {
    const sids = (d: PolicyDocument) => d.Statement.map((st) => st.Sid);
    expect(sids(policy)).not.toContain("OwnVpcForAStackWithoutOne");
    const sandbox = deployPolicy({ ...dev, vpcId: undefined });
    const vpc = sandbox.Statement.find((st) => st.Sid === "OwnVpcForAStackWithoutOne");
    expect([vpc?.Action].flat()).toEqual(expect.arrayContaining(["ec2:CreateVpc", "ec2:CreateSubnet"]));
    expect(vpc?.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "eu-west-1" } });
  });

  it("is trusted by main's deploy job, or for production-like stacks by the approval environment only; and by operators", () => {
    expect(dev.deploySubject).toBe("repo:acme/hipchat-proxy:ref:refs/heads/main");
    expect(prod.deploySubject).toBe(`repo:acme/hipchat-proxy:environment:${ci.productionEnvironment}`);
    const trust = deployTrustPolicy({
      oidcProviderArn: OIDC,
      subject: prod.deploySubject,
      account: "222222222222",
      operatorPrincipalArns: ["arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*"],
    });
    expect(trust.Statement.map((s) => s.Condition)).toEqual([
      {
        StringEquals: {
          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
          "token.actions.githubusercontent.com:sub": "repo:acme/hipchat-proxy:environment:production",
        },
      },
      {
        ArnLike: {
          "aws:PrincipalArn": [
            "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Admin_*",
          ],
        },
      },
    ]);
    expect(trust.Statement[1].Principal).toEqual({ AWS: "arn:aws:iam::222222222222:root" });
    expect(JSON.stringify(trust)).not.toMatch(/pull_request|StringLike/);
  });
});

describe("the DNS account's roles", () => {
  const validation = dnsValidationPolicy(dns.zones);
  const preview = dnsPreviewPolicy(dns.zones);
  const zone = "arn:aws:route53:::hostedzone/Z0DEVPUBLIC0EXAMPLE";

  it("validation: ACM's _… CNAMEs under the stacks' host names, in the stacks' public zone only", () => {
    expect(dns.zones).toEqual([{ zoneId: "Z0DEVPUBLIC0EXAMPLE", hostnames: ["hipchat-proxy.private.example.com"] }]);
    const [records] = allowing(validation, "route53:ChangeResourceRecordSets", zone);
    expect(records.Condition).toEqual({
      "ForAllValues:StringEquals": {
        "route53:ChangeResourceRecordSetsRecordTypes": ["CNAME"],
        "route53:ChangeResourceRecordSetsActions": ["CREATE", "UPSERT", "DELETE"],
      },
      "ForAllValues:StringLike": {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_*.hipchat-proxy.private.example.com"],
      },
    });
    expect(allows(validation, "route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/ZOTHER")).toBe(false);
    expect(actionsOf(validation).filter((a) => !READ_ONLY.test(a))).toEqual(["route53:ChangeResourceRecordSets"]);
  });

  it("preview: reads the zones, writes nothing", () => {
    expect(actionsOf(preview).every((a) => READ_ONLY.test(a))).toBe(true);
    expect(resourcesOf(preview)).toEqual([zone]);
  });

  it("trust the workload accounts' deploy (validation) and preview (read-only) roles, by ARN", () => {
    expect(dns.deployRoleArns).toEqual([`arn:aws:iam::111111111111:role/${ci.roles.deploy}`]);
    expect(dns.previewRoleArns).toEqual([`arn:aws:iam::111111111111:role/${ci.roles.preview}`]);
    expect(crossAccountTrustPolicy(dns.deployRoleArns).Statement).toEqual([
      {
        Sid: "RolesOfTheWorkloadAccounts",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::111111111111:root"] },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::111111111111:role/${ci.roles.deploy}`] } },
      },
    ]);
  });
});

describe("AWS limits (not checked by preview)", () => {
  it("inline policies fit in a role's 10,240 characters, trust policies in 2,048", () => {
    for (const [name, doc] of Object.entries({
      deploy: deployPolicy(dev),
      preview: previewPolicy(dev),
      deployProd: deployPolicy(prod),
      dnsValidation: dnsValidationPolicy(dns.zones),
      dnsPreview: dnsPreviewPolicy(dns.zones),
    })) {
      expect({ name, fits: compact(doc) <= 10_240 }).toEqual({ name, fits: true });
    }
    const trust = deployTrustPolicy({
      oidcProviderArn: OIDC,
      subject: dev.deploySubject,
      account: "111111111111",
      operatorPrincipalArns: ["arn:aws:iam::111111111111:role/x/*"],
    });
    expect(compact(trust)).toBeLessThanOrEqual(2048);
  });

  it("role names fit IAM's 64 characters and every action is service:Action", () => {
    for (const name of Object.values(ci.roles)) expect(name.length).toBeLessThanOrEqual(64);
    for (const doc of [deployPolicy(dev), previewPolicy(dev), dnsValidationPolicy(dns.zones)]) {
      for (const action of actionsOf(doc)) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+\*?$/);
      expect(doc.Statement.map((s) => s.Sid).every((sid) => /^[A-Za-z0-9]+$/.test(sid))).toBe(true);
    }
  });
});
