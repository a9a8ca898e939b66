/**
 * The GitHub workflows, checked two ways:
 * - against GitHub's workflow schema with @action-validator/core (unknown keys, wrong types, bad
 *   permission values, `needs` naming a job that does not exist, YAML syntax);
 * - parsed with `yaml`, for the structure docs/guardrails-and-ci.md promises: triggers, the stack
 *   matrix, OIDC permissions, the preview step commenting on the PR with the policy pack, no AWS
 *   keys, prod behind the `production` environment, Node from .nvmrc.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

import { validateWorkflow, type ValidationError } from "@action-validator/core";
import { parse } from "yaml";

const root = path.resolve(__dirname, "../..");
const workflowDir = path.join(root, ".github/workflows");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

// ---------------------------------------------------------------------------------------------
// Minimal types for the parts of a workflow these tests read
// ---------------------------------------------------------------------------------------------

interface Step {
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
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
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
const workflows: Record<string, Workflow> = Object.fromEntries(
  workflowFiles.map((f) => [f, parse(readFileSync(path.join(workflowDir, f), "utf8")) as Workflow]),
);
const preview = workflows["preview.yml"];
const deploy = workflows["deploy.yml"];

/** Readable one-line summaries of validator errors, nested `oneOf` branches included. */
function describeErrors(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => {
    const here = `${e.code} ${"path" in e ? e.path : ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`;
    const nested = "states" in e && e.states ? e.states.flatMap((s) => describeErrors(s.errors)) : [];
    return [here, ...nested.map((n) => `  ${n}`)];
  });
}

/** The first step of `job` matching `predicate`, and its index; fails the test if there is none. */
function step(job: Job, predicate: (s: Step) => boolean, what: string): [Step, number] {
  const index = job.steps.findIndex(predicate);
  if (index < 0) {
    throw new Error(`no step ${what} in job "${job.name}"`);
  }
  return [job.steps[index], index];
}

const usesAction = (action: string) => (s: Step) => s.uses?.split("@")[0] === action;
const runs = (command: string, dir?: string) => (s: Step) =>
  s.run?.trim() !== undefined &&
  s.run.trim().split(/\s+/).slice(0, command.split(" ").length).join(" ") === command &&
  s["working-directory"] === dir;

/** The permissions a job runs with: its own, or the workflow's. */
const permissionsOf = (workflow: Workflow, job: Job) => job.permissions ?? workflow.permissions ?? {};

/** Every `${{ … }}` expression in a document's text. */
const expressionsIn = (text: string) => [...text.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1].trim());

// ---------------------------------------------------------------------------------------------
// Schema validation
// ---------------------------------------------------------------------------------------------

