/**
 * The HipChat calls and rules added to the proxy, over real HTTP against `npm start` with the Slack
 * stand-in behind it: each test asserts what the client gets and exactly what Slack received.
 * (tests/handler has the same behaviour through the Lambda handler.)
 */
import * as http from "node:http";
import * as fc from "fast-check";
import { stableRoomId } from "../../handler/settings";
import { npmStart, type StartedProxy } from "../support/npmStart";
import { channelId, startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import { LINK_TEXT, surrogateMessage, toWellFormed } from "../handler/surrogateArbitraries";

const TOKEN = "api-local-token-0123456789";

let slack: SlackStandIn;
let proxy: StartedProxy;

beforeAll(async () => {
  slack = await startSlackStandIn({ tokens: ["xoxb-local"], conversations: ["#ops", "#deploys", "#hipchat"] });
  proxy = await npmStart({
    SLACK_TOKEN: "xoxb-local",
    SLACK_API_URL: slack.url,
    HIPCHAT_TOKENS: TOKEN,
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "1234": "#deploys" }),
    DEFAULT_CHANNEL: "#hipchat",
  });
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await slack?.close();
});
beforeEach(() => {
  slack.calls.length = 0;
  slack.delivered.length = 0;
  slack.topics.length = 0;
});

const call = (path: string, init: RequestInit = {}) => fetch(`${proxy.url}${path}`, { method: "POST", ...init });
const UNAUTHORIZED = { error: { code: 401, message: expect.any(String), type: "Unauthorized" } };

describe("authentication comes first", () => {
  it.each<[string, string, RequestInit]>([
    [
      "an unsupported content type",
      "/v2/room/Ops/notification",
      { headers: { "content-type": "application/xml" }, body: "<x/>" },
    ],
    ["malformed JSON", "/v2/room/Ops/notification", { headers: { "content-type": "application/json" }, body: "{nope" }],
    ["a wrong method", "/v2/room/Ops/notification", { method: "GET" }],
    ["DELETE", "/v1/rooms/message", { method: "DELETE" }],
    ["an unknown path", "/v2/room/Ops/history", { method: "GET" }],
    [
      "an unknown token and an unsupported type",
      "/v2/room/Ops/notification?auth_token=wrong-token-0000",
      { headers: { "content-type": "application/xml" }, body: "<x/>" },
    ],
    [
      "an almost 1 MB body and no token",
      "/v1/rooms/message",
      {
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `room_id=Ops&message=${"z".repeat(1024 * 1024 - 100)}`,
      },
    ],
  ])("%s without a valid token → 401 in HipChat shape; nothing reaches Slack", async (_n, path, init) => {
    const res = await call(path, init);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
    expect(slack.calls).toHaveLength(0);
  });

  it("with the token, an unsupported content type is still a 415", async () => {
    const res = await call(`/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      headers: { "content-type": "application/xml" },
      body: "<x/>",
    });
    expect(res.status).toBe(415);
    expect(slack.calls).toHaveLength(0);
  });

  it("a token in the JSON body still delivers exactly the message", async () => {
    const res = await call("/v2/room/Ops/notification", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "token in <i>body</i>", auth_token: TOKEN }),
    });
    expect(res.status).toBe(204);
    expect(slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "token in _body_", mrkdwn: "true" }]);
  });
});

describe("multipart/form-data bodies", () => {
  const form = (fields: Record<string, string>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    return fd;
  };

  it("v1 rooms/message with the token among the fields → 200 {status: sent}, exact Slack payload", async () => {
    const res = await call("/v1/rooms/message", {
      body: form({ room_id: "1234", from: "fd", message: "multi<b>part</b>", color: "red", auth_token: TOKEN }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "sent" });
    expect(slack.delivered.map((c) => c.body)).toEqual([
      {
        channel: "#deploys",
        text: "",
        mrkdwn: "true",
        username: "fd",
        // A zero-width space keeps the sender's word and the bold apart (handler/convert).
        attachments: [{ color: "danger", text: "multi\u200b*part*", fallback: "multipart", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("v2 notification with the token in the query → 204", async () => {
    const res = await call(`/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      body: form({ message: "plain & simple", message_format: "text" }),
    });
    expect(res.status).toBe(204);
    expect(slack.delivered.map((c) => c.body)).toEqual([
      { channel: "#ops", text: "plain &amp; simple", mrkdwn: "true" },
    ]);
  });

  it("a file part → 400 naming it; nothing reaches Slack", async () => {
    const fd = form({ message: "with a file" });
    fd.append("upload", new Blob(["\u0000binary"], { type: "application/octet-stream" }), "report.bin");
    const res = await call(`/v2/room/Ops/notification?auth_token=${TOKEN}`, { body: fd });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 400, message: expect.stringContaining('Field "upload" is a file upload'), type: "Bad Request" },
    });
    expect(slack.calls).toHaveLength(0);
  });

  it("no token at all → 401; nothing reaches Slack", async () => {
    const res = await call("/v1/rooms/message", { body: form({ room_id: "Ops", message: "x" }) });
    expect(res.status).toBe(401);
    expect(slack.calls).toHaveLength(0);
  });
});

