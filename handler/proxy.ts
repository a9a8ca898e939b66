/**
 * The proxy core: one ALB event in, one ALB result out. Everything per-container (settings, router,
 * secret cache, Slack gateway) is built by the caller once (callbackFactory) and passed in, so tests
 * and `npm start` build their own containers.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { first, parseAlbEvent, toAlbResult, type ProxyRequest, type ProxyResponse } from "./alb";
import { toSlackPayload } from "./convert";
import { acceptForDelivery, type MessageQueue } from "./delivery/accept";
import { escapeOneLine } from "./convert/escape";
import { badRequest, notFound, ProxyError, toProxyError, unavailable } from "./errors";
import type { SlackGateway } from "./gateway";
import {
  authorizeRoom,
  authorizeUnscoped,
  BODY_TOKEN_FIELD,
  canSeeRoom,
  requestToken,
  TokenAuthority,
  type Grant,
} from "./hipchat/auth";
import { createBodyReader, type BodyFields } from "./hipchat/body";
import {
  accepted,
  baseUrl,
  errorResponse,
  json,
  messageCreated,
  noContent,
  v1Room,
  v1RoomDetail,
  v1Ok,
  v1Sent,
  v2Room,
  v2RoomList,
} from "./hipchat/responses";
import { createFieldParsers, type ParsedMessage } from "./hipchat/fields";
import { describeError, type Logger, type RequestLog } from "./log";
import { createRouter, type RouteMatch, type RouteName } from "./routes";
import type { SecretCache } from "./secrets";
import type { PostOptions, PostResult, SlackMessage } from "./slack";
import { userKey, type ProxySecrets, type ProxySettings, type Room } from "./settings";

/** The part of the Lambda context the proxy uses (absent when run locally). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export interface ProxyDeps {
  settings: ProxySettings;
  secrets: SecretCache;
  slack: SlackGateway;
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

interface Call {
  req: ProxyRequest;
  params: Readonly<Record<string, string>>;
  fields: BodyFields;
  grant: Grant;
  secrets: ProxySecrets;
  deadline: number;
  log: RequestLog;
  /** The Slack channel (or user) the call is about, once known: its pacing gives the rate-limit headers. */
  pacing: { channel?: string };
}

