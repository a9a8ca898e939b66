/**
 * PHP's curl extension (Debian's php-cli and php-curl) posting HipChat v1 messages the way PHP apps
 * did: HipChat's own PHP library passed an array of fields to CURLOPT_POSTFIELDS, which makes
 * libcurl send multipart/form-data, with `auth_token` and `format=json` among the fields. No PHP
 * HipChat library is packaged in Debian or npm, so tests/clients/php/curl-post.php reproduces that
 * request (and the http_build_query form style) with the stock extension; it is a wire-format probe,
 * not a published client.
 *
 * Request: POST /v1/rooms/message, Content-Type multipart/form-data; boundary=… (or
 * application/x-www-form-urlencoded), fields room_id, from, message, message_format, color,
 * notify=0|1, format=json, auth_token. HipChat answers 200 {"status": "sent"}.
 *
 * Install: apt-get install -y php-cli php-curl.
 */
import * as path from "node:path";
import {
  BAD_TOKEN,
  deliveredBodies,
  lastJsonLine,
  type Rig,
  requireCommand,
  resetSlack,
  run,
  startRig,
  stopRig,
  TOKEN,
} from "./rig";

const INSTALL = "apt-get install -y php-cli php-curl";
const SCRIPT = path.join(__dirname, "php", "curl-post.php");

interface CurlResult {
  status: number;
  content_type: string | null;
  body: unknown;
  request_content_type: string | null;
}

let rig: Rig;
let php: string;

beforeAll(async () => {
  php = requireCommand("php", INSTALL);
  const probe = await run(php, ["-r", 'exit(function_exists("curl_init") ? 0 : 1);']);
  if (probe.code !== 0) throw new Error(`PHP's curl extension is missing; install it with: ${INSTALL}`);
  rig = await startRig();
}, 60_000);
afterAll(() => stopRig(rig));
beforeEach(() => resetSlack(rig));

async function phpPost(
  style: "multipart" | "urlencoded",
  pathAndQuery: string,
  fields: Record<string, string | number>,
): Promise<CurlResult> {
  return lastJsonLine<CurlResult>(
    await run(php, [SCRIPT, `${rig.proxy.url}${pathAndQuery}`, style, JSON.stringify(fields)]),
  );
}

const message = (token: string) => ({
  room_id: "Ops",
  from: "php-app",
  message: "Backup <b>finished</b> & verified",
  message_format: "html",
  color: "green",
  notify: 1,
  format: "json",
  auth_token: token,
});

const expectedSlack = {
  channel: "#ops",
  text: "",
  mrkdwn: "true",
  username: "php-app",
  attachments: [
    {
      color: "good",
      text: "Backup *finished* &amp; verified",
      fallback: "Backup finished &amp; verified",
      mrkdwn_in: ["text"],
    },
  ],
};

describe("PHP curl, http_build_query (urlencoded)", () => {
  it("v1 rooms/message with auth_token among the fields → 200 {status: sent}, exact Slack payload", async () => {
    const out = await phpPost("urlencoded", "/v1/rooms/message", message(TOKEN));
    expect(out.request_content_type).toBe("application/x-www-form-urlencoded");
    expect(out).toMatchObject({ status: 200, body: { status: "sent" } });
    expect(deliveredBodies(rig)).toEqual([expectedSlack]);
  });

  it("a bad token → 401 in HipChat shape; nothing reaches Slack", async () => {
    const out = await phpPost("urlencoded", "/v1/rooms/message", message(BAD_TOKEN));
    expect(out).toMatchObject({
      status: 401,
      body: { error: { code: 401, message: expect.any(String), type: "Unauthorized" } },
    });
    expect(rig.slack.calls).toHaveLength(0);
  });
});

describe("PHP curl with an array of fields (multipart/form-data)", () => {
  it("v1 rooms/message, auth_token and format among the fields → 200 {status: sent}, exact Slack payload", async () => {
    const out = await phpPost("multipart", "/v1/rooms/message", message(TOKEN));
    expect(out.request_content_type).toMatch(/^multipart\/form-data; boundary=/);
    expect(out).toMatchObject({ status: 200, body: { status: "sent" } });
    expect(deliveredBodies(rig)).toEqual([expectedSlack]);
  });

  it("v1 rooms/message with the token in the query and a text message to a room with a space", async () => {
    const out = await phpPost("multipart", `/v1/rooms/message?format=json&auth_token=${TOKEN}`, {
      room_id: "Build Room",
      from: "php-cron",
      message: "literal <b> & more\nsecond line",
      message_format: "text",
      notify: 0,
    });
    expect(out).toMatchObject({ status: 200, body: { status: "sent" } });
    expect(deliveredBodies(rig)).toEqual([
      {
        channel: "#builds",
        text: "literal &lt;b&gt; &amp; more\nsecond line",
        mrkdwn: "true",
        username: "php-cron",
      },
    ]);
  });

  it("a bad token in the multipart fields → 401 in HipChat shape; nothing reaches Slack", async () => {
    const out = await phpPost("multipart", "/v1/rooms/message", message(BAD_TOKEN));
    expect(out).toMatchObject({
      status: 401,
      body: { error: { code: 401, message: expect.any(String), type: "Unauthorized" } },
    });
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a multipart body with no token at all → 401; nothing reaches Slack", async () => {
    const { auth_token: _omit, ...fields } = message(TOKEN);
    const out = await phpPost("multipart", "/v1/rooms/message", fields);
    expect(out).toMatchObject({ status: 401 });
    expect(rig.slack.calls).toHaveLength(0);
  });
});
