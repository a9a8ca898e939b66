/**
 * The HipChat calls the proxy serves, one function each: a call in (handler/call.ts), HipChat's
 * answer out (handler/hipchat/responses.ts), or a ProxyError thrown. handler/routes.ts pairs each
 * with its method and path.
 */
import { first, type ProxyResponse } from "./alb";
import { badRequest, notFound } from "./errors";
import { authorizeUnscoped, canSeeRoom } from "./hipchat/auth";
import type { BodyFields } from "./hipchat/body";
import type { ParsedMessage } from "./hipchat/fields";
import {
  accepted,
  json,
  messageCreated,
  noContent,
  v1Ok,
  v1Room,
  v1RoomDetail,
  v1Sent,
  v2Room,
  v2RoomList,
} from "./hipchat/responses";
import { userKey } from "./settings";
import { type Call, configuredRoom, isAuthTest, links, roomFor, send, setRoomTopic } from "./call";

export type CallHandler = (call: Call) => Promise<ProxyResponse>;

/** `GET /healthz`: the ALB's health check. No token, no secret, no Slack. */
export const health: CallHandler = async (call) => json(200, { status: "ok", ...call.service.health?.() });

/** A message to the room a v2 path names; undefined for `auth_test`. */
async function roomMessage(call: Call, parse: (f: BodyFields) => ParsedMessage) {
  const { channel } = roomFor(call, call.params.room);
  if (isAuthTest(call)) return undefined;
  const msg = parse(call.fields);
  if (!channel) throw notFound("Room not found");
  return send(call, channel, msg);
}

/** `POST /v2/room/{id_or_name}/notification` → 204. */
export const roomNotification: CallHandler = async (call) =>
  (await roomMessage(call, call.service.parse.notification)) ? noContent() : accepted();

/** `POST /v2/room/{id_or_name}/share/link` → 204. */
export const roomShareLink: CallHandler = async (call) =>
  (await roomMessage(call, call.service.parse.shareLink)) ? noContent() : accepted();

/** `POST /v2/room/{id_or_name}/message` → 201 with the message's id. */
export const roomSendMessage: CallHandler = async (call) => {
  const result = await roomMessage(call, call.service.parse.roomMessage);
  return result ? messageCreated(result.ts) : accepted();
};

/** `POST /v2/user/{id_or_email}/message` → 204: a direct message to the mapped Slack user. */
export const userMessage: CallHandler = async (call) => {
  authorizeUnscoped(call.grant, "message users");
  if (isAuthTest(call)) return accepted();
  const slackUser = call.service.settings.users.get(userKey(call.params.user));
  call.pacing.channel = slackUser;
  const msg = call.service.parse.userMessage(call.fields);
  if (!slackUser) throw notFound("User not found");
  await send(call, slackUser, msg);
  return noContent();
};

/**
 * The room of a v1 call (`room_id`), authorized before the other fields are validated, as for v2;
 * undefined when the call names none (its parser then answers that room_id is required).
 */
function v1Target(call: Call) {
  const roomId = call.service.parse.v1RoomId(call.fields);
  return roomId === undefined ? undefined : roomFor(call, roomId);
}

/** `POST` or `GET /v1/rooms/message` → 200 `{"status":"sent"}` (or its XML form). */
export const v1RoomsMessage: CallHandler = async (call) => {
  const target = v1Target(call);
  if (isAuthTest(call)) return accepted();
  const msg = call.service.parse.v1Message(call.fields); // a missing room_id is a 400 naming it
  if (!target?.channel) throw notFound("Room not found");
  await send(call, target.channel, msg);
  // `format=xml` was v1's other answer format; errors stay JSON.
  return v1Sent(msg.responseFormat);
};

/** `GET /v2/room`: the configured rooms the token may see, paged. */
export const roomList: CallHandler = async (call) => {
  if (isAuthTest(call)) return accepted();
  const rooms = call.service.settings.rooms.rooms.filter((r) => canSeeRoom(call.grant, r));
  const start = boundedInt(first(call.req.query, "start-index"), 0, 0, Number.MAX_SAFE_INTEGER);
  const max = boundedInt(first(call.req.query, "max-results"), 100, 0, 1000);
  return json(200, v2RoomList(rooms, start, max, links(call)));
};

/** `GET /v1/rooms/list`. */
export const v1RoomsList: CallHandler = async (call) => {
  if (isAuthTest(call)) return accepted();
  const { settings, publicHostname } = call.service;
  return json(200, {
    rooms: settings.rooms.rooms.filter((r) => canSeeRoom(call.grant, r)).map((r) => v1Room(r, publicHostname)),
  });
};

/** `GET /v2/room/{id_or_name}`: HipChat's "Get room"; 404 for a room that is not configured. */
export const roomGet: CallHandler = async (call) => {
  const room = configuredRoom(roomFor(call, call.params.room));
  if (isAuthTest(call)) return accepted();
  return json(200, v2Room(room, links(call), call.service.publicHostname));
};

/** `GET /v1/rooms/show?room_id=` → `{"room": {…}}`. */
export const v1RoomsShow: CallHandler = async (call) => {
  const target = v1Target(call);
  if (!target) throw badRequest("Field room_id is required");
  const room = configuredRoom(target);
  if (isAuthTest(call)) return accepted();
  return json(200, v1RoomDetail(room, call.service.publicHostname));
};

/** `PUT /v2/room/{id_or_name}/topic` → 204. Only configured rooms: the default channel is no room's own. */
export const roomTopic: CallHandler = async (call) => {
  const target = roomFor(call, call.params.room);
  if (isAuthTest(call)) return accepted();
  const { topic } = call.service.parse.topic(call.fields);
  await setRoomTopic(call, configuredRoom(target), topic);
  return noContent();
};

/** `POST /v1/rooms/topic` → 200 `{"status":"ok"}`. */
export const v1RoomsTopic: CallHandler = async (call) => {
  const target = v1Target(call);
  if (isAuthTest(call)) return accepted();
  const { topic } = call.service.parse.v1Topic(call.fields); // a missing room_id is a 400 naming it
  await setRoomTopic(call, configuredRoom(target ?? {}), topic);
  return v1Ok();
};

function boundedInt(value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined || !/^\d+$/.test(value)) return fallback;
  return Math.min(hi, Math.max(lo, Number(value)));
}
