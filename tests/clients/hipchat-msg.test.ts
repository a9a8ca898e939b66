/**
 * hipchat-msg 0.1.1 (npm, JavaScript compiled from TypeScript; `request`), a HipChat v2
 * room-notification client, run as the legacy Node app it serves, in its own process, against
 * `npm start`. Only its `baseUrl` setting and the token differ from a HipChat set-up. It sends:
 *
 * - POST {baseUrl}/v2/room/{room}/notification?auth_token=…, application/json (request's
 *   `json: true`): message, message_format (default "html"), color and notify when set (warning:
 *   yellow + notify, error: red + notify, success: green, info: gray).
 * It returns the request object; the app listens for `complete` and reads only the status code
 * (it logs a failure for >= 300). No header is read, no room lookup is made.
 *
 * Install: npm devDependency "hipchat-msg": "0.1.1".
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

/** `new HipChatNotifier({...})[method](message, settings)` in a fresh process; prints status and body. */
async function hipchatMsg(room: string, token: string, method: string, message: string, settings?: object) {
  const script = `const { HipChatNotifier } = require("hipchat-msg");
    const notifier = new HipChatNotifier({ room: ${JSON.stringify(room)}, auth_token: ${JSON.stringify(token)},
      baseUrl: ${JSON.stringify(rig.proxy.url)}, disableLogger: true });
    notifier[${JSON.stringify(method)}](${JSON.stringify(message)}, ${JSON.stringify(settings ?? {})})
      .on("error", (err) => console.log(JSON.stringify({ err: err.message })))
      .on("complete", (res, body) => console.log(JSON.stringify({ status: res.statusCode, body: body === undefined ? null : body })));`;
  return lastJsonLine<{ status?: number; body?: unknown; err?: string }>(await runNode(script));
}

describe("hipchat-msg (npm): v2 notification with the token in the query", () => {
  it("warning() with HTML → 204, exact Slack payload", async () => {
    const out = await hipchatMsg("Ops", TOKEN, "warning", "Queue <i>backlog</i> growing");
    expect(out).toEqual({ status: 204, body: null });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#ops",
        text: "",
        mrkdwn: "true",
        attachments: [
          {
            color: "warning",
            text: "Queue _backlog_ growing",
            fallback: "Queue backlog growing",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ]);
  });

  it("message() with no color and message_format text to a room name with a space", async () => {
    const out = await hipchatMsg("Build Room", TOKEN, "message", "plain <tag> text", { message_format: "text" });
    expect(out).toEqual({ status: 204, body: null });
    expect(deliveredBodies(rig)).toEqual([{ channel: "#builds", text: "plain &lt;tag&gt; text", mrkdwn: "true" }]);
  });

  it("a bad token → 401 (the status is all it reads); nothing reaches Slack", async () => {
    const out = await hipchatMsg("Ops", BAD_TOKEN, "error", "x");
    // Without a callback `request` does not buffer the body, so `complete` carries none.
    expect(out).toEqual({ status: 401, body: null });
    expect(rig.slack.calls).toHaveLength(0);
  });
});
