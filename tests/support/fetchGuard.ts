/**
 * A global `fetch` that only reaches the stand-ins on 127.0.0.1: anything else is recorded and refused.
 * For suites where a mistake (or a mutant) could send a real request to slack.com or AWS: it must fail
 * in the test, never leave the machine.
 */
export interface FetchGuard {
  /** URLs refused so far. */
  refused: string[];
  /** Puts the original `fetch` back. */
  restore(): void;
}

export function guardFetch(): FetchGuard {
  const realFetch = globalThis.fetch;
  const refused: string[] = [];
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith("http://127.0.0.1:")) {
      refused.push(url);
      return Promise.reject(new TypeError(`refused: ${url}`));
    }
    return realFetch(input, init);
  }) as typeof fetch;
  return {
    refused,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}
