import { createSecretCache, STALE_RETRY_MS } from "../../handler/secrets";

const doc = (slackToken: string) => JSON.stringify({ slackToken, hipchatTokens: [{ token: "abcdefgh" }] });

function fakeClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("createSecretCache", () => {
  it("fetches once, shares a fetch between concurrent callers, and refetches after the TTL", async () => {
    const clock = fakeClock();
    const fetcher = jest.fn(async () => doc("xoxb-1"));
    const cache = createSecretCache(fetcher, 60_000, clock.now);
    await Promise.all([cache.get(), cache.get(), cache.get()]);
    await cache.get();
    expect(fetcher).toHaveBeenCalledTimes(1);
    clock.advance(60_001);
    await cache.get();
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it("never caches a failure: the next call fetches again", async () => {
    const fetcher = jest.fn().mockRejectedValueOnce(new Error("down")).mockResolvedValue(doc("xoxb-1"));
    const cache = createSecretCache(fetcher, 60_000);
    await expect(cache.get()).rejects.toMatchObject({ statusCode: 503 });
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-1" });
  });

  it("serves the last good secrets when a refresh fails, and retries after a back-off", async () => {
    const clock = fakeClock();
    const fetcher = jest
      .fn()
      .mockResolvedValueOnce(doc("xoxb-1"))
      .mockRejectedValueOnce(new Error("down"))
      .mockResolvedValue(doc("xoxb-2"));
    const cache = createSecretCache(fetcher, 60_000, clock.now);
    await cache.get();
    clock.advance(60_001);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-1" });
    await cache.get();
    expect(fetcher).toHaveBeenCalledTimes(2);
    clock.advance(STALE_RETRY_MS + 1);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-2" });
  });

  it("after invalidate() nothing stale is served", async () => {
    const fetcher = jest.fn().mockResolvedValueOnce(doc("xoxb-1")).mockRejectedValue(new Error("down"));
    const cache = createSecretCache(fetcher, 60_000);
    await cache.get();
    cache.invalidate();
    await expect(cache.get()).rejects.toMatchObject({ statusCode: 503 });
  });

  it("an invalid secret is a 503 naming the key, never stale-served", async () => {
    const fetcher = jest.fn(async () => JSON.stringify({ slackToken: "nope", hipchatTokens: [] }));
    const cache = createSecretCache(fetcher, 60_000);
    await expect(cache.get()).rejects.toThrow(/slackToken/);
  });
});
