/**
 * Test support for the status service: runs its program (index.ts) under Pulumi mocks with the
 * configuration of its example stack file, as `pulumi preview`/`up` would minus the engine.
 *
 * Pulumi keeps its runtime state on jest's per-file global: call {@link runExampleStack} once per
 * test file.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

import {
  installPulumiMocks,
  type PulumiMockHarness,
  settled,
  subnetsIn,
  unwrap,
} from "../../tests/support/pulumiMocks";
import { parseStackFile, type StackFile } from "../../tests/support/pulumiStack";
import { PROJECT } from "./service";

export const EXAMPLE_DIR = __dirname;

/** The primary block of the example stack's VPC, as the mocks answer `getVpc`. */
export const EXAMPLE_VPC_CIDR = "10.20.0.0/16";

/** The example stack file, parsed (`project` holds the `status-service:` keys). */
export type ExampleStackFile = StackFile;

/** Parses Pulumi.example.yaml. */
export function readExampleStackFile(): ExampleStackFile {
  return parseStackFile(path.join(EXAMPLE_DIR, "Pulumi.example.yaml"), PROJECT);
}

/** The program's exports. */
export type StatusProgram = typeof import("./index");

export interface ExampleRun {
  file: ExampleStackFile;
  mocks: PulumiMockHarness;
  program: StatusProgram;
}

/**
 * Configures Pulumi as the CLI would for the example stack (every value a string, lists as JSON),
 * installs the mocks, then imports index.ts and waits until every registration has finished and
 * the function's closure is serialized.
 */
export async function runExampleStack(): Promise<ExampleRun> {
  const file = readExampleStackFile();
  const values = Object.fromEntries(
    Object.entries(file.config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  pulumi.runtime.setAllConfig(values, []);
  const vpcId = String(file.project.vpcId);
  const mocks = await installPulumiMocks({
    project: PROJECT,
    stack: "example",
    region: file.region,
    accountId: file.accountId,
    // The development account's VPC, which the proxy's dev stack uses too.
    vpcCidrs: { [vpcId]: EXAMPLE_VPC_CIDR },
    subnets: subnetsIn(vpcId, file.project.subnetIds as string[], file.region),
  });
  const program: StatusProgram = await import("./index");
  // The function registers only once its closure is serialized (pulumi#11113); a closure that
  // cannot be serialized fails here, with the serializer's explanation.
  await unwrap(program.functionArn);
  await settled();
  return { file, mocks, program };
}
