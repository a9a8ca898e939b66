#!/usr/bin/env node
"use strict";
/**
 * The first step of every CI job: fails, naming the exact commands to run, when a stack could not
 * decrypt its secrets in CI.
 *
 * Checked for each stack:
 * - every key in .github/ci.json `requiredSecrets` is committed in Pulumi.<stack>.yaml as an encrypted
 *   `secure:` value (written by `pulumi config set --secret`), not missing and not in plain text;
 * - the secrets provider the file was encrypted with can be used by CI with the configured backend:
 *   passphrase stacks need the PULUMI_CONFIG_PASSPHRASE secret; a self-managed backend cannot decrypt
 *   values encrypted by Pulumi Cloud's default provider;
 * - the backend settings are present (Pulumi Cloud: PULUMI_ORG and PULUMI_ACCESS_TOKEN).
 *
 * Usage: node .github/scripts/check-stack-secrets.cjs [--stack <name>]... (default: every stack)
 * Environment (set by the workflows from repository variables and secrets): PULUMI_BACKEND_URL,
 * PULUMI_ORG, PULUMI_SECRETS_PROVIDER, HAS_PULUMI_ACCESS_TOKEN, HAS_PULUMI_CONFIG_PASSPHRASE
 * ("true"/"false"; unset skips that check).
 */
const {
  REPO_ROOT,
  backendFromEnv,
  listStacks,
  loadCiConfig,
  loginCommand,
  qualifiedStackName,
  readStack,
} = require("./lib/stacks.cjs");

const DOC = "docs/ci-and-bootstrap.md, section “Stack secrets”";

/** An example value per secret, for the command in the message. */
const EXAMPLES = {
  slackToken: "'xoxb-…'",
  hipchatTokens: `'[{"token":"…"},{"token":"…","rooms":["Deploys"]}]'`,
};

function setCommand(key, name) {
  return `pulumi config set --secret --stack ${name} ${key} ${EXAMPLES[key] ?? "'…'"}`;
}

function initCommand(backend, name, env) {
  const provider = (env.PULUMI_SECRETS_PROVIDER ?? "").trim();
  const flag = backend.kind === "self-managed" && provider !== "" ? ` --secrets-provider '${provider}'` : "";
  return `pulumi stack init ${name}${flag}`;
}

/**
 * Every problem that would stop a stack's secrets from being decrypted in CI, as messages that say
 * what to run. Empty when the stacks are ready.
 *
 * @param {{ root?: string, stacks?: string[], env?: Record<string, string | undefined>, log?: (line: string) => void }} options
 * @returns {{ file?: string, message: string }[]}
 */
