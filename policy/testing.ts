/**
 * Test support: run the pack's policies without the Pulumi CLI and without a `PolicyPack`.
 *
 * CrossGuard has no official test harness, and constructing a `PolicyPack` inside jest starts a
 * gRPC server that hangs the run. These helpers build the `ResourceValidationArgs` CrossGuard would
 * build (props wrapped in `unknownCheckingProxy`, `notApplicable` that aborts the validation,
 * per-policy `getConfig`) and call each policy's `validateResource` directly, the way
 * pulumi-policy's own `tests/util.ts` does.
 *
 * Use {@link runPoliciesOnResources} to check a whole resource graph, for example the resources a
 * stack creates under `pulumi.runtime.setMocks`:
 *
 * ```ts
 * const created: MockResourceArgs[] = [];   // pushed by the mock's newResource
 * ...
 * const violations = runPoliciesOnResources(created.map(r => ({ type: r.type, name: r.name, props: r.inputs })));
 * expect(violations.filter(v => v.enforcementLevel === "mandatory")).toEqual([]);
 * ```
 *
 * Under mocks, an output the mock does not return is `undefined`, and an input built from it is
 * dropped: return realistic values from `newResource` (an `arn` shaped like
 * `arn:aws:elasticloadbalancing:…:targetgroup/…`, a secret's `arn:aws:secretsmanager:…`), or the
 * policies will rightly report a missing `sourceArn` or an environment variable that is not an ARN.
 */
import {
  type EnforcementLevel,
  type PolicyResourceOptions,
  type PolicyProviderResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  unknownCheckingProxy,
  UnknownValueError,
} from "@pulumi/policy";

import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

import { DEFAULT_ENFORCEMENT_LEVEL, policies as packPolicies } from "./policies";

/** A resource to validate: what a mock's `newResource` receives is enough. */
export interface ResourceUnderTest {
  /** The type token, e.g. `aws.lb.LoadBalancer.__pulumiType` (`"aws:lb/loadBalancer:LoadBalancer"`). */
  readonly type: string;
  /** The resource's logical name. */
  readonly name: string;
  /**
   * The resource's inputs. As in CrossGuard, `undefined` values are dropped and secrets are
   * unwrapped: a policy sees `config.requireSecret(...)` values in plain text (mock inputs keep
   * them wrapped in Pulumi's secret marker, which is removed here).
   */
  readonly props: Record<string, unknown>;
  /** The URN; defaults to one built from type and name in stack `test`, project `test`. */
  readonly urn?: string;
  /** The resource's provider, if a policy should see e.g. its `defaultTags`. */
  readonly provider?: PolicyProviderResource;
}

/** One reported violation. */
export interface Violation {
  /** The policy's name, e.g. `"lb-internal"`. */
  readonly policy: string;
  /** `mandatory` violations fail `pulumi preview`/`up`; `advisory` ones are printed. */
  readonly enforcementLevel: EnforcementLevel;
  /** The resource's type token. */
  readonly type: string;
  /** The resource's logical name. */
  readonly name: string;
  /** The resource's URN. */
  readonly urn: string;
  /** The policy's message. */
  readonly message: string;
}

/** Options for {@link runPoliciesOnResources} and {@link runPolicy}. */
export interface RunOptions {
  /** The policies to run. Defaults to every policy of the pack. */
  readonly policies?: readonly ResourceValidationPolicy[];
  /** Per-policy configuration, as `pulumi preview --policy-pack-config` would give it. Defaults to none. */
  readonly config?: Readonly<Record<string, object>>;
}

/** Thrown by the fake `notApplicable`, caught by the runner: the policy does not apply. */
class NotApplicable extends Error {}

const defaultOptions: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** Unwraps Pulumi's secret markers (`{[specialSigKey]: specialSecretSig, value}`), deeply. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) {
      return unwrapSecrets(record.value);
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** The props CrossGuard's deserializer would produce: `undefined`-valued keys dropped, secrets unwrapped. */
function toPolicyProps(props: Record<string, unknown>): Record<string, unknown> {
  const defined = Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined));
  return unwrapSecrets(defined) as Record<string, unknown>;
}

