/**
 * Reading resource properties safely during `pulumi preview`.
 *
 * CrossGuard hands a policy its resource's inputs wrapped in `unknownCheckingProxy`: reading a
 * value that will only be known after an earlier resource is created (a target group's ARN, a
 * secret's ARN) throws `UnknownValueError`. Left alone, that error turns the whole policy into an
 * advisory "can't run during preview" note. The helpers below read one value at a time instead, so
 * a policy can check everything that *is* known and skip only what is not. During `pulumi up`
 * every input is known, so the skipped checks run then.
 */
import { UnknownValueError } from "@pulumi/policy";

/** Marks a value that is not known yet (preview of a resource whose input depends on another's output). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Known<T> = T | typeof UNKNOWN;

/**
 * Runs `read` and returns its result, or {@link UNKNOWN} if it touched a value that is unknown
 * during preview. Any other error propagates.
 * @param read - A property access on the (possibly proxied) resource inputs.
 */
export function known<T>(read: () => T): Known<T> {
  try {
    return read();
  } catch (err) {
    if (err instanceof UnknownValueError) {
      return UNKNOWN;
    }
    throw err;
  }
}

/** True when `value` is not the {@link UNKNOWN} marker. */
export function isKnown<T>(value: Known<T>): value is T {
  return value !== UNKNOWN;
}

/**
 * The known elements of a list input, skipping unknown elements. A list that is itself unknown, or
 * not a list, yields no elements.
 * @param read - Reads the list, e.g. `() => props.cidrBlocks`.
 */
export function knownItems(read: () => unknown): unknown[] {
  const list = known(read);
  if (!isKnown(list) || !Array.isArray(list)) {
    return [];
  }
  const items: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = known(() => list[i] as unknown);
    if (isKnown(item)) {
      items.push(item);
    }
  }
  return items;
}

/**
 * The entries of a map input (tags, environment variables) whose values are known. `Object.keys`
 * does not read values, so it never trips the unknown-checking proxy; each value is read on its own.
 * @param read - Reads the map, e.g. `() => props.environment?.variables`.
 * @returns The known entries, or {@link UNKNOWN} if the map as a whole is unknown.
 */
export function knownEntries(read: () => unknown): Known<[string, unknown][]> {
  const map = known(read);
  if (!isKnown(map)) {
    return UNKNOWN;
  }
  if (map === null || typeof map !== "object") {
    return [];
  }
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(map)) {
    const value = known(() => (map as Record<string, unknown>)[key]);
    if (isKnown(value)) {
      entries.push([key, value]);
    }
  }
  return entries;
}

/**
 * Whether the resource inputs set `key` at all, without reading its value: an input that is set
 * but unknown during preview (say `sourceArn: targetGroup.arn`) still counts as set. CrossGuard
 * drops inputs whose value is `undefined`, and so do we.
 */
export function hasInput(props: object, key: string): boolean {
  if (!(key in props)) {
    return false;
  }
  const value = known(() => (props as Record<string, unknown>)[key]);
  return value !== undefined && value !== null;
}