function checkStackSecrets({ root = REPO_ROOT, stacks, env = process.env, log = console.log } = {}) {
  const ci = loadCiConfig(root);
  const backend = backendFromEnv(env);
  const problems = [];

  if (backend.kind === "cloud") {
    if (backend.org === undefined) {
      problems.push({
        message:
          "Repository variable PULUMI_ORG is not set: CI uses Pulumi Cloud (PULUMI_BACKEND_URL is not set), and stacks " +
          "are named <PULUMI_ORG>/<stack>. Set it: gh variable set PULUMI_ORG --body '<pulumi-org>' " +
          "(or set PULUMI_BACKEND_URL for a self-managed backend).",
      });
    }
    if (env.HAS_PULUMI_ACCESS_TOKEN === "false") {
      problems.push({
        message:
          "Repository secret PULUMI_ACCESS_TOKEN is not set: CI uses Pulumi Cloud (PULUMI_BACKEND_URL is not set). " +
          "Set it: gh secret set PULUMI_ACCESS_TOKEN (an organization or team token that may update the stacks).",
      });
    }
  } else if (!/^(s3|gs|azblob|file):\/\/\S+$/.test(backend.url)) {
    problems.push({
      message: `Repository variable PULUMI_BACKEND_URL is "${backend.url}", which is not a backend URL (s3://<bucket>?region=<region>, gs://, azblob://).`,
    });
  }

  const all = listStacks(root);
  const selected = stacks && stacks.length > 0 ? stacks : all;
  if (selected.length === 0) problems.push({ message: "There is no Pulumi.<stack>.yaml in the repository root." });
  for (const stack of selected) {
    if (!all.includes(stack)) {
      problems.push({ message: `There is no Pulumi.${stack}.yaml in the repository root.` });
      continue;
    }
    const s = readStack(stack, { root, ci });
    const name = qualifiedStackName(stack, backend);
    const unreadable = s.problems.filter((p) => p.includes("cannot be read"));
    if (unreadable.length > 0) {
      problems.push(...unreadable.map((message) => ({ file: s.file, message })));
      continue;
    }

    const missing = Object.entries(s.secrets).filter(([, state]) => state !== "secure");
    if (missing.length > 0 && s.environments.length > 0 && backend.kind === "cloud") {
      // Values may come from a Pulumi ESC environment; the program's requireSecret then finds them.
      log(
        `${s.file}: ${missing.map(([k]) => k).join(", ")} not in the file; expected from ESC environment(s) ${s.environments.join(", ")}.`,
      );
    } else if (missing.length > 0) {
      const lines = [
        `Stack "${stack}" cannot decrypt its secrets in CI: ${missing
          .map(
            ([key, state]) =>
              `${ci.project}:${key} is ${state === "plain" ? "in PLAIN TEXT" : state === "invalid" ? "not a valid secure value" : "missing"}`,
          )
          .join(", ")} in ${s.file}, so config.requireSecret fails.`,
      ];
      if (missing.some(([, state]) => state === "plain")) {
        lines.push("A value committed in plain text is exposed: rotate it first (new Slack/HipChat tokens).");
      }
      lines.push(
        "From the repository root, with the CLI version in .pulumi-version and credentials for the stack's backend, run:",
        `  ${loginCommand(backend)}`,
        `  ${initCommand(backend, name, env)}    # only if the stack does not exist yet`,
        ...missing.map(([key]) => `  ${setCommand(key, name)}`),
        `then commit ${s.file} (it now holds the values encrypted, as secure: …). See ${DOC}.`,
      );
      problems.push({ file: s.file, message: lines.join("\n") });
    }

    const anySecure = Object.values(s.secrets).some((state) => state === "secure");
    const { passphrase, secretsProvider, encryptedKey } = s.encryption;
    if (passphrase && env.HAS_PULUMI_CONFIG_PASSPHRASE === "false") {
      problems.push({
        file: s.file,
        message:
          `${s.file} is encrypted with the passphrase secrets provider (it has encryptionsalt), but the repository secret ` +
          "PULUMI_CONFIG_PASSPHRASE is not set. Set it to that stack's passphrase: gh secret set PULUMI_CONFIG_PASSPHRASE",
      });
    }
    if (backend.kind === "self-managed" && anySecure && !passphrase && !(secretsProvider && encryptedKey)) {
      const name = qualifiedStackName(stack, backend);
      problems.push({
        file: s.file,
        message: [
          `${s.file} has secure values but no encryptionsalt or secretsprovider/encryptedkey: they were encrypted by ` +
            "Pulumi Cloud's default secrets provider, which a self-managed backend cannot decrypt. Move the stack " +
            `(${DOC}, "Moving existing stacks"), or re-create its secrets for the backend:`,
          `  ${loginCommand(backend)}`,
          `  ${initCommand(backend, name, env)}    # only if the stack does not exist there yet`,
          ...ci.requiredSecrets.map((key) => `  ${setCommand(key, name)}`),
          `then commit ${s.file}.`,
        ].join("\n"),
      });
    }
  }
  return problems;
}

/** `::error` annotations take one line: newlines are written %0A. */
function annotation({ file, message }) {
  const escaped = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const props = [...(file ? [`file=${file}`] : []), "title=Stack secrets"].join(",");
  return `::error ${props}::${escaped}`;
}

function main(argv) {
  const stacks = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--stack" && argv[i + 1]) stacks.push(argv[++i]);
    else {
      console.error(`Unknown argument ${argv[i]}. Usage: check-stack-secrets.cjs [--stack <name>]...`);
      return 2;
    }
  }
  const problems = checkStackSecrets({ stacks });
  for (const p of problems) {
    console.log(annotation(p));
    console.error(`\n${p.message}\n`);
  }
  if (problems.length === 0) {
    console.log(`Stack secrets ready: ${(stacks.length > 0 ? stacks : listStacks()).join(", ")}.`);
  }
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { checkStackSecrets, annotation, main };
