/**
 * A small IAM policy evaluator for the bootstrap tests: which statements of a document allow an
 * action on a resource, with `*`/`?` wildcards as IAM matches them. Conditions are not evaluated;
 * callers check them separately (so "not allowed" here means "not allowed under any condition").
 */
import type { PolicyDocument, Statement } from "../../bootstrap/policies";

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM wildcard matching: `*` any run of characters, `?` one; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, ignoreCase ? "is" : "s").test(value);
}

/** The Allow statements that grant `action` on `resource` (conditions ignored). */
export function allowing(policy: PolicyDocument, action: string, resource: string): Statement[] {
  return policy.Statement.filter(
    (s) =>
      s.Effect === "Allow" &&
      asList(s.Action).some((a) => wildcardMatch(a, action, true)) &&
      asList(s.Resource).some((r) => wildcardMatch(r, resource)),
  );
}

export const allows = (policy: PolicyDocument, action: string, resource: string) =>
  allowing(policy, action, resource).length > 0;

/** Every action a document allows, as written. */
export const actionsOf = (policy: PolicyDocument) =>
  policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => asList(s.Action));

/** Every resource pattern a document names. */
export const resourcesOf = (policy: PolicyDocument) => policy.Statement.flatMap((s) => asList(s.Resource));
