/**
 * handler/routes.ts, pinned where mutation testing (npm run mutate) found behaviour no in-process test
 * fixed: every route of the table with each of its methods, the 405 (with its `Allow` list, in a fixed
 * order) for every other method, HEAD and OPTIONS included, the 404 for paths outside the table, the
 * path tolerance real clients need (duplicate and trailing slashes, long percent-encoded room names),
 * and a router built over another table.
 *
 * Through the proxy (tests/support/proxyHarness.ts) with a good token, so a route error is the
 * answer; the request log line says which route answered.
 */
import type { ALBEvent } from "aws-lambda";
import * as calls from "../../handler/calls";
import { ProxyError } from "../../handler/errors";
import { createRouter, type Route } from "../../handler/routes";
import { albEvent, healthCheckEvent, resultHeaders } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const q = `auth_token=${TOKENS.admin}`;
const body = (r: { body?: string }) => JSON.parse(r.body ?? "null");
const ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const NOT_SUPPORTED = "This HipChat API call is not supported by the proxy";

describe("every route answers its methods", () => {
  it.each<[string, ALBEvent, number, string]>([
    ["GET /healthz", healthCheckEvent(), 200, "health"],
    ["HEAD /healthz", { ...healthCheckEvent(), httpMethod: "HEAD" }, 200, "health"],
    [
      "POST /v2/room/{room}/notification",
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "n" } }),
      204,
      "room.notification",
    ],
    [
      "POST /v2/room/{room}/message",
      albEvent({ url: `/v2/room/Ops/message?${q}`, json: { message: "m" } }),
      201,
      "room.message",
    ],
    [
      "POST /v2/room/{room}/share/link",
      albEvent({ url: `/v2/room/Ops/share/link?${q}`, json: { link: "https://example.com/l" } }),
      204,
      "room.shareLink",
    ],
    [
      "PUT /v2/room/{room}/topic",
      albEvent({ method: "PUT", url: `/v2/room/Ops/topic?${q}`, json: { topic: "t" } }),
      204,
      "room.topic",
    ],
    ["GET /v2/room/{room}", albEvent({ url: `/v2/room/Ops?${q}` }), 200, "room.get"],
    ["GET /v2/room", albEvent({ url: `/v2/room?${q}` }), 200, "room.list"],
    [
      "POST /v2/user/{user}/message",
      albEvent({ url: `/v2/user/bob/message?${q}`, json: { message: "p" } }),
      204,
      "user.message",
    ],
    [
      "GET /v1/rooms/message",
      albEvent({ url: `/v1/rooms/message?room_id=Ops&from=cron&message=g&${q}` }),
      200,
      "v1.rooms.message",
    ],
    [
      "POST /v1/rooms/message",
      albEvent({ url: `/v1/rooms/message?${q}`, form: { room_id: "Ops", from: "cron", message: "p" } }),
      200,
      "v1.rooms.message",
    ],
    [
      "POST /v1/rooms/topic",
      albEvent({ url: `/v1/rooms/topic?${q}`, form: { room_id: "Ops", topic: "t" } }),
      200,
      "v1.rooms.topic",
    ],
    ["GET /v1/rooms/show", albEvent({ url: `/v1/rooms/show?room_id=Ops&${q}` }), 200, "v1.rooms.show"],
    ["GET /v1/rooms/list", albEvent({ url: `/v1/rooms/list?${q}` }), 200, "v1.rooms.list"],
  ])("%s → %i, logged under its route", async (_name, event, status, route) => {
    const h = createHarness();
    const res = await h.invoke(event);
    expect(res.statusCode).toBe(status);
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatchObject({ msg: "request", route, method: event.httpMethod, status });
    expect(h.logs[0]).not.toHaveProperty("unsupported");
  });

  it("only the health check answers without a token", async () => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: "/v2/room" }));
    expect(res.statusCode).toBe(401);
    expect(h.logs[0]).toMatchObject({ route: "room.list", status: 401 });
  });
});

/** Each path of the table with the methods it allows, in the order `Allow` lists them. */
const PATHS: [string, string[]][] = [
  ["/healthz", ["GET", "HEAD"]],
  ["/v2/room/Ops/notification", ["POST"]],
  ["/v2/room/Ops/message", ["POST"]],
  ["/v2/room/Ops/share/link", ["POST"]],
  ["/v2/room/Ops/topic", ["PUT"]],
  ["/v2/room/Ops", ["GET"]],
  ["/v2/room", ["GET"]],
  ["/v2/user/bob/message", ["POST"]],
  ["/v1/rooms/message", ["GET", "POST"]],
  ["/v1/rooms/topic", ["POST"]],
  ["/v1/rooms/show", ["GET"]],
  ["/v1/rooms/list", ["GET"]],
];
const WRONG_METHODS = PATHS.flatMap(([path, allowed]) =>
  ALL_METHODS.filter((m) => !allowed.includes(m)).map((m): [string, string, string] => [m, path, allowed.join(", ")]),
);