describe("room lookups", () => {
  const OPS_ID = stableRoomId("Ops");
  /** A GET with a Host header of the client's choosing (fetch does not let one set it). */
  const getWithHost = (path: string, host: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = http.get(`${proxy.url}${path}`, { headers: { host } }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on("error", reject);
    });

  it("GET /v2/room/{name} → the room, with links on npm start's own address whatever the Host header", async () => {
    const { status, body } = await getWithHost(`/v2/room/ops?auth_token=${TOKEN}`, "attacker.example");
    const self = `${proxy.url}/v2/room/${OPS_ID}`;
    expect(status).toBe(200);
    expect(body).toEqual({
      id: OPS_ID,
      name: "Ops",
      privacy: "public",
      is_archived: false,
      is_guest_accessible: false,
      guest_access_url: null,
      topic: "",
      xmpp_jid: `${OPS_ID}_ops@conf.127.0.0.1`,
      created: "1970-01-01T00:00:00+00:00",
      last_active: null,
      version: "1",
      avatar_url: null,
      delegate_admin_visibility: null,
      owner: { id: 0, name: "HipChat proxy", mention_name: "HipChatProxy", links: { self: `${proxy.url}/v2/user/0` } },
      participants: [],
      statistics: { links: { self: `${self}/statistics` } },
      links: { self, participants: `${self}/participant`, webhooks: `${self}/webhook`, members: `${self}/member` },
    });
    expect(slack.calls).toHaveLength(0);
  });

  it("GET /v2/room lists with links on the same address", async () => {
    const { body } = await getWithHost(`/v2/room?auth_token=${TOKEN}`, "attacker.example");
    expect(body.links.self).toBe(`${proxy.url}/v2/room`);
    expect(body.items.map((i: { links: { self: string } }) => i.links.self)).toEqual([
      `${proxy.url}/v2/room/1234`,
      `${proxy.url}/v2/room/${OPS_ID}`,
    ]);
  });

  it("GET /v1/rooms/show?room_id= → {room: …}", async () => {
    const res = await fetch(`${proxy.url}/v1/rooms/show?room_id=1234&auth_token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      room: {
        room_id: 1234,
        name: "1234",
        topic: "",
        last_active: 0,
        created: 0,
        owner_user_id: 0,
        is_archived: false,
        is_private: false,
        guest_access_url: null,
        xmpp_jid: "1234_1234@conf.127.0.0.1",
        participants: [],
      },
    });
  });

  it.each(["/v2/room/Nowhere", "/v1/rooms/show?room_id=Nowhere"])("%s → HipChat's 404", async (path) => {
    const res = await fetch(`${proxy.url}${path}${path.includes("?") ? "&" : "?"}auth_token=${TOKEN}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 404, message: "Room not found", type: "Not Found" } });
    expect(slack.calls).toHaveLength(0);
  });

  describe("with PUBLIC_HOSTNAME set", () => {
    let named: StartedProxy;
    beforeAll(async () => {
      named = await npmStart({
        HIPCHAT_TOKENS: TOKEN,
        ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
        PUBLIC_HOSTNAME: "hipchat.example.com",
      });
    }, 60_000);
    afterAll(() => named?.stop());

    it("links use it", async () => {
      const res = await fetch(`${named.url}/v2/room/Ops?auth_token=${TOKEN}`);
      expect(((await res.json()) as { links: { self: string } }).links.self).toBe(
        `http://hipchat.example.com/v2/room/${OPS_ID}`,
      );
    });
  });
});

