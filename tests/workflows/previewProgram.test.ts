/**
 * What a CI preview of the dev stack actually runs: index.ts under mocks in preview mode, with the
 * committed Pulumi.dev.yaml plus the config-map that .github/scripts/ci-matrix.cjs gives the preview
 * job. Every AWS provider in the graph must then reach read-only roles only: the default provider
 * assumes nothing (the job's OIDC credentials are the preview role), and the DNS-account provider
 * assumes the DNS account's preview role, not the certificate-validation role.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

import { buildMatrices } from "../../.github/scripts/ci-matrix.cjs";
import { loadCiConfig } from "../../.github/scripts/lib/stacks.cjs";
import { installPulumiMocks, type PulumiMockHarness, settled } from "../support/pulumiMocks";
import { configForTest, PROJECT, readStackFile, VPC_CIDRS } from "../support/pulumiStack";

const root = path.resolve(__dirname, "../..");
const ci = loadCiConfig(root);
const entry = buildMatrices({ root, env: { PULUMI_ORG: "acme" } }).preview.find((e) => e.stack === "dev");

let mocks: PulumiMockHarness;

beforeAll(async () => {
  if (!entry) throw new Error("no preview entry for dev");
  const file = readStackFile("dev");
  const { values, secretKeys } = configForTest("dev");
  // What pulumi/actions' config-map does before the preview: `pulumi config set` of each entry.
  for (const [key, { value }] of Object.entries(JSON.parse(entry.configMap) as Record<string, { value: string }>)) {
    values[key] = value;
  }
  pulumi.runtime.setAllConfig(values, secretKeys);
  mocks = await installPulumiMocks({
    project: PROJECT,
    stack: "dev",
    preview: true,
    region: file.region,
    accountId: file.accountId,
    vpcCidrs: VPC_CIDRS,
  });
  await import("../../index");
  await settled();
}, 120_000);

const assumed = (r: { inputs: Record<string, unknown> }): string[] => {
  const roles = r.inputs.assumeRoles;
  const list = typeof roles === "string" ? JSON.parse(roles) : (roles ?? []);
  return (list as { roleArn: string }[]).map((x) => x.roleArn);
};

it("the dev stack validates its certificate in the DNS account (the test is not vacuous)", () => {
  expect(entry?.configMap).not.toBe("");
  expect(mocks.find("pulumi:providers:aws", "dns-account")).toBeDefined();
});

it("the DNS-account provider assumes the DNS account's read-only preview role, and nothing else", () => {
  const provider = mocks.find("pulumi:providers:aws", "dns-account");
  expect(assumed(provider)).toEqual([`arn:aws:iam::333333333333:role/${ci.roles.dnsPreview}`]);
});

it("no provider in the previewed graph reaches a deploy or certificate-validation role", () => {
  const providers = mocks.resources.filter((r) => r.type === "pulumi:providers:aws");
  expect(providers.length).toBeGreaterThan(0);
  for (const p of providers) {
    for (const role of assumed(p)) {
      expect(role).not.toMatch(new RegExp(`role/(${ci.roles.deploy}|${ci.roles.dnsValidation})$`));
      expect(role).toMatch(new RegExp(`role/(${ci.roles.preview}|${ci.roles.dnsPreview})$`));
    }
  }
});
