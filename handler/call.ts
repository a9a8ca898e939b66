/**
 * One authenticated HipChat call as the route handlers (handler/calls.ts) see it, and the steps they
 * share: finding and authorizing a room, sending a message, setting a topic. Everything here works on
 * the call it is given; what lives for the container (settings, parsers, the Slack edge) is in its
 * {@link Service}, built once by createProxy.
 */
import { first, type ProxyRequest } from "./alb";
import { toSlackPayload } from "./convert";
import { escapeOneLine } from "./convert/escape";
import type { ConvertOptions } from "./convert/types";
import { acceptForDelivery, type MessageQueue } from "./delivery/accept";
import { badRequest, notFound } from "./errors";
import type { SlackEdge } from "./gateway";
import { authorizeRoom, type Grant } from "./hipchat/auth";
import type { BodyFields } from "./hipchat/body";
import type { FieldParsers, ParsedMessage } from "./hipchat/fields";
import { baseUrl } from "./hipchat/responses";
import type { RequestLog } from "./log";
import type { ProxySettings, Room } from "./settings";
import type { PostResult, SlackMessage } from "./slack";

/** What a container's calls share: built once per container by createProxy. */
export interface Service {
  settings: ProxySettings;
  parse: FieldParsers;
  convert: ConvertOptions;
  slack: SlackEdge;
  /** Queued delivery: messages are stored here and answered at once (handler/delivery). */
  queue?: MessageQueue;
  /** Extra fields for the health check's answer. */
  health?: () => Record<string, unknown>;
  /** The hostname HipChat's `links` point at (never the request's Host header). */
  publicHostname: string;
  now: () => number;
}

/** The request log line, with the Lambda request id besides the ALB's trace id. */
export type CallLog = RequestLog;

export interface Call {
  service: Service;
  req: ProxyRequest;
  /** The route's path parameters (`room`, `user`), decoded. */
  params: Readonly<Record<string, string>>;
  /** Body fields (for v1 calls, query fields under them). */
  fields: BodyFields;
  /** The token's grant; undefined only for calls that need no token (the health check). */
  grant: Grant;
  /** Epoch ms by which the answer must be on its way. */
  deadline: number;
  log: CallLog;
  /** The Slack channel (or user) the call is about, once known: its pacing gives the rate-limit headers. */
  pacing: { channel?: string };
}

/** `?auth_test=true`: check the token (and its room scope) and do nothing else. */
export function isAuthTest(call: Call): boolean {
  return (first(call.req.query, "auth_test") ?? "").toLowerCase() === "true";
}

/** Where HipChat's `links` point: the client's scheme and the configured hostname. */
export function links(call: Call): string {
  return baseUrl(call.req, call.service.publicHostname);
}

/** A room as a call names it: the configured room, if any, and the channel its messages go to. */
export interface RoomTarget {
  room?: Room;
  /** The room's channel, else the default channel; undefined when there is neither. */
  channel?: string;
}

/**
 * Resolves the room a call names and authorizes the token for it (403 outside a room-scoped token's
 * rooms, known or not: a scoped token learns nothing about other rooms). 400 for names HipChat would
 * never have allowed. Logs the room and records its channel for the rate-limit headers.
 */
export function roomFor(call: Call, requested: string): RoomTarget {
  call.log.room = requested;
  if (requested.length === 0 || requested.length > 100 || /\p{Cc}/u.test(requested)) {
    throw badRequest("Room id or name must be 1–100 characters without control characters");
  }
  const { settings } = call.service;
  const room = settings.rooms.find(requested);
  authorizeRoom(call.grant, room ?? { requested });
  const channel = room?.channel ?? settings.defaultChannel;
  call.pacing.channel = channel;
  return { room, channel };
}

/** A configured room, for calls about the room itself (lookups, topics): 404 when it is not one. */
export function configuredRoom(target: RoomTarget): Room {
  if (!target.room) throw notFound("Room not found");
  return target.room;
}

/** Converts a message and sends it to a channel (or user): posted now, or queued in queued mode. */
export async function send(call: Call, channel: string, msg: ParsedMessage): Promise<PostResult> {
  const { service } = call;
  call.log.channel = channel;
  const message: SlackMessage = { ...toSlackPayload(msg, service.convert), channel, thread_ts: msg.threadTs };
  if (service.queue) return acceptForDelivery(service.queue, message, { route: call.log.route, now: service.now });
  return service.slack.post(message, { deadline: call.deadline });
}

/**
 * Sets a configured room's channel topic. A topic shows as plain text on one line, so it is sent
 * escaped: it can carry no mention or link.
 */
export async function setRoomTopic(call: Call, room: Room, topic: string): Promise<void> {
  call.log.channel = room.channel;
  await call.service.slack.setTopic(room.channel, escapeOneLine(topic), { deadline: call.deadline });
}
