/**
 * .github/scripts/ci-matrix.cjs: the workflows' stack matrices come from the Pulumi.<stack>.yaml
 * files, so a 3rd or 30th account is one more file; production-like stacks come from one list in
 * .github/ci.json; a preview entry never carries a deploy role; stack files that CI could not deploy
 * safely are refused with a reason.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { buildMatrices } from "../../.github/scripts/ci-matrix.cjs";
import { loadCiConfig } from "../../.github/scripts/lib/stacks.cjs";

const root = path.resolve(__dirname, "../..");
const ci = loadCiConfig(root);
const CLOUD = { PULUMI_ORG: "acme" };
const S3 = { PULUMI_BACKEND_URL: "s3://acme-state?region=eu-west-1" };

const stackFile = (account: string, region = "eu-west-1", extra = "") =>
  `config:\n  aws:region: ${region}\n  aws:allowedAccountIds:\n    - "${account}"\n${extra}`;

const dirs: string[] = [];
function tmpRepo(files: Record<string, string>, ciOverride?: object): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ci-matrix-"));
  dirs.push(dir);
  mkdirSync(path.join(dir, ".github"));
  writeFileSync(path.join(dir, ".github/ci.json"), JSON.stringify({ ...ci, ...ciOverride }));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The committed stack files, plus `extra`. */
function repoWith(extra: Record<string, string>, ciOverride?: object): string {
  const committed = Object.fromEntries(
    ["dev", "prod"].map((s) => [`Pulumi.${s}.yaml`, readFileSync(path.join(root, `Pulumi.${s}.yaml`), "utf8")]),
  );
  return tmpRepo({ ...committed, "Pulumi.yaml": "name: hipchat-proxy\n", ...extra }, ciOverride);
}

