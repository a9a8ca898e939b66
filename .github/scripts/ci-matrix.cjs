#!/usr/bin/env node
"use strict";
/**
 * The stack matrices of the workflows, generated from the Pulumi.<stack>.yaml files in the
 * repository root: adding an AWS account is adding its stack file (after bootstrapping the account).
 *
 * For each stack it derives, from the file's single `aws:allowedAccountIds` entry and the role names
 * in .github/ci.json (the names bootstrap/ creates):
 * - previews: the account's read-only preview role, and a config override that points the program's
 *   DNS provider at the DNS account's read-only preview role instead of the certificate-validation
 *   role (`hipchat-proxy:dnsRoleArn`). A preview entry holds no deploy role at all.
 * - deploys: the account's deploy role; stacks listed in ci.json `productionStacks` go to a separate
 *   matrix, deployed only by the job in the approval environment.
 *
 * Usage: node .github/scripts/ci-matrix.cjs
 * Writes `preview`, `deploy`, `production` (each `{"include": [...]}`), `has-deploy` and
 * `has-production` to $GITHUB_OUTPUT, and a table to $GITHUB_STEP_SUMMARY. Exits 1 with one
 * annotation per problem when a stack file cannot be deployed by CI.
 * Environment: PULUMI_BACKEND_URL, PULUMI_ORG (the stack names depend on the backend).
 */
const fs = require("node:fs");
const {
  REPO_ROOT,
  backendFromEnv,
  listStacks,
  loadCiConfig,
  qualifiedStackName,
  readStack,
  roleArn,
} = require("./lib/stacks.cjs");

/**
 * @param {{ root?: string, env?: Record<string, string | undefined> }} options
 */
function buildMatrices({ root = REPO_ROOT, env = process.env } = {}) {
  const ci = loadCiConfig(root);
  const backend = backendFromEnv(env);
  const stacks = listStacks(root).map((stack) => readStack(stack, { root, ci }));
  const problems = stacks.flatMap((s) => s.problems);

  if (stacks.length === 0) problems.push("There is no Pulumi.<stack>.yaml in the repository root.");
  for (const name of ci.productionStacks) {
    if (!stacks.some((s) => s.stack === name)) {
      problems.push(`.github/ci.json lists production stack "${name}", but there is no Pulumi.${name}.yaml`);
    }
  }
  // One account, one stack: the account's deploy role trusts either the approval environment
  // (production) or main; sharing it would let a non-production job deploy a production stack.
  const byAccount = new Map();
  for (const s of stacks.filter((x) => x.account)) {
    byAccount.set(s.account, [...(byAccount.get(s.account) ?? []), s.stack]);
  }
  for (const [account, names] of byAccount) {
    if (names.length > 1) {
      problems.push(`Stacks ${names.join(", ")} share AWS account ${account}: CI deploys one stack per account`);
    }
  }

  const ok = stacks.filter((s) => s.problems.length === 0);
  const base = (s) => ({
    stack: s.stack,
    stackName: qualifiedStackName(s.stack, backend),
    account: s.account,
    region: s.region,
  });
  const preview = ok.map((s) => ({
    ...base(s),
    previewRole: roleArn(s.account, ci.roles.preview),
    dnsPreviewRole: s.dnsAccount ? roleArn(s.dnsAccount, ci.roles.dnsPreview) : "",
    configMap: s.dnsAccount
      ? JSON.stringify({
          [`${ci.project}:dnsRoleArn`]: { value: roleArn(s.dnsAccount, ci.roles.dnsPreview), secret: false },
        })
      : "",
  }));
  const deployEntry = (s) => ({ ...base(s), deployRole: roleArn(s.account, ci.roles.deploy) });
  return {
    problems,
    preview,
    deploy: ok.filter((s) => !s.production).map(deployEntry),
    production: ok.filter((s) => s.production).map(deployEntry),
  };
}

function summary({ preview, deploy, production }) {
  const rows = preview.map((p) => {
    const d = [...deploy, ...production].find((x) => x.stack === p.stack);
    const gate = production.some((x) => x.stack === p.stack) ? "after approval (production)" : "on merge";
    return `| ${p.stack} | ${p.stackName} | ${p.account} | ${p.region} | ${p.previewRole} | ${d?.deployRole ?? ""} ${gate} |`;
  });
  return [
    "| stack | Pulumi stack | account | region | preview role | deploy role |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

function main() {
  const result = buildMatrices();
  for (const p of result.problems) console.log(`::error title=Stacks::${p.replace(/\n/g, "%0A")}`);
  if (result.problems.length > 0) return 1;
  const outputs = {
    preview: JSON.stringify({ include: result.preview }),
    deploy: JSON.stringify({ include: result.deploy }),
    production: JSON.stringify({ include: result.production }),
    "has-deploy": String(result.deploy.length > 0),
    "has-production": String(result.production.length > 0),
  };
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}`);
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, `${lines.join("\n")}\n`);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary(result));
  console.log(lines.join("\n"));
  return 0;
}

if (require.main === module) process.exitCode = main();

module.exports = { buildMatrices, summary, main };
