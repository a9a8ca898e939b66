/**
 * Runs the real program (index.ts) under Pulumi mocks with the configuration of a committed stack
 * file (Pulumi.<stack>.yaml), as `pulumi preview`/`up` would, minus the engine.
 *
 * Pulumi's runtime state lives on jest's per-file global: call {@link runStack} once per test file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { installPulumiMocks, type PulumiMockHarness, settled, unwrap } from "./pulumiMocks";

export const PROJECT = "hipchat-proxy";
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The committed stacks. */
export const STACKS = ["dev", "prod"] as const;
export type StackName = (typeof STACKS)[number];

/**
 * The example stack of an account without a VPC: documented, not committed at the root (CI builds
 * its stack matrix from the root's Pulumi.<stack>.yaml files).
 */
export const SANDBOX_STACK_FILE = path.join(REPO_ROOT, "docs", "examples", "Pulumi.sandbox.yaml");

/** What `aws:ec2/getVpc:getVpc` answers for the stacks' VPCs (their primary CIDR blocks). */
export const VPC_CIDRS: Record<string, string> = {
  "vpc-0d1e2f3a4b5c6d7e8": "10.20.0.0/16",
  "vpc-0a9b8c7d6e5f40312": "10.30.0.0/16",
};

/** Keys that hold secrets; never committed in plain text. */
export const SECRET_KEYS = ["slackToken", "hipchatTokens"] as const;

/** A parsed stack file. */
export interface StackFile {
  /** The `config:` map exactly as committed. */
  config: Record<string, unknown>;
  region: string;
  accountId: string;
  /** `<project>:<key>` values, without the namespace. */
  project: Record<string, unknown>;
}

/** Parses any Pulumi stack file, splitting out one project's namespace. */
export function parseStackFile(file: string, projectName: string): StackFile {
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config = doc.config ?? {};
  const project: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${projectName}:`)) {
      project[key.slice(projectName.length + 1)] = value;
    }
  }
  const accounts = config["aws:allowedAccountIds"];
  return {
    config,
    region: String(config["aws:region"]),
    accountId: Array.isArray(accounts) ? String(accounts[0]) : "000000000000",
    project,
  };
}

/** Parses Pulumi.<stack>.yaml from the repository root. */
export function readStackFile(stack: StackName): StackFile {
  return parseStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), PROJECT);
}

/** Dummy secret values for one stack: distinctive strings a test can search for. */
export function dummySecrets(stack: string) {
  const hipchatTokens = [
    { token: `dummy-hipchat-token-${stack}-limited`, rooms: ["Deploys"] },
    { token: `dummy-hipchat-token-${stack}-any` },
  ];
  return {
    slackToken: `xoxb-dummy-slack-token-${stack}`,
    hipchatTokens,
    /** Every secret string, for "is it anywhere in plain text?" searches. */
    needles: [`xoxb-dummy-slack-token-${stack}`, ...hipchatTokens.map((t) => t.token)],
  };
}

/**
 * The flat config map the Pulumi CLI would hand the program: every value a string (objects and
 * lists as JSON), with the secrets replaced by dummies and listed as secret keys.
 */
export function configForTest(
  stack: string,
  file: StackFile = readStackFile(stack as StackName),
): { values: Record<string, string>; secretKeys: string[] } {
  const secrets = dummySecrets(stack);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(file.config)) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      continue; // ciphertext cannot be decrypted here; the dummies below replace it
    }
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  values[`${PROJECT}:slackToken`] = secrets.slackToken;
  values[`${PROJECT}:hipchatTokens`] = JSON.stringify(secrets.hipchatTokens);
  secretKeys.push(`${PROJECT}:slackToken`, `${PROJECT}:hipchatTokens`);
  return { values, secretKeys };
}

/** The program's exports. */
export type Program = typeof import("../../index");

export interface StackRun {
  stack: string;
  file: StackFile;
  mocks: PulumiMockHarness;
  program: Program;
  secrets: ReturnType<typeof dummySecrets>;
}

/**
 * Configures Pulumi for `stack` (the committed stack file, with `options.config` keys replaced), installs the mocks, then imports index.ts (after, so its resources
 * are created under the mocks) and waits until every registration has finished.
 */
export async function runStack(
  stack: string,
  options: { preview?: boolean; config?: Record<string, unknown>; file?: string } = {},
): Promise<StackRun> {
  const file = options.file === undefined ? readStackFile(stack as StackName) : parseStackFile(options.file, PROJECT);
  const { values, secretKeys } = configForTest(stack, file);
  // Keys of the project's namespace to replace, as `pulumi config set` would (objects as JSON);
  // `null` removes a key, as `pulumi config rm` would.
  for (const [key, value] of Object.entries(options.config ?? {})) {
    if (value === null) {
      delete values[`${PROJECT}:${key}`];
    } else {
      values[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  pulumi.runtime.setAllConfig(values, secretKeys);
  const mocks = await installPulumiMocks({
    project: PROJECT,
    stack,
    preview: options.preview ?? false,
    region: file.region,
    accountId: file.accountId,
    // Subnets and the public zone are answered as the stack's config describes them.
    vpcCidrs: VPC_CIDRS,
  });
  const program: Program = await import("../../index");
  await settled();
  // The function registers only once its closure is serialized (pulumi#11113); a closure that cannot
  // be serialized fails here, with the serializer's explanation.
  const failure = await unwrap(program.functionArn).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (failure !== undefined) {
    // Let the registrations that depend on the function fail now, inside this hook, rather than
    // after the file's tests when no handler is left to catch their rejections.
    await settled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    throw new Error(`The program failed under mocks: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
  return { stack, file, mocks, program, secrets: dummySecrets(stack) };
}
