/**
 * Lone UTF-16 surrogates, made harmless where text enters the proxy. JSON can carry them (`"\ud800"`
 * is valid JSON) and so can an event's query or path; UTF-8 cannot (bodies are decoded strictly).
 * Slack cannot take them, so each is replaced with U+FFFD before anything reads the text, as
 * `String.prototype.toWellFormed` does, leaving everything around it as it was.
 */

type WellFormedString = string & { isWellFormed(): boolean; toWellFormed(): string };

/** The string with every unpaired surrogate replaced by U+FFFD (the same string when there is none). */
export function wellFormed(s: string): string {
  const str = s as WellFormedString;
  return str.isWellFormed() ? s : str.toWellFormed();
}

/**
 * Makes every string in a parsed JSON document well formed, keys included, in place, and returns
 * it. Iterative, so no depth can overflow the stack. A key that changes keeps its first value if the
 * cleaned key is already present (a repeated key, as JSON.parse itself would treat it).
 */
export function wellFormedDeep<T>(doc: T): T {
  if (typeof doc === "string") return wellFormed(doc) as T;
  const stack: object[] = typeof doc === "object" && doc !== null ? [doc] : [];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      let value = record[key];
      if (typeof value === "string") {
        value = wellFormed(value);
        // defineProperty: a `__proto__` key is data here, not the prototype's setter.
        define(record, key, value);
      } else if (typeof value === "object" && value !== null) {
        stack.push(value);
      }
      const clean = wellFormed(key);
      if (clean !== key) {
        delete record[key];
        if (!Object.hasOwn(record, clean)) define(record, clean, value);
      }
    }
  }
  return doc;
}

function define(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
