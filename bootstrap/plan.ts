/**
 * What one account's bootstrap stack creates, derived from the same files CI reads: the program's
 * stack files (../Pulumi.<stack>.yaml) and ../.github/ci.json (role names, production-like stacks).
 * So a role's name, trust and scope cannot drift from the workflow that assumes it.
 *
 * - An account that runs app stack S (`appStack: S`) gets the workload roles; S's deploy role trusts
 *   the approval environment if S is production-like, else main.
 * - An account named by some stack's `hipchat-proxy:dnsRoleArn` gets the DNS roles, trusted by the
 *   deploy/preview roles of every such stack's account, for the zones and host names of those stacks.
 */
import {
  type CiConfig,
  listStacks,
  loadCiConfig,
  REPO_ROOT,
  readStack,
  roleArn,
  type StackInfo,
} from "../.github/scripts/lib/stacks.cjs";
import type { DnsCiAccessArgs, WorkloadCiAccessArgs } from "./ciAccess";
import { githubSubject, type ValidatedZone } from "./policies";

/** One bootstrap stack's settings (namespace `hipchat-proxy-bootstrap`, plus `aws:allowedAccountIds`). */
export interface BootstrapSettings {
  /** The account this bootstrap stack is pinned to (`aws:allowedAccountIds`, exactly one). */
  account: string;
  /** The app stack this account runs (its ../Pulumi.<appStack>.yaml), if any. */
  appStack?: string;
  /** `owner/name` of the GitHub repository whose workflows assume the roles. */
  githubRepository?: string;
  operatorPrincipalArns?: string[];
  existingOidcProviderArn?: string;
  /** S3 bucket of a self-managed Pulumi backend, if used. */
  stateBucket?: string;
  /** KMS key of the stacks' `awskms://` secrets provider, if used. */
  secretsKmsKeyArn?: string;
  /** The branch deploys run from (default main). */
  mainBranch?: string;
}

export interface BootstrapPlan {
  workload?: WorkloadCiAccessArgs;
  dns?: DnsCiAccessArgs;
}

export class BootstrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BootstrapError";
  }
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

function workloadArgs(s: StackInfo, settings: BootstrapSettings, ci: CiConfig): WorkloadCiAccessArgs {
  const repository = settings.githubRepository;
  if (repository === undefined || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new BootstrapError("hipchat-proxy-bootstrap:githubRepository must be the GitHub repository, owner/name");
  }
  if (s.problems.length > 0) throw new BootstrapError(s.problems.join("; "));
  if (s.account !== settings.account) {
    throw new BootstrapError(
      `${s.file} deploys to account ${s.account}, but this bootstrap stack is for account ${settings.account}`,
    );
  }
  for (const arn of settings.operatorPrincipalArns ?? []) {
    if (!arn.startsWith(`arn:aws:iam::${settings.account}:`)) {
      throw new BootstrapError(`operatorPrincipalArns: ${arn} is not a principal of account ${settings.account}`);
    }
  }
  const project = (key: string) => s.config[`${ci.project}:${key}`];
  return {
    account: settings.account,
    region: String(s.region),
    prefix: ci.project,
    vpcId: typeof project("vpcId") === "string" ? String(project("vpcId")) : undefined,
    queued: project("deliveryMode") === "queued",
    hostnames: [String(s.hostname), ...list(project("legacyHostnames"))],
    dnsValidationRoleArn: s.dnsRoleArn,
    dnsPreviewRoleArn: s.dnsAccount ? roleArn(s.dnsAccount, ci.roles.dnsPreview) : undefined,
    state: settings.stateBucket
      ? { bucket: settings.stateBucket, project: ci.project, stack: s.stack, kmsKeyArn: settings.secretsKmsKeyArn }
      : undefined,
    githubRepository: repository,
    deploySubject: s.production
      ? githubSubject.environment(repository, ci.productionEnvironment)
      : githubSubject.branch(repository, settings.mainBranch ?? "main"),
    previewSubject: githubSubject.pullRequest(repository),
    operatorPrincipalArns: settings.operatorPrincipalArns ?? [],
    existingOidcProviderArn: settings.existingOidcProviderArn,
    roleNames: { deploy: ci.roles.deploy, preview: ci.roles.preview },
  };
}

function dnsArgs(served: StackInfo[], ci: CiConfig): DnsCiAccessArgs {
  const zones = new Map<string, Set<string>>();
  for (const s of served) {
    if (typeof s.publicZoneId !== "string") {
      throw new BootstrapError(`${s.file} sets ${ci.project}:dnsRoleArn without ${ci.project}:publicZoneId`);
    }
    zones.set(s.publicZoneId, (zones.get(s.publicZoneId) ?? new Set()).add(String(s.hostname)));
  }
  const accounts = [...new Set(served.map((s) => String(s.account)))].sort();
  return {
    zones: [...zones].map(([zoneId, names]): ValidatedZone => ({ zoneId, hostnames: [...names].sort() })),
    deployRoleArns: accounts.map((a) => roleArn(a, ci.roles.deploy)),
    previewRoleArns: accounts.map((a) => roleArn(a, ci.roles.preview)),
    roleNames: { dnsValidation: ci.roles.dnsValidation, dnsPreview: ci.roles.dnsPreview },
  };
}

/** What the bootstrap stack for `settings.account` creates; throws BootstrapError naming what is wrong. */
export function planBootstrap(settings: BootstrapSettings, root: string = REPO_ROOT): BootstrapPlan {
  if (!/^\d{12}$/.test(settings.account)) {
    throw new BootstrapError("aws:allowedAccountIds must list exactly one 12-digit account ID");
  }
  const ci = loadCiConfig(root);
  // The deploy role may manage roles named <project>-*: its own name must not match.
  for (const name of Object.values(ci.roles)) {
    if (name.startsWith(`${ci.project}-`)) {
      throw new BootstrapError(
        `.github/ci.json: role ${name} must not start with ${ci.project}- (the deploy role manages those)`,
      );
    }
  }
  const stacks = listStacks(root).map((stack) => readStack(stack, { root, ci }));

  const plan: BootstrapPlan = {};
  if (settings.appStack !== undefined) {
    const s = stacks.find((x) => x.stack === settings.appStack);
    if (!s) throw new BootstrapError(`appStack ${settings.appStack}: there is no Pulumi.${settings.appStack}.yaml`);
    plan.workload = workloadArgs(s, settings, ci);
  }
  const served = stacks.filter((s) => s.dnsAccount === settings.account && s.problems.length === 0);
  if (served.length > 0) plan.dns = dnsArgs(served, ci);
  if (!plan.workload && !plan.dns) {
    throw new BootstrapError(
      `Nothing to create in account ${settings.account}: set hipchat-proxy-bootstrap:appStack, or point a stack's ${ci.project}:dnsRoleArn at this account`,
    );
  }
  return plan;
}
