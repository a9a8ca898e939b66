/**
 * HipChat's answers, as its API shaped them: success bodies, the room objects of v1 and v2, the
 * links in them, and the error rendering. Pure functions; the core decides which to send.
 *
 * Rooms are configuration (a name, an id, a Slack channel), so most of a HipChat room's fields are
 * synthesized with fixed values; docs/hipchat-api.md ("Rooms as HipChat described them") lists which.
 */
import { first, type ProxyRequest, type ProxyResponse } from "../alb";
import { type ProxyError, reasonPhrase } from "../errors";
import type { Room } from "../settings";

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8" };

export function json(statusCode: number, body: unknown): ProxyResponse {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

export function noContent(): ProxyResponse {
  return { statusCode: 204, headers: {} };
}

/** `auth_test=true`: HipChat answered 202 and did nothing else. */
export function accepted(): ProxyResponse {
  return json(202, {
    success: { code: 202, type: reasonPhrase(202), message: "This auth_token has access to use this method." },
  });
}

/** v1's answer to a message: `{"status":"sent"}`, or its XML form for `format=xml`. */
export function v1Sent(format: "json" | "xml"): ProxyResponse {
  return format === "xml"
    ? {
        statusCode: 200,
        headers: { "Content-Type": "application/xml; charset=utf-8" },
        body: '<?xml version="1.0" encoding="utf-8"?>\n<response><status>sent</status></response>',
      }
    : json(200, { status: "sent" });
}

/** v1's answer to calls that change something other than messages (rooms/topic). */
export function v1Ok(): ProxyResponse {
  return json(200, { status: "ok" });
}

/** v2's answer to `/message`: the message's id (Slack's `ts`) and its time. */
export function messageCreated(ts: string): ProxyResponse {
  return json(201, { id: ts, timestamp: slackTsToIso(ts) });
}

export function errorResponse(error: ProxyError): ProxyResponse {
  return {
    statusCode: error.statusCode,
    headers: { ...JSON_HEADERS, ...error.headers },
    body: JSON.stringify(error.toJSON()),
  };
}

/** Slack's `ts` ("1700000000.000123") as the ISO timestamp HipChat returned for messages. */
export function slackTsToIso(ts: string): string {
  const [secs, micros = "0"] = ts.split(".");
  const ms = Number(secs) * 1000 + Math.floor(Number(micros.padEnd(6, "0").slice(0, 6)) / 1000);
  if (!Number.isFinite(ms)) return new Date(0).toISOString();
  return new Date(ms).toISOString().replace("Z", `${micros.padEnd(6, "0").slice(3, 6)}+00:00`);
}

/** A hostname, optionally with a port: what `links` may be built on. */
export const PUBLIC_HOSTNAME =
  /^(?=.{1,253}(:\d{1,5})?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/;

/**
 * Where HipChat's `links` point: the scheme the client used (the ALB's `X-Forwarded-Proto`) and the
 * proxy's configured hostname. Never the request's `Host` header, which a client chooses.
 */
export function baseUrl(req: ProxyRequest, publicHostname: string): string {
  const proto = first(req.headers, "x-forwarded-proto") === "https" ? "https" : "http";
  return `${proto}://${publicHostname}`;
}

/** The synthesized owner of every room: the proxy itself, with v1's `owner_user_id` 0. */
const OWNER_ID = 0;
/** HipChat's `created` for rooms the proxy knows only from configuration: the Unix epoch. */
const CREATED_V2 = "1970-01-01T00:00:00+00:00";

/** An XMPP JID in HipChat's form (`<id>_<name>@conf.<host>`), on the proxy's hostname. */
function xmppJid(room: Room, publicHostname: string): string {
  const slug =
    room.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "") || "room";
  return `${room.id}_${slug}@conf.${publicHostname.replace(/:\d+$/, "")}`;
}

/** A room's links, as in `GET /v2/room` items and "Get room". */
function v2RoomLinks(room: Room, base: string) {
  const self = `${base}/v2/room/${room.id}`;
  return { self, participants: `${self}/participant`, webhooks: `${self}/webhook` };
}

/** One item of `GET /v2/room`. */
export function v2RoomItem(room: Room, base: string) {
  return {
    id: room.id,
    name: room.name,
    privacy: "public",
    is_archived: false,
    version: "1",
    links: v2RoomLinks(room, base),
  };
}

/** `GET /v2/room/{id_or_name}` ("Get room"). */
export function v2Room(room: Room, base: string, publicHostname: string) {
  const links = v2RoomLinks(room, base);
  return {
    id: room.id,
    name: room.name,
    privacy: "public",
    is_archived: false,
    is_guest_accessible: false,
    guest_access_url: null,
    topic: "",
    xmpp_jid: xmppJid(room, publicHostname),
    created: CREATED_V2,
    last_active: null,
    version: "1",
    avatar_url: null,
    delegate_admin_visibility: null,
    owner: {
      id: OWNER_ID,
      name: "HipChat proxy",
      mention_name: "HipChatProxy",
      links: { self: `${base}/v2/user/${OWNER_ID}` },
    },
    participants: [],
    statistics: { links: { self: `${links.self}/statistics` } },
    links: { ...links, members: `${links.self}/member` },
  };
}

/** `GET /v2/room`: one page of rooms, with HipChat's paging links. */
export function v2RoomList(rooms: readonly Room[], start: number, max: number, base: string) {
  const page = rooms.slice(start, start + max);
  return {
    items: page.map((r) => v2RoomItem(r, base)),
    startIndex: start,
    maxResults: max,
    links: {
      self: `${base}/v2/room`,
      ...(start + max < rooms.length ? { next: `${base}/v2/room?start-index=${start + max}&max-results=${max}` } : {}),
      ...(start > 0 ? { prev: `${base}/v2/room?start-index=${Math.max(0, start - max)}&max-results=${max}` } : {}),
    },
  };
}

/** One room of `GET /v1/rooms/list`. */
export function v1Room(room: Room, publicHostname: string) {
  return {
    room_id: room.id,
    name: room.name,
    topic: "",
    last_active: 0,
    created: 0,
    owner_user_id: OWNER_ID,
    is_archived: false,
    is_private: false,
    guest_access_url: null,
    xmpp_jid: xmppJid(room, publicHostname),
  };
}

/** `GET /v1/rooms/show`: the room with its (empty) participants. */
export function v1RoomDetail(room: Room, publicHostname: string) {
  return { room: { ...v1Room(room, publicHostname), participants: [] } };
}

/**
 * HipChat's rate-limit headers, from the per-channel pacing of the call's room (handler/pacing.ts):
 * `turn` is when the next message to the room's channel may go (epoch ms; `nowMs` when it is free).
 * Limit 1; Remaining 1 when the next message would go to Slack at once, 0 when it would wait its
 * turn or be refused; Reset the Unix second that pacing ends (now when the channel is free). See
 * docs/hipchat-api.md, "Rate-limit headers".
 */
export function rateLimitHeaders(turn: number, nowMs: number): Record<string, string> {
  const paced = turn > nowMs;
  return {
    "X-Ratelimit-Limit": "1",
    "X-Ratelimit-Remaining": paced ? "0" : "1",
    "X-Ratelimit-Reset": String(Math.ceil(Math.max(turn, nowMs) / 1000)),
  };
}
