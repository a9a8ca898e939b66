/**
 * Runs bootstrap/index.ts under Pulumi mocks with a committed bootstrap/Pulumi.<stack>.yaml, as
 * `pulumi up` would minus the engine, and checks what it creates against the plan derived from the
 * repository's files. Pulumi's runtime state is per test file: one file per bootstrap stack.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { loadCiConfig } from "../../.github/scripts/lib/stacks.cjs";
import { planBootstrap, type BootstrapPlan } from "../../bootstrap/plan";
import {
  deployPolicy,
  deployTrustPolicy,
  dnsPreviewPolicy,
  dnsValidationPolicy,
  githubTrustPolicy,
  previewPolicy,
  crossAccountTrustPolicy,
} from "../../bootstrap/policies";
import { formatViolations, runPoliciesOnResources } from "../../policy/testing";

const root = path.resolve(__dirname, "../..");
const PROJECT = "hipchat-proxy-bootstrap";

interface Created {
  type: string;
  name: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
}

function unwrap<T>(output: pulumi.Output<T> | undefined): Promise<T | undefined> {
  return output === undefined ? Promise.resolve(undefined) : new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function describeBootstrapStack(stack: string): void {
  const config = (
    parse(readFileSync(path.join(root, `bootstrap/Pulumi.${stack}.yaml`), "utf8")) as {
      config: Record<string, unknown>;
    }
  ).config;
  const account = String((config["aws:allowedAccountIds"] as unknown[])[0]);
  const get = <T>(key: string) => config[`${PROJECT}:${key}`] as T | undefined;
  const ci = loadCiConfig(root);
  const plan: BootstrapPlan = planBootstrap(
    {
      account,
      appStack: get<string>("appStack"),
      githubRepository: get<string>("githubRepository"),
      operatorPrincipalArns: get<string[]>("operatorPrincipalArns"),
    },
    root,
  );

  describe(`bootstrap stack ${stack} (account ${account})`, () => {
    const created: Created[] = [];
    let exports: Record<string, string | undefined>;
    const roles = () => created.filter((r) => r.type === "aws:iam/role:Role");
    const role = (name: string) => {
      const found = roles().find((r) => r.inputs.name === name);
      if (!found) throw new Error(`no role ${name}; there are ${roles().map((r) => r.inputs.name)}`);
      return found;
    };
    const inlinePolicyOf = (r: Created) =>
      created
        .filter((p) => p.type === "aws:iam/rolePolicy:RolePolicy" && p.inputs.role === r.state.id)
        .map((p) => JSON.parse(p.inputs.policy));

    beforeAll(async () => {
      pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
      );
      await pulumi.runtime.setMocks(
        {
          newResource(args) {
            const state: Record<string, any> = { ...args.inputs };
            if (args.type === "aws:iam/role:Role") {
              state.arn = `arn:aws:iam::${account}:role/${args.inputs.name}`;
              state.id = args.inputs.name;
            } else if (args.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider") {
              state.arn = `arn:aws:iam::${account}:oidc-provider/${String(args.inputs.url).replace("https://", "")}`;
            }
            const id = state.id ?? `${args.name}-id`;
            created.push({ type: args.type, name: args.name, inputs: args.inputs, state: { ...state, id } });
            return { id, state };
          },
          call: (args) => args.inputs,
        },
        PROJECT,
        stack,
        false,
      );
      const program = await import("../../bootstrap/index");
      exports = {
        oidcProviderArn: await unwrap(program.oidcProviderArn),
        deployRoleArn: await unwrap(program.deployRoleArn),
        previewRoleArn: await unwrap(program.previewRoleArn),
        dnsValidationRoleArn: await unwrap(program.dnsValidationRoleArn),
        dnsPreviewRoleArn: await unwrap(program.dnsPreviewRoleArn),
      };
      // Role policies register after their role resolves: wait until each role has had the time.
      for (
        let i = 0;
        i < 100 && created.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").length < roles().length;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    it("creates exactly the roles CI assumes in this account, with the names of .github/ci.json", () => {
      const expected = [
        ...(plan.workload ? [ci.roles.deploy, ci.roles.preview] : []),
        ...(plan.dns ? [ci.roles.dnsValidation, ci.roles.dnsPreview] : []),
      ];
      expect(
        roles()
          .map((r) => r.inputs.name)
          .sort(),
      ).toEqual(expected.sort());
      for (const r of roles())
        expect({ role: r.inputs.name, max: r.inputs.maxSessionDuration }).toEqual({ role: r.inputs.name, max: 3600 });
      expect(exports).toEqual({
        oidcProviderArn: plan.workload
          ? `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`
          : undefined,
        deployRoleArn: plan.workload ? `arn:aws:iam::${account}:role/${ci.roles.deploy}` : undefined,
        previewRoleArn: plan.workload ? `arn:aws:iam::${account}:role/${ci.roles.preview}` : undefined,
        dnsValidationRoleArn: plan.dns ? `arn:aws:iam::${account}:role/${ci.roles.dnsValidation}` : undefined,
        dnsPreviewRoleArn: plan.dns ? `arn:aws:iam::${account}:role/${ci.roles.dnsPreview}` : undefined,
      });
    });

    it("creates GitHub's OIDC provider only where CI logs in", () => {
      const providers = created.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      expect(providers.map((p) => ({ url: p.inputs.url, clients: p.inputs.clientIdLists }))).toEqual(
        plan.workload ? [{ url: "https://token.actions.githubusercontent.com", clients: ["sts.amazonaws.com"] }] : [],
      );
    });

    it("gives each role its trust and its one inline policy, and attaches no managed policy", () => {
      const oidc = exports.oidcProviderArn ?? "";
      const expectations: [string, object, object][] = [];
      if (plan.workload) {
        const w = plan.workload;
        expectations.push(
          [
            ci.roles.deploy,
            deployTrustPolicy({
              oidcProviderArn: oidc,
              subject: w.deploySubject,
              account,
              operatorPrincipalArns: w.operatorPrincipalArns,
            }),
            deployPolicy(w),
          ],
          [ci.roles.preview, githubTrustPolicy(oidc, w.previewSubject), previewPolicy(w)],
        );
      }
      if (plan.dns) {
        const d = plan.dns;
        expectations.push(
          [ci.roles.dnsValidation, crossAccountTrustPolicy(d.deployRoleArns), dnsValidationPolicy(d.zones)],
          [ci.roles.dnsPreview, crossAccountTrustPolicy(d.previewRoleArns), dnsPreviewPolicy(d.zones)],
        );
      }
      for (const [name, trust, policy] of expectations) {
        const r = role(name);
        expect({ name, trust: JSON.parse(r.inputs.assumeRolePolicy) }).toEqual({ name, trust });
        expect({ name, policies: inlinePolicyOf(r) }).toEqual({ name, policies: [policy] });
      }
      expect(
        created.filter((r) => /PolicyAttachment|managedPolicyArns/.test(r.type + JSON.stringify(r.inputs))),
      ).toEqual([]);
    });

    it("passes the guardrails policy pack", () => {
      const violations = runPoliciesOnResources(created.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
      expect(formatViolations(violations.filter((v) => v.enforcementLevel === "mandatory"))).toBe("");
    });
  });
}
