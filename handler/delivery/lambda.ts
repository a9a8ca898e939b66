/**
 * The worker Lambda of queued delivery: `workerFactory` is its `callbackFactory` (the second entry
 * of the same bundle as the request handler's `callbackFactory`), called once per container.
 */
import { createLogger } from "../log";
import { awsSecretFetcher, createSecretCache } from "../secrets";
import * as PATTERNS from "../../lib/patterns";
import { parseSettings, type ProxySecrets, SettingsError } from "../settings";
import { AWS_RETRY_POLICY, createDeliverer } from "./deliver";
import { dynamoRefStore } from "./dynamoRefs";
import { type DeliveryEnvironment, parseDeliverySettings } from "./settings";
import { pacedSlackPoster } from "./slackPoster";
import { createSqsWorker, type SqsWorkerHandler, sqsWorkerQueueApi } from "./sqs";

/** Environment variables of the worker (all non-secret; the secret holds the Slack token). */
export interface WorkerEnvironment extends DeliveryEnvironment {
  /** ARN of the worker's secret: `{"slackToken": "xoxb-…"}` (other keys are ignored). Required. */
  SECRET_ARN?: string;
  /** The queue the worker's event source reads (for ChangeMessageVisibility). Required. */
  QUEUE_URL?: string;
  /** Where the worker sends what will never go, with its reason. Required. */
  DEAD_LETTER_QUEUE_URL?: string;
  /** The DynamoDB table of refs (ids handed out for queued messages). Without it, `attach_to` with one is posted unthreaded. */
  STATE_TABLE?: string;
  /** A Slack-compatible Web API base URL (tests); default Slack's. */
  SLACK_API_URL?: string;
  SLACK_TIMEOUT_MS?: string;
  SECRET_TTL_SECONDS?: string;
  AWS_REGION?: string;
}

/** Builds the worker for one container. A setting that is wrong keeps every message in the queue. */
export function createWorkerHandler(env: WorkerEnvironment): SqsWorkerHandler {
  const log = createLogger();
  try {
    const settings = parseSettings({
      SLACK_TIMEOUT_MS: env.SLACK_TIMEOUT_MS,
      SECRET_TTL_SECONDS: env.SECRET_TTL_SECONDS,
    });
    const delivery = parseDeliverySettings(env, AWS_RETRY_POLICY);
    const required = (key: "SECRET_ARN" | "QUEUE_URL" | "DEAD_LETTER_QUEUE_URL"): string => {
      const value = env[key]?.trim();
      if (!value) throw new SettingsError(`${key}: required`);
      return value;
    };
    const secrets = createSecretCache(
      awsSecretFetcher({ secretId: required("SECRET_ARN"), region: env.AWS_REGION }),
      settings.secretTtlMs,
      Date.now,
      parseWorkerSecret,
    );
    const deliverer = createDeliverer({
      secrets,
      slack: pacedSlackPoster({
        slackApiUrl: env.SLACK_API_URL?.trim() || undefined,
        timeoutMs: settings.slackTimeoutMs,
        spacingMs: delivery.spacingMs,
      }),
      refs: env.STATE_TABLE?.trim() ? dynamoRefStore(env.STATE_TABLE.trim(), { region: env.AWS_REGION }) : undefined,
      log,
      policy: delivery.policy,
      slackTimeoutMs: settings.slackTimeoutMs,
    });
    const queue = sqsWorkerQueueApi(required("QUEUE_URL"), required("DEAD_LETTER_QUEUE_URL"), {
      region: env.AWS_REGION,
    });
    log.info("worker cold start", { maxAttempts: delivery.policy.maxAttempts });
    return createSqsWorker({ deliverer, queue, log, minAttemptMs: settings.slackTimeoutMs + 2_000 });
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    log.error("invalid configuration", { problem: err.message });
    // Nothing is attempted and nothing is lost: every record stays, and the age alarm goes off.
    return async (event) => ({
      batchItemFailures: (event.Records ?? []).map((r) => ({ itemIdentifier: r.messageId })),
    });
  }
}

/**
 * The worker's secret holds the Slack token only (it never sees a HipChat token): `{"slackToken"}`.
 * Checked like the proxy's; the message names the field, never its value.
 */
export function parseWorkerSecret(secretString: string): ProxySecrets {
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new SettingsError("secret: not valid JSON");
  }
  const token = (doc as { slackToken?: unknown } | null)?.slackToken;
  if (typeof token !== "string" || !PATTERNS.SLACK_TOKEN.test(token)) {
    throw new SettingsError("secret.slackToken: expected a Slack token (xoxb-…)");
  }
  return { slackToken: token, tokens: [] };
}

/** Called once per worker container by aws.lambda.CallbackFunction. */
export function workerFactory(): SqsWorkerHandler {
  return createWorkerHandler(process.env as WorkerEnvironment);
}
