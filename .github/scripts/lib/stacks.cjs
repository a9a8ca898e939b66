"use strict";
/**
 * The stacks of this repository as CI sees them: one Pulumi.<stack>.yaml per AWS account in the
 * repository root, the CI settings in .github/ci.json (production-like stacks, role names, required
 * secrets), and the Pulumi backend chosen by repository variables.
 *
 * Plain CommonJS without dependencies: it runs in a job's first step, before `npm ci`, on the
 * runner's own Node. bootstrap/ reads the same files through it, so CI and the roles it assumes
 * cannot disagree on names.
 */
const fs = require("node:fs");
const path = require("node:path");
const { parseYaml } = require("./yaml-subset.cjs");

const REPO_ROOT = path.resolve(__dirname, "../../..");
const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;
const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const ACCOUNT = /^\d{12}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** .github/ci.json, checked. */
function loadCiConfig(root = REPO_ROOT) {
  const file = path.join(root, ".github/ci.json");
  const ci = JSON.parse(fs.readFileSync(file, "utf8"));
  const problems = [];
  if (typeof ci.project !== "string" || ci.project === "") problems.push("project must be the Pulumi project name");
  if (!Array.isArray(ci.productionStacks) || !ci.productionStacks.every((s) => STACK_NAME.test(s))) {
    problems.push("productionStacks must be a list of stack names");
  }
  if (typeof ci.productionEnvironment !== "string" || ci.productionEnvironment === "") {
    problems.push("productionEnvironment must name the GitHub environment that approves production deploys");
  }
  if (!Array.isArray(ci.requiredSecrets) || !ci.requiredSecrets.every((s) => typeof s === "string" && s !== "")) {
    problems.push("requiredSecrets must list the project's secret config keys");
  }
  for (const role of ["preview", "deploy", "dnsPreview", "dnsValidation"]) {
    if (!/^[\w+=,.@-]{1,64}$/.test(ci.roles?.[role] ?? "")) problems.push(`roles.${role} must be an IAM role name`);
  }
  if (problems.length > 0) throw new Error(`.github/ci.json: ${problems.join("; ")}`);
  return ci;
}

/** The stack names of the Pulumi.<stack>.yaml files in the repository root, sorted. */
function listStacks(root = REPO_ROOT) {
  return fs
    .readdirSync(root)
    .map((f) => STACK_FILE.exec(f)?.[1])
    .filter((s) => s !== undefined)
    .sort();
}

function stackFileName(root, stack) {
  const yml = `Pulumi.${stack}.yml`;
  return fs.existsSync(path.join(root, yml)) ? yml : `Pulumi.${stack}.yaml`;
}

