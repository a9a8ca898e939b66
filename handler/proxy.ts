/**
 * The proxy core: one ALB event in, one ALB result out. Everything per-container (settings, router,
 * parsers, secret cache, the Slack edge) is built once by `createProxy` (called from
 * callbackFactory, `npm start` and tests), and each request runs through `handleEvent`:
 *
 * 1. the event becomes a request (handler/alb.ts) and is routed (handler/routes.ts); a route error
 *    waits until the token is known good;
 * 2. the token is authenticated, from a header or the query before the body is read, else from the
 *    body's `auth_token` (handler/hipchat/auth.ts, body.ts);
 * 3. the route's call runs (handler/calls.ts) with the request's deadline;
 * 4. every error becomes HipChat's error shape, every authenticated answer gets the rate-limit
 *    headers, and one log line is written.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { first, parseAlbEvent, toAlbResult, type ProxyRequest, type ProxyResponse } from "./alb";
import type { Call, CallLog, Service } from "./call";
import type { MessageQueue } from "./delivery/accept";
import { toProxyError } from "./errors";
import { isSlackEdge, secretTokenSource, slackEdge, type SlackEdge, type SlackGateway } from "./gateway";
import { BODY_TOKEN_FIELD, requestToken, TokenAuthority, type Grant } from "./hipchat/auth";
import { type BodyFields, createBodyReader } from "./hipchat/body";
import { createFieldParsers } from "./hipchat/fields";
import { errorResponse, rateLimitHeaders } from "./hipchat/responses";
import { describeError, type Logger } from "./log";
import { createRouter, type RouteMatch, type Router } from "./routes";
import type { SecretCache } from "./secrets";
import type { ProxySecrets, ProxySettings } from "./settings";

/** The part of the Lambda context the proxy uses (absent when run locally). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  /** Lambda's id for this invocation; logged with each request. */
  awsRequestId?: string;
}

export interface ProxyDeps {
  settings: ProxySettings;
  /** The proxy's secret: the allowed HipChat tokens (and, for a bare gateway, the Slack token). */
  secrets: SecretCache;
  /**
   * The Slack edge (handler/gateway.ts `slackEdge`, with its own token source). A bare transport
   * (`SlackGateway`) is given an edge over the Slack token in `secrets`.
   */
  slack: SlackEdge | SlackGateway;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** Time budget for one request when there is no Lambda context (local server). Default 10 s. */
  localBudgetMs?: number;
  /**
   * Queued delivery (handler/delivery): a valid message is stored here and answered at once, and a
   * worker posts it. Without it, messages are posted while the client waits (the direct mode).
   */
  queue?: MessageQueue;
  /** Extra fields for the health check's answer (`npm start` adds its queue's depth and age). */
  health?: () => Record<string, unknown>;
  /**
   * The hostname (optionally `:port`) HipChat's `links` point at: the proxy's configured name,
   * never the request's Host header. Default `localhost`.
   */
  publicHostname?: string;
}

export type AlbHandler = (event: ALBEvent, context?: InvocationContext) => Promise<ALBResult>;

/** Answer headroom kept back from the Lambda deadline so the ALB always gets a HipChat answer. */
const DEADLINE_MARGIN_MS = 750;

export { errorResponse };

/** What one container keeps between requests. */
interface Container {
  service: Service;
  router: Router;
  secrets: SecretCache;
  log: Logger;
  localBudgetMs: number;
  /** The allowed tokens, digested once per secret version. */
  authorities: WeakMap<ProxySecrets, TokenAuthority>;
}

export function createProxy(deps: ProxyDeps): AlbHandler {
  const container = createContainer(deps);
  return (event, context) => handleEvent(container, event, context);
}

function createContainer(deps: ProxyDeps): Container {
  const { settings, log } = deps;
  const now = deps.now ?? Date.now;
  const slack = isSlackEdge(deps.slack)
    ? deps.slack
    : slackEdge(deps.slack, secretTokenSource(deps.secrets), { attemptBudgetMs: settings.slackTimeoutMs, now });
  // Mention names (not ids or emails) from the user map, for `@name` in text messages.
  const mentionUsers = Object.fromEntries([...settings.users].filter(([k]) => !/^\d+$/.test(k) && !k.includes("@")));
  return {
    service: {
      settings,
      parse: createFieldParsers(),
      convert: {
        translateMentions: settings.translateMentions,
        mentionUsers,
        random: deps.random,
        // Only the error's class: its message could quote the sender's text.
        onError: (err: unknown) =>
          log.error("conversion failed; sent as escaped plain text", {
            error: err instanceof Error ? err.name : typeof err,
          }),
      },
      slack,
      queue: deps.queue,
      health: deps.health,
      publicHostname: deps.publicHostname ?? "localhost",
      now,
    },
    router: createRouter(),
    secrets: deps.secrets,
    log,
    localBudgetMs: deps.localBudgetMs ?? 10_000,
    authorities: new WeakMap(),
  };
}

