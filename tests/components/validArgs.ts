/**
 * The smallest valid PrivateLambdaService arguments, for the validation suites: each case changes only
 * what it is about, so a refusal can only come from that change.
 */
import type { PrivateLambdaServiceArgs } from "../../components/privateLambdaService";
import { validateArgs } from "../../components/validation";

export function args(overrides: Partial<PrivateLambdaServiceArgs> = {}): PrivateLambdaServiceArgs {
  return {
    entry: "service/handler.ts",
    secrets: { token: "x" },
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-a", "subnet-b"],
    hostname: "svc.internal.example.com",
    ...overrides,
  };
}

/** validateArgs accepts the minimal arguments with these changes. */
export const ok = (o: Partial<PrivateLambdaServiceArgs>) => expect(() => validateArgs(args(o))).not.toThrow();

/** validateArgs refuses the minimal arguments with these changes, with exactly this message. */
export const refused = (o: Partial<PrivateLambdaServiceArgs>, message: string) =>
  expect(() => validateArgs(args(o))).toThrow(new Error(message));