describe("ci-matrix", () => {
  it("adds a 3rd account's stack from its file alone, to previews and to the deploys on merge", () => {
    const dir = repoWith({ "Pulumi.staging.yaml": stackFile("444444444444", "eu-central-1") });
    const m = buildMatrices({ root: dir, env: CLOUD });

    expect(m.problems).toEqual([]);
    expect(m.preview.map((e) => e.stack)).toEqual(["dev", "prod", "staging"]);
    expect(m.deploy.map((e) => e.stack)).toEqual(["dev", "staging"]);
    expect(m.production.map((e) => e.stack)).toEqual(["prod"]);
    expect(m.preview.find((e) => e.stack === "staging")).toEqual({
      stack: "staging",
      stackName: "acme/staging",
      account: "444444444444",
      region: "eu-central-1",
      previewRole: `arn:aws:iam::444444444444:role/${ci.roles.preview}`,
      dnsPreviewRole: "",
      configMap: "",
    });
    expect(m.deploy.find((e) => e.stack === "staging")).toEqual({
      stack: "staging",
      stackName: "acme/staging",
      account: "444444444444",
      region: "eu-central-1",
      deployRole: `arn:aws:iam::444444444444:role/${ci.roles.deploy}`,
    });
  });

  it("scales to 30 accounts without any other change", () => {
    const files = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`Pulumi.acct${i}.yaml`, stackFile(String(500000000000 + i))]),
    );
    const m = buildMatrices({ root: tmpRepo(files, { productionStacks: ["acct7", "acct21"] }), env: CLOUD });
    expect(m.problems).toEqual([]);
    expect(m.preview).toHaveLength(30);
    expect(m.deploy).toHaveLength(28);
    expect(m.production.map((e) => e.stack)).toEqual(["acct21", "acct7"]);
  });

  it("deploys a stack behind approval once it is listed in .github/ci.json, and only then", () => {
    const files = { "Pulumi.staging.yaml": stackFile("444444444444") };
    const listed = buildMatrices({ root: repoWith(files, { productionStacks: ["prod", "staging"] }), env: CLOUD });
    expect(listed.production.map((e) => e.stack)).toEqual(["prod", "staging"]);
    expect(listed.deploy.map((e) => e.stack)).toEqual(["dev"]);
  });

  it("names stacks as the backend does: <org>/<stack> on Pulumi Cloud, <stack> on a self-managed backend", () => {
    const dir = repoWith({});
    expect(buildMatrices({ root: dir, env: CLOUD }).preview.map((e) => e.stackName)).toEqual(["acme/dev", "acme/prod"]);
    expect(buildMatrices({ root: dir, env: S3 }).deploy.map((e) => e.stackName)).toEqual(["dev"]);
    expect(buildMatrices({ root: dir, env: { ...S3, ...CLOUD } }).production.map((e) => e.stackName)).toEqual(["prod"]);
  });

  it("gives previews the DNS account's read-only role through config-map, and never a deploy role", () => {
    const m = buildMatrices({ root: repoWith({}), env: CLOUD });
    const dev = m.preview.find((e) => e.stack === "dev");
    expect(dev?.dnsPreviewRole).toBe(`arn:aws:iam::333333333333:role/${ci.roles.dnsPreview}`);
    expect(JSON.parse(String(dev?.configMap))).toEqual({
      "hipchat-proxy:dnsRoleArn": { value: dev?.dnsPreviewRole, secret: false },
    });
    for (const entry of m.preview) expect(Object.keys(entry)).not.toContain("deployRole");
    expect(JSON.stringify(m.preview)).not.toMatch(new RegExp(`${ci.roles.deploy}|${ci.roles.dnsValidation}`));
  });

  it.each([
    [
      "chains a role",
      "  aws:assumeRoles:\n    - roleArn: arn:aws:iam::444444444444:role/x\n",
      "remove aws:assumeRoles",
    ],
    ["names a profile", "  aws:profile: admin\n", "remove aws:profile"],
    [
      "names a DNS role bootstrap does not create",
      "  hipchat-proxy:dnsRoleArn: arn:aws:iam::333333333333:role/admin\n",
      `role/${ci.roles.dnsValidation}`,
    ],
  ])("refuses a stack file that %s", (_what, extra, message) => {
    const m = buildMatrices({
      root: repoWith({ "Pulumi.staging.yaml": stackFile("444444444444", "eu-west-1", extra) }),
      env: CLOUD,
    });
    expect(m.problems).toEqual([expect.stringContaining(message)]);
    expect(m.preview.map((e) => e.stack)).not.toContain("staging");
  });

  it.each([
    ["no account", "config:\n  aws:region: eu-west-1\n", "exactly one 12-digit AWS account ID"],
    ["two accounts", 'config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds: ["1", "2"]\n', "exactly one"],
    ["no region", 'config:\n  aws:allowedAccountIds: ["444444444444"]\n', "aws:region"],
    ["YAML it cannot read", "config:\n  a: &x 1\n", "cannot be read"],
  ])("refuses a stack file with %s", (_what, text, message) => {
    const m = buildMatrices({ root: repoWith({ "Pulumi.staging.yaml": text }), env: CLOUD });
    expect(m.problems).toEqual([expect.stringContaining(message)]);
  });

  it("refuses two stacks in one account: the account's deploy role would serve both", () => {
    const m = buildMatrices({ root: repoWith({ "Pulumi.dev2.yaml": stackFile("111111111111") }), env: CLOUD });
    expect(m.problems).toEqual([expect.stringContaining("Stacks dev, dev2 share AWS account 111111111111")]);
  });

  it("refuses a production stack listed in .github/ci.json without a stack file (a typo would deploy it unapproved)", () => {
    const m = buildMatrices({ root: repoWith({}, { productionStacks: ["prod", "production"] }), env: CLOUD });
    expect(m.problems).toEqual([expect.stringContaining('production stack "production"')]);
  });

  it("writes the matrices to $GITHUB_OUTPUT for fromJSON, and fails with annotations on problems", () => {
    const dir = repoWith({});
    mkdirSync(path.join(dir, ".github/scripts/lib"), { recursive: true });
    for (const f of ["ci-matrix.cjs", "lib/stacks.cjs", "lib/yaml-subset.cjs"]) {
      copyFileSync(path.join(root, ".github/scripts", f), path.join(dir, ".github/scripts", f));
    }
    const output = path.join(dir, "github-output");
    const summary = path.join(dir, "summary.md");
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(dir, ".github/scripts/ci-matrix.cjs")], {
        env: { PATH: String(process.env.PATH), GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
        encoding: "utf8",
      });

    expect(run(CLOUD).status).toBe(0);
    const outputs = Object.fromEntries(
      readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(Object.keys(outputs).sort()).toEqual(["deploy", "has-deploy", "has-production", "preview", "production"]);
    expect(JSON.parse(outputs.preview).include.map((e: { stack: string }) => e.stack)).toEqual(["dev", "prod"]);
    expect(JSON.parse(outputs.production).include.map((e: { stack: string }) => e.stack)).toEqual(["prod"]);
    expect([outputs["has-deploy"], outputs["has-production"]]).toEqual(["true", "true"]);
    expect(readFileSync(summary, "utf8")).toContain("| prod | acme/prod | 222222222222 | us-east-1 |");

    writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stackFile("555555555555", "eu-west-1", "  aws:profile: x\n"));
    const failed = run(CLOUD);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^::error title=Stacks::Pulumi\.bad\.yaml: remove aws:profile/m);
  });
});
