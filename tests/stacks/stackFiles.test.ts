/**
 * The committed stack files themselves: two accounts, one hostname, v7 provider settings, and no
 * secret in plain text. (What index.ts builds from each is in dev.test.ts and prod.test.ts.)
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { STACK_CONFIG_KEYS } from "../../config";
import { readStackFile, REPO_ROOT, SECRET_KEYS, STACKS } from "../support/pulumiStack";

const files = Object.fromEntries(STACKS.map((s) => [s, readStackFile(s)]));

describe.each(STACKS)("Pulumi.%s.yaml", (stack) => {
  const file = files[stack];

  it("pins one AWS account and leaves the credentials to whoever runs it", () => {
    expect(file.config["aws:region"]).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
    expect(file.config["aws:allowedAccountIds"]).toEqual([expect.stringMatching(/^\d{12}$/)]);
    // No role chain in the file: CI assumes the read-only preview role or the deploy role per job,
    // so a pull request's preview can never reach the deploy role through the stack's own config.
    expect(file.config).not.toHaveProperty("aws:assumeRoles");
    expect(file.config).not.toHaveProperty("aws:profile");
    expect(file.config).not.toHaveProperty("aws:assumeRole"); // v6 key; v7 refuses it
  });

  it("uses only keys the program knows", () => {
    expect(Object.keys(file.project).filter((k) => !STACK_CONFIG_KEYS.includes(k))).toEqual([]);
  });

  it("commits no secret in plain text", () => {
    for (const key of SECRET_KEYS) {
      const value = file.project[key];
      // Absent (set with `pulumi config set --secret`), or encrypted by the CLI.
      expect(value === undefined || (typeof value === "object" && value !== null && "secure" in value)).toBe(true);
    }
    const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
    expect(text).not.toMatch(/xox[abposr]-[A-Za-z0-9-]{10,}/); // a Slack token
  });
});

describe("dev and prod", () => {
  it("serve the same hostname from different accounts, regions and VPCs", () => {
    const [dev, prod] = [files.dev, files.prod];
    expect(dev.project.hostname).toBe("hipchat-proxy.private.example.com");
    expect(prod.project.hostname).toBe(dev.project.hostname);
    expect(prod.accountId).not.toBe(dev.accountId);
    expect(prod.region).not.toBe(dev.region);
    expect(prod.project.vpcId).not.toBe(dev.project.vpcId);
    expect(prod.project.subnetIds).not.toEqual(dev.project.subnetIds);
  });
});
