/**
 * The GitHub workflows, checked for mistakes that would matter in a real run rather than restated:
 * - GitHub's workflow schema (@action-validator/core), proven to reject broken files;
 * - supply chain: every action pinned to a full commit SHA with its release in a comment, the same
 *   pin everywhere, and the Pulumi CLI version read from .pulumi-version;
 * - credentials: only jobs that assume an AWS role get an OIDC token, previews never reach a deploy
 *   role, production-like stacks deploy only in the approval environment;
 * - coverage: every Pulumi.<stack>.yaml is previewed and deployed.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

import { validateWorkflow, type ValidationError } from "@action-validator/core";
import { parse } from "yaml";

import { buildMatrices } from "../../.github/scripts/ci-matrix.cjs";
import { loadCiConfig, readStack } from "../../.github/scripts/lib/stacks.cjs";

const root = path.resolve(__dirname, "../..");
const workflowDir = path.join(root, ".github/workflows");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}

interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> | string };
  steps: Step[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowFiles = readdirSync(workflowDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const sources: Record<string, string> = Object.fromEntries(
  workflowFiles.map((f) => [f, readFileSync(path.join(workflowDir, f), "utf8")]),
);
const workflows: Record<string, Workflow> = Object.fromEntries(
  workflowFiles.map((f) => [f, parse(sources[f]) as Workflow]),
);
const ci = loadCiConfig(root);
const preview = workflows["preview.yml"];
const deploy = workflows["deploy.yml"];

/** The stacks committed in the repository root, from their Pulumi.<stack>.yaml files. */
const stackFiles = readdirSync(root)
  .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
  .filter((s): s is string => s !== undefined)
  .sort();

function describeErrors(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const here = `${e.code} ${"path" in e ? e.path : ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`;
    const nested = "states" in e && e.states ? e.states.flatMap((s) => describeErrors(s.errors)) : [];
    return [here, ...nested.map((n) => `  ${n}`)];
  });
}

const usesAction = (action: string) => (s: Step) => s.uses?.split("@")[0] === action;
const allJobs = () =>
  workflowFiles.flatMap((file) => Object.entries(workflows[file].jobs).map(([id, job]) => ({ file, id, job })));
/** The permissions a job runs with: its own, or else the workflow's. */
const permissionsOf = (workflow: Workflow, job: Job) => job.permissions ?? workflow.permissions ?? {};
const assumesAwsRole = (job: Job) => job.steps.some(usesAction("aws-actions/configure-aws-credentials"));
const expressionsIn = (text: string) => [...text.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1].trim());
const envName = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);

// ---------------------------------------------------------------------------------------------
// Schema validation
// ---------------------------------------------------------------------------------------------

