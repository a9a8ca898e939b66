/**
 * hipchat-rb 1.5.2 (Ruby), from Debian's `ruby-hipchat` package, driven as a Ruby app would use it
 * (tests/clients/hipchat-rb/driver.rb) against `npm start`. Only server_url and the token differ
 * from a HipChat set-up. What the gem sends (HTTParty, `Accept: application/json` on every call):
 *
 * - send, v1: POST /v1/rooms/message?auth_token=…, application/x-www-form-urlencoded
 *   (room_id, from, message, message_format=html, color, notify=0|1); 200 or 204 is success.
 * - send, v2: POST /v2/room/{URI-escaped room}/notification?auth_token=…, application/json
 *   (room_id, from, message, message_format, color, notify).
 * - get_room, v1: GET /v1/rooms/show?auth_token=…&room_id=…; v2: GET /v2/room/{room}?auth_token=….
 * - topic, v1: POST /v1/rooms/topic (form: room_id, from, topic); v2: PUT /v2/room/{room}/topic (JSON).
 * - rooms, v1: GET /v1/rooms/list (reads `rooms`); v2: GET /v2/room (reads `items`).
 * It maps 401 to HipChat::Unauthorized and 404 to HipChat::UnknownRoom; it reads no response header.
 *
 * Install: apt-get install ruby-hipchat (brings ruby and ruby-httparty).
 */
import * as path from "node:path";
import {
  BAD_TOKEN,
  deliveredBodies,
  lastJsonLine,
  type Rig,
  requireCommand,
  requireFile,
  resetSlack,
  run,
  startRig,
  stopRig,
  TOKEN,
} from "./rig";

const INSTALL = "apt-get install -y ruby-hipchat";
const DRIVER = path.join(__dirname, "hipchat-rb", "driver.rb");

interface Step {
  call: "rooms" | "get_room" | "send" | "topic";
  [key: string]: unknown;
}
interface StepResult {
  call: string;
  ok: boolean;
  result?: any;
  error?: string;
  message?: string;
}

let rig: Rig;
let ruby: string;

beforeAll(async () => {
  ruby = requireCommand("ruby", INSTALL);
  requireFile("/usr/lib/ruby/vendor_ruby/hipchat.rb", INSTALL);
  rig = await startRig();
}, 60_000);
afterAll(() => stopRig(rig));
beforeEach(() => resetSlack(rig));

async function hipchatRb(apiVersion: "v1" | "v2", room: string, steps: Step[], token = TOKEN): Promise<StepResult[]> {
  const spec = { server_url: rig.proxy.url, token, api_version: apiVersion, room, steps };
  return lastJsonLine<StepResult[]>(await run(ruby, [DRIVER, JSON.stringify(spec)]));
}

/** The numeric room id the proxy's own room list gives a room name (HipChat ids are numbers). */
async function roomId(name: string): Promise<number> {
  const res = await fetch(`${rig.proxy.url}/v2/room?auth_token=${TOKEN}`);
  const { items } = (await res.json()) as { items: { id: number; name: string }[] };
  const room = items.find((r) => r.name === name);
  if (!room) throw new Error(`room ${name} is not in the proxy's room list`);
  return room.id;
}

