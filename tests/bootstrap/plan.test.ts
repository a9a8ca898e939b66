/**
 * bootstrap/plan.ts decides from the repository's stack files what each account's bootstrap stack
 * creates; and the committed bootstrap stack files cover every account CI deploys to or validates
 * certificates in, so no workflow job assumes a role nobody creates.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { parse } from "yaml";

import { buildMatrices } from "../../.github/scripts/ci-matrix.cjs";
import { listStacks, loadCiConfig, parseRoleArn, readStack } from "../../.github/scripts/lib/stacks.cjs";
import { BootstrapError, planBootstrap } from "../../bootstrap/plan";

const root = path.resolve(__dirname, "../..");
const ci = loadCiConfig(root);
const NS = "hipchat-proxy-bootstrap";

/** The committed bootstrap stack files, parsed. */
const bootstrapStacks = readdirSync(path.join(root, "bootstrap"))
  .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort()
  .map((stack) => {
    const config = (
      parse(readFileSync(path.join(root, `bootstrap/Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
    return {
      stack,
      config,
      settings: {
        account: String((config["aws:allowedAccountIds"] as unknown[])[0]),
        appStack: config[`${NS}:appStack`] as string | undefined,
        githubRepository: config[`${NS}:githubRepository`] as string | undefined,
        operatorPrincipalArns: config[`${NS}:operatorPrincipalArns`] as string[] | undefined,
      },
    };
  });

describe("the committed bootstrap stacks", () => {
  it("each build a plan", () => {
    expect(bootstrapStacks.length).toBeGreaterThanOrEqual(3);
    for (const b of bootstrapStacks) expect(() => planBootstrap(b.settings, root)).not.toThrow();
  });

  it("create the preview and deploy roles of every account CI deploys to, for its stack", () => {
    const { preview, deploy, production } = buildMatrices({ root, env: { PULUMI_ORG: "acme" } });
    for (const entry of preview) {
      const b = bootstrapStacks.find((x) => x.settings.appStack === entry.stack);
      expect({ stack: entry.stack, account: b?.settings.account }).toEqual({
        stack: entry.stack,
        account: entry.account,
      });
      const plan = planBootstrap(b!.settings, root).workload!;
      expect(parseRoleArn(entry.previewRole)?.name).toBe(plan.roleNames.preview);
      const d = [...deploy, ...production].find((x) => x.stack === entry.stack)!;
      expect(parseRoleArn(d.deployRole)).toEqual({
        partition: "aws",
        account: plan.account,
        name: plan.roleNames.deploy,
      });
      // The deploy role trusts the job that deploys it: the approval environment exactly when production-like.
      const isProduction = production.some((x) => x.stack === entry.stack);
      expect(plan.deploySubject.endsWith(`:environment:${ci.productionEnvironment}`)).toBe(isProduction);
      expect(plan.deploySubject.endsWith(":ref:refs/heads/main")).toBe(!isProduction);
    }
  });

  it("create the DNS roles in every account a stack validates its certificate in", () => {
    for (const stack of listStacks(root)) {
      const s = readStack(stack, { root, ci });
      if (s.dnsAccount === undefined) continue;
      const b = bootstrapStacks.find((x) => x.settings.account === s.dnsAccount);
      expect({ stack, dnsAccountBootstrapped: b !== undefined }).toEqual({ stack, dnsAccountBootstrapped: true });
      const dns = planBootstrap(b!.settings, root).dns!;
      expect(dns.deployRoleArns).toContain(`arn:aws:iam::${s.account}:role/${ci.roles.deploy}`);
      expect(dns.previewRoleArns).toContain(`arn:aws:iam::${s.account}:role/${ci.roles.preview}`);
      expect(dns.zones.find((z) => z.zoneId === s.publicZoneId)?.hostnames).toContain(s.hostname);
      expect(s.dnsRoleArn).toBe(`arn:aws:iam::${s.dnsAccount}:role/${dns.roleNames.dnsValidation}`);
    }
  });

  it("trust one GitHub repository, and are one per account", () => {
    const repos = new Set(bootstrapStacks.filter((b) => b.settings.appStack).map((b) => b.settings.githubRepository));
    expect(repos.size).toBe(1);
    const accounts = bootstrapStacks.map((b) => b.settings.account);
    expect(new Set(accounts).size).toBe(accounts.length);
  });

  it("chain no role and pin their account, like the app stacks", () => {
    for (const b of bootstrapStacks) {
      expect(Object.keys(b.config).filter((k) => /^aws:(assumeRoles?|profile|accessKey|secretKey)$/.test(k))).toEqual(
        [],
      );
    }
  });
});

describe("planBootstrap", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const withCi = (override: object) => {
    const dir = mkdtempSync(path.join(tmpdir(), "bootstrap-plan-"));
    dirs.push(dir);
    mkdirSync(path.join(dir, ".github"));
    writeFileSync(path.join(dir, ".github/ci.json"), JSON.stringify({ ...ci, ...override }));
    for (const s of ["dev", "prod"])
      writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), readFileSync(path.join(root, `Pulumi.${s}.yaml`)));
    return dir;
  };
  const base = { account: "111111111111", appStack: "dev", githubRepository: "acme/hipchat-proxy" };

  it.each([
    ["an app stack of another account", { account: "222222222222" }, "deploys to account 111111111111"],
    ["no repository", { githubRepository: undefined }, "githubRepository must be"],
    ["a repository pattern", { githubRepository: "acme/*" }, "githubRepository must be"],
    ["an unknown app stack", { appStack: "staging" }, "no Pulumi.staging.yaml"],
    [
      "an operator of another account",
      { operatorPrincipalArns: ["arn:aws:iam::999999999999:role/admin"] },
      "not a principal of account",
    ],
    ["nothing to create", { account: "444444444444", appStack: undefined }, "Nothing to create"],
    ["no account", { account: "" }, "exactly one 12-digit"],
  ])("refuses %s", (_what, change, message) => {
    expect(() => planBootstrap({ ...base, ...change }, root)).toThrow(message);
    expect(() => planBootstrap({ ...base, ...change }, root)).toThrow(BootstrapError);
  });

  it("refuses CI role names the deploy role could manage (a deploy could rewrite its own role)", () => {
    const dir = withCi({ roles: { ...ci.roles, deploy: "hipchat-proxy-deploy" } });
    expect(() => planBootstrap(base, dir)).toThrow("must not start with hipchat-proxy-");
  });

  it("makes a stack production-like from .github/ci.json alone", () => {
    const dir = withCi({ productionStacks: ["prod", "dev"] });
    expect(planBootstrap(base, dir).workload?.deploySubject).toBe("repo:acme/hipchat-proxy:environment:production");
  });

  it("adds state access for a self-managed backend, for the account's own stack", () => {
    const plan = planBootstrap({ ...base, stateBucket: "b", secretsKmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" }, root);
    expect(plan.workload?.state).toEqual({
      bucket: "b",
      project: "hipchat-proxy",
      stack: "dev",
      kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k",
    });
  });
});
