/**
 * .github/scripts/check-stack-secrets.cjs, the first step of every CI job: it must fail for every
 * stack whose secrets CI could not decrypt, say which command fixes it, and pass for stacks that
 * are ready — including the committed stack files once their secrets are set.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { annotation, checkStackSecrets } from "../../.github/scripts/check-stack-secrets.cjs";
import { listStacks, loadCiConfig } from "../../.github/scripts/lib/stacks.cjs";

const root = path.resolve(__dirname, "../..");
const ci = loadCiConfig(root);

const CLOUD = { PULUMI_ORG: "acme", HAS_PULUMI_ACCESS_TOKEN: "true", HAS_PULUMI_CONFIG_PASSPHRASE: "false" };
const S3 = {
  PULUMI_BACKEND_URL: "s3://acme-pulumi-state?region=eu-west-1",
  PULUMI_SECRETS_PROVIDER: "awskms://alias/pulumi-hipchat-proxy?region=eu-west-1",
  HAS_PULUMI_ACCESS_TOKEN: "false",
  HAS_PULUMI_CONFIG_PASSPHRASE: "false",
};
const BASE = 'config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds:\n    - "111111111111"\n';
const secure = (keys: string[]) =>
  keys.map((k) => `  hipchat-proxy:${k}:\n    secure: AAABAHNlY3JldC0${k.length}\n`).join("");

/** A throwaway repository root holding .github/ci.json and the given stack files. */
function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "stack-secrets-"));
  mkdirSync(path.join(dir, ".github"));
  copyFileSync(path.join(root, ".github/ci.json"), path.join(dir, ".github/ci.json"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const dirs: string[] = [];
const tmpRepo = (files: Record<string, string>) => {
  const dir = repo(files);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("check-stack-secrets", () => {
  it("requires exactly the secrets the program reads with requireSecret", () => {
    const program =
      readFileSync(path.join(root, "config.ts"), "utf8") + readFileSync(path.join(root, "index.ts"), "utf8");
    const read = [...program.matchAll(/requireSecret(?:<[^>]*>)?\(\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(0);
    expect([...new Set(read)].sort()).toEqual([...ci.requiredSecrets].sort());
  });

  it("passes stacks whose secrets are committed as secure values", () => {
    const dir = tmpRepo({ "Pulumi.dev.yaml": BASE + secure(ci.requiredSecrets) });
    expect(checkStackSecrets({ root: dir, env: CLOUD })).toEqual([]);
  });

  it("passes the committed stack files once their secrets are set", () => {
    // Each committed file plus what `pulumi config set --secret` appends: nothing else is missing.
    const files = Object.fromEntries(
      listStacks(root).map((s) => {
        const text = readFileSync(path.join(root, `Pulumi.${s}.yaml`), "utf8");
        return [`Pulumi.${s}.yaml`, `${text.trimEnd()}\n${secure(ci.requiredSecrets)}`];
      }),
    );
    expect(Object.keys(files).length).toBeGreaterThan(1);
    expect(checkStackSecrets({ root: tmpRepo(files), env: CLOUD })).toEqual([]);
  });

  it("fails a stack with a missing secret and names the exact commands, with the backend's stack name", () => {
    const dir = tmpRepo({
      "Pulumi.dev.yaml": BASE + secure(["slackToken"]),
      "Pulumi.ok.yaml": BASE + secure(ci.requiredSecrets),
    });

    const cloud = checkStackSecrets({ root: dir, env: CLOUD });
    expect(cloud).toHaveLength(1);
    expect(cloud[0].file).toBe("Pulumi.dev.yaml");
    expect(cloud[0].message).toContain("hipchat-proxy:hipchatTokens is missing");
    expect(cloud[0].message).not.toContain("slackToken is");
    expect(cloud[0].message).toContain("\n  pulumi login\n");
    expect(cloud[0].message).toContain("pulumi config set --secret --stack acme/dev hipchatTokens '[");
    expect(cloud[0].message).toContain("commit Pulumi.dev.yaml");

    const kms = "secretsprovider: awskms://alias/pulumi-hipchat-proxy?region=eu-west-1\nencryptedkey: AQICAHg\n";
    const s3Dir = tmpRepo({ "Pulumi.dev.yaml": kms + BASE + secure(["slackToken"]) });
    const s3 = checkStackSecrets({ root: s3Dir, env: S3 });
    expect(s3.map((p) => p.file)).toEqual(["Pulumi.dev.yaml"]);
    expect(s3[0].message).toContain("pulumi login 's3://acme-pulumi-state?region=eu-west-1'");
    expect(s3[0].message).toContain(
      "pulumi stack init dev --secrets-provider 'awskms://alias/pulumi-hipchat-proxy?region=eu-west-1'",
    );
    expect(s3[0].message).toContain("pulumi config set --secret --stack dev hipchatTokens");
  });

  it("checks only the stacks it is given", () => {
    const dir = tmpRepo({ "Pulumi.dev.yaml": BASE, "Pulumi.prod.yaml": BASE + secure(ci.requiredSecrets) });
    expect(checkStackSecrets({ root: dir, env: CLOUD, stacks: ["prod"] })).toEqual([]);
    expect(checkStackSecrets({ root: dir, env: CLOUD, stacks: ["dev"] })).toHaveLength(1);
    expect(checkStackSecrets({ root: dir, env: CLOUD }).map((p) => p.file)).toEqual(["Pulumi.dev.yaml"]);
    expect(checkStackSecrets({ root: dir, env: CLOUD, stacks: ["staging"] })[0].message).toContain(
      "no Pulumi.staging.yaml",
    );
  });

  it("fails a secret committed in plain text and asks to rotate it", () => {
    const dir = tmpRepo({
      "Pulumi.dev.yaml": `${BASE}  hipchat-proxy:slackToken: xoxb-not-a-real-token\n${secure(["hipchatTokens"])}`,
    });
    const [problem] = checkStackSecrets({ root: dir, env: CLOUD });
    expect(problem.message).toContain("hipchat-proxy:slackToken is in PLAIN TEXT");
    expect(problem.message).toContain("rotate");
    expect(problem.message).not.toContain("xoxb-not-a-real-token");
  });

  it("fails a secure value without ciphertext", () => {
    const dir = tmpRepo({
      "Pulumi.dev.yaml": `${BASE}  hipchat-proxy:slackToken:\n    secure: ""\n${secure(["hipchatTokens"])}`,
    });
    expect(checkStackSecrets({ root: dir, env: CLOUD })[0].message).toContain("slackToken is not a valid secure value");
  });

  it("fails a passphrase-encrypted stack when CI has no passphrase", () => {
    const text = `encryptionsalt: v1:abc:def\n${BASE}${secure(ci.requiredSecrets)}`;
    const dir = tmpRepo({ "Pulumi.dev.yaml": text });
    const problems = checkStackSecrets({ root: dir, env: S3 });
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toContain("gh secret set PULUMI_CONFIG_PASSPHRASE");
    expect(checkStackSecrets({ root: dir, env: { ...S3, HAS_PULUMI_CONFIG_PASSPHRASE: "true" } })).toEqual([]);
  });

  it("fails values encrypted by Pulumi Cloud when the backend is self-managed", () => {
    const cloudEncrypted = tmpRepo({ "Pulumi.dev.yaml": BASE + secure(ci.requiredSecrets) });
    const [problem] = checkStackSecrets({ root: cloudEncrypted, env: S3 });
    expect(problem.message).toContain("which a self-managed backend cannot decrypt");
    expect(problem.message).toContain("pulumi stack init dev --secrets-provider 'awskms://");
    expect(problem.message).toContain("pulumi config set --secret --stack dev slackToken");

    const kms = tmpRepo({
      "Pulumi.dev.yaml": `secretsprovider: awskms://alias/pulumi-hipchat-proxy?region=eu-west-1\nencryptedkey: AQICAHg\n${BASE}${secure(ci.requiredSecrets)}`,
    });
    expect(checkStackSecrets({ root: kms, env: S3 })).toEqual([]);
  });

  it("fails when the Pulumi Cloud settings are missing, and when the backend URL is not one", () => {
    const dir = tmpRepo({ "Pulumi.dev.yaml": BASE + secure(ci.requiredSecrets) });
    const messages = checkStackSecrets({ root: dir, env: { HAS_PULUMI_ACCESS_TOKEN: "false" } }).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringContaining("gh variable set PULUMI_ORG"),
      expect.stringContaining("gh secret set PULUMI_ACCESS_TOKEN"),
    ]);
    expect(checkStackSecrets({ root: dir, env: { PULUMI_BACKEND_URL: "my-bucket" } })[0].message).toContain(
      "not a backend URL",
    );
  });

  it("accepts secrets from Pulumi ESC environments on Pulumi Cloud only", () => {
    const dir = tmpRepo({ "Pulumi.dev.yaml": `environment:\n  - hipchat-proxy/dev\n${BASE}` });
    const notices: string[] = [];
    expect(checkStackSecrets({ root: dir, env: CLOUD, log: (l) => notices.push(l) })).toEqual([]);
    expect(notices).toEqual([expect.stringContaining("expected from ESC environment(s) hipchat-proxy/dev")]);
    expect(checkStackSecrets({ root: dir, env: S3 })).toHaveLength(1);
  });

  it("reports an unreadable stack file instead of crashing", () => {
    const dir = tmpRepo({ "Pulumi.dev.yaml": "config:\n  a: &anchor 1\n" });
    expect(checkStackSecrets({ root: dir, env: CLOUD })[0].message).toContain("Pulumi.dev.yaml cannot be read");
  });

  it("writes one-line GitHub annotations", () => {
    const line = annotation({ file: "Pulumi.dev.yaml", message: "a\nb 100%" });
    expect(line).toBe("::error file=Pulumi.dev.yaml,title=Stack secrets::a%0Ab 100%25");
    expect(annotation({ message: "x" })).toBe("::error title=Stack secrets::x");
  });

  it("runs on a plain Node without the repository's packages, exiting 1 with annotations", () => {
    // As in CI's first step: no node_modules, the script copied next to nothing but its lib.
    const dir = tmpRepo({ "Pulumi.dev.yaml": BASE });
    mkdirSync(path.join(dir, ".github/scripts/lib"), { recursive: true });
    for (const f of ["check-stack-secrets.cjs", "lib/stacks.cjs", "lib/yaml-subset.cjs"]) {
      copyFileSync(path.join(root, ".github/scripts", f), path.join(dir, ".github/scripts", f));
    }
    const run = spawnSync(process.execPath, [path.join(dir, ".github/scripts/check-stack-secrets.cjs")], {
      cwd: dir,
      env: { PATH: process.env.PATH, ...CLOUD },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^::error file=Pulumi\.dev\.yaml,title=Stack secrets::Stack "dev" cannot decrypt/m);
    expect(run.stderr).toContain("pulumi config set --secret --stack acme/dev slackToken 'xoxb-…'");

    writeFileSync(path.join(dir, "Pulumi.dev.yaml"), BASE + secure(ci.requiredSecrets));
    const ok = execFileSync(
      process.execPath,
      [path.join(dir, ".github/scripts/check-stack-secrets.cjs"), "--stack", "dev"],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, ...CLOUD },
        encoding: "utf8",
      },
    );
    expect(ok).toContain("Stack secrets ready: dev.");
  });
});
