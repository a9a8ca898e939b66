/**
 * Test support for the status service: runs its program (index.ts) under Pulumi mocks with the
 * configuration of its example stack file, as `pulumi preview`/`up` would minus the engine.
 *
 * Pulumi keeps its runtime state on jest's per-file global: call {@link runExampleStack} once per
 * test file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ALBEvent } from "aws-lambda";
import { parse } from "yaml";

import { installPulumiMocks, PulumiMockHarness, settled, unwrap } from "../../tests/support/pulumiMocks";
import { PROJECT } from "./service";

export const EXAMPLE_DIR = __dirname;

/** The example stack file, parsed. */
export interface ExampleStackFile {
  /** The `config:` map exactly as committed. */
  config: Record<string, unknown>;
  region: string;
  accountId: string;
  /** `status-service:<key>` values, without the namespace. */
  project: Record<string, unknown>;
}

/** Parses Pulumi.example.yaml. */
export function readExampleStackFile(): ExampleStackFile {
  const doc = parse(fs.readFileSync(path.join(EXAMPLE_DIR, "Pulumi.example.yaml"), "utf8")) as { config?: Record<string, unknown> };
  const config = doc.config ?? {};
  const project = Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => key.startsWith(`${PROJECT}:`))
      .map(([key, value]) => [key.slice(PROJECT.length + 1), value]),
  );
  const accounts = config["aws:allowedAccountIds"];
  return {
    config,
    region: String(config["aws:region"]),
    accountId: Array.isArray(accounts) ? String(accounts[0]) : "000000000000",
    project,
  };
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
  const mocks = await installPulumiMocks({
    project: PROJECT,
    stack: "example",
    region: file.region,
    accountId: file.accountId,
  });
  const program: StatusProgram = await import("./index");
  // The function registers only once its closure is serialized (pulumi#11113); a closure that
  // cannot be serialized fails here, with the serializer's explanation.
  await unwrap(program.functionArn);
  await settled();
  return { file, mocks, program };
}

/**
 * An ALB event in the single-value form (a target group with multi-value headers off, this
 * service's setting): each header and query key keeps its last value, as the ALB does.
 */
export function singleValue(event: ALBEvent): ALBEvent {
  const last = (record: Record<string, string[] | undefined> | undefined): Record<string, string> =>
    Object.fromEntries(
      Object.entries(record ?? {})
        .filter((entry): entry is [string, string[]] => entry[1] !== undefined && entry[1].length > 0)
        .map(([key, values]) => [key, values[values.length - 1]]),
    );
  const { multiValueHeaders, multiValueQueryStringParameters, ...rest } = event;
  return { ...rest, headers: last(multiValueHeaders), queryStringParameters: last(multiValueQueryStringParameters) };
}