async function handleEvent(c: Container, event: ALBEvent, context?: InvocationContext): Promise<ALBResult> {
  const { now } = c.service;
  const started = now();
  const entry: CallLog = { route: "unknown", method: String(event?.httpMethod ?? ""), status: 0, latencyMs: 0 };
  if (context?.awsRequestId) entry.awsRequestId = String(context.awsRequestId);
  let multiValue = event?.multiValueHeaders !== undefined;
  // Set once the token is known good: every answer from then on carries the rate-limit headers.
  let pacing: Call["pacing"] | undefined;
  let response: ProxyResponse;
  try {
    const req = parseAlbEvent(event);
    multiValue = req.multiValue;
    entry.method = req.method;
    entry.traceId = first(req.headers, "x-amzn-trace-id");
    // A route error (404, 405) is answered only once the token is known good: a request without a
    // valid token is a 401 whatever else is wrong with it.
    const routed = route(c.router, req);
    entry.route = routed.match?.route.name ?? "unknown";
    const body = createBodyReader(req);
    let grant: Grant | undefined;
    if (routed.match?.route.authenticated !== false) {
      grant = await authenticate(c, req, body);
      pacing = {};
    }
    if (!routed.match) throw routed.error;
    const { route: matched, params } = routed.match;
    const bodyFields = await body.fields();
    // v1 clients may put every field in the query (GET) or split them between query and form.
    const fields = matched.queryFields ? { ...queryFields(req), ...bodyFields } : bodyFields;
    response = await matched.handler({
      service: c.service,
      req,
      params,
      fields,
      grant: grant as Grant,
      deadline: deadline(c, started, context),
      log: entry,
      pacing: pacing ?? {},
    });
  } catch (err) {
    response = failed(entry, event, err);
  }
  if (pacing) {
    // A 429's own headers (from Slack's Retry-After) stand over the pacer's view.
    const t = now();
    const turn = pacing.channel === undefined ? t : c.service.slack.nextTurn(pacing.channel, t);
    response = { ...response, headers: { ...rateLimitHeaders(turn, t), ...response.headers } };
  }
  entry.status = response.statusCode;
  entry.latencyMs = now() - started;
  c.log.request(entry);
  return toAlbResult(response, multiValue);
}

function route(router: Router, req: ProxyRequest): { match?: RouteMatch; error?: unknown } {
  try {
    return { match: router.match(req.method, req.path) };
  } catch (error) {
    return { error };
  }
}

/**
 * The token's grant, or a 401. A token in a header or the query is checked before the body is read;
 * only without one is the body looked at, for its `auth_token` field.
 */
async function authenticate(c: Container, req: ProxyRequest, body: ReturnType<typeof createBodyReader>) {
  const secrets = await c.secrets.get();
  const token = requestToken(req) ?? (await body.lookup(BODY_TOKEN_FIELD));
  let authority = c.authorities.get(secrets);
  if (!authority) {
    authority = new TokenAuthority(secrets.tokens);
    c.authorities.set(secrets, authority);
  }
  return authority.authenticate(token);
}

/**
 * The epoch ms by which the answer must be on its way. The Lambda's remaining time is read now,
 * after the secret fetch, so it counts from now; the local budget counts from the request's start.
 */
function deadline(c: Container, started: number, context?: InvocationContext): number {
  const { now } = c.service;
  const end = context ? now() + context.getRemainingTimeInMillis() : started + c.localBudgetMs;
  return end - DEADLINE_MARGIN_MS;
}

/** Any failure as HipChat's error answer, noted in the log line. */
function failed(entry: CallLog, event: ALBEvent, err: unknown): ProxyResponse {
  const error = toProxyError(err);
  entry.slackError = error.slackError;
  if (error.statusCode === 404 && entry.route === "unknown") {
    entry.unsupported = true;
    entry.path = String(event?.path ?? "").slice(0, 300);
  }
  if (error.statusCode === 405) entry.unsupported = true;
  if (error.statusCode >= 500) entry.error = describeError(err);
  return errorResponse(error);
}

function queryFields(req: ProxyRequest): BodyFields {
  const out: Record<string, string> = Object.create(null); // keys come from clients: no inherited members
  for (const [k, v] of req.query) if (v.length > 0) out[k] = v[0];
  return out;
}