/**
 * The `ResourceValidationArgs` CrossGuard would pass for `resource`: props wrapped in
 * `unknownCheckingProxy` (so an unknown sentinel value throws `UnknownValueError` on access, as in
 * preview), `isType`/`asType` comparing `Class.__pulumiType`, `notApplicable` that aborts.
 * @param resource - The resource to validate.
 * @param config - What `getConfig()` returns. Defaults to `{}`, as when no config is given.
 */
export function makeResourceArgs(resource: ResourceUnderTest, config: object = {}): ResourceValidationArgs {
  const props = unknownCheckingProxy(toPolicyProps(resource.props)) as Record<string, any>;
  const isType = (cls: { new (...rest: any[]): unknown }) =>
    (cls as unknown as { __pulumiType?: string }).__pulumiType === resource.type;
  return {
    type: resource.type,
    props,
    urn: resource.urn ?? `urn:pulumi:test::test::${resource.type}::${resource.name}`,
    name: resource.name,
    opts: defaultOptions,
    provider: resource.provider,
    stackTags: new Map(),
    isType,
    asType: ((cls: { new (...rest: any[]): unknown }) =>
      isType(cls) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/**
 * Runs one policy on one resource and returns its violation messages. Like CrossGuard, an access
 * to a value unknown during preview ends that validation with a "can't run during preview" message,
 * reported as advisory by {@link runPoliciesOnResources}.
 * @throws If a validation returns a Promise: every policy of this pack is synchronous.
 */
export function runPolicy(
  policy: ResourceValidationPolicy,
  resource: ResourceUnderTest,
  config: object = {},
): string[] {
  return runOne(policy, resource, config).map((v) => v.message);
}

/** Runs every validation of `policy` on `resource`; a disabled policy runs none, as in CrossGuard. */
function runOne(policy: ResourceValidationPolicy, resource: ResourceUnderTest, config: object): Violation[] {
  const level: EnforcementLevel = policy.enforcementLevel ?? DEFAULT_ENFORCEMENT_LEVEL;
  const validations =
    level === "disabled" || policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  const violations: Violation[] = [];
  for (const validate of validations) {
    const args = makeResourceArgs(resource, config);
    const push = (message: string, enforcementLevel: EnforcementLevel) =>
      violations.push({
        policy: policy.name,
        enforcementLevel,
        type: args.type,
        name: args.name,
        urn: args.urn,
        message,
      });
    try {
      const result: unknown = validate(args, (message) => push(message, level));
      if (result instanceof Promise) {
        throw new Error(`policy ${policy.name} validated asynchronously; runPoliciesOnResources is synchronous`);
      }
    } catch (err) {
      if (err instanceof NotApplicable) {
        continue;
      }
      if (err instanceof UnknownValueError) {
        push(`can't run policy '${policy.name}' during preview: ${(err as Error).message}`, "advisory");
        continue;
      }
      throw err;
    }
  }
  return violations;
}

/**
 * Runs every policy (or `options.policies`) on every resource and returns all violations, advisory
 * ones included; filter on `enforcementLevel` to assert what would fail a preview.
 * @param resources - The resources, e.g. the `{type, name, inputs}` a mock's `newResource` saw.
 * @param options - See {@link RunOptions}.
 */
export function runPoliciesOnResources(resources: readonly ResourceUnderTest[], options: RunOptions = {}): Violation[] {
  const selected = options.policies ?? packPolicies;
  return resources.flatMap((resource) =>
    selected.flatMap((policy) => runOne(policy, resource, options.config?.[policy.name] ?? {})),
  );
}

/** Formats violations one per line, for readable assertion failures. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `[${v.enforcementLevel}] ${v.policy} on ${v.type} "${v.name}": ${v.message}`).join("\n");
}
