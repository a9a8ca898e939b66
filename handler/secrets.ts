/**
 * The proxy's secrets (Slack token, allowed HipChat tokens), fetched once per container and kept
 * until a TTL passes or Slack says the token is no longer valid, so that rotation needs no redeploy.
 * A failed fetch is never cached: the next invocation tries again.
 */
import { unavailable } from "./errors";
import { parseSecrets, SettingsError, type ProxySecrets } from "./settings";

export type SecretFetcher = () => Promise<string>;

/** How long stale secrets are served after a failed refresh before the next attempt. */
export const STALE_RETRY_MS = 30_000;

export interface SecretCache {
  /** The current secrets, fetching them if there are none or they are older than the TTL. */
  get(): Promise<ProxySecrets>;
  /** Forget the current secrets (Slack answered invalid_auth); the next get() fetches. */
  invalidate(): void;
}

export function createSecretCache(
  fetcher: SecretFetcher,
  ttlMs: number,
  now: () => number = Date.now,
  /** Reads the secret's string; the proxy's secret by default (the queued mode's worker reads its own). */
  parse: (secretString: string) => ProxySecrets = parseSecrets,
): SecretCache {
  let current: { secrets: ProxySecrets; at: number } | undefined;
  let inflight: Promise<ProxySecrets> | undefined;

  const load = (): Promise<ProxySecrets> => {
    // Concurrent invocations (local server, bursts) share one fetch.
    inflight ??= fetcher()
      .then((raw) => {
        const secrets = parse(raw);
        current = { secrets, at: now() };
        return secrets;
      })
      .catch((err: unknown) => {
        // A refresh that fails after the TTL keeps serving the last good secrets (Secrets Manager
        // outages must not take the proxy down) and tries again after a short back-off.
        if (current && !(err instanceof SettingsError)) {
          current = { secrets: current.secrets, at: now() - ttlMs + STALE_RETRY_MS };
          return current.secrets;
        }
        if (err instanceof SettingsError) throw unavailable(`The proxy's secret is invalid: ${err.message}`);
        throw unavailable("The proxy's secret is unavailable; try again shortly", { cause: err });
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  return {
    get: () => (current && now() - current.at < ttlMs ? Promise.resolve(current.secrets) : load()),
    invalidate: () => {
      // Slack refused the token: stale secrets are known bad, so nothing is served from them.
      current = undefined;
    },
  };
}

export interface AwsSecretOptions {
  secretId: string;
  /** Endpoint override (tests, VPC endpoints). The SDK also honours AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  endpoint?: string;
  region?: string;
  /** Per-attempt timeout; the SDK's own retries stay inside the Lambda timeout. */
  timeoutMs?: number;
}

/**
 * Reads a secret with the AWS SDK v3. The SDK is required on first use, not at module load: the
 * nodejs22.x runtime provides it, and loading it costs ~45 ms that a warm container never pays again.
 */
export function awsSecretFetcher(options: AwsSecretOptions): SecretFetcher {
  let client: import("@aws-sdk/client-secrets-manager").SecretsManagerClient | undefined;
  return async () => {
    const sdk = require("@aws-sdk/client-secrets-manager") as typeof import("@aws-sdk/client-secrets-manager");
    client ??= new sdk.SecretsManagerClient({
      endpoint: options.endpoint,
      region: options.region,
      maxAttempts: 2,
      requestHandler: {
        requestTimeout: options.timeoutMs ?? 3000,
        connectionTimeout: options.timeoutMs ?? 3000,
        // Since @smithy/node-http-handler 4.x a breached requestTimeout only logs a warning unless
        // this is set: a Secrets Manager that never answered hung the invocation until the Lambda
        // timeout (the client then got the ALB's bare 502, not a HipChat 503). Older SDKs ignore it
        // and treat requestTimeout as a socket idle timeout, which throws; socketTimeout covers both.
        throwOnRequestTimeout: true,
        socketTimeout: options.timeoutMs ?? 3000,
      },
    });
    const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: options.secretId }));
    if (typeof out.SecretString !== "string") throw new SettingsError("secret: has no SecretString");
    return out.SecretString;
  };
}

export interface ExtensionSecretOptions {
  secretId: string;
  /** PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: where the extension listens (AWS's default is 2773). */
  port: number;
  /** AWS_SESSION_TOKEN: the extension requires it in `X-Aws-Parameters-Secrets-Token`. */
  sessionToken: string;
  timeoutMs?: number;
}

/**
 * Reads a secret through AWS's Parameters and Secrets Lambda Extension (a Lambda layer) on localhost:
 * one HTTP GET with the `fetch` the Slack client loads anyway, instead of loading the AWS SDK and
 * signing its first request, which is about a quarter of a cold start (README, "Performance and fault tolerance").
 * The extension answers GET /secretsmanager/get with GetSecretValue's JSON. It can only be called
 * once the function is invoked, not during INIT (AWS documentation).
 */
export function extensionSecretFetcher(options: ExtensionSecretOptions): SecretFetcher {
  return async () => {
    const url = `http://localhost:${options.port}/secretsmanager/get?secretId=${encodeURIComponent(options.secretId)}`;
    const res = await fetch(url, {
      headers: { "X-Aws-Parameters-Secrets-Token": options.sessionToken },
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
    if (!res.ok) throw new Error(`The Parameters and Secrets extension answered HTTP ${res.status}`);
    const doc = (await res.json()) as { SecretString?: unknown };
    if (typeof doc.SecretString !== "string") throw new SettingsError("secret: has no SecretString");
    return doc.SecretString;
  };
}

/**
 * The extension for a container's first fetch, where its speed matters; the SDK if the extension
 * fails, and for every later fetch: the extension keeps its own cache (300 s by default), so a
 * refresh through it after Slack rejected a rotated token could hand back the old token again.
 */
export function firstFromExtension(extension: SecretFetcher, sdk: SecretFetcher): SecretFetcher {
  let first = true;
  return async () => {
    if (first) {
      first = false;
      try {
        return await extension();
      } catch {
        // Not there or not answering: the SDK reads the same secret.
      }
    }
    return sdk();
  };
}
