/**
 * The stand-ins' own process: Slack, Secrets Manager and the Parameters and Secrets extension on
 * 127.0.0.1 (tests/support), started by the benchmark with `fork` so that none of their work runs
 * in the processes it measures, nor in the one that times them. Driven over the IPC channel:
 *
 *   → { type: "start", slackTokens, secrets, sessionToken }   ← { type: "ready", slackUrl, … }
 *   → { type: "counts" }                                      ← { type: "counts", … } (totals so far)
 *   → { type: "close" }                                       (closes the servers and exits)
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

let slack: SlackStandIn | undefined;
let secrets: SecretsStandIn | undefined;
let extension: SecretsExtensionStandIn | undefined;

const send = (message: ReadyMessage | CountsMessage | { type: "error"; message: string }) => process.send?.(message);

process.on("message", (message: { type: string } & Partial<StartMessage>) => {
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
  } else if (message.type === "close") {
    Promise.all([slack?.close(), secrets?.close(), extension?.close()]).finally(() => process.exit(0));
  }
});

// The benchmark went away without saying so: do not linger.
process.on("disconnect", () => process.exit(0));