describe("workflow files", () => {
  it("are exactly the ones the docs describe", () => {
    expect(workflowFiles).toEqual(["deploy.yml", "preview.yml"]);
  });

  it.each(workflowFiles)("%s matches GitHub's workflow schema", (file) => {
    // Act
    const result = validateWorkflow(readFileSync(path.join(workflowDir, file), "utf8"));

    // Assess
    expect(result.actionType).toBe("workflow");
    expect(describeErrors(result.errors)).toEqual([]);
  });

  it.each(workflowFiles)("%s uses only known contexts in balanced ${{ }} expressions", (file) => {
    const text = readFileSync(path.join(workflowDir, file), "utf8");
    expect(text.split("${{").length).toBe(text.split("}}").length);
    const contexts = new Set([
      "github",
      "matrix",
      "vars",
      "secrets",
      "env",
      "steps",
      "needs",
      "runner",
      "strategy",
      "job",
      "inputs",
    ]);
    for (const expression of expressionsIn(text)) {
      for (const [, name] of expression.matchAll(/(?<![\w.'-])([a-z_][\w-]*)\s*(?=[.[])/gi)) {
        expect({ expression, context: contexts.has(name) }).toEqual({ expression, context: true });
      }
    }
  });

  it.each(workflowFiles)("%s pins every action to a version", (file) => {
    for (const job of Object.values(workflows[file].jobs)) {
      for (const s of job.steps.filter((x) => x.uses)) {
        expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
      }
    }
  });
});

describe("the schema validator", () => {
  // If these stop failing, the validator no longer protects the files above.
  const previewSource = read(".github/workflows/preview.yml");

  it.each([
    ["a YAML syntax error", "on: [push\njobs: {}\n", "parse_error"],
    ["a job without runs-on", "on: push\njobs:\n  a:\n    steps:\n      - run: echo\n", "one_of"],
    [
      "an unknown event",
      "on: pull_requests\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
      "one_of",
    ],
    [
      "a step with both uses and run",
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n        run: echo\n",
      "one_of",
    ],
    [
      "needs naming a missing job",
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: b\n    steps:\n      - run: echo\n",
      "unresolved_job",
    ],
  ])("rejects %s", (_what, source, code) => {
    const { errors } = validateWorkflow(source);
    expect(errors.map((e) => e.code)).toContain(code);
  });

  it.each([
    ["runs-on misspelt", (s: string) => s.replace("runs-on:", "runs_on:")],
    ["an invalid permission level", (s: string) => s.replace("id-token: write", "id-token: admin")],
    ["a misspelt event", (s: string) => s.replace("pull_request:", "pull_requests:")],
    [
      "a non-boolean cancel-in-progress",
      (s: string) => s.replace("cancel-in-progress: true", "cancel-in-progress: maybe"),
    ],
    ["an unknown step key", (s: string) => s.replace("working-directory: policy", "workdir: policy")],
    ["broken indentation", (s: string) => s.replace("    steps:", "   steps:")],
  ])("rejects preview.yml with %s", (_what, mutate) => {
    // Prepare
    const broken = mutate(previewSource);
    expect(broken).not.toBe(previewSource); // the mutation applied

    // Act
    const { errors } = validateWorkflow(broken);

    // Assess
    expect(errors.length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// What every workflow promises
// ---------------------------------------------------------------------------------------------

describe.each(workflowFiles)("%s", (file) => {
  const workflow = workflows[file];
  const text = readFileSync(path.join(workflowDir, file), "utf8");

  it("stores no AWS keys: credentials come from OIDC only", () => {
    expect(text).not.toMatch(
      /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i,
    );
    const secretsUsed = new Set(
      expressionsIn(text).flatMap((e) => [...e.matchAll(/secrets\.(\w+)/g)].map((m) => m[1])),
    );
    expect([...secretsUsed]).toEqual(["PULUMI_ACCESS_TOKEN"]);
  });

  it("runs Node from .nvmrc with the npm cache", () => {
    for (const job of Object.values(workflow.jobs)) {
      const [setupNode] = step(job, usesAction("actions/setup-node"), "using actions/setup-node");
      expect(setupNode.with).toMatchObject({ "node-version-file": ".nvmrc", cache: "npm" });
      expect(setupNode.with).not.toHaveProperty("node-version");
    }
  });

  it("installs with npm ci before anything else runs", () => {
    for (const job of Object.values(workflow.jobs)) {
      const [, install] = step(job, runs("npm ci"), "running npm ci");
      const firstOtherRun = job.steps.findIndex((s) => s.run !== undefined && !runs("npm ci")(s));
      expect(firstOtherRun === -1 || firstOtherRun > install).toBe(true);
    }
  });

  it("assumes AWS roles through OIDC and only after the tests and the pack install", () => {
    expect(permissionsOf(workflow, Object.values(workflow.jobs)[0])).toMatchObject({
      "id-token": "write",
      contents: "read",
    });
    for (const job of Object.values(workflow.jobs).filter((j) => j.steps.some(usesAction("pulumi/actions")))) {
      const [aws, awsIndex] = step(
        job,
        usesAction("aws-actions/configure-aws-credentials"),
        "configuring AWS credentials",
      );
      const [, packIndex] = step(job, runs("npm ci", "policy"), "installing the policy pack");
      const [, pulumiIndex] = step(job, usesAction("pulumi/actions"), "running pulumi/actions");
      expect(permissionsOf(workflow, job)["id-token"]).toBe("write");
      expect(aws.with?.["role-to-assume"]).toMatch(/^\$\{\{ vars(\.AWS_\w+_ROLE_ARN_\w+|\[matrix\.\w+\]) \}\}$/);
      expect(aws.with).toHaveProperty("aws-region");
      expect(packIndex).toBeLessThan(awsIndex);
      expect(awsIndex).toBeLessThan(pulumiIndex);
    }
  });

  it("references only jobs that exist", () => {
    const names = Object.keys(workflow.jobs);
    for (const job of Object.values(workflow.jobs)) {
      for (const need of [job.needs ?? []].flat()) {
        expect(names).toContain(need);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// preview.yml
// ---------------------------------------------------------------------------------------------

describe("preview.yml", () => {
  const job = preview.jobs.preview;

  it("runs on pull requests to main, and on nothing else", () => {
    expect(Object.keys(preview.on)).toEqual(["pull_request"]);
    expect(preview.on.pull_request).toEqual({ branches: ["main"] });
  });

  it("has one job per stack, none cancelling another", () => {
    expect(Object.keys(preview.jobs)).toEqual(["preview"]);
    expect(job.strategy?.matrix?.stack).toEqual(["dev", "prod"]);
    expect(job.strategy?.["fail-fast"]).toBe(false);
    expect(job.concurrency).toMatchObject({ group: expect.stringContaining("${{ matrix.stack }}") });
  });

  it("may comment on the PR and get an OIDC token, and read the code only", () => {
    expect(permissionsOf(preview, job)).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });

  it("maps each stack to its own account's preview role", () => {
    const include = job.strategy?.matrix?.include as { stack: string; role_variable: string }[];
    expect(include).toEqual([
      { stack: "dev", role_variable: "AWS_PREVIEW_ROLE_ARN_DEV" },
      { stack: "prod", role_variable: "AWS_PREVIEW_ROLE_ARN_PROD" },
    ]);
    const [aws] = step(job, usesAction("aws-actions/configure-aws-credentials"), "configuring AWS credentials");
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars[matrix.role_variable] }}");
  });

  it("installs, tests, installs the pack, then previews, in that order", () => {
    const order = [
      step(job, usesAction("actions/checkout"), "checking out")[1],
      step(job, usesAction("actions/setup-node"), "setting up Node")[1],
      step(job, runs("npm ci"), "running npm ci")[1],
      step(job, runs("npm test"), "running npm test")[1],
      step(job, runs("npm ci", "policy"), "installing the policy pack")[1],
      step(job, usesAction("aws-actions/configure-aws-credentials"), "configuring AWS credentials")[1],
      step(job, usesAction("pulumi/actions"), "running pulumi/actions")[1],
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("runs pulumi preview on the matrix stack, with the policy pack, commenting on the PR", () => {
    const [pulumi] = step(job, usesAction("pulumi/actions"), "running pulumi/actions");
    expect(pulumi.uses).toBe("pulumi/actions@v7");
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}",
      "comment-on-pr": true,
      policyPacks: "policy",
    });
    expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
  });
});

// ---------------------------------------------------------------------------------------------
// deploy.yml
// ---------------------------------------------------------------------------------------------

describe("deploy.yml", () => {
  it("runs on pushes to main, and on nothing else", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });

  it("tests, then deploys dev, then prod", () => {
    expect(Object.keys(deploy.jobs)).toEqual(["test", "up-dev", "up-prod"]);
    expect(deploy.jobs["up-dev"].needs).toBe("test");
    expect(deploy.jobs["up-prod"].needs).toBe("up-dev");
    step(deploy.jobs.test, runs("npm test"), "running npm test");
  });

  it("puts prod, and only prod, behind the production environment", () => {
    expect(deploy.jobs["up-prod"].environment).toBe("production");
    expect(deploy.jobs["up-dev"].environment).toBeUndefined();
    expect(deploy.jobs.test.environment).toBeUndefined();
  });

  it("never runs two updates of a stack at once, and never cancels one", () => {
    expect(deploy.jobs["up-dev"].concurrency).toEqual({ group: "pulumi-up-dev", "cancel-in-progress": false });
    expect(deploy.jobs["up-prod"].concurrency).toEqual({ group: "pulumi-up-prod", "cancel-in-progress": false });
  });

  it.each([
    ["up-dev", "dev", "AWS_DEPLOY_ROLE_ARN_DEV"],
    ["up-prod", "prod", "AWS_DEPLOY_ROLE_ARN_PROD"],
  ])(
    "%s runs pulumi up on %s with its own account's deploy role and the policy pack",
    (jobName, stack, roleVariable) => {
      const job = deploy.jobs[jobName];
      const [aws] = step(job, usesAction("aws-actions/configure-aws-credentials"), "configuring AWS credentials");
      const [pulumi] = step(job, usesAction("pulumi/actions"), "running pulumi/actions");
      expect(aws.with?.["role-to-assume"]).toBe(`\${{ vars.${roleVariable} }}`);
      expect(pulumi.uses).toBe("pulumi/actions@v7");
      expect(pulumi.with).toMatchObject({
        command: "up",
        "stack-name": `\${{ vars.PULUMI_ORG }}/${stack}`,
        policyPacks: "policy",
      });
      expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    },
  );

  it("deploys prod with exactly the steps that deployed dev", () => {
    // Prepare: the prod job, with its stack name written as dev's
    const asDev = JSON.stringify(deploy.jobs["up-prod"].steps).replace(/prod/g, "dev").replace(/PROD/g, "DEV");

    // Assess
    expect(JSON.parse(asDev)).toEqual(deploy.jobs["up-dev"].steps);
  });
});

// ---------------------------------------------------------------------------------------------
// Node version, and what the docs say
// ---------------------------------------------------------------------------------------------

describe(".nvmrc", () => {
  const nvmrc = read(".nvmrc").trim();

  it("pins Node 22, the major version of the Lambda runtime nodejs22.x", () => {
    expect(nvmrc).toBe("22");
  });

  it("satisfies package.json engines", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    const [, major, minor] = /^>=(\d+)\.(\d+)/.exec(engines) ?? [];
    expect(Number(nvmrc)).toBeGreaterThanOrEqual(Number(major));
    expect(`${major}.${minor}`).toBe("20.19"); // docs/guardrails-and-ci.md: local development works on Node >= 20.19
  });
});

describe("docs/guardrails-and-ci.md", () => {
  const docs = read("docs/guardrails-and-ci.md");
  const allText = workflowFiles.map((f) => readFileSync(path.join(workflowDir, f), "utf8")).join("\n");

  it("documents every repository variable and secret the workflows read", () => {
    const settings = new Set(
      [...allText.matchAll(/\b(?:vars|secrets)\.(\w+)/g), ...allText.matchAll(/role_variable: (\w+)/g)].map(
        (m) => m[1],
      ),
    );
    expect(settings.size).toBeGreaterThan(0);
    for (const name of settings) {
      expect({ name, documented: docs.includes(`\`${name}\``) }).toEqual({ name, documented: true });
    }
  });

  it("documents the production environment and the policy-pack command", () => {
    expect(docs).toContain("`production`");
    expect(docs).toContain("pulumi preview --policy-pack policy");
  });
});