describe("hipchat-rb (Debian ruby-hipchat): calls the proxy serves today", () => {
  it("v1 send: form post with the token in the query → true, one message in Slack", async () => {
    const results = await hipchatRb("v1", "Ops", [
      {
        call: "send",
        from: "rb-deployer",
        message: "Deploy <b>done</b> & ok",
        options: { color: "green", notify: true },
      },
    ]);
    expect(results).toEqual([{ call: "send", ok: true, result: true }]);
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        username: "rb-deployer",
        attachments: [
          { color: "good", text: "Deploy *done* &amp; ok", fallback: "Deploy done &amp; ok", mrkdwn_in: ["text"] },
        ],
      },
    ]);
  });

  it("v2 send: JSON to an escaped room name with the token in the query → true", async () => {
    const results = await hipchatRb("v2", "Build Room", [
      { call: "send", from: "rb-ci", message: "Build <i>#7</i> passed", options: { message_format: "html" } },
    ]);
    expect(results).toEqual([{ call: "send", ok: true, result: true }]);
    // hipchat-rb always sends a color (default yellow) and puts `from` in the v2 body too.
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "",
        mrkdwn: "true",
        username: "rb-ci",
        attachments: [
          { color: "warning", text: "Build _#7_ passed", fallback: "Build #7 passed", mrkdwn_in: ["text"] },
        ],
      },
    ]);
  });

  it("v2 send with message_format text keeps the text literal", async () => {
    const results = await hipchatRb("v2", "1234", [
      { call: "send", from: "rb", message: "a <b> c", options: { message_format: "text", color: "red" } },
    ]);
    expect(results).toEqual([{ call: "send", ok: true, result: true }]);
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#deploys",
        text: "",
        mrkdwn: "true",
        username: "rb",
        attachments: [{ color: "danger", text: "a &lt;b&gt; c", fallback: "a &lt;b&gt; c", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it.each(["v1", "v2"] as const)("%s rooms: the room list names every configured room", async (version) => {
    const results = await hipchatRb(version, "Ops", [{ call: "rooms" }]);
    expect(results).toHaveLength(1);
    expect(results[0].ok).toBe(true);
    expect([...results[0].result].sort()).toEqual(["1234", "Build Room", "Ops"]);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it.each(["v1", "v2"] as const)(
    "%s send with a bad token raises HipChat::Unauthorized; nothing reaches Slack",
    async (version) => {
      const results = await hipchatRb(version, "Ops", [{ call: "send", from: "rb", message: "x" }], BAD_TOKEN);
      expect(results).toEqual([
        { call: "send", ok: false, error: "HipChat::Unauthorized", message: "Access denied to room `Ops'" },
      ]);
      expect(rig.slack.calls).toHaveLength(0);
    },
  );
});

describe("hipchat-rb: room lookups before sending (GET /v2/room/{id_or_name}, GET /v1/rooms/show)", () => {
  it("v2: get_room by name, then send → the room's details, then one message", async () => {
    const id = await roomId("Ops");
    const results = await hipchatRb("v2", "Ops", [
      { call: "get_room" },
      { call: "send", from: "rb-lookup", message: "looked up", options: { color: "purple" } },
    ]);
    expect(results).toMatchObject([
      { call: "get_room", ok: true },
      { call: "send", ok: true },
    ]);
    expect(results[0].result).toMatchObject({ id, name: "Ops" });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        username: "rb-lookup",
        attachments: [{ color: "#8E44AD", text: "looked up", fallback: "looked up", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("v2: get_room by the numeric id from the room list, then send to that id", async () => {
    const id = await roomId("Build Room");
    const results = await hipchatRb("v2", String(id), [
      { call: "get_room" },
      { call: "send", from: "rb", message: "by id", options: { color: "gray", message_format: "text" } },
    ]);
    expect(results).toMatchObject([
      { call: "get_room", ok: true },
      { call: "send", ok: true },
    ]);
    expect(results[0].result).toMatchObject({ id, name: "Build Room" });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "",
        mrkdwn: "true",
        username: "rb",
        attachments: [{ color: "#A0A0A0", text: "by id", fallback: "by id", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("v1: get_room (rooms/show?room_id=…), then send", async () => {
    const id = await roomId("1234");
    const results = await hipchatRb("v1", "1234", [
      { call: "get_room" },
      { call: "send", from: "rb-v1", message: "v1 lookup" },
    ]);
    expect(results).toMatchObject([
      { call: "get_room", ok: true },
      { call: "send", ok: true },
    ]);
    expect(results[0].result).toMatchObject({ room: { room_id: id, name: "1234" } });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#deploys",
        text: "",
        mrkdwn: "true",
        username: "rb-v1",
        attachments: [{ color: "warning", text: "v1 lookup", fallback: "v1 lookup", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it.each(["v1", "v2"] as const)(
    "%s: an unknown room raises HipChat::UnknownRoom and nothing is sent",
    async (version) => {
      const results = await hipchatRb(version, "No Such Room", [
        { call: "get_room" },
        { call: "send", from: "rb", message: "never" },
      ]);
      expect(results).toEqual([
        { call: "get_room", ok: false, error: "HipChat::UnknownRoom", message: "Unknown room: `No Such Room'" },
      ]);
      expect(rig.slack.calls).toHaveLength(0);
    },
  );

  it.each(["v1", "v2"] as const)("%s: get_room with a bad token raises HipChat::Unauthorized", async (version) => {
    const results = await hipchatRb(version, "Ops", [{ call: "get_room" }], BAD_TOKEN);
    expect(results).toEqual([
      { call: "get_room", ok: false, error: "HipChat::Unauthorized", message: "Access denied to room `Ops'" },
    ]);
    expect(rig.slack.calls).toHaveLength(0);
  });
});

// How a topic shows in Slack is the proxy's choice (conversations.setTopic on the room's channel);
// these tests require that the client succeeds and that the new topic reaches Slack.
describe("hipchat-rb: topics (POST /v1/rooms/topic and PUT /v2/room/{id_or_name}/topic)", () => {
  it.each(["v1", "v2"] as const)("%s topic → true, and the topic reaches the room's channel", async (version) => {
    const results = await hipchatRb(version, "Ops", [{ call: "topic", topic: `Release train ${version}`, from: "rb" }]);
    expect(results).toEqual([{ call: "topic", ok: true, result: true }]);
    expect(rig.slack.calls.length).toBeGreaterThan(0);
    expect(JSON.stringify(rig.slack.calls.map((c) => c.body))).toContain(`Release train ${version}`);
  });

  it.each(["v1", "v2"] as const)("%s topic with a bad token raises HipChat::Unauthorized", async (version) => {
    const results = await hipchatRb(version, "Ops", [{ call: "topic", topic: "x" }], BAD_TOKEN);
    expect(results).toEqual([
      { call: "topic", ok: false, error: "HipChat::Unauthorized", message: "Access denied to room `Ops'" },
    ]);
    expect(rig.slack.calls).toHaveLength(0);
  });
});
