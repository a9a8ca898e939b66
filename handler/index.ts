/**
 * The Lambda edge. `callbackFactory` is what `aws.lambda.CallbackFunction` calls once per container
 * (cold start): it validates the settings, creates the secret cache and the Slack gateway, and
 * returns the per-request handler that closes over them. The component bundles this module with
 * esbuild; the Lambda's closure only requires the bundle and calls callbackFactory.
 */
import * as path from "node:path";
import type { ALBEvent, ALBResult } from "aws-lambda";
import { toAlbResult } from "./alb";
import { parseDeliverySettings } from "./delivery/settings";
import { sqsMessageQueue } from "./delivery/sqs";
import { unavailable } from "./errors";
import { secretTokenSource, slackEdge, webApiGateway } from "./gateway";
import { PUBLIC_HOSTNAME } from "./hipchat/responses";
import { createLogger } from "./log";
import { createProxy, errorResponse, type AlbHandler } from "./proxy";
import { awsSecretFetcher, createSecretCache, extensionSecretFetcher, firstFromExtension } from "./secrets";
import { parseSettings, type RawSettings, rawSettings, readSettingsFile, SettingsError } from "./settings";

export type { AlbHandler, InvocationContext } from "./proxy";
export { createProxy };
/** The queued mode's worker Lambda: the second entry of this bundle (handler/delivery/lambda.ts). */
export { type WorkerEnvironment, workerFactory } from "./delivery/lambda";

/**
 * Environment variables the Lambda reads (all non-secret; the secret holds only tokens): the
 * settings (see RawSettings) plus where the secret and Slack are.
 */
export interface LambdaEnvironment extends RawSettings {
  /**
   * A settings document (see SettingsFile) shipped with the function, relative to the bundle's
   * folder: the rooms, users and other settings that would not fit Lambda's 4 KB environment. Its
   * keys stand under the environment variables of the same settings.
   */
  SETTINGS_FILE?: string;
  /** ARN of the Secrets Manager secret: `{"slackToken", "hipchatTokens"}`. Required. */
  SECRET_ARN?: string;
  /** A Slack-compatible Web API base URL (tests, proxies); default Slack's. */
  SLACK_API_URL?: string;
  /**
   * The hostname (optionally `host:port`) clients reach the proxy by, for the absolute `links` in
   * HipChat's answers (room lookups and listings). Never taken from a request's Host header. The
   * stack sets it to its hostname; unset, links point at `localhost`.
   */
  PUBLIC_HOSTNAME?: string;
  AWS_REGION?: string;
  /**
   * Set (usually to 2773) when the function has AWS's Parameters and Secrets Lambda Extension layer:
   * the first secret fetch then goes through it instead of the AWS SDK (a faster cold start).
   */
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT?: string;
  /** Set by Lambda; the extension requires it. */
  AWS_SESSION_TOKEN?: string;
  /** `direct` (default) or `queued`: store each valid message in QUEUE_URL and answer at once. */
  DELIVERY_MODE?: string;
  /** The SQS FIFO queue of queued delivery. Required with DELIVERY_MODE=queued. */
  QUEUE_URL?: string;
}

/** Builds the handler for one container from its environment. */
export function createLambdaHandler(env: LambdaEnvironment): AlbHandler {
  const log = createLogger();
  try {
    const file = env.SETTINGS_FILE?.trim() ? readSettingsFile(path.resolve(__dirname, env.SETTINGS_FILE.trim())) : {};
    const settings = parseSettings(rawSettings(file, env));
    if (!env.SECRET_ARN?.trim()) throw new SettingsError("SECRET_ARN: required (the ARN of the proxy's secret)");
    const secretId = env.SECRET_ARN.trim();
    const publicHostname = parsePublicHostname(env.PUBLIC_HOSTNAME);
    const queued = parseDeliverySettings({ DELIVERY_MODE: env.DELIVERY_MODE }).mode === "queued";
    if (queued && !env.QUEUE_URL?.trim()) throw new SettingsError("QUEUE_URL: required with DELIVERY_MODE=queued");
    const sdkFetcher = awsSecretFetcher({ secretId, region: env.AWS_REGION });
    const extensionPort = parsePort(
      "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
      env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
    );
    const useExtension = extensionPort !== undefined && Boolean(env.AWS_SESSION_TOKEN);
    const secrets = createSecretCache(
      useExtension
        ? firstFromExtension(
            extensionSecretFetcher({ secretId, port: extensionPort, sessionToken: env.AWS_SESSION_TOKEN! }),
            sdkFetcher,
          )
        : sdkFetcher,
      settings.secretTtlMs,
    );
    // Start the first fetch during init, so the first request does not wait for it. A failure
    // here is not cached: the first request fetches again and answers 503 if that fails too.
    // The extension only answers once the function is invoked, so with it the first request fetches.
    if (!useExtension) secrets.get().catch(() => undefined);
    // The Slack edge owns the Slack token: it reads it from the secret, and reads the secret again
    // when Slack refuses the token (a rotation).
    const slack = slackEdge(
      webApiGateway({ slackApiUrl: env.SLACK_API_URL?.trim() || undefined, timeoutMs: settings.slackTimeoutMs }),
      secretTokenSource(secrets),
      { attemptBudgetMs: settings.slackTimeoutMs },
    );
    log.info("cold start", {
      rooms: settings.rooms.rooms.length,
      defaultChannel: settings.defaultChannel ?? "",
      publicHostname: publicHostname ?? "(unset: links point at localhost)",
    });
    const queue = queued ? sqsMessageQueue(env.QUEUE_URL!.trim(), { region: env.AWS_REGION }) : undefined;
    return createProxy({ settings, secrets, slack, log, queue, publicHostname });
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    // Every request then gets a HipChat-shaped 503 naming the problem, instead of the ALB's bare 502.
    log.error("invalid configuration", { problem: err.message });
    const error = unavailable(`HipChat proxy misconfigured: ${err.message}`);
    return async (event: ALBEvent): Promise<ALBResult> =>
      toAlbResult(errorResponse(error), event?.multiValueHeaders !== undefined);
  }
}

function parsePublicHostname(value: string | undefined): string | undefined {
  const host = value?.trim();
  if (!host) return undefined;
  if (!PUBLIC_HOSTNAME.test(host))
    throw new SettingsError("PUBLIC_HOSTNAME: expected a hostname, optionally with :port");
  return host.toLowerCase();
}

function parsePort(key: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SettingsError(`${key}: expected a port number`);
  return port;
}

/** Called once per Lambda container by aws.lambda.CallbackFunction. */
export function callbackFactory(): AlbHandler {
  return createLambdaHandler(process.env as LambdaEnvironment);
}
