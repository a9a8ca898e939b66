import * as http from "node:http";
import type { AddressInfo } from "node:net";
import {
  awsSecretFetcher,
  createSecretCache,
  extensionSecretFetcher,
  firstFromExtension,
  STALE_RETRY_MS,
} from "../../handler/secrets";
import { SettingsError } from "../../handler/settings";

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
    const clock = fakeClock();
    const fetcher = jest
      .fn()
      .mockResolvedValueOnce(doc("xoxb-1"))
      .mockResolvedValue(JSON.stringify({ slackToken: "nope-not-slack", hipchatTokens: [{ token: "abcdefgh" }] }));
    const cache = createSecretCache(fetcher, 60_000, clock.now);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-1" });
    clock.advance(60_001);
    // A refresh that reads an invalid secret is not an outage: the last good secret is not served.
    const err = await cache.get().catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 503, message: expect.stringMatching(/^The proxy's secret is invalid: /) });
    expect((err as Error).message).toMatch(/slackToken/);
    expect((err as Error).message).not.toContain("nope-not-slack");
    // Nor afterwards: each call reads again and fails the same way.
    await expect(cache.get()).rejects.toMatchObject({ statusCode: 503, message: expect.stringMatching(/slackToken/) });
    expect(fetcher).toHaveBeenCalledTimes(3);
  });

  it("an invalid secret at cold start is a 503 naming the key", async () => {
    const cache = createSecretCache(async () => JSON.stringify({ slackToken: "nope", hipchatTokens: [] }), 60_000);
    await expect(cache.get()).rejects.toMatchObject({ statusCode: 503, message: expect.stringMatching(/slackToken/) });
  });

  it("a failed fetch is a 503 that keeps its cause for the log but never shows its text to the client", async () => {
    const cause = new Error("connect ECONNREFUSED 10.1.2.3:443 (vpce-0abc.secretsmanager.internal)");
    const cache = createSecretCache(() => Promise.reject(cause), 60_000);
    const err = await cache.get().catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 503, message: "The proxy's secret is unavailable; try again shortly" });
    expect((err as Error).cause).toBe(cause);
    expect(JSON.stringify((err as { toJSON(): unknown }).toJSON())).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|vpce/);
  });

  it("serves the cached secret until exactly the TTL, then fetches", async () => {
    const clock = fakeClock();
    const fetcher = jest.fn(async () => doc("xoxb-1"));
    const cache = createSecretCache(fetcher, 60_000, clock.now);
    await cache.get();
    clock.advance(59_999);
    await cache.get();
    expect(fetcher).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await cache.get();
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it("after a failed refresh the stale secret is served for exactly STALE_RETRY_MS", async () => {
    const clock = fakeClock();
    const fetcher = jest
      .fn()
      .mockResolvedValueOnce(doc("xoxb-1"))
      .mockRejectedValueOnce(new Error("down"))
      .mockResolvedValue(doc("xoxb-2"));
    const cache = createSecretCache(fetcher, 60_000, clock.now);
    await cache.get();
    clock.advance(60_000);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-1" });
    clock.advance(STALE_RETRY_MS - 1);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-1" });
    expect(fetcher).toHaveBeenCalledTimes(2);
    clock.advance(1);
    await expect(cache.get()).resolves.toMatchObject({ slackToken: "xoxb-2" });
    expect(fetcher).toHaveBeenCalledTimes(3);
  });
});

/** A one-route HTTP server on 127.0.0.1 answering every request with `answer`. */
async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, seen };
}
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});
const json = (status: number, body: unknown) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:proxy/a b+c";