/** `arn:<partition>:iam::<account>:role/<name>` */
function roleArn(account, name, partition = "aws") {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

/** Parts of a role ARN, or undefined. */
function parseRoleArn(arn) {
  const m = ROLE_ARN.exec(String(arn));
  return m ? { partition: m[1], account: m[2], name: m[3] } : undefined;
}

/** What a secure value looks like in a stack file: `key: {secure: "…"}`. */
function secretState(value) {
  if (value === undefined || value === null) return "missing";
  if (typeof value === "object" && !Array.isArray(value)) {
    return typeof value.secure === "string" && value.secure.trim() !== "" ? "secure" : "invalid";
  }
  return "plain";
}

/**
 * Reads one stack file. Never throws for content problems: they are listed in `problems`, each a
 * sentence naming the file, so a CI step can report every stack's problems at once.
 */
function readStack(stack, { root = REPO_ROOT, ci = loadCiConfig(root) } = {}) {
  const file = stackFileName(root, stack);
  const problems = [];
  let doc;
  try {
    doc = parseYaml(fs.readFileSync(path.join(root, file), "utf8")) ?? {};
  } catch (err) {
    return { stack, file, problems: [`${file} cannot be read: ${err.message}`], secrets: {}, config: {} };
  }
  if (typeof doc !== "object" || Array.isArray(doc)) doc = {};
  const config = doc.config && typeof doc.config === "object" ? doc.config : {};
  const project = (key) => config[`${ci.project}:${key}`];

  if (!STACK_NAME.test(stack)) problems.push(`${file}: "${stack}" is not a valid stack name`);
  const accounts = config["aws:allowedAccountIds"];
  const account = Array.isArray(accounts) && accounts.length === 1 ? String(accounts[0]) : undefined;
  if (account === undefined || !ACCOUNT.test(account)) {
    problems.push(
      `${file}: aws:allowedAccountIds must list exactly one 12-digit AWS account ID (the account CI deploys this stack to)`,
    );
  }
  const region = config["aws:region"];
  if (typeof region !== "string" || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    problems.push(`${file}: aws:region must be set to the stack's AWS region`);
  }
  for (const key of ["aws:assumeRoles", "aws:assumeRole", "aws:profile", "aws:accessKey", "aws:secretKey"]) {
    if (key in config) {
      problems.push(
        `${file}: remove ${key}. CI assumes the stack account's role itself (the read-only preview role for previews, ` +
          `the deploy role for deploys); a role chained here would be assumed by previews too. ` +
          "Operators: export AWS_PROFILE with a profile that assumes the deploy role (docs/ci-and-bootstrap.md).",
      );
    }
  }

  let dnsRoleArn;
  let dnsAccount;
  const dns = project("dnsRoleArn");
  if (dns !== undefined) {
    const parts = parseRoleArn(dns);
    if (!parts || parts.name !== ci.roles.dnsValidation) {
      problems.push(
        `${file}: ${ci.project}:dnsRoleArn must be arn:aws:iam::<dns-account>:role/${ci.roles.dnsValidation}, ` +
          "the certificate-validation role bootstrap/ creates in the DNS account",
      );
    } else {
      dnsRoleArn = String(dns);
      dnsAccount = parts.account;
    }
  }

  const secrets = Object.fromEntries(ci.requiredSecrets.map((key) => [key, secretState(project(key))]));
  const secretsProvider =
    typeof doc.secretsprovider === "string" && doc.secretsprovider !== "" ? String(doc.secretsprovider) : undefined;
  return {
    stack,
    file,
    problems,
    config,
    account,
    region,
    production: ci.productionStacks.includes(stack),
    dnsRoleArn,
    dnsAccount,
    hostname: project("hostname"),
    publicZoneId: project("publicZoneId"),
    secrets,
    encryption: {
      /** passphrase provider: `encryptionsalt` */
      passphrase: typeof doc.encryptionsalt === "string" && doc.encryptionsalt !== "",
      /** a cloud KMS or other provider: `secretsprovider` + `encryptedkey` */
      secretsProvider,
      encryptedKey: typeof doc.encryptedkey === "string" && doc.encryptedkey !== "",
    },
    /** Pulumi ESC environments imported by the stack (`environment:`). */
    environments: Array.isArray(doc.environment) ? doc.environment.map(String) : [],
  };
}

/**
 * The Pulumi backend the workflows use, from repository variables: PULUMI_BACKEND_URL set means a
 * self-managed backend (`pulumi login $PULUMI_BACKEND_URL`), unset means Pulumi Cloud, organization
 * PULUMI_ORG.
 */
function backendFromEnv(env = process.env) {
  const url = (env.PULUMI_BACKEND_URL ?? "").trim();
  if (url !== "") return { kind: "self-managed", url, org: undefined };
  const org = (env.PULUMI_ORG ?? "").trim();
  return { kind: "cloud", url: undefined, org: org === "" ? undefined : org };
}

/** The name `pulumi --stack` takes: `<org>/<stack>` on Pulumi Cloud, `<stack>` on a self-managed backend. */
function qualifiedStackName(stack, backend) {
  return backend.kind === "cloud" ? `${backend.org ?? "<PULUMI_ORG>"}/${stack}` : stack;
}

/** The shell command that logs in to the backend. */
function loginCommand(backend) {
  return backend.kind === "cloud" ? "pulumi login" : `pulumi login '${backend.url}'`;
}

module.exports = {
  REPO_ROOT,
  loadCiConfig,
  listStacks,
  readStack,
  roleArn,
  parseRoleArn,
  backendFromEnv,
  qualifiedStackName,
  loginCommand,
};
