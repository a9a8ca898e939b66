/**
 * `npm start`: the proxy on http://127.0.0.1:8080, running the same handler as Lambda. Each HTTP
 * request becomes an ALB event (local/albEvent.ts), goes through `createProxy`, and the ALB result
 * goes back out as HTTP. Secrets come from the environment instead of Secrets Manager.
 */
import { isUtf8 } from "node:buffer";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { ALBEvent } from "aws-lambda";
import { MAX_BODY_BYTES, toAlbResult } from "../handler/alb";
import { payloadTooLarge } from "../handler/errors";
import { consoleGateway, secretTokenSource, slackEdge, webApiGateway, type SlackGateway } from "../handler/gateway";
import { createLogger, type Logger } from "../handler/log";
import type { SecretCache } from "../handler/secrets";
import { PUBLIC_HOSTNAME } from "../handler/hipchat/responses";
import { type AlbHandler, createProxy, errorResponse } from "../handler/proxy";
import { SettingsError, type ProxySecrets } from "../handler/settings";
import { fromAlbResult, toAlbEvent, type RawHttpRequest } from "./albEvent";
import { type LocalDelivery, startLocalDelivery } from "./queueWorker";
import { loadLocalConfig, type LocalConfig } from "./settings";

export interface LocalServer {
  url: string;
  /** With DELIVERY_MODE=queued: the queue and its worker. */
  delivery?: LocalDelivery;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  log?: Logger;
  /** Where the console gateway prints payloads when there is no Slack token. */
  print?: (line: string) => void;
  /**
   * The hostname (`host:port`) for HipChat's `links` (PUBLIC_HOSTNAME). Default: the server's own
   * address, as `url` shows it.
   */
  publicHostname?: string;
}

export async function startLocalServer(config: LocalConfig, options: LocalServerOptions = {}): Promise<LocalServer> {
  const fixed: ProxySecrets = { slackToken: config.slackToken, tokens: config.tokens };
  // Locally the secrets are fixed for the process' life; invalidation has nothing to refetch.
  const secrets: SecretCache = { get: async () => fixed, invalidate: () => undefined };
  const gateway: SlackGateway = config.slackToken
    ? webApiGateway({ slackApiUrl: config.slackApiUrl, timeoutMs: config.settings.slackTimeoutMs })
    : consoleGateway(options.print);
  const slack = slackEdge(gateway, secretTokenSource(secrets), { attemptBudgetMs: config.settings.slackTimeoutMs });
  const log = options.log ?? createLogger();
  // Queued mode: valid messages are stored in QUEUE_PATH and answered at once; a worker loop in this
  // process posts them (docs/queued-delivery.md).
  const delivery =
    config.delivery.mode === "queued"
      ? startLocalDelivery({
          queuePath: config.queuePath,
          slackToken: config.slackToken,
          slackApiUrl: config.slackApiUrl,
          slackTimeoutMs: config.settings.slackTimeoutMs,
          delivery: config.delivery,
          log,
          print: options.print,
        })
      : undefined;
  // Built once the server listens, when its own address (for `links`) is known; no request comes before.
  let handler: AlbHandler = async () => {
    throw new Error("not listening yet");
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => {
      const answer = tooLarge
        ? Promise.resolve(toAlbResult(errorResponse(payloadTooLarge("Request body exceeds 1 MB")), false))
        : handler(
            albEventFor(
              {
                method: req.method ?? "GET",
                url: req.url ?? "/",
                rawHeaders: req.rawHeaders,
                body: Buffer.concat(chunks),
                remoteAddress: req.socket.remoteAddress ?? "127.0.0.1",
                localPort: req.socket.localPort ?? config.port,
              },
              config.multiValueHeaders,
            ),
          );
      answer
        .then((result) => {
          const out = fromAlbResult(result);
          res.writeHead(out.statusCode, out.headers.flat());
          res.end(out.body);
        })
        .catch(() => {
          // The handler answers every error itself; reaching here is a bug, still answered in HipChat shape.
          res.writeHead(500, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              error: { code: 500, message: "Internal error in the HipChat proxy", type: "Internal Server Error" },
            }),
          );
        });
    });
  });
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  }).catch(async (err: unknown) => {
    await delivery?.close();
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  const address = `${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  handler = createProxy({
    settings: config.settings,
    secrets,
    slack,
    log,
    queue: delivery?.queue,
    health: delivery?.health,
    publicHostname: options.publicHostname ?? address,
  });
  return {
    url: `http://${address}`,
    delivery,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => delivery?.close()),
  };
}

/**
 * The ALB event for a request (local/albEvent.ts), except that a text body (JSON, text/*…) that is
 * not valid UTF-8 goes as base64, with its bytes: an event is JSON and cannot carry them as text, and
 * decoding them with replacement characters let npm start accept `A\xff\xfeB` as `A\ufffd\ufffdB`
 * where the handler's UTF-8 check, given the bytes, answers 400 as for any other content type.
 */
function albEventFor(raw: RawHttpRequest, multiValue: boolean): ALBEvent {
  const event = toAlbEvent(raw, multiValue);
  if (!event.isBase64Encoded && raw.body.length > 0 && !isUtf8(raw.body)) {
    event.body = raw.body.toString("base64");
    event.isBase64Encoded = true;
  }
  return event;
}

/**
 * Requests Node's HTTP parser refuses (malformed, an unknown method, headers over 16 KB) never reach
 * the handler. They get HipChat's error shape instead of Node's bare 400/431 without a body.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent) {
    socket.destroy(); // nothing to answer: the peer is gone, or an answer is already on its way
    return;
  }
  const [status, message] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request headers are too large (16 KB at most)"]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "The request was not received in time"]
        : err.code === "HPE_INVALID_METHOD"
          ? [400, "Unknown HTTP method"]
          : [400, "Malformed HTTP request"];
  const reason = http.STATUS_CODES[status] ?? "Bad Request";
  const body = JSON.stringify({ error: { code: status, message, type: reason } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function main(): Promise<void> {
  let config: LocalConfig;
  let publicHostname: string | undefined;
  try {
    config = loadLocalConfig(process.env);
    publicHostname = process.env.PUBLIC_HOSTNAME?.trim() || undefined;
    if (publicHostname !== undefined && !PUBLIC_HOSTNAME.test(publicHostname)) {
      throw new SettingsError("PUBLIC_HOSTNAME: expected a hostname, optionally with :port");
    }
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`Configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startLocalServer(config, { publicHostname });
  const lines = [`HipChat proxy listening on ${server.url}`];
  lines.push(
    config.slackToken
      ? `Delivering to Slack at ${config.slackApiUrl ?? "https://slack.com/api/"}`
      : "SLACK_TOKEN is not set: messages are printed here, not sent.",
  );
  if (server.delivery) {
    lines.push(
      `Queued delivery: messages are stored in ${server.delivery.queue.path} and delivered by a worker ` +
        `(${server.delivery.queue.stats().depth} waiting).`,
    );
  }
  if (config.implicitDefaultChannel) {
    lines.push(
      `No ROOM_CHANNELS or DEFAULT_CHANNEL: every room maps to ${config.settings.defaultChannel} for this dry run.`,
    );
  }
  if (config.generatedToken) {
    lines.push(
      "HIPCHAT_TOKENS is not set; this run accepts one generated token:",
      `  ${config.generatedToken}`,
      "Try:",
      `  curl -i -X POST '${server.url}/v2/room/test/notification?auth_token=${config.generatedToken}' \\`,
      `       -H 'Content-Type: application/json' -d '{"message":"Hello <b>Slack</b>","color":"green"}'`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
