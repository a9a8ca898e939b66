/**
 * The HipChat API surface the proxy serves, as a find-my-way route table. The router tolerates what
 * real clients send: `//` (Ansible's `api` ending in `/`), trailing slashes, percent-encoded room
 * names (hipchat-rb escapes them, hipchatter does not).
 */
import FindMyWay = require("find-my-way");
import { methodNotAllowed, notFound } from "./errors";

export type RouteName =
  | "health"
  | "room.notification"
  | "room.message"
  | "room.shareLink"
  | "user.message"
  | "v1.rooms.message"
  | "room.list"
  | "v1.rooms.list"
  | "room.get"
  | "v1.rooms.show"
  | "room.topic"
  | "v1.rooms.topic";

const TABLE: ReadonlyArray<{ methods: string[]; path: string; name: RouteName }> = [
  { methods: ["GET", "HEAD"], path: "/healthz", name: "health" },
  { methods: ["POST"], path: "/v2/room/:room/notification", name: "room.notification" },
  { methods: ["POST"], path: "/v2/room/:room/message", name: "room.message" },
  { methods: ["POST"], path: "/v2/room/:room/share/link", name: "room.shareLink" },
  { methods: ["POST"], path: "/v2/user/:user/message", name: "user.message" },
  { methods: ["GET", "POST"], path: "/v1/rooms/message", name: "v1.rooms.message" },
  { methods: ["GET"], path: "/v2/room", name: "room.list" },
  { methods: ["GET"], path: "/v1/rooms/list", name: "v1.rooms.list" },
  { methods: ["GET"], path: "/v2/room/:room", name: "room.get" },
  { methods: ["GET"], path: "/v1/rooms/show", name: "v1.rooms.show" },
  { methods: ["PUT"], path: "/v2/room/:room/topic", name: "room.topic" },
  { methods: ["POST"], path: "/v1/rooms/topic", name: "v1.rooms.topic" },
];

const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export interface RouteMatch {
  name: RouteName;
  params: Readonly<Record<string, string>>;
}

export interface Router {
  /** The matching route, or a 404/405 ProxyError (thrown). */
  match(method: string, path: string): RouteMatch;
}

/** Builds the router. Called once per container (find-my-way compiles its tree on `on`). */
export function createRouter(): Router {
  const router = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 500 });
  const noop = () => undefined;
  for (const route of TABLE) router.on(route.methods as FindMyWay.HTTPMethod[], route.path, noop, { name: route.name });

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
        const store = found.store as { name: RouteName };
        return { name: store.name, params: { ...found.params } as Record<string, string> };
      }
      const allowed = ALL_METHODS.filter((m) => m !== method && lookup(m, path));
      if (allowed.length > 0) {
        throw methodNotAllowed(`Method ${method} is not allowed here`, allowed);
      }
      throw notFound("This HipChat API call is not supported by the proxy");
    },
  };
}
