/**
 * hipchat-notify 1.0.3 (npm, JavaScript; `request`), a HipChat v2 room-notification client, run as
 * the legacy Node app it serves, in its own process, against `npm start`. Its host comes from the
 * HIPCHAT_HOST environment variable (default https://api.hipchat.com), so only that and the token
 * differ from a HipChat set-up. What it sends:
 *
 * - POST {HIPCHAT_HOST}/v2/room/{id_or_name}/notification, `Authorization: Bearer …`,
 *   application/json: message, color (by method: notify/warning yellow, info gray, success green,
 *   error red), notify: true, message_format "html" when the message contains a tag, else "text".
 * It answers {status: "ok"} on 204 and otherwise hands back the response body; no header is read,
 * no room lookup is made.
 *
 * Install: npm devDependency "hipchat-notify": "1.0.3".
 */
import {
  BAD_TOKEN,
  deliveredBodies,
  lastJsonLine,
  type Rig,
  resetSlack,
  runNode,
  startRig,
  stopRig,
  TOKEN,
} from "./rig";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(() => stopRig(rig));
beforeEach(() => resetSlack(rig));

/** `new HipChatNotify(room, token)[method](message, cb)` in a fresh process; prints `{err, res}`. */
async function hipchatNotify(room: string, token: string, method: string, message: unknown): Promise<any> {
  const script = `const HipChatNotify = require("hipchat-notify");
    new HipChatNotify(${JSON.stringify(room)}, ${JSON.stringify(token)})[${JSON.stringify(method)}](${JSON.stringify(message)},
      (err, res) => console.log(JSON.stringify({ err: err && err.message, res })));`;
  return lastJsonLine(await runNode(script, { HIPCHAT_HOST: rig.proxy.url }));
}

describe("hipchat-notify (npm): v2 notification with a Bearer token", () => {
  it("success() with HTML → {status: ok} on 204, exact Slack payload", async () => {
    const out = await hipchatNotify("Ops", TOKEN, "success", "Release <b>1.2</b> is out");
    expect(out).toEqual({ err: null, res: { status: "ok" } });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        attachments: [
          {
            color: "good",
            text: "Release *1.2* is out",
            fallback: "Release 1.2 is out",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ]);
  });

  it("info() with plain text to a numeric room id (text format, gray)", async () => {
    const out = await hipchatNotify("1234", TOKEN, "info", "disk at 80% & rising");
    expect(out).toEqual({ err: null, res: { status: "ok" } });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#deploys",
        text: "",
        mrkdwn: "true",
        attachments: [
          {
            color: "#A0A0A0",
            text: "disk at 80% &amp; rising",
            fallback: "disk at 80% &amp; rising",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ]);
  });

  it("notify() with an object overriding color and notify", async () => {
    const out = await hipchatNotify("Build Room", TOKEN, "notify", {
      message: "quiet",
      color: "purple",
      notify: false,
    });
    expect(out).toEqual({ err: null, res: { status: "ok" } });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "",
        mrkdwn: "true",
        attachments: [{ color: "#8E44AD", text: "quiet", fallback: "quiet", mrkdwn_in: ["text"] }],
      },
    ]);
  });

  it("a bad token → the 401 body in HipChat shape; nothing reaches Slack", async () => {
    const out = await hipchatNotify("Ops", BAD_TOKEN, "error", "x");
    expect(out).toEqual({
      err: null,
      res: { error: { code: 401, message: expect.any(String), type: "Unauthorized" } },
    });
    expect(rig.slack.calls).toHaveLength(0);
  });
});
