/**
 * `npm start` over real HTTP, and published HipChat client libraries pointed at it, unchanged but for
 * their base URL. Messages must arrive at a Slack-compatible stand-in (SLACK_API_URL); a bad token
 * must be refused with 401 and reach nothing.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { npmStart, type StartedProxy } from "../support/npmStart";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import { startTlsFront, type TlsFront } from "../support/tlsFront";
import Hipchatter = require("hipchatter");
import HipChatRoomNotification = require("hipchat-room-notification-api");
import NodeHipChat = require("node-hipchat");

const execFileAsync = promisify(execFile);
const TOKEN = "local-token-0123456789";
const ROOM_TOKEN = "room-token-0123456789";

let slack: SlackStandIn;
let proxy: StartedProxy;
let front: TlsFront;

beforeAll(async () => {
  slack = await startSlackStandIn({ tokens: ["xoxb-local"] });
  proxy = await npmStart({
    SLACK_TOKEN: "xoxb-local",
    SLACK_API_URL: slack.url,
    HIPCHAT_TOKENS: `${TOKEN},${ROOM_TOKEN}`,
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "1234": "#deploys", "Build Room": "#builds" }),
    DEFAULT_CHANNEL: "#hipchat",
  });
  front = await startTlsFront(proxy.url);
}, 60_000);
afterAll(async () => {
  await front?.close();
  await proxy?.stop();
  await slack?.close();
});
beforeEach(() => {
  slack.calls.length = 0;
  slack.delivered.length = 0;
});

const post = (path: string, init: RequestInit) => fetch(`${proxy.url}${path}`, { method: "POST", ...init });

describe("plain HTTP against npm start", () => {
  it("v2 JSON with the token in the query → 204, message in Slack", async () => {
    const res = await post(`/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Deploy <b>done</b>", color: "green", notify: true }),
    });
    expect(res.status).toBe(204);
    expect(slack.delivered).toHaveLength(1);
    expect(slack.delivered[0].body).toMatchObject({ channel: "#ops" });
    expect(JSON.stringify(slack.delivered[0].body)).toContain("*done*");
  });

  it("v2 JSON with a Bearer header → 204", async () => {
    const res = await post(`/v2/room/Ops/notification`, {
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ message: "hi", message_format: "text" }),
    });
    expect(res.status).toBe(204);
    expect(slack.delivered).toHaveLength(1);
  });

  it("v1 form post → 200 {status: sent}", async () => {
    const res = await post(`/v1/rooms/message?format=json&auth_token=${TOKEN}`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        room_id: "1234",
        from: "Nagios",
        message: "CRITICAL: disk & <b>full</b>",
        color: "red",
        notify: "1",
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "sent" });
    expect(slack.delivered[0].body).toMatchObject({ channel: "#deploys", username: "Nagios" });
    expect(JSON.stringify(slack.delivered[0].body)).toContain("disk &amp; *full*");
  });

  it("a bad token → 401 in HipChat shape, and nothing reaches Slack", async () => {
    const res = await post(`/v2/room/Ops/notification?auth_token=wrong-token-123`, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "hi" }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, message: expect.any(String), type: "Unauthorized" } });
    expect(slack.calls).toHaveLength(0);
  });

  it("bodies over the ALB's 1 MB → 413 in HipChat shape", async () => {
    const res = await post(`/v2/room/Ops/notification?auth_token=${TOKEN}`, {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "x".repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(413);
    expect(slack.calls).toHaveLength(0);
  });

  it("health check without a token", async () => {
    const res = await fetch(`${proxy.url}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe("published HipChat clients, unchanged but for the base URL", () => {
  it("hipchatter (v2 JSON, token in query): notify and rooms", async () => {
    const client = new Hipchatter(TOKEN, `${proxy.url}/v2/`);
    await new Promise<void>((resolve, reject) =>
      client.notify(
        "Ops",
        { message: "from hipchatter", color: "purple", message_format: "text", token: TOKEN },
        (err: Error | null) => (err ? reject(err) : resolve()),
      ),
    );
    expect(slack.delivered).toHaveLength(1);
    expect(slack.delivered[0].body.channel).toBe("#ops");
    const rooms = await new Promise<{ name: string }[]>((resolve, reject) =>
      client.rooms((err: Error | null, r: { name: string }[]) => (err ? reject(err) : resolve(r))),
    );
    expect(rooms.map((r) => r.name)).toEqual(expect.arrayContaining(["Ops", "Build Room"]));
  });

  it("hipchatter with a bad token gets an error and nothing is sent", async () => {
    const client = new Hipchatter("bad-token-xyz", `${proxy.url}/v2/`);
    const err = await new Promise<Error | null>((resolve) =>
      client.notify("Ops", { message: "x" }, (e: Error | null) => resolve(e)),
    );
    expect(err).toBeTruthy();
    expect(slack.calls).toHaveLength(0);
  });

  it("hipchat-room-notification-api (v2, Bearer header, a card) resolves only on 204", async () => {
    const n = new HipChatRoomNotification(proxy.url, "Build Room", TOKEN);
    n.setMessage("Build #42 passed");
    n.setColor("green");
    n.addCard("c1", "application", "Build #42");
    n.addCardUrl("https://ci.example.com/42");
    n.addCardDescription("All <b>green</b>", "html");
    n.addCardAttribute("Branch", "main", "lozenge-success");
    await expect(n.send()).resolves.toBe("successfully posted to hipchat");
    expect(slack.delivered).toHaveLength(1);
    const body = slack.delivered[0].body as unknown as {
      channel: string;
      attachments: { title: string; fields: unknown[] }[];
    };
    expect(body.channel).toBe("#builds");
    expect(body.attachments[0].title).toBe("Build #42");
    expect(body.attachments[0].fields).toHaveLength(1);
  });

  it("hipchat-room-notification-api with a bad token is rejected", async () => {
    const n = new HipChatRoomNotification(proxy.url, "Ops", "bad-token-xyz");
    n.setMessage("x");
    await expect(n.send()).rejects.toThrow(/401/);
    expect(slack.calls).toHaveLength(0);
  });

  it("node-hipchat (v1 form over HTTPS, token in query): postMessage and listRooms", async () => {
    const client = new NodeHipChat(TOKEN, front.agent);
    const sent = await new Promise<unknown>((resolve, reject) =>
      client.postMessage(
        { room: "Ops", from: "legacy-app", message: "v1 says <i>hi</i>", color: "yellow" },
        (data: unknown, err: unknown) => (err ? reject(new Error(String(err))) : resolve(data)),
      ),
    );
    expect(sent).toEqual({ status: "sent" });
    expect(slack.delivered[0].body).toMatchObject({ channel: "#ops", username: "legacy-app" });
    const list = await new Promise<{ rooms: { name: string }[] }>((resolve, reject) =>
      client.listRooms((data: { rooms: { name: string }[] }, err: unknown) =>
        err ? reject(new Error(String(err))) : resolve(data),
      ),
    );
    expect(list.rooms.map((r) => r.name)).toContain("Ops");
  });

  it("node-hipchat with a bad token gets 401", async () => {
    const client = new NodeHipChat("bad-token-xyz", front.agent);
    const err = await new Promise<unknown>((resolve) =>
      client.postMessage({ room: "Ops", message: "x" }, (_d: unknown, e: unknown) => resolve(e)),
    );
    expect(JSON.parse(String(err)).error.code).toBe(401);
    expect(slack.calls).toHaveLength(0);
  });

  it("hipchat-notifier (v2 over HTTPS, Bearer header, from: '' and color random), run as a separate app", async () => {
    // hipchat-notifier always builds https://<host>/v2/room/<room>/notification with `request`,
    // which verifies certificates. Run it as the legacy app it is, in its own process, told to accept
    // the front's throw-away certificate (jest's sandboxed process.env cannot change that setting).
    const script = `require("hipchat-notifier").make("1234", ${JSON.stringify(TOKEN)}, undefined, ${JSON.stringify(front.host)})
      .success("Deployed <b>v2</b>", (err, res) => console.log(JSON.stringify({ err: err && err.message, status: res && res.statusCode })));`;
    const { stdout } = await execFileAsync(process.execPath, ["-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH ?? "", NODE_TLS_REJECT_UNAUTHORIZED: "0", NODE_NO_WARNINGS: "1" },
    });
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual({ err: null, status: 204 });
    expect(slack.delivered).toHaveLength(1);
    expect(slack.delivered[0].body).toMatchObject({ channel: "#deploys" });
    expect(slack.delivered[0].body.username).toBeUndefined();
  });
});