describe("a method a path lacks is a 405 naming the methods it has", () => {
  it.each(WRONG_METHODS)("%s %s → 405, Allow: %s", async (method, path, allow) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ method, url: `${path}?${q}` }));
    expect(res.statusCode).toBe(405);
    expect(body(res)).toEqual({
      error: { code: 405, message: `Method ${method} is not allowed here`, type: "Method Not Allowed" },
    });
    expect(resultHeaders(res).allow).toBe(allow);
    expect(h.logs[0]).toMatchObject({ route: "unknown", method, status: 405, unsupported: true });
    expect(h.sent).toHaveLength(0);
  });

  it("a method HTTP does not define is a 405 too", async () => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ method: "BREW", url: `/v1/rooms/message?${q}` }));
    expect(res.statusCode).toBe(405);
    expect(body(res).error.message).toBe("Method BREW is not allowed here");
    expect(resultHeaders(res).allow).toBe("GET, POST");
  });

  // The route error waits for the token: the health check's path is no exception.
  it("a wrong method on the health check without a token is a 401", async () => {
    const h = createHarness();
    const res = await h.invoke({ ...healthCheckEvent(), httpMethod: "POST" });
    expect(res.statusCode).toBe(401);
    expect(resultHeaders(res).allow).toBeUndefined();
  });
});

describe("a path outside the table is a 404", () => {
  it.each([
    ["GET", "/"],
    ["GET", "/v2"],
    ["GET", "/v2/room/Ops/history"],
    ["POST", "/v2/room/Ops/reply"],
    ["POST", "/v2/room/Ops/notification/extra"],
    ["GET", "/v2/user/bob"],
    ["POST", "/v1/rooms/history"],
    ["GET", "/healthz/deep"],
    ["OPTIONS", "/v2/unknown"],
    ["GET", "/v2/room/%zz"],
  ])("%s %s → 404 in HipChat's shape, no Allow header", async (method, path) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ method, url: `${path}?${q}` }));
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual({ error: { code: 404, message: NOT_SUPPORTED, type: "Not Found" } });
    expect(resultHeaders(res).allow).toBeUndefined();
    expect(h.logs[0]).toMatchObject({ route: "unknown", method, status: 404, unsupported: true, path });
  });
});

describe("paths as real clients send them", () => {
  it.each([
    ["duplicate slashes (Ansible's api ending in /)", "//v2//room//Ops//notification"],
    ["a trailing slash", "/v2/room/Ops/notification/"],
    ["both", "/v2//room/Ops/notification//"],
  ])("%s reach the route", async (_name, path) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `${path}?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(204);
    expect(h.sent.map((s) => s.message.channel)).toEqual(["#ops"]);
    expect(h.logs[0]).toMatchObject({ route: "room.notification", room: "Ops" });
  });

  it("a percent-encoded room name reaches the call decoded", async () => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `/v2/room/my%20room/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(204);
    expect(h.logs[0]).toMatchObject({ route: "room.notification", room: "my room", channel: "C0123ABCD" });
  });

  // Room names longer than HipChat allowed still reach the call, which refuses them with a 400
  // naming the rule, up to 500 characters; past that the path is not one of ours.
  it.each([
    [101, 400, "room.get"],
    [500, 400, "room.get"],
    [501, 404, "unknown"],
  ])("a %i-character room name → %i (%s)", async (length, status, route) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `/v2/room/${"r".repeat(length)}?${q}` }));
    expect(res.statusCode).toBe(status);
    expect(h.logs[0]).toMatchObject({ route, status });
    if (status === 400) expect(body(res).error.message).toMatch(/1–100 characters/);
  });
});

describe("a router over another table", () => {
  const handler: calls.CallHandler = async () => ({ statusCode: 204 });
  const routes: Route[] = [
    { methods: ["PATCH", "DELETE"], path: "/things/:id", name: "things.change", handler },
    { methods: ["GET"], path: "/things", name: "things.list", handler },
  ];

  it("matches its routes with decoded parameters", () => {
    const router = createRouter(routes);
    expect(router.match("DELETE", "/things/a%2Fb%20c")).toEqual({ route: routes[0], params: { id: "a/b c" } });
    expect(router.match("GET", "/things/")).toEqual({ route: routes[1], params: {} });
  });

  it.each<[string, string, number, string | undefined]>([
    ["GET", "/things/1", 405, "PATCH, DELETE"],
    ["POST", "/things", 405, "GET"],
    ["GET", "/v2/room", 404, undefined],
  ])("%s %s → %i", (method, path, status, allow) => {
    const router = createRouter(routes);
    let thrown: unknown;
    try {
      router.match(method, path);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProxyError);
    expect(thrown).toMatchObject({ statusCode: status, headers: allow === undefined ? {} : { Allow: allow } });
  });

  // find-my-way throws on a path it cannot read at all; the router answers that with its 404.
  it("a path the router cannot read is a 404, not a crash", () => {
    const router = createRouter(routes);
    expect(() => router.match("GET", undefined as unknown as string)).toThrow(
      expect.objectContaining({ statusCode: 404, message: NOT_SUPPORTED }),
    );
  });

  it("the default table is the proxy's", () => {
    expect(createRouter().match("GET", "/v2/room").route.handler).toBe(calls.roomList);
    expect(() => createRouter([]).match("GET", "/v2/room")).toThrow(NOT_SUPPORTED);
  });
});