describe("workflow files", () => {
  it.each(workflowFiles)("%s matches GitHub's workflow schema", (file) => {
    const result = validateWorkflow(sources[file]);
    expect(result.actionType).toBe("workflow");
    expect(describeErrors(result.errors)).toEqual([]);
  });

  it.each(workflowFiles)("%s uses only known contexts in balanced ${{ }} expressions", (file) => {
    const text = sources[file];
    expect(text.split("${{").length).toBe(text.split("}}").length);
    const contexts = new Set(["github", "matrix", "vars", "secrets", "env", "steps", "needs", "runner", "strategy"]);
    for (const expression of expressionsIn(text)) {
      for (const [, name] of expression.matchAll(/(?<![\w.'-])([a-z_][\w-]*)\s*(?=[.[])/gi)) {
        expect({ expression, context: contexts.has(name) }).toEqual({ expression, context: true });
      }
    }
  });
});

describe("the schema validator", () => {
  // If these stop failing, the validator no longer protects the files above.
  it.each([
    ["a YAML syntax error", "on: [push\njobs: {}\n", "parse_error"],
    ["a job without runs-on", "on: push\njobs:\n  a:\n    steps:\n      - run: echo\n", "one_of"],
    [
      "an unknown event",
      "on: pull_requests\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
      "one_of",
    ],
    [
      "needs naming a missing job",
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: b\n    steps:\n      - run: echo\n",
      "unresolved_job",
    ],
  ])("rejects %s", (_what, source, code) => {
    expect(validateWorkflow(source).errors.map((e) => e.code)).toContain(code);
  });

  it.each([
    ["runs-on misspelt", (s: string) => s.replace("runs-on:", "runs_on:")],
    ["an invalid permission level", (s: string) => s.replace("id-token: write", "id-token: admin")],
    ["a misspelt event", (s: string) => s.replace("pull_request:", "pull_requests:")],
    ["an unknown step key", (s: string) => s.replace("working-directory: policy", "workdir: policy")],
    ["broken indentation", (s: string) => s.replace("    steps:", "   steps:")],
  ])("rejects preview.yml with %s", (_what, mutate) => {
    const broken = mutate(sources["preview.yml"]);
    expect(broken).not.toBe(sources["preview.yml"]); // the mutation applied
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Supply chain: pinned actions and CLI
// ---------------------------------------------------------------------------------------------

/** Every `uses:` line of every workflow, with what it pins. */
const usesLines = workflowFiles.flatMap((file) =>
  sources[file]
    .split("\n")
    .map((line, i) => ({ file, line: i + 1, text: line }))
    .filter((l) => /^\s*(-\s+)?uses:/.test(l.text)),
);
const PINNED = /^\s*(?:-\s+)?uses:\s+([\w.-]+\/[\w.-]+(?:\/[\w./-]+)?)@([0-9a-f]{40})\s+#\s+(v\d+\.\d+\.\d+)\s*$/;

describe("third-party actions", () => {
  it("are used at all (the checks below are not vacuous)", () => {
    expect(usesLines.length).toBeGreaterThan(4);
  });

  it("are each pinned to a full commit SHA with the release it is in a `# vX.Y.Z` comment", () => {
    const unpinned = usesLines.filter((l) => !PINNED.test(l.text)).map((l) => `${l.file}:${l.line}: ${l.text.trim()}`);
    expect(unpinned).toEqual([]);
  });

  it("are pinned to the same commit and release everywhere", () => {
    const pins = new Map<string, Set<string>>();
    for (const l of usesLines) {
      const [, action, sha, version] = PINNED.exec(l.text) ?? [];
      pins.set(action, (pins.get(action) ?? new Set()).add(`${sha} ${version}`));
    }
    const inconsistent = [...pins].filter(([, set]) => set.size > 1).map(([action, set]) => `${action}: ${[...set]}`);
    expect(inconsistent).toEqual([]);
  });

  it("include no local or Docker actions that would escape the pin check", () => {
    expect(usesLines.filter((l) => /uses:\s+(\.\/|docker:\/\/)/.test(l.text))).toEqual([]);
  });

  it("check out without leaving the GitHub token in .git/config", () => {
    for (const { file, id, job } of allJobs()) {
      for (const s of job.steps.filter(usesAction("actions/checkout"))) {
        expect({ file, id, persist: s.with?.["persist-credentials"] }).toEqual({ file, id, persist: false });
      }
    }
  });
});

describe(".pulumi-version", () => {
  const version = read(".pulumi-version").trim();

  it("pins one exact CLI version", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("is not older than the @pulumi/pulumi SDK the program runs with", () => {
    const sdk = (JSON.parse(read("node_modules/@pulumi/pulumi/package.json")) as { version: string }).version;
    const [a, b] = [version, sdk].map((v) => v.split(".").map(Number));
    const cmp = a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    expect({ cli: version, sdk, older: cmp < 0 }).toEqual({ cli: version, sdk, older: false });
  });

  it("is what every pulumi/actions step installs", () => {
    const steps = allJobs().flatMap(({ job }) => job.steps.filter(usesAction("pulumi/actions")));
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) {
      expect(s.with?.["pulumi-version-file"]).toBe(".pulumi-version");
      expect(s.with).not.toHaveProperty("pulumi-version"); // the action refuses both
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Stack secrets: checked first
// ---------------------------------------------------------------------------------------------

const SECRETS_CHECK = "node .github/scripts/check-stack-secrets.cjs";

describe("the stack-secrets check", () => {
  const checkedOut = allJobs().filter(({ job }) => job.steps.some(usesAction("actions/checkout")));

  it("is the first step of every job after the checkout, on the runner's Node before any install", () => {
    expect(checkedOut.length).toBeGreaterThan(2);
    for (const { file, id, job } of checkedOut) {
      const firstTwo = job.steps
        .slice(0, 2)
        .map((s) => s.uses?.split("@")[0] ?? s.run?.trim().split(/\s+/).slice(0, 2).join(" "));
      expect({ file, id, firstTwo }).toEqual({
        file,
        id,
        firstTwo: ["actions/checkout", SECRETS_CHECK.split(" ").slice(0, 2).join(" ")],
      });
    }
  });

  it("checks the stack a matrix job runs on, or every stack in the other jobs", () => {
    for (const { file, id, job } of checkedOut) {
      const { run, env } = job.steps[1];
      const expected = job.strategy?.matrix
        ? { run: `${SECRETS_CHECK} --stack "$STACK"`, stack: "${{ matrix.stack }}" }
        : { run: SECRETS_CHECK, stack: undefined };
      expect({ file, id, run: String(run).trim(), stack: env?.STACK }).toEqual({ file, id, ...expected });
    }
  });

  it("is given the backend settings it checks", () => {
    for (const { file, id, job } of checkedOut) {
      const { STACK: _stack, ...env } = job.steps[1].env ?? {};
      expect({ file, id, env }).toEqual({
        file,
        id,
        env: {
          PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
          PULUMI_ORG: "${{ vars.PULUMI_ORG }}",
          PULUMI_SECRETS_PROVIDER: "${{ vars.PULUMI_SECRETS_PROVIDER }}",
          HAS_PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}",
          HAS_PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE != '' }}",
        },
      });
    }
  });

  it("is followed by pulumi steps that get the passphrase, for passphrase-encrypted stacks", () => {
    for (const { file, id, job } of allJobs()) {
      for (const s of job.steps.filter(usesAction("pulumi/actions"))) {
        expect({ file, id, env: s.env }).toMatchObject({
          file,
          id,
          env: { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" },
        });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Credentials and approvals
// ---------------------------------------------------------------------------------------------

describe("credentials", () => {
  it.each(workflowFiles)("%s grants nothing at workflow level; jobs ask for what they need", (file) => {
    expect(workflows[file].permissions).toEqual({});
  });

  it("every job that assumes an AWS role may get an OIDC token", () => {
    for (const { file, id, job } of allJobs().filter(({ job }) => assumesAwsRole(job))) {
      expect({ file, id, idToken: permissionsOf(workflows[file], job)["id-token"] }).toEqual({
        file,
        id,
        idToken: "write",
      });
    }
  });

  it("no job that assumes no AWS role gets an OIDC token", () => {
    for (const { file, id, job } of allJobs().filter(({ job }) => !assumesAwsRole(job))) {
      expect({ file, id, idToken: permissionsOf(workflows[file], job)["id-token"] }).toEqual({
        file,
        id,
        idToken: undefined,
      });
    }
  });

  it("no job may write the repository's contents", () => {
    for (const { file, id, job } of allJobs()) {
      expect({ file, id, contents: permissionsOf(workflows[file], job).contents }).not.toEqual({
        file,
        id,
        contents: "write",
      });
    }
  });

  it.each(workflowFiles)("%s stores no AWS keys: credentials come from OIDC only", (file) => {
    expect(sources[file]).not.toMatch(
      /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i,
    );
  });

  it("every role is assumed for one account only, in the stack's region", () => {
    for (const { file, id, job } of allJobs()) {
      for (const s of job.steps.filter(usesAction("aws-actions/configure-aws-credentials"))) {
        expect({ file, id, with: s.with }).toMatchObject({
          file,
          id,
          with: {
            "allowed-account-ids": "${{ matrix.account }}",
            "aws-region": "${{ matrix.region }}",
            "role-session-name": expect.stringContaining("${{ matrix.stack }}"),
          },
        });
      }
    }
  });
});

/** Jobs whose matrix is the `stacks` job's output `output`. */
const jobsOnMatrix = (workflow: Workflow, output: string) =>
  Object.entries(workflow.jobs).filter(
    ([, job]) => job.strategy?.matrix === `\${{ fromJSON(needs.stacks.outputs.${output}) }}`,
  );
const roleOf = (job: Job) =>
  job.steps.find(usesAction("aws-actions/configure-aws-credentials"))?.with?.["role-to-assume"];
const pulumiStep = (job: Job) => job.steps.find(usesAction("pulumi/actions"));

describe("previews are read-only end to end", () => {
  const matrices = buildMatrices({ root, env: { PULUMI_ORG: "acme" } });

  it("every job of preview.yml that assumes a role takes the preview role of the preview matrix", () => {
    const previewJobs = jobsOnMatrix(preview, "preview");
    expect(previewJobs.map(([id]) => id)).toEqual(["preview"]);
    for (const { id, job } of allJobs().filter(({ file }) => file === "preview.yml")) {
      if (assumesAwsRole(job)) {
        expect({ id, role: roleOf(job) }).toEqual({ id, role: "${{ matrix.previewRole }}" });
        expect(previewJobs.map(([jobId]) => jobId)).toContain(id);
      }
    }
  });

  it("preview.yml never refers to a deploy role or a deploy matrix", () => {
    expect(sources["preview.yml"]).not.toMatch(/deployRole|outputs\.(deploy|production)\b|DEPLOY_ROLE/);
  });

  it("the preview matrix holds no deploy or certificate-validation role", () => {
    const text = JSON.stringify(matrices.preview);
    expect(matrices.preview.length).toBeGreaterThan(0);
    expect(text).not.toContain(ci.roles.deploy);
    expect(text).not.toContain(ci.roles.dnsValidation);
    for (const entry of matrices.preview) {
      expect(entry.previewRole).toBe(`arn:aws:iam::${entry.account}:role/${ci.roles.preview}`);
    }
  });

  it("previews point the program's DNS provider at the DNS account's read-only role", () => {
    const [, job] = jobsOnMatrix(preview, "preview")[0];
    expect(pulumiStep(job)?.with?.["config-map"]).toBe("${{ matrix.configMap }}");
    for (const entry of matrices.preview) {
      const stack = readStack(entry.stack, { root, ci });
      if (stack.dnsRoleArn === undefined) {
        expect(entry.configMap).toBe("");
        continue;
      }
      expect(JSON.parse(entry.configMap)).toEqual({
        [`${ci.project}:dnsRoleArn`]: {
          value: `arn:aws:iam::${stack.dnsAccount}:role/${ci.roles.dnsPreview}`,
          secret: false,
        },
      });
    }
    // Not vacuous: at least one committed stack validates its certificate in the DNS account.
    expect(matrices.preview.some((e) => e.configMap !== "")).toBe(true);
  });

  it("stack files chain no role that previews would assume too", () => {
    for (const stack of stackFiles) {
      const { config } = readStack(stack, { root, ci });
      for (const key of ["aws:assumeRoles", "aws:assumeRole", "aws:profile"]) {
        expect({ stack, [key]: config[key] }).toEqual({ stack, [key]: undefined });
      }
    }
  });

  it("previews never run pulumi up, refresh or destroy", () => {
    for (const job of Object.values(preview.jobs)) {
      for (const s of job.steps.filter(usesAction("pulumi/actions"))) {
        expect(s.with?.command).toBe("preview");
        // A refresh would use the providers recorded in the state: the deploy roles.
        expect(s.with?.refresh ?? false).toBe(false);
      }
    }
  });
});

describe("deploys", () => {
  const upJobs = Object.entries(deploy.jobs).filter(([, job]) => pulumiStep(job)?.with?.command === "up");
  const [[productionId, production]] = jobsOnMatrix(deploy, "production");
  const [[deployId, nonProduction]] = jobsOnMatrix(deploy, "deploy");

  it("are the jobs on the deploy and production matrices, and only those", () => {
    expect(upJobs.map(([id]) => id).sort()).toEqual([deployId, productionId].sort());
    for (const [id, job] of upJobs) {
      expect({ id, role: roleOf(job) }).toEqual({ id, role: "${{ matrix.deployRole }}" });
    }
  });

  it("of production-like stacks run in the approval environment, after every other stack", () => {
    expect(envName(production)).toBe(ci.productionEnvironment);
    expect(envName(nonProduction)).toBeUndefined();
    expect([production.needs].flat()).toEqual(expect.arrayContaining(["stacks", "test", deployId]));
    expect(production.if).toMatch(/needs\.test\.result == 'success'/);
    expect(production.if).toMatch(
      new RegExp(`needs\\.${deployId}\\.result == 'success' \\|\\| needs\\.${deployId}\\.result == 'skipped'`),
    );
    expect(production.if).toMatch(/!cancelled\(\)/);
    expect(production.if).not.toMatch(/always\(\)/);
  });

  it("run only after the tests passed", () => {
    for (const [id, job] of upJobs) {
      expect({ id, needs: [job.needs].flat() }).toEqual({ id, needs: expect.arrayContaining(["stacks", "test"]) });
    }
  });

  it("never run two updates of a stack at once, never cancel one, and a failure cancels no other", () => {
    for (const [id, job] of upJobs) {
      expect({ id, concurrency: job.concurrency, failFast: job.strategy?.["fail-fast"] }).toEqual({
        id,
        concurrency: { group: "pulumi-up-${{ matrix.stack }}", "cancel-in-progress": false },
        failFast: false,
      });
    }
  });

  it("restore no dependency cache while holding deploy credentials", () => {
    for (const [id, job] of upJobs) {
      const setup = job.steps.find(usesAction("actions/setup-node"));
      expect({ id, cache: setup?.with?.cache, auto: setup?.with?.["package-manager-cache"] }).toEqual({
        id,
        cache: undefined,
        auto: false,
      });
    }
  });

  it("run on pushes to main only", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });
});

// ---------------------------------------------------------------------------------------------
// Stacks: generated from the stack files
// ---------------------------------------------------------------------------------------------

describe("stacks", () => {
  const matrices = buildMatrices({ root, env: { PULUMI_ORG: "acme" } });

  it("there is more than one stack file (the checks below are not vacuous)", () => {
    expect(stackFiles.length).toBeGreaterThan(1);
  });

  it("the committed stack files are all deployable by CI", () => {
    expect(matrices.problems).toEqual([]);
  });

  it("every Pulumi.<stack>.yaml is previewed, and deployed exactly once", () => {
    expect(matrices.preview.map((e) => e.stack)).toEqual(stackFiles);
    const deployed = [...matrices.deploy, ...matrices.production].map((e) => e.stack).sort();
    expect(deployed).toEqual(stackFiles);
  });

  it("production-like stacks are exactly those listed in .github/ci.json", () => {
    expect(matrices.production.map((e) => e.stack)).toEqual([...ci.productionStacks].sort());
    expect(ci.productionStacks.length).toBeGreaterThan(0);
  });

  it.each(workflowFiles)("%s names no stack: the matrices come from the stacks job", (file) => {
    for (const stack of stackFiles) {
      expect({ stack, named: new RegExp(`\\b${stack}\\b`).test(sources[file]) }).toEqual({ stack, named: false });
    }
  });

  it.each(workflowFiles)("%s passes every matrix the stacks job computes through its outputs", (file) => {
    const wf = workflows[file];
    const outputs = (wf.jobs.stacks as Job & { outputs?: Record<string, string> }).outputs ?? {};
    const used = [...sources[file].matchAll(/needs\.stacks\.outputs\.([\w-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) {
      expect({ name, output: outputs[name] }).toEqual({ name, output: `\${{ steps.matrix.outputs.${name} }}` });
    }
    const matrixStep = wf.jobs.stacks.steps.find((s) => s.id === "matrix");
    expect(matrixStep?.run).toBe("node .github/scripts/ci-matrix.cjs");
  });

  it("pass every stack to pulumi under the backend's stack name, from the matrix", () => {
    for (const { file, id, job } of allJobs()) {
      const step = pulumiStep(job);
      if (step)
        expect({ file, id, stack: step.with?.["stack-name"] }).toEqual({ file, id, stack: "${{ matrix.stackName }}" });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Deploys prove themselves; scripts take no expressions
// ---------------------------------------------------------------------------------------------

describe("the smoke test", () => {
  const upJobs = Object.entries(deploy.jobs).filter(([, job]) => pulumiStep(job)?.with?.command === "up");
  const program = read("index.ts");

  it("is the last step of every deploy job, right after pulumi up", () => {
    expect(upJobs.length).toBeGreaterThan(1);
    for (const [id, job] of upJobs) {
      const upIndex = job.steps.findIndex((s) => s.id === "up" && usesAction("pulumi/actions")(s));
      const smoke = job.steps[upIndex + 1];
      expect({ id, upIndex, last: upIndex + 2 === job.steps.length }).toEqual({
        id,
        upIndex: expect.any(Number),
        last: true,
      });
      expect({ id, run: smoke?.run?.trim() }).toEqual({
        id,
        run: 'node .github/scripts/smoke-test.cjs --function "$FUNCTION_NAME" --region "$REGION" --stack "$STACK_NAME" --host "$HOST"',
      });
      expect({ id, env: smoke?.env }).toEqual({
        id,
        env: {
          FUNCTION_NAME: "${{ steps.up.outputs.functionName }}",
          HOST: "${{ steps.up.outputs.hostname }}",
          REGION: "${{ matrix.region }}",
          STACK_NAME: "${{ matrix.stackName }}",
          PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
          PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        },
      });
    }
  });

  it("reads stack outputs that index.ts exports", () => {
    const read = new Set(
      upJobs.flatMap(([, job]) =>
        job.steps.flatMap((s) => [...JSON.stringify(s).matchAll(/steps\.up\.outputs\.(\w+)/g)].map((m) => m[1])),
      ),
    );
    expect([...read].sort()).toEqual(["functionName", "hostname"]);
    for (const name of read) expect(program).toMatch(new RegExp(`^export const ${name}\\b`, "m"));
  });
});

describe("run steps", () => {
  it.each(workflowFiles)("%s: no ${{ }} expression is pasted into a shell script (values come through env)", (file) => {
    for (const { id, job } of allJobs().filter((j) => j.file === file)) {
      for (const s of job.steps.filter((x) => x.run !== undefined)) {
        expect({ id, step: s.name, expressions: expressionsIn(String(s.run)) }).toEqual({
          id,
          step: s.name,
          expressions: [],
        });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Backends: Pulumi Cloud or self-managed, chosen by PULUMI_BACKEND_URL
// ---------------------------------------------------------------------------------------------

describe("the Pulumi backend", () => {
  const pulumiSteps = allJobs().flatMap(({ file, id, job }) =>
    job.steps.filter(usesAction("pulumi/actions")).map((s) => ({ file, id, job, s })),
  );

  it("is logged in to from PULUMI_BACKEND_URL when set, else Pulumi Cloud with PULUMI_ACCESS_TOKEN", () => {
    expect(pulumiSteps.length).toBeGreaterThan(2);
    for (const { file, id, s } of pulumiSteps) {
      expect({ file, id, cloudUrl: s.with?.["cloud-url"], env: s.env }).toEqual({
        file,
        id,
        // An empty cloud-url makes pulumi/actions run `pulumi login` (Pulumi Cloud).
        cloudUrl: "${{ vars.PULUMI_BACKEND_URL }}",
        env: {
          PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
          PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        },
      });
    }
  });

  it("is reached after the AWS credentials: an S3 backend and a KMS secrets provider need them", () => {
    for (const { file, id, job } of pulumiSteps) {
      const aws = job.steps.findIndex(usesAction("aws-actions/configure-aws-credentials"));
      const pulumi = job.steps.findIndex(usesAction("pulumi/actions"));
      expect({ file, id, before: aws >= 0 && aws < pulumi }).toEqual({ file, id, before: true });
    }
  });

  it.each(workflowFiles)("%s computes stack names from the same settings", (file) => {
    const step = workflows[file].jobs.stacks.steps.find((s) => s.id === "matrix");
    expect(step?.env).toEqual({
      PULUMI_BACKEND_URL: "${{ vars.PULUMI_BACKEND_URL }}",
      PULUMI_ORG: "${{ vars.PULUMI_ORG }}",
    });
  });

  it("names stacks as the docs say, for both backends", () => {
    const docs = read("docs/ci-and-bootstrap.md");
    const cloud = buildMatrices({ root, env: { PULUMI_ORG: "ORG" } }).preview.map((e) => e.stackName);
    const s3 = buildMatrices({ root, env: { PULUMI_BACKEND_URL: "s3://b", PULUMI_ORG: "ORG" } }).preview.map(
      (e) => e.stackName,
    );
    expect(cloud).toEqual(stackFiles.map((st) => `ORG/${st}`));
    expect(s3).toEqual(stackFiles);
    // Table cells compared without the padding the formatter aligns them with.
    const rows = docs.split("\n").map((line) => line.replace(/ *\| */g, "|").trim());
    expect(rows).toContainEqual(
      expect.stringContaining("|Pulumi Cloud|`PULUMI_BACKEND_URL` unset|`<PULUMI_ORG>/<stack>`"),
    );
    expect(rows).toContainEqual(expect.stringContaining("|self-managed (S3)|`PULUMI_BACKEND_URL` set|`<stack>`"));
  });
});

describe("docs/ci-and-bootstrap.md", () => {
  const docs = read("docs/ci-and-bootstrap.md");
  const allText = workflowFiles.map((f) => sources[f]).join("\n");

  it("documents every repository variable and secret the workflows read", () => {
    const settings = new Set(
      expressionsIn(allText).flatMap((e) => [...e.matchAll(/\b(?:vars|secrets)\.(\w+)/g)].map((m) => m[1])),
    );
    expect(settings.size).toBeGreaterThan(3);
    for (const name of settings) {
      expect({ name, documented: docs.includes(`\`${name}\``) }).toEqual({ name, documented: true });
    }
  });

  it("documents the approval environment and every role name CI assumes", () => {
    expect(docs).toContain(`\`${ci.productionEnvironment}\``);
    for (const role of Object.values(ci.roles)) expect(docs).toContain(`\`${role}\``);
  });
});

// ---------------------------------------------------------------------------------------------
// Node
// ---------------------------------------------------------------------------------------------

describe("Node", () => {
  const nvmrc = read(".nvmrc").trim();

  it("every setup-node step reads .nvmrc", () => {
    for (const { job } of allJobs()) {
      for (const s of job.steps.filter(usesAction("actions/setup-node"))) {
        expect(s.with?.["node-version-file"]).toBe(".nvmrc");
        expect(s.with).not.toHaveProperty("node-version");
      }
    }
  });

  it(".nvmrc satisfies package.json engines", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    const [, major] = /^>=\s*(\d+)/.exec(engines) ?? [];
    expect(major).toBeDefined();
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(Number(major));
  });
});