describe("awsSecretFetcher", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = "AKIDLOCAL";
    process.env.AWS_SECRET_ACCESS_KEY = "local-secret";
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("a secret with no SecretString (a binary secret) is an invalid secret, not an outage", async () => {
    const sm = await serve(json(200, { ARN, Name: "proxy", SecretBinary: "AAEC", VersionId: "v1" }));
    const fetch = awsSecretFetcher({ secretId: ARN, endpoint: `http://127.0.0.1:${sm.port}`, region: "us-east-1" });
    await expect(fetch()).rejects.toEqual(new SettingsError("secret: has no SecretString"));
    const cache = createSecretCache(fetch, 60_000);
    await expect(cache.get()).rejects.toMatchObject({
      statusCode: 503,
      message: "The proxy's secret is invalid: secret: has no SecretString",
    });
  });

  it("gives up on a Secrets Manager that never answers after timeoutMs per attempt", async () => {
    const sm = await serve(() => undefined);
    const fetch = awsSecretFetcher({
      secretId: ARN,
      endpoint: `http://127.0.0.1:${sm.port}`,
      region: "us-east-1",
      timeoutMs: 200,
    });
    const started = Date.now();
    await expect(fetch()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(sm.seen).toHaveLength(2);
  });

  it("gives up after timeoutMs on one that keeps the connection busy without ever answering", async () => {
    // A byte every 50 ms: the socket is never idle, so only the whole request's timeout ends it.
    const timers: NodeJS.Timeout[] = [];
    const sm = await serve((req) => {
      req.socket.write("HTTP/1.1 200 OK\r\n");
      const timer = setInterval(() => req.socket.writable && req.socket.write("x-pad: 1\r\n"), 50);
      timers.push(timer);
      req.socket.on("close", () => clearInterval(timer));
    });
    const fetch = awsSecretFetcher({
      secretId: ARN,
      endpoint: `http://127.0.0.1:${sm.port}`,
      region: "us-east-1",
      timeoutMs: 300,
    });
    const started = Date.now();
    try {
      await expect(fetch()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      for (const t of timers) clearInterval(t);
    }
  });
});

describe("extensionSecretFetcher", () => {
  const options = (port: number) => ({ secretId: ARN, port, sessionToken: "session-token-1" });

  it("asks the extension for the secret, with the session token and the id URL-encoded", async () => {
    const ext = await serve(json(200, { SecretString: doc("xoxb-ext") }));
    await expect(extensionSecretFetcher(options(ext.port))()).resolves.toBe(doc("xoxb-ext"));
    expect(ext.seen).toHaveLength(1);
    expect(ext.seen[0].url).toBe(`/secretsmanager/get?secretId=${encodeURIComponent(ARN)}`);
    expect(ext.seen[0].headers["x-aws-parameters-secrets-token"]).toBe("session-token-1");
  });

  it("an extension answering an error status is a failure, even with a secret-shaped body", async () => {
    const ext = await serve(json(401, { SecretString: doc("xoxb-ext") }));
    await expect(extensionSecretFetcher(options(ext.port))()).rejects.toThrow(
      "The Parameters and Secrets extension answered HTTP 401",
    );
  });

  it("a secret with no SecretString is an invalid secret", async () => {
    const ext = await serve(json(200, { SecretBinary: "AAEC" }));
    await expect(extensionSecretFetcher(options(ext.port))()).rejects.toEqual(
      new SettingsError("secret: has no SecretString"),
    );
  });

  it("gives up on an extension that never answers after timeoutMs", async () => {
    const ext = await serve(() => undefined);
    const started = Date.now();
    await expect(extensionSecretFetcher({ ...options(ext.port), timeoutMs: 150 })()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});

describe("firstFromExtension", () => {
  it("reads through the extension once, then always through the SDK", async () => {
    const extension = jest.fn(async () => doc("xoxb-ext"));
    const sdk = jest.fn(async () => doc("xoxb-sdk"));
    const fetch = firstFromExtension(extension, sdk);
    await expect(fetch()).resolves.toBe(doc("xoxb-ext"));
    await expect(fetch()).resolves.toBe(doc("xoxb-sdk"));
    await expect(fetch()).resolves.toBe(doc("xoxb-sdk"));
    expect(extension).toHaveBeenCalledTimes(1);
    expect(sdk).toHaveBeenCalledTimes(2);
  });

  it("falls back to the SDK when the extension fails, and does not ask the extension again", async () => {
    const extension = jest.fn(async (): Promise<string> => {
      throw new Error("ECONNREFUSED");
    });
    const sdk = jest.fn(async () => doc("xoxb-sdk"));
    const fetch = firstFromExtension(extension, sdk);
    await expect(fetch()).resolves.toBe(doc("xoxb-sdk"));
    await expect(fetch()).resolves.toBe(doc("xoxb-sdk"));
    expect(extension).toHaveBeenCalledTimes(1);
  });
});
