/**
 * The handler's structure: one route table pairing each path with the call that answers it; a core
 * that hands the Slack edge a message and a deadline (never a token); request log lines that carry
 * Lambda's awsRequestId beside the ALB's trace id.
 */
import type { AlbHandler } from "../../handler";
import * as calls from "../../handler/calls";
import type { EdgeCallOptions, SlackEdge } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import { createProxy } from "../../handler/proxy";
import { createRouter, ROUTES } from "../../handler/routes";
import { parseSettings } from "../../handler/settings";
import type { SlackMessage } from "../../handler/slack";
import { albEvent, healthCheckEvent } from "../support/albEvents";
import { captureStdout, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";

describe("the route table", () => {
  it.each<[string, string, calls.CallHandler]>([
    ["GET", "/healthz", calls.health],
    ["POST", "/v2/room/Ops/notification", calls.roomNotification],
    ["POST", "/v2/room/Ops/message", calls.roomSendMessage],
    ["POST", "/v2/room/Ops/share/link", calls.roomShareLink],
    ["PUT", "/v2/room/Ops/topic", calls.roomTopic],
    ["GET", "/v2/room/Ops", calls.roomGet],
    ["GET", "/v2/room", calls.roomList],
    ["POST", "/v2/user/bob/message", calls.userMessage],
    ["GET", "/v1/rooms/message", calls.v1RoomsMessage],
    ["POST", "/v1/rooms/message", calls.v1RoomsMessage],
    ["POST", "/v1/rooms/topic", calls.v1RoomsTopic],
    ["GET", "/v1/rooms/show", calls.v1RoomsShow],
    ["GET", "/v1/rooms/list", calls.v1RoomsList],
  ])("%s %s → its call", (method, path, handler) => {
    expect(createRouter().match(method, path).route.handler).toBe(handler);
  });

  it("names each route once; only the health check needs no token", () => {
    const names = ROUTES.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ROUTES.filter((r) => r.authenticated === false).map((r) => r.name)).toEqual(["health"]);
  });
});

describe("the core and the Slack edge", () => {
  it("hands the edge a converted message and the request's deadline, and never a token", async () => {
    const posts: { message: SlackMessage; options: EdgeCallOptions }[] = [];
    const topics: unknown[][] = [];
    const edge: SlackEdge = {
      kind: "edge",
      post: async (message, options) => {
        posts.push({ message, options });
        return { channel: message.channel, ts: "1700000000.000001" };
      },
      setTopic: async (...args) => {
        topics.push(args);
      },
      nextTurn: (_c, nowMs) => nowMs,
    };
    const handler = createProxy({
      settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) }),
      secrets: {
        get: async () => ({ slackToken: "xoxb-never-seen", tokens: [{ token: "core-token-0123456789" }] }),
        invalidate: () => undefined,
      },
      slack: edge,
      log: createLogger(() => undefined),
      now: () => 1_000_000,
    });
    const context = { getRemainingTimeInMillis: () => 5_000 };
    const q = "auth_token=core-token-0123456789";
    await handler(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }), context);
    await handler(albEvent({ method: "PUT", url: `/v2/room/Ops/topic?${q}`, json: { topic: "t" } }), context);
    expect(posts).toEqual([
      { message: { channel: "#ops", text: "hi", mrkdwn: true }, options: { deadline: 1_000_000 + 5_000 - 750 } },
    ]);
    expect(topics).toEqual([["#ops", "t", { deadline: 1_000_000 + 5_000 - 750 }]]);
    expect(JSON.stringify([posts, topics])).not.toContain("xoxb");
  });
});

describe("request log lines", () => {
  let rig: LambdaRig;
  let stdout: StdoutCapture;
  let handler: AlbHandler;
  beforeAll(async () => {
    rig = await startLambdaRig({ hipchatTokens: [{ token: "log-ids-token-0123456789" }] });
    stdout = captureStdout();
    handler = rig.coldStart();
  });
  afterAll(async () => {
    stdout.restore();
    await rig.close();
  });
  const requestLines = () =>
    stdout
      .lines()
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === "request");

  it("carry Lambda's awsRequestId and the ALB's trace id, on success and on errors", async () => {
    const context = (id: string) => ({ getRemainingTimeInMillis: () => 10_000, awsRequestId: id });
    await handler(
      albEvent({ url: "/v2/room/Ops/notification?auth_token=log-ids-token-0123456789", json: { message: "m" } }),
      context("c0ffee00-0000-4000-8000-000000000001"),
    );
    await handler(albEvent({ url: "/v2/room/Ops/notification", json: { message: "m" } }), context("req-2"));
    await handler(healthCheckEvent(), context("req-3"));
    expect(requestLines().map((l) => [l.awsRequestId, l.traceId, l.status])).toEqual([
      ["c0ffee00-0000-4000-8000-000000000001", "Root=1-67890abc-0123456789abcdef01234567", 204],
      ["req-2", "Root=1-67890abc-0123456789abcdef01234567", 401],
      ["req-3", undefined, 200],
    ]);
  });
});
