/**
 * The HipChat calls (handler/calls.ts) and their shared steps (handler/call.ts), pinned where mutation
 * testing (npm run mutate) found behaviour no other test fixed: the health check's exact body, what a
 * room-scoped token may not do or see, `auth_test=true` on the v1 lookups and topics, a v1 message
 * to a room with no channel, how `start-index` and `max-results` are read, the room name's length
 * rule at its edges, and queued delivery (stored and answered at once, never posted).
 *
 * Through createProxy: the harness's recording gateway, or a recording queue for queued mode.
 */
import type { Call } from "../../handler/call";
import { roomFor } from "../../handler/call";
import type { Envelope } from "../../handler/delivery/envelope";
import type { SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import { createProxy } from "../../handler/proxy";
import { parseSettings } from "../../handler/settings";
import { albEvent, healthCheckEvent } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const body = (r: { body?: string }) => (r.body ? JSON.parse(r.body) : undefined);
const q = `auth_token=${TOKENS.admin}`;
const ACCEPTED = {
  success: { code: 202, type: "Accepted", message: "This auth_token has access to use this method." },
};
const ROOM_NOT_FOUND = { error: { code: 404, message: "Room not found", type: "Not Found" } };
const BAD_ROOM_NAME = {
  error: {
    code: 400,
    message: "Room id or name must be 1–100 characters without control characters",
    type: "Bad Request",
  },
};

describe("GET /healthz", () => {
  it("answers exactly {status: ok}", async () => {
    const h = createHarness();
    const res = await h.invoke(healthCheckEvent());
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({ status: "ok" });
  });
});

describe("a room-scoped token", () => {
  it("may not message users: 403 saying so, and nothing is sent", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({ url: `/v2/user/bob/message?auth_token=${TOKENS.opsOnly}`, json: { message: "psst" } }),
    );
    expect(res.statusCode).toBe(403);
    expect(body(res)).toEqual({
      error: { code: 403, message: "This token is limited to rooms and may not message users", type: "Forbidden" },
    });
    expect(h.sent).toEqual([]);
  });

  it("lists only its own rooms in GET /v2/room; an unscoped token lists them all", async () => {
    const h = createHarness();
    const names = async (token: string) =>
      (body(await h.invoke(albEvent({ url: `/v2/room?auth_token=${token}` }))).items as { name: string }[]).map(
        (i) => i.name,
      );
    expect(await names(TOKENS.opsOnly)).toEqual(["Ops"]);
    expect((await names(TOKENS.admin)).sort()).toEqual(["42", "Ops", "my room"]);
  });
});

describe("auth_test=true checks the token and the room, and does nothing else", () => {
  it.each([
    ["GET /v1/rooms/show", { method: "GET", url: `/v1/rooms/show?room_id=Ops&auth_test=true&${q}` }],
    [
      "POST /v1/rooms/topic",
      { method: "POST", url: `/v1/rooms/topic?auth_test=true&${q}`, form: { room_id: "Ops", topic: "Release" } },
    ],
    [
      "POST /v1/rooms/message",
      { method: "POST", url: `/v1/rooms/message?auth_test=TRUE&${q}`, form: { room_id: "Ops", message: "hi" } },
    ],
  ])("%s → 202, no topic set and nothing sent", async (_name, spec) => {
    const h = createHarness();
    const res = await h.invoke(albEvent(spec));
    expect(res.statusCode).toBe(202);
    expect(body(res)).toEqual(ACCEPTED);
    expect(h.topics).toEqual([]);
    expect(h.sent).toEqual([]);
  });

  it("without it the same v1 calls answer and act", async () => {
    const h = createHarness();
    const show = await h.invoke(albEvent({ method: "GET", url: `/v1/rooms/show?room_id=Ops&${q}` }));
    expect(show.statusCode).toBe(200);
    expect(body(show).room).toMatchObject({ name: "Ops" });
    const topic = await h.invoke(albEvent({ url: `/v1/rooms/topic?${q}`, form: { room_id: "Ops", topic: "Release" } }));
    expect(topic.statusCode).toBe(200);
    expect(body(topic)).toEqual({ status: "ok" });
    expect(h.topics).toEqual([{ token: "xoxb-test", channel: "#ops", topic: "Release" }]);
  });
});

describe("POST /v1/rooms/message to a room with no channel", () => {
  it("an unmapped room without a default channel → 404 Room not found, nothing sent", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({ url: `/v1/rooms/message?${q}`, form: { room_id: "Elsewhere", message: "hi" } }),
    );
    expect(res.statusCode).toBe(404);
    expect(body(res)).toEqual(ROOM_NOT_FOUND);
    expect(h.sent).toEqual([]);
  });

  it("with a default channel it goes there", async () => {
    const h = createHarness({ DEFAULT_CHANNEL: "#hipchat" });
    const res = await h.invoke(
      albEvent({ url: `/v1/rooms/message?${q}`, form: { room_id: "Elsewhere", message: "hi" } }),
    );
    expect(res.statusCode).toBe(200);
    expect(h.sent.map((s) => s.message.channel)).toEqual(["#hipchat"]);
  });
});