export function createProxy(deps: ProxyDeps): AlbHandler {
  const { settings, log } = deps;
  const now = deps.now ?? Date.now;
  const publicHostname = deps.publicHostname ?? "localhost";
  const router = createRouter();
  const parse = createFieldParsers();
  const authorities = new WeakMap<ProxySecrets, TokenAuthority>();
  // Mention names (not ids or emails) from the user map, for `@name` in text messages.
  const mentionUsers = Object.fromEntries([...settings.users].filter(([k]) => !/^\d+$/.test(k) && !k.includes("@")));
  const convertOptions = {
    translateMentions: settings.translateMentions,
    mentionUsers,
    random: deps.random,
    // Only the error's class: its message could quote the sender's text.
    onError: (err: unknown) =>
      log.error("conversion failed; sent as escaped plain text", {
        error: err instanceof Error ? err.name : typeof err,
      }),
  };

  const authorityFor = (secrets: ProxySecrets): TokenAuthority => {
    let authority = authorities.get(secrets);
    if (!authority) {
      authority = new TokenAuthority(secrets.tokens);
      authorities.set(secrets, authority);
    }
    return authority;
  };

  /** Resolves a room from a path or form value; 400 for names HipChat would never have allowed. */
  const findRoom = (requested: string): { room?: Room; channel?: string } => {
    if (requested.length === 0 || requested.length > 100 || /\p{Cc}/u.test(requested)) {
      throw badRequest("Room id or name must be 1–100 characters without control characters");
    }
    const room = settings.rooms.find(requested);
    return { room, channel: room?.channel ?? settings.defaultChannel };
  };

  /**
   * A configured room for a read call, for a token that may see it: 403 outside a room-scoped
   * token's rooms (known or not, as for posts), 404 for a room that is not configured (the default
   * channel is no room of its own).
   */
  const readRoom = (call: Call, requested: string): Room => {
    call.log.room = requested;
    const { room } = findRoom(requested);
    authorizeRoom(call.grant, room ?? { requested });
    if (!room) throw notFound("Room not found");
    call.pacing.channel = room.channel;
    return room;
  };

  const send = async (call: Call, channel: string, msg: ParsedMessage): Promise<PostResult> => {
    call.log.channel = channel;
    const message: SlackMessage = { ...toSlackPayload(msg, convertOptions), channel, thread_ts: msg.threadTs };
    if (deps.queue) return acceptForDelivery(deps.queue, message, { route: call.log.route, now });
    return withSlackToken(call, (token, options) => deps.slack.post(token, message, options));
  };

  /** One Slack call; if Slack refuses the token, the secret is refetched and the call made once more. */
  const withSlackToken = async <T>(
    call: Call,
    slackCall: (token: string | undefined, options: PostOptions) => Promise<T>,
  ): Promise<T> => {
    const options = { deadline: call.deadline, attemptBudgetMs: settings.slackTimeoutMs, now };
    try {
      return await slackCall(call.secrets.slackToken, options);
    } catch (err) {
      if (!(err instanceof ProxyError && err.slackAuth)) throw err;
      // The Slack token may have been rotated: refetch once, and retry only with a different token.
      deps.secrets.invalidate();
      const fresh = await deps.secrets.get();
      if (fresh.slackToken === call.secrets.slackToken) throw err;
      return slackCall(fresh.slackToken, options);
    }
  };

  /**
   * Sets a configured room's channel topic. Only configured rooms: a room that would post to the
   * default channel has no channel of its own whose topic it could set (404).
   */
  const setTopic = async (call: Call, room: Room | undefined, topic: string): Promise<void> => {
    if (!room) throw notFound("Room not found");
    call.log.channel = room.channel;
    const setter = deps.slack.setTopic?.bind(deps.slack);
    if (!setter) throw unavailable("Room topics are not available with this Slack gateway");
    // A topic shows as plain text on one line; escaped so that it can carry no mention or link.
    const text = escapeOneLine(topic);
    await withSlackToken(call, (token, options) => setter(token, room.channel, text, options));
  };

  const roomCall = async (
    call: Call,
    parseFields: (f: BodyFields) => ParsedMessage,
  ): Promise<PostResult | undefined> => {
    const requested = call.params.room;
    call.log.room = requested;
    const { room, channel } = findRoom(requested);
    authorizeRoom(call.grant, room ?? { requested });
    call.pacing.channel = channel;
    if (isAuthTest(call.req)) return undefined;
    const msg = parseFields(call.fields);
    if (!channel) throw notFound("Room not found");
    return send(call, channel, msg);
  };

  const handlers: Record<Exclude<RouteName, "health">, (call: Call) => Promise<ProxyResponse>> = {
    "room.notification": async (call) => ((await roomCall(call, parse.notification)) ? noContent() : accepted()),
    "room.shareLink": async (call) => ((await roomCall(call, parse.shareLink)) ? noContent() : accepted()),
    "room.message": async (call) => {
      const result = await roomCall(call, parse.roomMessage);
      return result ? messageCreated(result.ts) : accepted();
    },
    "user.message": async (call) => {
      authorizeUnscoped(call.grant, "message users");
      if (isAuthTest(call.req)) return accepted();
      const slackUser = settings.users.get(userKey(call.params.user));
      call.pacing.channel = slackUser;
      const msg = parse.userMessage(call.fields);
      if (!slackUser) throw notFound("User not found");
      await send(call, slackUser, msg);
      return noContent();
    },
    "v1.rooms.message": async (call) => {
      const roomId =
        typeof call.fields.room_id === "string" || typeof call.fields.room_id === "number"
          ? String(call.fields.room_id)
          : "";
      call.log.room = roomId || undefined;
      // Authorize before validating, as for v2: a scoped token learns nothing about other rooms.
      const found = roomId ? findRoom(roomId) : undefined;
      if (found) authorizeRoom(call.grant, found.room ?? { requested: roomId });
      call.pacing.channel = found?.channel;
      if (isAuthTest(call.req)) return accepted();
      const msg = parse.v1Message(call.fields); // a missing room_id is a 400 naming it
      if (!found?.channel) throw notFound("Room not found");
      await send(call, found.channel, msg);
      // `format=xml` was v1's other answer format; errors stay JSON.
      return v1Sent(msg.responseFormat);
    },
    "room.list": async (call) => {
      if (isAuthTest(call.req)) return accepted();
      const rooms = settings.rooms.rooms.filter((r) => canSeeRoom(call.grant, r));
      const start = boundedInt(first(call.req.query, "start-index"), 0, 0, Number.MAX_SAFE_INTEGER);
      const max = boundedInt(first(call.req.query, "max-results"), 100, 0, 1000);
      return json(200, v2RoomList(rooms, start, max, baseUrl(call.req, publicHostname)));
    },
    "v1.rooms.list": async (call) =>
      isAuthTest(call.req)
        ? accepted()
        : json(200, {
            rooms: settings.rooms.rooms.filter((r) => canSeeRoom(call.grant, r)).map((r) => v1Room(r, publicHostname)),
          }),
    "room.topic": async (call) => {
      const requested = call.params.room;
      call.log.room = requested;
      const { room, channel } = findRoom(requested);
      authorizeRoom(call.grant, room ?? { requested });
      call.pacing.channel = channel;
      if (isAuthTest(call.req)) return accepted();
      const { topic } = parse.topic(call.fields);
      await setTopic(call, room, topic);
      return noContent();
    },
    "v1.rooms.topic": async (call) => {
      const roomId = parse.v1RoomId(call.fields);
      call.log.room = roomId;
      // Authorize before validating, as for messages: a scoped token learns nothing about other rooms.
      const found = roomId !== undefined ? findRoom(roomId) : undefined;
      if (found && roomId !== undefined) authorizeRoom(call.grant, found.room ?? { requested: roomId });
      call.pacing.channel = found?.channel;
      if (isAuthTest(call.req)) return accepted();
      const { topic } = parse.v1Topic(call.fields); // a missing room_id is a 400 naming it
      await setTopic(call, found?.room, topic);
      return v1Ok();
    },
    "room.get": async (call) => {
      const room = readRoom(call, call.params.room);
      if (isAuthTest(call.req)) return accepted();
      return json(200, v2Room(room, baseUrl(call.req, publicHostname), publicHostname));
    },
    "v1.rooms.show": async (call) => {
      const roomId = parse.v1RoomId(call.fields);
      if (roomId === undefined) throw badRequest("Field room_id is required");
      const room = readRoom(call, roomId);
      if (isAuthTest(call.req)) return accepted();
      return json(200, v1RoomDetail(room, publicHostname));
    },
  };

  return async (event, context) => {
    const started = now();
    const entry: RequestLog = { route: "unknown", method: String(event?.httpMethod ?? ""), status: 0, latencyMs: 0 };
    let multiValue = event?.multiValueHeaders !== undefined;
    let response: ProxyResponse;
    // Set once the token is known good: every answer from then on carries the rate-limit headers.
    let pacing: Call["pacing"] | undefined;
    try {
      const req = parseAlbEvent(event);
      multiValue = req.multiValue;
      entry.method = req.method;
      entry.traceId = first(req.headers, "x-amzn-trace-id");
      // A route error (404, 405) is answered only once the token is known good: a request without a
      // valid token is a 401 whatever else is wrong with it.
      let match: RouteMatch | undefined;
      let routeError: unknown;
      try {
        match = router.match(req.method, req.path);
      } catch (err) {
        routeError = err;
      }
      entry.route = match?.name ?? "unknown";
      if (match?.name === "health") {
        response = json(200, { status: "ok", ...deps.health?.() });
      } else {
        const secrets = await deps.secrets.get();
        const body = createBodyReader(req);
        // A token in a header or the query is checked before the body is read; only without one is
        // the body looked at, for its `auth_token` field.
        const token = requestToken(req) ?? (await body.lookup(BODY_TOKEN_FIELD));
        const grant = authorityFor(secrets).authenticate(token);
        pacing = {};
        if (routeError !== undefined || !match) throw routeError;
        // v1 clients may put every field in the query (GET) or split them between query and form.
        const bodyFields = await body.fields();
        const fields = match.name.startsWith("v1.") ? { ...queryFields(req), ...bodyFields } : bodyFields;
        // The Lambda's remaining time is read now, after the secret fetch, so it counts from now (it
        // used to be added to `started`, losing the fetch time: up to 6 s with a slow Secrets Manager).
        // The local budget counts from the request's start.
        const end = context ? now() + context.getRemainingTimeInMillis() : started + (deps.localBudgetMs ?? 10_000);
        const deadline = end - DEADLINE_MARGIN_MS;
        response = await handlers[match.name]({
          req,
          params: match.params,
          fields,
          grant,
          secrets,
          deadline,
          log: entry,
          pacing,
        });
      }
    } catch (err) {
      const error = toProxyError(err);
      response = errorResponse(error);
      entry.slackError = error.slackError;
      if (error.statusCode === 404 && entry.route === "unknown") {
        entry.unsupported = true;
        entry.path = String(event?.path ?? "").slice(0, 300);
      }
      if (error.statusCode === 405) entry.unsupported = true;
      if (error.statusCode >= 500) entry.error = describeError(err);
    }
    if (pacing) {
      // A 429's own headers (from Slack's Retry-After) stand over the pacer's view.
      response = {
        ...response,
        headers: { ...rateLimitHeaders(deps.slack, pacing.channel, now()), ...response.headers },
      };
    }
    entry.status = response.statusCode;
    entry.latencyMs = now() - started;
    log.request(entry);
    return toAlbResult(response, multiValue);
  };
}

