/**
 * Property test of the whole component under mocks: any random valid configuration (arbitraries.ts)
 * builds a graph that the policy pack passes, AWS's input limits included, with the provider's
 * default tags counted as the stacks set them. Each constraint's violating side is covered where the
 * constraint lives: validation.test.ts (the component refuses) and policy/limits.test.ts (the pack
 * reports).
 */
import * as path from "node:path";
import fc from "fast-check";

import type * as Components from "../../components";
import { formatViolations, runPoliciesOnResources } from "../../policy/testing";
import { installPulumiMocks, type PulumiMockHarness, settled, subnetsIn, unwrap } from "../support/pulumiMocks";
import { PROPERTY_PUBLIC_ZONE, PROPERTY_SUBNETS, PROPERTY_VPC, PROPERTY_VPC_CIDR, validConfig } from "./arbitraries";

const REGION = "eu-west-1";
/** The default tags the committed stacks set (aws:defaultTags): they count towards every limit. */
const PROVIDER = {
  type: "pulumi:providers:aws",
  name: "default",
  urn: "urn:pulumi:test::test::pulumi:providers:aws::default",
  props: { defaultTags: { tags: { Project: "hipchat-proxy", Stack: "dev" } } },
};

let mocks: PulumiMockHarness;
let components: typeof Components;

beforeAll(async () => {
  mocks = await installPulumiMocks({
    region: REGION,
    accountId: "123456789012",
    vpcCidrs: { [PROPERTY_VPC]: PROPERTY_VPC_CIDR },
    subnets: subnetsIn(PROPERTY_VPC, PROPERTY_SUBNETS, REGION),
    zones: { [PROPERTY_PUBLIC_ZONE.id]: { name: PROPERTY_PUBLIC_ZONE.name, privateZone: false } },
  });
  components = await import("../../components");
});

afterAll(settled);

it("builds, for any valid configuration, a graph with no mandatory policy violation", async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(validConfig, async ({ name, args }) => {
      // Names must be unique in the stack: keep the generated one's length, make it unique.
      run += 1;
      const unique = `${name.slice(0, 16)}-${run.toString(36)}`;
      const svc = new components.PrivateLambdaService(unique, {
        ...args,
        entry: path.join(__dirname, "fixtures", "greeter.ts"),
        vpcId: PROPERTY_VPC,
        subnetIds: PROPERTY_SUBNETS,
      });
      await unwrap(svc.functionArn);
      await settled();
      const own = mocks.resources.filter((r) => r.name === unique || r.name.startsWith(`${unique}-`));
      const violations = runPoliciesOnResources(
        own.map((r) => ({ type: r.type, name: r.name, props: r.inputs, provider: PROVIDER })),
      );
      expect(formatViolations(violations.filter((v) => v.enforcementLevel === "mandatory"))).toBe("");
      expect(own.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")).toHaveLength(1);
    }),
    { numRuns: 15 },
  );
}, 180_000);
