/**
 * The stand-ins' own process: Slack, Secrets Manager and the Parameters and Secrets extension on
 * 127.0.0.1 (tests/support), started by the benchmark with `fork` so that none of their work runs
 * in the processes it measures, nor in the one that times them. Driven over the IPC channel:
 *
 *   → { type: "start", slackTokens, secrets, sessionToken }   ← { type: "ready", slackUrl, … }
 *   → { type: "counts" }                                      ← { type: "counts", … } (totals so far)
 *   → { type: "close" }                                       (closes the servers and exits)
 *
 * and, for the queued-delivery part (bench/queued.ts), more Slack stand-ins by name, each with its
 * own tokens and, if given, Slack's per-channel rate limit:
 *
 *   → { type: "slack", name, tokens, rateLimit? }   ← { type: "slackReady", name, url }
 *   → { type: "slackCounts", name }                 ← { type: "slackCounts", calls, delivered }
 *   → { type: "slackDeliveries", name }             ← { type: "slackDeliveries", calls, delivered: [{channel, payload, at}] }
 */
import { startSecretsExtensionStandIn, type SecretsExtensionStandIn } from "../tests/support/secretsExtensionStandIn";
import { startSecretsStandIn, type SecretsStandIn } from "../tests/support/secretsStandIn";
import { startSlackStandIn, type SlackStandIn } from "../tests/support/slackStandIn";

export interface StartMessage {
  type: "start";
  slackTokens: string[];
  /** Secret id (ARN) → SecretString. */
  secrets: Record<string, string>;
  /** What the extension expects in X-Aws-Parameters-Secrets-Token (the function's AWS_SESSION_TOKEN). */
  sessionToken: string;
}

export interface ReadyMessage {
  type: "ready";
  slackUrl: string;
  secretsEndpoint: string;
  extensionPort: number;
}

/** Totals since the stand-ins started; the benchmark takes differences around one container. */
export interface CountsMessage {
  type: "counts";
  slackConnections: number;
  slackDelivered: number;
  secretsManagerReads: number;
  extensionReads: number;
}

/** Starts one more Slack stand-in, `name`, for the queued-delivery part. */
export interface SlackMessage {
  type: "slack";
  name: string;
  tokens: string[];
  /** Slack's per-channel limit: `burst` messages, then `perSecond` (429 with Retry-After above it). */
  rateLimit?: { perSecond: number; burst: number };
}

export interface SlackReadyMessage {
  type: "slackReady";
  name: string;
  url: string;
}

/** Totals of one named Slack stand-in: calls received (refused ones included) and messages posted. */
export interface SlackCountsMessage {
  type: "slackCounts";
  calls: number;
  delivered: number;
}

/**
 * The messages one named Slack stand-in posted, in the order it posted them: the channel, the call's
 * arguments as JSON (text and attachments), and `at`, the call's arrival (epoch ms).
 */
export interface SlackDeliveriesMessage {
  type: "slackDeliveries";
  calls: number;
  delivered: { channel: string; payload: string; at: number }[];
}

let slack: SlackStandIn | undefined;
const named = new Map<string, SlackStandIn>();
let secrets: SecretsStandIn | undefined;
let extension: SecretsExtensionStandIn | undefined;

type Outgoing =
  | ReadyMessage
  | CountsMessage
  | SlackReadyMessage
  | SlackCountsMessage
  | SlackDeliveriesMessage
  | { type: "error"; message: string };

const send = (message: Outgoing) => process.send?.(message);

process.on("message", (message: { type: string; name?: string }) => {
  if (message.type === "start") {
    const m = message as StartMessage;
    Promise.all([
      startSlackStandIn({ tokens: m.slackTokens }),
      startSecretsStandIn(m.secrets),
      startSecretsExtensionStandIn(m.secrets, m.sessionToken),
    ]).then(
      ([s, sm, ext]) => {
        [slack, secrets, extension] = [s, sm, ext];
        send({ type: "ready", slackUrl: s.url, secretsEndpoint: sm.endpoint, extensionPort: ext.port });
      },
      (err: Error) => send({ type: "error", message: err.message }),
    );
  } else if (message.type === "counts") {
    send({
      type: "counts",
      slackConnections: slack?.connections() ?? 0,
      slackDelivered: slack?.delivered.length ?? 0,
      secretsManagerReads: secrets?.calls.filter((c) => c.target === "secretsmanager.GetSecretValue").length ?? 0,
      extensionReads: extension?.calls.length ?? 0,
    });
  } else if (message.type === "slack") {
    const m = message as SlackMessage;
    startSlackStandIn({ tokens: m.tokens, rateLimit: m.rateLimit }).then(
      (s) => {
        named.set(m.name, s);
        send({ type: "slackReady", name: m.name, url: s.url });
      },
      (err: Error) => send({ type: "error", message: err.message }),
    );
  } else if (message.type === "slackCounts" || message.type === "slackDeliveries") {
    const s = named.get(String(message.name));
    if (!s) send({ type: "error", message: `no Slack stand-in named ${message.name}` });
    else if (message.type === "slackCounts")
      send({ type: "slackCounts", calls: s.calls.length, delivered: s.delivered.length });
    else
      send({
        type: "slackDeliveries",
        calls: s.calls.length,
        delivered: s.delivered.map((c) => ({
          channel: String(c.body.channel ?? ""),
          payload: JSON.stringify(c.body),
          at: c.at ?? 0,
        })),
      });
  } else if (message.type === "close") {
    Promise.all([
      slack?.close(),
      secrets?.close(),
      extension?.close(),
      ...[...named.values()].map((s) => s.close()),
    ]).finally(() => process.exit(0));
  }
});

// The benchmark went away without saying so: do not linger.
process.on("disconnect", () => process.exit(0));
