/**
 * node-hipchat 0.4.5 (npm, JavaScript; already a devDependency, driven for postMessage/listRooms by
 * tests/local/npmStart.test.ts): the published client here that reads HipChat's rate-limit headers
 * on success. It only speaks HTTPS to api.hipchat.com, so it goes through the TLS front
 * (tests/support/tlsFront.ts), the way the private hosted zone sends the old hostname to the ALB.
 *
 * What it sends: POST /v1/rooms/message?auth_token=…, application/x-www-form-urlencoded (room_id,
 * from (default "node-hipchat"), message, notify=0|1, color (default yellow), message_format
 * (default html)); GET /v1/rooms/list?auth_token=…; GET /v1/rooms/show?room_id=…&auth_token=….
 * After every response, success or not, it stores X-Ratelimit-Limit, X-Ratelimit-Remaining and
 * X-Ratelimit-Reset for `getRateLimits()`; only a 200 counts as success.
 *
 * Install: npm devDependency "node-hipchat" (already in package.json).
 */
import { startTlsFront, type TlsFront } from "../support/tlsFront";
import { BAD_TOKEN, deliveredBodies, type Rig, resetSlack, startRig, stopRig, TOKEN } from "./rig";
import NodeHipChat = require("node-hipchat");

interface RateLimits {
  limit: string | undefined;
  remaining: string | undefined;
  reset: string | undefined;
}

let rig: Rig;
let front: TlsFront;

beforeAll(async () => {
  rig = await startRig();
  front = await startTlsFront(rig.proxy.url);
}, 60_000);
afterAll(async () => {
  await front?.close();
  await stopRig(rig);
});
beforeEach(() => resetSlack(rig));

/** Calls one node-hipchat method; resolves with its (data, error) callback arguments. */
function call(client: any, method: string, ...args: unknown[]): Promise<{ data: any; error: any }> {
  return new Promise((resolve) => client[method](...args, (data: unknown, error: unknown) => resolve({ data, error })));
}

describe("node-hipchat (npm): calls the proxy serves today", () => {
  it("postMessage with its defaults (yellow, html, from node-hipchat) → {status: sent}, exact Slack payload", async () => {
    const client = new NodeHipChat(TOKEN, front.agent);
    const { data, error } = await call(client, "postMessage", { room: "Build Room", message: "nightly <b>ok</b>" });
    expect(error).toBeNull();
    expect(data).toEqual({ status: "sent" });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "",
        mrkdwn: "true",
        username: "node-hipchat",
        attachments: [{ color: "warning", text: "nightly *ok*", fallback: "nightly ok", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("postMessage with a bad token → the 401 body as its error; nothing reaches Slack", async () => {
    const client = new NodeHipChat(BAD_TOKEN, front.agent);
    const { data, error } = await call(client, "postMessage", { room: "Ops", message: "x" });
    expect(data).toBeNull();
    expect(JSON.parse(error)).toEqual({ error: { code: 401, message: expect.any(String), type: "Unauthorized" } });
    expect(rig.slack.calls).toHaveLength(0);
  });
});

/** HipChat's rate-limit headers as node-hipchat keeps them: decimal strings, reset in epoch seconds. */
function expectHipChatRateLimits(limits: RateLimits): void {
  expect(limits).toEqual({
    limit: expect.stringMatching(/^\d+$/),
    remaining: expect.stringMatching(/^\d+$/),
    reset: expect.stringMatching(/^\d+$/),
  });
  expect(Number(limits.limit)).toBeGreaterThan(0);
  expect(Number(limits.remaining)).toBeLessThanOrEqual(Number(limits.limit));
  // X-Ratelimit-Reset is "the time, in UTC epoch seconds, when the limit resets".
  const now = Math.floor(Date.now() / 1000);
  expect(Number(limits.reset)).toBeGreaterThanOrEqual(now - 1);
  expect(Number(limits.reset)).toBeLessThanOrEqual(now + 3600);
}

describe("node-hipchat: rate-limit headers on success", () => {
  it("after a successful postMessage, getRateLimits() holds HipChat's three headers", async () => {
    const client = new NodeHipChat(TOKEN, front.agent);
    const { data } = await call(client, "postMessage", { room: "Ops", from: "rl", message: "counted" });
    expect(data).toEqual({ status: "sent" });
    expectHipChatRateLimits(client.getRateLimits());
    expect(slackTexts()).toEqual(["counted"]);
  });

  it("after a successful listRooms, too, and a second call does not report more remaining than the first", async () => {
    const client = new NodeHipChat(TOKEN, front.agent);
    await call(client, "listRooms");
    const first: RateLimits = client.getRateLimits();
    expectHipChatRateLimits(first);
    await call(client, "postMessage", { room: "Ops", message: "second" });
    const second: RateLimits = client.getRateLimits();
    expectHipChatRateLimits(second);
    expect(Number(second.remaining)).toBeLessThanOrEqual(Number(first.remaining));
  });
});

describe("node-hipchat: showRoom before sending (GET /v1/rooms/show)", () => {
  it("showRoom returns the room, then postMessage to its room_id", async () => {
    const client = new NodeHipChat(TOKEN, front.agent);
    const shown = await call(client, "showRoom", "Ops");
    expect(shown.error).toBeNull();
    expect(shown.data.room).toMatchObject({ name: "Ops", room_id: expect.any(Number) });
    const sent = await call(client, "postMessage", { room: shown.data.room.room_id, from: "nh", message: "shown" });
    expect(sent.data).toEqual({ status: "sent" });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        username: "nh",
        attachments: [{ color: "warning", text: "shown", fallback: "shown", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("showRoom with a bad token → the 401 body as its error", async () => {
    const client = new NodeHipChat(BAD_TOKEN, front.agent);
    const { data, error } = await call(client, "showRoom", "Ops");
    expect(data).toBeNull();
    expect(JSON.parse(error).error.code).toBe(401);
    expect(rig.slack.calls).toHaveLength(0);
  });
});

/** What each delivered message says, as plain text (a colored message's words are in its attachment). */
function slackTexts(): unknown[] {
  return deliveredBodies(rig).map(
    (b) => (b.attachments as { fallback?: string }[] | undefined)?.[0]?.fallback ?? b.text,
  );
}
