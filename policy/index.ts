/**
 * Entry point the Pulumi CLI runs for `--policy-pack policy`. It only builds the pack: the policies
 * live in `policies.ts`, where tests can reach them. Never import this file from a test —
 * constructing a PolicyPack starts a gRPC server (and calls `process.exit` on a second pack).
 */
import { PolicyPack } from "@pulumi/policy";

import { DEFAULT_ENFORCEMENT_LEVEL, POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description: "Guardrails for private Lambda services behind an internal ALB.",
  enforcementLevel: DEFAULT_ENFORCEMENT_LEVEL,
  policies,
});
