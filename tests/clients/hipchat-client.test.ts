/**
 * hipchat-client 1.0.5 (npm, JavaScript; superagent 0.18), a HipChat v1 client, driven as a legacy
 * Node app would use it (tests/clients/node/hipchat-client-driver.js) against `npm start`. Only its
 * `host` and the token differ from a HipChat set-up. What it sends:
 *
 * - rooms.message: POST /v1/rooms/message, application/x-www-form-urlencoded, with `auth_token` in
 *   the form body (not the query) next to room_id, from, message, color, notify.
 * - rooms.list: GET /v1/rooms/list?auth_token=…; rooms.getByName: the same list, then a match on
 *   `name` (a room lookup done through the list).
 * - rooms.show: GET /v1/rooms/show?room_id=…&auth_token=… (a direct room lookup).
 * - rooms.topic: POST /v1/rooms/topic (form: room_id, topic, auth_token).
 * Success is any 2xx (`res.ok`); otherwise it turns the body's `error` into
 * "code (type) - message". It reads no response header.
 *
 * Install: npm devDependency "hipchat-client": "1.0.5".
 */
import * as path from "node:path";
import { BAD_TOKEN, deliveredBodies, lastJsonLine, type Rig, resetSlack, run, startRig, stopRig, TOKEN } from "./rig";

const DRIVER = path.join(__dirname, "node", "hipchat-client-driver.js");

interface Step {
  call: "message" | "list" | "getByName" | "show" | "topic";
  name?: string;
  opts?: Record<string, unknown>;
}
interface StepResult {
  call: string;
  ok: boolean;
  result?: any;
  error?: string;
}

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(() => stopRig(rig));
beforeEach(() => resetSlack(rig));

async function hipchatClient(steps: Step[], token = TOKEN): Promise<StepResult[]> {
  const spec = { host: rig.proxy.url, token, steps };
  return lastJsonLine<StepResult[]>(await run(process.execPath, [DRIVER, JSON.stringify(spec)]));
}

describe("hipchat-client (npm): calls the proxy serves today", () => {
  it("rooms.message: form post with auth_token in the body → {status: sent}, exact Slack payload", async () => {
    const results = await hipchatClient([
      {
        call: "message",
        opts: { room_id: "Ops", from: "hc-client", message: "from <i>hipchat-client</i>", color: "gray", notify: 1 },
      },
    ]);
    expect(results).toEqual([{ call: "message", ok: true, result: { status: "sent" } }]);
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        username: "hc-client",
        attachments: [
          {
            color: "#A0A0A0",
            text: "from _hipchat-client_",
            fallback: "from hipchat-client",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ]);
  });

  it("rooms.getByName (a lookup through rooms/list), then rooms.message to the room_id it found", async () => {
    const results = await hipchatClient([
      { call: "getByName", name: "Build Room" },
      { call: "message", opts: { room_id: "$found", from: "hc-lookup", message: "found it" } },
    ]);
    expect(results).toMatchObject([
      { call: "getByName", ok: true },
      { call: "message", ok: true },
    ]);
    expect(results[0].result.room).toMatchObject({ name: "Build Room", room_id: expect.any(Number) });
    expect(results[1].result).toEqual({ status: "sent" });
    // No color given: a plain message, no attachment.
    expect(deliveredBodies(rig)).toEqual([
      { channel: "#builds", text: "found it", mrkdwn: "true", username: "hc-lookup" },
    ]);
  });

  it("rooms.list names every configured room and sends nothing", async () => {
    const results = await hipchatClient([{ call: "list" }]);
    expect(results[0].ok).toBe(true);
    expect(results[0].result.rooms.map((r: { name: string }) => r.name).sort()).toEqual(["1234", "Build Room", "Ops"]);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("rooms.message with a bad token → the 401 as an error; nothing reaches Slack", async () => {
    const results = await hipchatClient(
      [{ call: "message", opts: { room_id: "Ops", from: "hc", message: "x" } }],
      BAD_TOKEN,
    );
    expect(results).toEqual([{ call: "message", ok: false, error: "401 (Unauthorized) - Invalid auth token" }]);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("rooms.list with a bad token → the 401 as an error", async () => {
    const results = await hipchatClient([{ call: "list" }], BAD_TOKEN);
    expect(results).toEqual([{ call: "list", ok: false, error: "401 (Unauthorized) - Invalid auth token" }]);
    expect(rig.slack.calls).toHaveLength(0);
  });
});

describe("hipchat-client: rooms.show before sending (GET /v1/rooms/show)", () => {
  it("rooms.show, then rooms.message to the room_id it returned", async () => {
    const results = await hipchatClient([
      { call: "show", opts: { room_id: "Ops" } },
      { call: "message", opts: { room_id: "$found", from: "hc-show", message: "shown", color: "green" } },
    ]);
    expect(results).toMatchObject([
      { call: "show", ok: true },
      { call: "message", ok: true },
    ]);
    expect(results[0].result.room).toMatchObject({ name: "Ops", room_id: expect.any(Number) });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        username: "hc-show",
        attachments: [{ color: "good", text: "shown", fallback: "shown", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("rooms.show for a room that does not exist → 404 (Not Found) as an error, nothing sent", async () => {
    const results = await hipchatClient([
      { call: "show", opts: { room_id: "No Such Room" } },
      { call: "message", opts: { room_id: "$found", from: "hc", message: "never" } },
    ]);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      call: "show",
      ok: false,
      error: expect.stringMatching(/^404 \(Not Found\) - /),
    });
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("rooms.show with a bad token → the 401 as an error", async () => {
    const results = await hipchatClient([{ call: "show", opts: { room_id: "Ops" } }], BAD_TOKEN);
    expect(results).toEqual([{ call: "show", ok: false, error: "401 (Unauthorized) - Invalid auth token" }]);
    expect(rig.slack.calls).toHaveLength(0);
  });
});

// How a topic shows in Slack is the proxy's choice (conversations.setTopic); this requires that
// HipChat's v1 answer comes back and the topic reaches Slack.
describe("hipchat-client: rooms.topic (POST /v1/rooms/topic)", () => {
  it("rooms.topic → {status: ok}, and the topic reaches Slack", async () => {
    const results = await hipchatClient([{ call: "topic", opts: { room_id: "Ops", topic: "Freeze until Monday" } }]);
    expect(results).toEqual([{ call: "topic", ok: true, result: { status: "ok" } }]);
    expect(JSON.stringify(rig.slack.calls.map((c) => c.body))).toContain("Freeze until Monday");
  });
});
