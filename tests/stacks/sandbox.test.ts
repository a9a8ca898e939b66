/**
 * An account without a VPC: index.ts with the example stack docs/examples/Pulumi.sandbox.yaml (no
 * vpcId, no subnetIds) creates one with awsx.ec2.Vpc. Under mocks that remote component is one
 * opaque resource: its inputs are what is checked, and its outputs (vpcId, privateSubnetIds) come
 * from the mocks, which then answer the VPC and subnet lookups for it like for an existing VPC.
 */
import { plain, type RecordedResource, TYPES as T, unwrap } from "../support/pulumiMocks";
import { runStack, SANDBOX_STACK_FILE, type StackRun } from "../support/pulumiStack";
import { formatViolations, runPoliciesOnResources } from "../../policy/testing";
import { STACK_CONFIG_KEYS } from "../../config";

let run: StackRun;
let vpc: RecordedResource;

beforeAll(async () => {
  run = await runStack("sandbox", { file: SANDBOX_STACK_FILE });
  vpc = run.mocks.find(T.awsxVpc, "hipchat-proxy-vpc");
}, 60_000);

it("is an example outside the root, so CI's stack matrix does not pick it up, with only known keys", () => {
  expect(SANDBOX_STACK_FILE).toMatch(/docs\/examples\/Pulumi\.sandbox\.yaml$/);
  expect(Object.keys(run.file.project).filter((k) => !STACK_CONFIG_KEYS.includes(k))).toEqual([]);
  expect(run.file.project.vpcId).toBeUndefined();
  expect(run.file.project.subnetIds).toBeUndefined();
});

it("creates one VPC: private subnets in two zones, DNS support and hostnames on, no NAT gateway", () => {
  expect(run.mocks.ofType(T.awsxVpc)).toHaveLength(1);
  expect(vpc.custom).toBe(false); // a (remote) component
  expect(plain(vpc.inputs)).toEqual({
    cidrBlock: run.file.project.vpcCidrBlock,
    numberOfAvailabilityZones: 2,
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Private", name: "private" }],
    natGateways: { strategy: "None" },
    enableDnsSupport: true,
    enableDnsHostnames: true,
  });
});

it("puts the service in that VPC and its private subnets, and exports the VPC", async () => {
  const vpcId = await unwrap(run.program.vpcId);
  expect(vpcId).toMatch(/^vpc-/);
  expect(plain(run.mocks.find(T.sg, "hipchat-proxy-sg").inputs).vpcId).toBe(vpcId);
  const subnets = plain(run.mocks.find(T.alb, "hipchat-proxy-alb").inputs).subnets as string[];
  expect(subnets).toHaveLength(2);
  // The subnets the mocks created for the VPC's private spec, in two zones (checked like any VPC's).
  expect(
    run.mocks.calls
      .filter((c) => c.token === "aws:ec2/getSubnet:getSubnet")
      .map((c) => c.inputs.id)
      .sort(),
  ).toEqual([...subnets].sort());
  expect(plain(run.mocks.find(T.zone, "hipchat-proxy-zone").inputs).vpcs).toEqual([{ vpcId }]);
});

it("lets the new VPC's own block reach the ALB over HTTP, and nothing else", () => {
  const rules = run.mocks.ofType(T.ingress).map((r) => plain(r.inputs));
  expect(rules.map((r) => `${r.fromPort} ${r.cidrIpv4}`)).toEqual([`80 ${run.file.project.vpcCidrBlock}`]);
  expect(run.mocks.ofType(T.cert)).toEqual([]);
});

it("caps concurrency as configured", () => {
  expect(run.mocks.find(T.fn, "hipchat-proxy-fn").inputs.reservedConcurrentExecutions).toBe(5);
});

it("passes the policy pack with no mandatory violation", () => {
  const provider = {
    type: "pulumi:providers:aws",
    name: "default",
    urn: "urn:pulumi:sandbox::hipchat-proxy::pulumi:providers:aws::default",
    props: { defaultTags: run.file.config["aws:defaultTags"] },
  };
  const violations = runPoliciesOnResources(
    run.mocks.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs, provider })),
  );
  expect(formatViolations(violations.filter((v) => v.enforcementLevel === "mandatory"))).toBe("");
});