/**
 * HipChat's rate-limit headers, from the container's per-channel pacing (handler/pacing.ts) for the
 * room's channel: Limit 1, Remaining 1 when the next message to the room would go to Slack at once
 * and 0 when it would wait its turn or be refused, Reset the Unix second that pacing ends (now when
 * the channel is free). Calls about no channel (listings) report a free channel. See
 * docs/hipchat-api.md, "Rate-limit headers".
 */
export function rateLimitHeaders(
  slack: Pick<SlackGateway, "nextTurn">,
  channel: string | undefined,
  nowMs: number,
): Record<string, string> {
  const turn = channel === undefined ? nowMs : (slack.nextTurn?.(channel, nowMs) ?? nowMs);
  const paced = turn > nowMs;
  return {
    "X-Ratelimit-Limit": "1",
    "X-Ratelimit-Remaining": paced ? "0" : "1",
    "X-Ratelimit-Reset": String(Math.ceil(Math.max(turn, nowMs) / 1000)),
  };
}

function isAuthTest(req: ProxyRequest): boolean {
  return (first(req.query, "auth_test") ?? "").toLowerCase() === "true";
}

function queryFields(req: ProxyRequest): BodyFields {
  const out: Record<string, string> = Object.create(null); // keys come from clients: no inherited members
  for (const [k, v] of req.query) if (v.length > 0) out[k] = v[0];
  return out;
}

function boundedInt(value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  return Math.min(hi, Math.max(lo, Number(value)));
}
