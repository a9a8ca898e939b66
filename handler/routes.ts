/**
 * The HipChat API surface the proxy serves: one table of method, path and the call that answers it
 * (handler/calls.ts), compiled into a find-my-way router once per container. The router tolerates
 * what real clients send: `//` (Ansible's `api` ending in `/`), trailing slashes, percent-encoded room
 * names (hipchat-rb escapes them, hipchatter does not).
 */
import FindMyWay = require("find-my-way");
import * as calls from "./calls";
import { methodNotAllowed, notFound } from "./errors";

export interface Route {
  methods: readonly FindMyWay.HTTPMethod[];
  path: string;
  /** The call's name in the request log. */
  name: string;
  handler: calls.CallHandler;
  /** False for the health check only: every other call needs a valid token. */
  authenticated?: false;
  /** v1 calls take fields from the query too (under the body's). */
  queryFields?: true;
}

export const ROUTES: readonly Route[] = [
  { methods: ["GET", "HEAD"], path: "/healthz", name: "health", handler: calls.health, authenticated: false },
  {
    methods: ["POST"],
    path: "/v2/room/:room/notification",
    name: "room.notification",
    handler: calls.roomNotification,
  },
  { methods: ["POST"], path: "/v2/room/:room/message", name: "room.message", handler: calls.roomSendMessage },
  { methods: ["POST"], path: "/v2/room/:room/share/link", name: "room.shareLink", handler: calls.roomShareLink },
  { methods: ["PUT"], path: "/v2/room/:room/topic", name: "room.topic", handler: calls.roomTopic },
  { methods: ["GET"], path: "/v2/room/:room", name: "room.get", handler: calls.roomGet },
  { methods: ["GET"], path: "/v2/room", name: "room.list", handler: calls.roomList },
  { methods: ["POST"], path: "/v2/user/:user/message", name: "user.message", handler: calls.userMessage },
  {
    methods: ["GET", "POST"],
    path: "/v1/rooms/message",
    name: "v1.rooms.message",
    handler: calls.v1RoomsMessage,
    queryFields: true,
  },
  {
    methods: ["POST"],
    path: "/v1/rooms/topic",
    name: "v1.rooms.topic",
    handler: calls.v1RoomsTopic,
    queryFields: true,
  },
  { methods: ["GET"], path: "/v1/rooms/show", name: "v1.rooms.show", handler: calls.v1RoomsShow, queryFields: true },
  { methods: ["GET"], path: "/v1/rooms/list", name: "v1.rooms.list", handler: calls.v1RoomsList, queryFields: true },
];

const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export interface RouteMatch {
  route: Route;
  /** The path parameters, percent-decoded. */
  params: Readonly<Record<string, string>>;
}

export interface Router {
  /** The matching route, or a 404/405 ProxyError (thrown). */
  match(method: string, path: string): RouteMatch;
}

/** Builds the router. Called once per container (find-my-way compiles its tree on `on`). */
export function createRouter(routes: readonly Route[] = ROUTES): Router {
  const router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 });
  const noop = () => undefined;
  for (const route of routes) router.on([...route.methods], route.path, noop, { route });

  const lookup = (method: string, path: string) => {
    try {
      return router.find(method as FindMyWay.HTTPMethod, path);
    } catch {
      return null; // a malformed path is simply not one of ours
    }
  };
  return {
    match(method, path) {
      const found = lookup(method, path);
      if (found) {
        const { route } = found.store as { route: Route };
        return { route, params: { ...found.params } as Record<string, string> };
      }
      const allowed = ALL_METHODS.filter((m) => m !== method && lookup(m, path));
      if (allowed.length > 0) {
        throw methodNotAllowed(`Method ${method} is not allowed here`, allowed);
      }
      throw notFound("This HipChat API call is not supported by the proxy");
    },
  };
}
