/**
 * The deployed Lambda's surroundings on 127.0.0.1, for suites that drive `createLambdaHandler` end to
 * end: a Slack stand-in (real `@slack/web-api` client over HTTP), a Secrets Manager stand-in (real AWS
 * SDK v3 client over HTTP, pointed at it with the SDK's own endpoint variable), dummy AWS credentials,
 * and a capture of every line the process writes to stdout (where the handler logs).
 *
 * Used by the fault, audit and load suites; it only adds to what tests/support already offers.
 */
import { createLambdaHandler, type AlbHandler, type LambdaEnvironment } from "../../handler";
import { startSecretsStandIn, type SecretsStandIn } from "./secretsStandIn";
import { startSlackStandIn, type SlackStandIn, type SlackStandInOptions } from "./slackStandIn";

export const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hipchat-proxy-AbCdEf";

export interface LambdaRigOptions {
  slack?: SlackStandInOptions;
  /** The Slack token in the secret (and the only one the Slack stand-in accepts unless `slack.tokens`). */
  slackToken?: string;
  /** HipChat tokens in the secret. */
  hipchatTokens?: { token: string; rooms?: (string | number)[] }[];
  /** Extra environment for every handler built by the rig. */
  env?: Partial<LambdaEnvironment>;
}

export interface LambdaRig {
  slack: SlackStandIn;
  secrets: SecretsStandIn;
  slackToken: string;
  /** The secret document for a Slack token (the HipChat tokens stay as configured). */
  secretJson(slackToken: string): string;
  env(extra?: Partial<LambdaEnvironment>): LambdaEnvironment;
  /** A fresh container: `createLambdaHandler` as `callbackFactory` runs it at a cold start. */
  coldStart(extra?: Partial<LambdaEnvironment>): AlbHandler;
  /** Secret fetches the stand-in has answered or failed so far. */
  secretFetches(): number;
  close(): Promise<void>;
}

export async function startLambdaRig(options: LambdaRigOptions = {}): Promise<LambdaRig> {
  const slackToken = options.slackToken ?? "xoxb-rig-0123456789";
  const hipchatTokens = options.hipchatTokens ?? [{ token: "hipchat-rig-token-0123456789" }];
  const secretJson = (token: string) =>
    JSON.stringify({ slackToken: token, hipchatTokens: JSON.stringify(hipchatTokens) });
  const slack = await startSlackStandIn({ tokens: [slackToken], ...options.slack });
  const secrets = await startSecretsStandIn({ [SECRET_ARN]: secretJson(slackToken) });
  const saved = { ...process.env };
  // The SDK's standard endpoint override and dummy credentials: nothing leaves 127.0.0.1.
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.endpoint;
  process.env.AWS_ACCESS_KEY_ID = "AKIDLOCAL";
  process.env.AWS_SECRET_ACCESS_KEY = "local-secret";
  process.env.AWS_REGION = "us-east-1";
  // Nothing from the developer's machine (profiles, IMDS) may be consulted.
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = "true";

  const env = (extra: Partial<LambdaEnvironment> = {}): LambdaEnvironment => ({
    SECRET_ARN,
    SLACK_API_URL: slack.url,
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
    AWS_REGION: "us-east-1",
    ...options.env,
    ...extra,
  });
  return {
    slack,
    secrets,
    slackToken,
    secretJson,
    env,
    coldStart: (extra) => createLambdaHandler(env(extra)),
    secretFetches: () => secrets.calls.filter((c) => c.target === "secretsmanager.GetSecretValue").length,
    close: async () => {
      process.env = saved;
      await slack.close();
      await secrets.close();
    },
  };
}

export interface StdoutCapture {
  /** Every complete line written so far. */
  lines(): string[];
  /** Everything written so far, as one string. */
  text(): string;
  restore(): void;
}

/**
 * Captures what the process writes to stdout (the handler's logs) without printing it. Chunks are
 * joined before splitting, so a line written in pieces is still one line.
 */
export function captureStdout(): StdoutCapture {
  const original = process.stdout.write;
  let buffer = "";
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    buffer += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    lines: () => buffer.split("\n").filter((l) => l !== ""),
    text: () => buffer,
    restore: () => {
      process.stdout.write = original;
    },
  };
}

/** The Lambda runtime never starts the next invocation in the same tick as the last one. */
export const betweenInvocations = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A Lambda context with this much time left. */
export const lambdaContext = (remainingMs: number) => {
  const end = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => end - Date.now() };
};