describe("GET /v2/room paging: start-index and max-results are whole numbers, else their defaults", () => {
  // The harness configures three rooms. Anything but digits is the default (0 and 100): a number
  // with a sign, a fraction or other characters around it is not half read.
  it.each([
    ["neither", "", 0, 100, 3],
    ["start-index=1", "start-index=1", 1, 100, 2],
    ["start-index=10 (two digits, past the end)", "start-index=10", 10, 100, 0],
    ["start-index=x1", "start-index=x1", 0, 100, 3],
    ["start-index=1x", "start-index=1x", 0, 100, 3],
    ["start-index=abc", "start-index=abc", 0, 100, 3],
    ["start-index=-1", "start-index=-1", 0, 100, 3],
    ["start-index= (empty)", "start-index=", 0, 100, 3],
    ["max-results=2", "max-results=2", 0, 2, 2],
    ["max-results=0", "max-results=0", 0, 0, 0],
    ["max-results=12", "max-results=12", 0, 12, 3],
    ["max-results=1001 (capped)", "max-results=1001", 0, 1000, 3],
    ["max-results=2.5", "max-results=2.5", 0, 100, 3],
    ["max-results=x2", "max-results=x2", 0, 100, 3],
  ])("%s", async (_name, query, startIndex, maxResults, count) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `/v2/room?${query}&${q}` }));
    expect(res.statusCode).toBe(200);
    const page = body(res);
    expect([page.startIndex, page.maxResults, page.items.length]).toEqual([startIndex, maxResults, count]);
  });
});

describe("a room's id or name is 1–100 characters", () => {
  it.each([
    ["100 characters: a room name (not configured, so 404)", "r".repeat(100), 404, ROOM_NOT_FOUND],
    ["101 characters: 400", "r".repeat(101), 400, BAD_ROOM_NAME],
    ["a control character: 400", "Ops%07", 400, BAD_ROOM_NAME],
  ])("%s", async (_name, room, status, expected) => {
    const h = createHarness();
    const res = await h.invoke(albEvent({ url: `/v2/room/${room}/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(status);
    expect(body(res)).toEqual(expected);
    expect(h.sent).toEqual([]);
  });

  it("an empty one is refused before anything is looked up", () => {
    // No request reaches it empty (the router collapses `//`, v1 checks room_id first), but roomFor is
    // the rule for every caller: it refuses before it reads the settings or the grant.
    const call = { log: {}, pacing: {} } as unknown as Call;
    expect(() => roomFor(call, "")).toThrow(
      expect.objectContaining({ statusCode: 400, message: BAD_ROOM_NAME.error.message }),
    );
    expect(call.log.room).toBe("");
    expect(call.pacing.channel).toBeUndefined();
  });
});

describe("queued delivery: stored and answered at once, never posted", () => {
  const NOW = 1_700_000_000_123;

  function queuedProxy() {
    const stored: Envelope[] = [];
    const posted: unknown[] = [];
    const slack: SlackGateway = {
      async post(_token, message) {
        posted.push(message);
        return { channel: message.channel, ts: "1.000001" };
      },
    };
    const handler = createProxy({
      settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) }),
      secrets: {
        get: async () => ({ slackToken: "xoxb-test", tokens: [{ token: TOKENS.admin }] }),
        invalidate: () => {},
      },
      slack,
      log: createLogger(() => undefined),
      now: () => NOW,
      queue: {
        enqueue: async (envelope) => {
          stored.push(envelope);
        },
      },
      health: () => ({ queue: { depth: stored.length } }),
      publicHostname: "hipchat-proxy.private.example.com",
    });
    return {
      invoke: (e: Parameters<typeof handler>[0]) => handler(e, { getRemainingTimeInMillis: () => 10_000 }),
      stored,
      posted,
    };
  }

  it("room message: 201 with the id the proxy made up at the time it accepted the message", async () => {
    const p = queuedProxy();
    const res = await p.invoke(albEvent({ url: `/v2/room/Ops/message?${q}`, json: { message: "deployed" } }));
    expect(res.statusCode).toBe(201);
    const { id, timestamp } = body(res);
    // newRef: the accepting second, then its millisecond and six random digits.
    expect(id).toMatch(/^1700000000\.123\d{6}$/);
    expect(timestamp).toMatch(/^2023-11-14T22:13:20\.123\d{3}\+00:00$/);
    expect(p.stored).toEqual([
      {
        v: expect.any(Number),
        id: expect.any(String),
        channel: "#ops",
        route: "room.message",
        acceptedAt: NOW,
        ref: id,
        message: expect.objectContaining({ channel: "#ops", text: "deployed" }),
      },
    ]);
    expect(p.posted).toEqual([]);
  });

  it("notification: 204, stored without an id", async () => {
    const p = queuedProxy();
    const res = await p.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "hi" } }));
    expect(res.statusCode).toBe(204);
    expect(p.stored).toHaveLength(1);
    expect(p.stored[0]).toMatchObject({ channel: "#ops", route: "room.notification", acceptedAt: NOW });
    expect(p.stored[0]).not.toHaveProperty("ref");
    expect(p.posted).toEqual([]);
  });

  it("the health check adds what the service reports to status ok", async () => {
    const p = queuedProxy();
    const res = await p.invoke(healthCheckEvent());
    expect(res.statusCode).toBe(200);
    expect(body(res)).toEqual({ status: "ok", queue: { depth: 0 } });
  });
});