describe("room topics", () => {
  it("PUT /v2/room/{name}/topic → 204; the channel is listed once, then its topic set by ID", async () => {
    const res = await fetch(`${proxy.url}/v2/room/Ops/topic?auth_token=${TOKEN}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: "On call: <@alice> & bob" }),
    });
    expect(res.status).toBe(204);
    expect(slack.calls.map((c) => c.method)).toEqual(["conversations.list", "conversations.setTopic"]);
    expect(slack.topics).toEqual([{ channel: channelId("#ops"), topic: "On call: &lt;@alice&gt; &amp; bob" }]);
    expect(slack.delivered).toHaveLength(0);
  });

  it("POST /v1/rooms/topic (form) → 200 {status: ok}, no second listing", async () => {
    const res = await call(`/v1/rooms/topic?auth_token=${TOKEN}`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ room_id: "1234", topic: "Deploys frozen", from: "ops" }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(slack.calls.map((c) => c.method)).toEqual(["conversations.setTopic"]);
    expect(slack.topics).toEqual([{ channel: channelId("#deploys"), topic: "Deploys frozen" }]);
  });

  it("a room that is not configured → 404 even with a default channel; a bad token → 401", async () => {
    const unknown = await fetch(`${proxy.url}/v2/room/Elsewhere/topic?auth_token=${TOKEN}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: "x" }),
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${proxy.url}/v2/room/Ops/topic?auth_token=wrong-token-0000`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: "x" }),
    });
    expect(bad.status).toBe(401);
    expect(slack.calls).toHaveLength(0);
  });
});

describe("a room found by its key, its name and its id, case-insensitively", () => {
  const ID = stableRoomId("Operations");
  let keyed: StartedProxy;
  beforeAll(async () => {
    keyed = await npmStart({
      SLACK_TOKEN: "xoxb-local",
      SLACK_API_URL: slack.url,
      HIPCHAT_TOKENS: TOKEN,
      ROOM_CHANNELS: '{"Ops":{"channel":"#ops","name":"Operations"}}',
      DEFAULT_CHANNEL: "#hipchat",
    });
  }, 60_000);
  afterAll(() => keyed?.stop());

  it.each(["Ops", "oPs", "Operations", "OPERATIONS", String(ID)])(
    "%s → #ops, never the default channel",
    async (room) => {
      const res = await fetch(`${keyed.url}/v2/room/${room}/notification?auth_token=${TOKEN}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `for ${room}`, message_format: "text" }),
      });
      expect(res.status).toBe(204);
      expect(slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: `for ${room}`, mrkdwn: "true" }]);
      const shown = await fetch(`${keyed.url}/v1/rooms/show?room_id=${room}&auth_token=${TOKEN}`);
      expect(((await shown.json()) as { room: { room_id: number; name: string } }).room).toMatchObject({
        room_id: ID,
        name: "Operations",
      });
    },
  );

  it("another name goes to the default channel (so a miss would show)", async () => {
    const res = await fetch(`${keyed.url}/v2/room/Opz/notification?auth_token=${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "elsewhere", message_format: "text" }),
    });
    expect(res.status).toBe(204);
    expect(slack.delivered.map((c) => c.body.channel)).toEqual(["#hipchat"]);
  });
});

describe("auth_test=true on the listings", () => {
  it.each(["/v2/room", "/v1/rooms/list"])("GET %s → 202 and no rooms", async (path) => {
    const res = await fetch(`${proxy.url}${path}?auth_test=true&auth_token=${TOKEN}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      success: { code: 202, type: "Accepted", message: "This auth_token has access to use this method." },
    });
    expect(res.headers.get("x-ratelimit-limit")).toBe("1");
    expect(slack.calls).toHaveLength(0);
  });

  it("with a bad token → 401", async () => {
    const res = await fetch(`${proxy.url}/v2/room?auth_test=true&auth_token=wrong-token-0000`);
    expect(res.status).toBe(401);
  });
});

describe("lone surrogates", () => {
  const notifyRaw = (json: string) =>
    fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: json,
    });

  it.each([
    ['{"message":"hello\\ud800","message_format":"text"}', "hello\ufffd"],
    ['{"message":"A\\ud800B","message_format":"text"}', "A\ufffdB"],
    ['{"message":"\\udc00<b>x</b>"}', "\ufffd*x*"],
  ])("%s → 204, delivered as %j", async (json, text) => {
    const res = await notifyRaw(json);
    expect(res.status).toBe(204);
    expect(slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text, mrkdwn: "true" }]);
  });

  it("property: any text message with lone surrogates is delivered as its well-formed twin (40 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(surrogateMessage("text"), async (message) => {
        slack.delivered.length = 0;
        const a = await notifyRaw(JSON.stringify({ message, message_format: "text" }));
        const b = await notifyRaw(JSON.stringify({ message: toWellFormed(message), message_format: "text" }));
        expect([a.status, b.status]).toEqual([204, 204]);
        const [got, expected] = slack.delivered.map((c) => c.body);
        expect(got).toEqual(expected);
        expect(String(got.text)).not.toMatch(/&(?!amp;|lt;|gt;)/);
        if (message.includes(LINK_TEXT)) expect(got.text).toContain("<https://example.com/a?b=c&amp;d>");
      }),
      { numRuns: 40, seed: 0x5e7b },
    );
  }, 60_000);
});

describe("the request log", () => {
  it("one JSON line per request, with the trace id the emulated ALB adds, and no token", async () => {
    const res = await fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "logged", message_format: "text" }),
    });
    expect(res.status).toBe(204);
    await new Promise((r) => setTimeout(r, 50));
    const lines = proxy
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === "request" && l.route === "room.notification");
    expect(lines.at(-1)).toMatchObject({
      status: 204,
      room: "Ops",
      channel: "#ops",
      traceId: expect.stringMatching(/^Root=1-/),
    });
    expect(proxy.output()).not.toContain(TOKEN);
  });
});
