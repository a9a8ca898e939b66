/**
 * The resource graph one committed stack must produce: index.ts run under mocks with the real
 * Pulumi.<stack>.yaml (secrets replaced by dummies). Expectations are derived from the stack file,
 * so they follow the committed configuration rather than restate it.
 *
 * Used by dev.test.ts and prod.test.ts: Pulumi's runtime state is per test file, so each stack runs
 * in its own file.
 */
import * as pulumi from "@pulumi/pulumi";

import { isSecretValue, plain, plaintextOccurrences, type RecordedResource, unwrap } from "../support/pulumiMocks";
import { runStack, type StackName, type StackRun, VPC_CIDRS } from "../support/pulumiStack";
import { formatViolations, runPoliciesOnResources } from "../../policy/testing";

const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";
const HOSTNAME = "hipchat-proxy.private.example.com";
const COMPONENT = "private-lambda-service:index:PrivateLambdaService";

export function describeStack(stack: StackName): void {
  describe(`stack ${stack}: index.ts with the committed Pulumi.${stack}.yaml`, () => {
    let run: StackRun;
    let cfg: Record<string, any>;
    const one = (type: string): RecordedResource => {
      const all = run.mocks.ofType(type);
      expect(all.map((r) => r.name)).toHaveLength(1);
      return all[0];
    };
    const https = () => cfg.certificateArn !== undefined || cfg.publicZoneId !== undefined;

    beforeAll(async () => {
      run = await runStack(stack);
      cfg = run.file.project;
    });

    it("exports every output, with the shared hostname", async () => {
      const p = run.program;
      const out = await unwrap(
        pulumi.all({
          url: p.url,
          hostname: p.hostname,
          albDnsName: p.albDnsName,
          securityGroupId: p.securityGroupId,
          functionName: p.functionName,
          functionArn: p.functionArn,
          secretArn: p.secretArn,
          zoneId: p.zoneId,
        }),
      );
      expect(out).toEqual({
        url: `${https() ? "https" : "http"}://${HOSTNAME}/`,
        hostname: HOSTNAME,
        albDnsName: expect.stringMatching(new RegExp(`\\.${run.file.region}\\.elb\\.amazonaws\\.com$`)),
        securityGroupId: expect.stringMatching(/^sg-/),
        functionName: expect.stringMatching(/^hipchat-proxy-fn-/),
        functionArn: expect.stringMatching(
          new RegExp(`^arn:aws:lambda:${run.file.region}:${run.file.accountId}:function:`),
        ),
        secretArn: expect.stringMatching(
          new RegExp(`^arn:aws:secretsmanager:${run.file.region}:${run.file.accountId}:secret:`),
        ),
        zoneId: cfg.privateZoneId ?? expect.stringMatching(/^Z/),
      });
    });

    it("parents every resource but the DNS provider to one PrivateLambdaService", () => {
      const component = one(COMPONENT);
      const others = run.mocks.resources.filter((r) => r !== component && r.type !== "pulumi:providers:aws");
      expect(others.filter((r) => r.parent !== component.urn).map((r) => `${r.type} ${r.name}`)).toEqual([]);
    });

    it("builds one internal ALB in the configured subnets that drops invalid header fields", async () => {
      const alb = plain(one("aws:lb/loadBalancer:LoadBalancer").inputs);
      expect(alb).toMatchObject({
        internal: true,
        loadBalancerType: "application",
        dropInvalidHeaderFields: true,
        subnets: cfg.subnetIds,
        securityGroups: [await unwrap(run.program.securityGroupId)],
      });
      expect(plain(one("aws:ec2/securityGroup:SecurityGroup").inputs).vpcId).toBe(cfg.vpcId);
    });

    it("lets only the configured sources reach the listener ports, never 0.0.0.0/0 or ::/0", () => {
      const ports = https() ? [80, 443] : [80];
      const sources: string[] =
        cfg.allowedCidrBlocks === undefined && cfg.allowedSecurityGroupIds === undefined
          ? [VPC_CIDRS[cfg.vpcId]]
          : [...(cfg.allowedCidrBlocks ?? []), ...(cfg.allowedSecurityGroupIds ?? [])];
      const expected = ports.flatMap((port) => sources.map((s) => `tcp ${port}-${port} ${s}`)).sort();
      const rules = run.mocks
        .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((r) => plain(r.inputs));
      const actual = rules
        .map(
          (r) => `${r.ipProtocol} ${r.fromPort}-${r.toPort} ${r.cidrIpv4 ?? r.cidrIpv6 ?? r.referencedSecurityGroupId}`,
        )
        .sort();
      expect(actual).toEqual(expected);
      expect(run.mocks.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toEqual([]);
      expect(run.mocks.ofType("aws:ec2/securityGroupRule:SecurityGroupRule")).toEqual([]);
      const sg = plain(one("aws:ec2/securityGroup:SecurityGroup").inputs);
      expect(sg.ingress).toBeUndefined();
      expect(sg.egress).toBeUndefined();
      const open = run.mocks.resources.filter((r) =>
        /0\.0\.0\.0\/0|::\/0/.test(JSON.stringify(plain({ ...r.inputs, code: undefined }))),
      );
      expect(open.map((r) => r.name)).toEqual([]);
    });

    it("checks the account while previewing: the VPC's DNS attributes, the subnets' zones, the public zone", () => {
      // Read-only lookups, and nothing else: each a check the preview fails on with a message.
      const lookups = run.mocks.calls.map((c) => `${c.token} ${c.inputs.id ?? c.inputs.zoneId}`);
      expect(lookups.sort()).toEqual(
        [
          `aws:ec2/getVpc:getVpc ${cfg.vpcId}`,
          ...cfg.subnetIds.map((id: string) => `aws:ec2/getSubnet:getSubnet ${id}`),
          ...(cfg.publicZoneId === undefined ? [] : [`aws:route53/getZone:getZone ${cfg.publicZoneId}`]),
        ].sort(),
      );
      const zoneLookup = run.mocks.calls.find((c) => c.token === "aws:route53/getZone:getZone");
      if (cfg.dnsRoleArn !== undefined) {
        // The public zone is looked up where it lives, through the DNS account's provider.
        expect(zoneLookup?.provider).toContain("::dns-account::");
      }
    });

    it("listens on :443 with the TLS 1.3/1.2 PQ policy, and :80 redirects or forwards as configured", () => {
      const listeners = run.mocks.ofType("aws:lb/listener:Listener").map((l) => plain(l.inputs));
      const tgArn = one("aws:lambda/permission:Permission").inputs.sourceArn;
      expect(listeners.map((l) => `${l.port}/${l.protocol}`).sort()).toEqual(
        https() ? ["443/HTTPS", "80/HTTP"] : ["80/HTTP"],
      );
      const secure = listeners.find((l) => l.port === 443);
      expect(secure).toMatchObject({
        sslPolicy: TLS_POLICY,
        certificateArn:
          cfg.certificateArn ??
          expect.stringMatching(new RegExp(`^arn:aws:acm:${run.file.region}:${run.file.accountId}:certificate/`)),
        defaultActions: [{ type: "forward", targetGroupArn: tgArn }],
      });
      const plainHttp = listeners.find((l) => l.port === 80);
      const rules = run.mocks.ofType("aws:lb/listenerRule:ListenerRule").map((r) => plain(r.inputs));
      if (!https()) {
        expect(plainHttp.defaultActions).toEqual([{ type: "forward", targetGroupArn: tgArn }]);
        expect(rules).toEqual([]);
        return;
      }
      // With HTTPS, :80 never serves the service's own name in plain text…
      expect(plainHttp.defaultActions).toEqual([
        { type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } },
      ]);
      // …and forwards plain HTTP only for the legacy names, when the stack asks for it.
      const forwarded = cfg.redirectHttpToHttps === false ? (cfg.legacyHostnames ?? []) : [];
      expect(rules.map((r) => r.conditions)).toEqual(
        forwarded.map((host: string) => [{ hostHeader: { values: [host] } }]),
      );
      for (const rule of rules) {
        expect(rule.actions).toEqual([{ type: "forward", targetGroupArn: tgArn }]);
      }
    });

    it("caps the function's concurrency at the stack's reservedConcurrency (50 unless set)", () => {
      expect(one("aws:lambda/function:Function").inputs.reservedConcurrentExecutions).toBe(
        Number(cfg.reservedConcurrency ?? 50),
      );
    });

    it("obtains the certificate as configured", () => {
      const certs = run.mocks.ofType("aws:acm/certificate:Certificate");
      if (cfg.certificateArn !== undefined) {
        expect(certs).toEqual([]);
        expect(run.mocks.ofType("aws:acm/certificateValidation:CertificateValidation")).toEqual([]);
        return;
      }
      // Validated by DNS in the public zone; the record exists in the graph (so preview lists it).
      expect(plain(certs[0].inputs)).toMatchObject({ domainName: HOSTNAME, validationMethod: "DNS" });
      const record = plain(run.mocks.find("aws:route53/record:Record", "hipchat-proxy-cert-dns").inputs);
      expect(record).toMatchObject({
        zoneId: cfg.publicZoneId,
        type: "CNAME",
        name: expect.stringContaining(`.${HOSTNAME}.`),
      });
      const validation = plain(one("aws:acm/certificateValidation:CertificateValidation").inputs);
      expect(validation.validationRecordFqdns).toEqual([record.name]);
      // A deploy job fails within 30 minutes instead of waiting ACM's 75; the record, which every
      // stack of the account with this hostname shares, outlives this stack.
      expect(one("aws:acm/certificateValidation:CertificateValidation").options.customTimeouts?.create).toBe("30m");
      const recordResource = run.mocks.find("aws:route53/record:Record", "hipchat-proxy-cert-dns");
      expect(recordResource.options.retainOnDelete).toBe(true);
      expect(recordResource.inputs.allowOverwrite).toBe(true);
      if (cfg.dnsRoleArn !== undefined) {
        // Through a second provider that chains from the stack's deploy role into the DNS account.
        const provider = run.mocks.find("pulumi:providers:aws", "dns-account");
        const roles = JSON.parse(provider.inputs.assumeRoles).map((r: { roleArn: string }) => r.roleArn);
        expect(roles).toEqual([
          ...((run.file.config["aws:assumeRoles"] as { roleArn: string }[] | undefined) ?? []).map((r) => r.roleArn),
          cfg.dnsRoleArn,
        ]);
        expect(JSON.parse(provider.inputs.allowedAccountIds)).toEqual([cfg.dnsRoleArn.split(":")[4]]);
        expect(provider.inputs.region).toBe(run.file.region);
        expect(run.mocks.find("aws:route53/record:Record", "hipchat-proxy-cert-dns").provider).toContain(
          "::dns-account::",
        );
      }
    });

    it("targets the function through a lambda target group with multi-value headers and the /healthz check", () => {
      expect(plain(one("aws:lb/targetGroup:TargetGroup").inputs)).toMatchObject({
        targetType: "lambda",
        lambdaMultiValueHeadersEnabled: true,
        healthCheck: { enabled: true, path: "/healthz", matcher: "200" },
      });
    });

    it("lets only the target group invoke the function, and attaches the function after that permission", () => {
      const permission = one("aws:lambda/permission:Permission");
      const attachment = one("aws:lb/targetGroupAttachment:TargetGroupAttachment");
      const fn = one("aws:lambda/function:Function");
      expect(plain(permission.inputs)).toEqual({
        action: "lambda:InvokeFunction",
        function: expect.stringMatching(/^hipchat-proxy-fn-/),
        principal: "elasticloadbalancing.amazonaws.com",
        sourceArn: expect.stringMatching(
          new RegExp(
            `^arn:aws:elasticloadbalancing:${run.file.region}:${run.file.accountId}:targetgroup/hipchat-proxy-tg/`,
          ),
        ),
        sourceAccount: run.file.accountId,
      });
      expect(attachment.inputs.targetGroupArn).toBe(permission.inputs.sourceArn);
      expect(attachment.inputs.targetId).toMatch(new RegExp(`:function:${permission.inputs.function}$`));
      expect(attachment.dependencies).toContain(permission.urn);
      expect(fn.inputs.runtime).toBe("nodejs22.x");
    });

    it("points an A alias for the hostname at the ALB, in the private zone (and one per legacy host)", async () => {
      const albDnsName = await unwrap(run.program.albDnsName);
      const zoneId = await unwrap(run.program.zoneId);
      const record = plain(run.mocks.find("aws:route53/record:Record", "hipchat-proxy-dns").inputs);
      expect(record).toEqual({
        zoneId,
        name: HOSTNAME,
        type: "A",
        aliases: [{ name: albDnsName, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: false }],
      });
      const zones = run.mocks.ofType("aws:route53/zone:Zone").map((z) => plain(z.inputs));
      const expectedZones = [
        ...(cfg.privateZoneId === undefined ? [cfg.privateZoneName ?? "private.example.com"] : []),
        ...(cfg.legacyHostnames ?? []),
      ];
      expect(zones.map((z) => z.name).sort()).toEqual(expectedZones.sort());
      for (const zone of zones) {
        expect(zone.vpcs).toEqual([{ vpcId: cfg.vpcId }]);
      }
      // Associations made elsewhere (another VPC, another team) survive the next update.
      for (const zone of run.mocks.ofType("aws:route53/zone:Zone")) {
        expect(zone.options.ignoreChanges).toEqual(["vpcs"]);
      }
      for (const legacy of cfg.legacyHostnames ?? []) {
        expect(plain(run.mocks.find("aws:route53/record:Record", `hipchat-proxy-dns-${legacy}`).inputs)).toMatchObject({
          name: legacy,
          type: "A",
          aliases: [{ name: albDnsName }],
        });
      }
    });

    it("runs the function under its own role: write its log group, read its secret, nothing else", () => {
      const fn = plain(one("aws:lambda/function:Function").inputs);
      const role = one("aws:iam/role:Role");
      expect(fn.role).toMatch(new RegExp(`^arn:aws:iam::${run.file.accountId}:role/hipchat-proxy-fn-role-`));
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
        expect.objectContaining({
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: "lambda.amazonaws.com" },
        }),
      ]);
      expect(role.inputs.managedPolicyArns).toBeUndefined();
      expect(run.mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
      expect(run.mocks.ofType("aws:iam/policy:Policy")).toEqual([]);
      const policy = JSON.parse(one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
      const logGroup = plain(one("aws:cloudwatch/logGroup:LogGroup").inputs);
      expect(policy.Statement.map((s: any) => [s.Effect, s.Action, s.Resource])).toEqual([
        [
          "Allow",
          ["logs:CreateLogStream", "logs:PutLogEvents"],
          `arn:aws:logs:${run.file.region}:${run.file.accountId}:log-group:${fn.loggingConfig.logGroup}:*`,
        ],
        ["Allow", ["secretsmanager:GetSecretValue"], fn.environment.variables.SECRET_ARN],
      ]);
      expect(logGroup.retentionInDays).toBe(cfg.logRetentionInDays ?? 30);
    });

    it("keeps every secret out of the environment, the closure and plain-text state", async () => {
      const fn = one("aws:lambda/function:Function");
      const version = one("aws:secretsmanager/secretVersion:SecretVersion");
      const { needles } = run.secrets;
      // The one place the secrets are: the secret's value, marked secret (encrypted in state).
      expect(isSecretValue(version.inputs.secretString)).toBe(true);
      expect(JSON.parse(plain(version.inputs.secretString))).toEqual({
        slackToken: run.secrets.slackToken,
        hipchatTokens: JSON.stringify(run.secrets.hipchatTokens),
      });
      // Nowhere else in plain text, including the environment.
      const leaks = run.mocks.resources.flatMap((r) =>
        plaintextOccurrences(r.inputs, needles).map((p) => `${r.name}: ${p}`),
      );
      expect(leaks).toEqual([]);
      // Not in the serialized closure either, and the code asset is not secret (nothing was captured).
      expect(isSecretValue(fn.inputs.code)).toBe(false);
      const assets = await (fn.inputs.code as pulumi.asset.AssetArchive).assets;
      const source = await (assets["__index.js"] as pulumi.asset.StringAsset).text;
      expect(needles.filter((n) => source.includes(n))).toEqual([]);
      expect(source).toContain("exports.handler");
    });

    it("ships the routing settings as a file next to the bundle, keeping the environment small", async () => {
      const fn = one("aws:lambda/function:Function");
      const vars = plain(fn.inputs.environment.variables);
      expect(Object.keys(vars).sort()).toEqual(["PUBLIC_HOSTNAME", "SECRET_ARN", "SETTINGS_FILE"]);
      expect(vars.SETTINGS_FILE).toBe("settings.json");
      expect(vars.PUBLIC_HOSTNAME).toBe(cfg.hostname);
      const assets = await (fn.inputs.code as pulumi.asset.AssetArchive).assets;
      const file = assets[".build/hipchat-proxy/settings.json"] as pulumi.asset.FileAsset;
      const shipped = JSON.parse(require("node:fs").readFileSync(await file.path, "utf8"));
      expect(shipped).toEqual({
        rooms: cfg.rooms,
        defaultChannel: cfg.defaultChannel,
        users: cfg.users ?? {},
        translateMentions: cfg.translateMentions ?? true,
        secretTtlSeconds: cfg.secretTtlSeconds ?? 300,
      });
    });

    it("passes the guardrails policy pack (policy/) with no mandatory violation, AWS's limits included", () => {
      // The default provider adds the stack's aws:defaultTags to every resource: they count.
      const provider = {
        type: "pulumi:providers:aws",
        name: "default",
        urn: "urn:pulumi:stack::hipchat-proxy::pulumi:providers:aws::default",
        props: { defaultTags: run.file.config["aws:defaultTags"] },
      };
      const violations = runPoliciesOnResources(
        run.mocks.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs, provider })),
      );
      expect(formatViolations(violations.filter((v) => v.enforcementLevel === "mandatory"))).toBe("");
      // Advisory: log retention is always set; tags come from the component's own `Name` tags.
      expect(formatViolations(violations.filter((v) => v.policy === "log-group-retention"))).toBe("");
    });
  });
}
