/**
 * multipart/form-data bodies, which PHP's curl sends for an array of fields (HipChat's own PHP library
 * did), read like form posts on every route that takes fields, v1 and v2. The ALB base64-encodes them
 * (their type is not text). A file part is a 400 naming its field.
 *
 * Through the whole Lambda handler with the real Slack client against the Slack stand-in: each test
 * asserts exactly what Slack received.
 */
import type { ALBEvent } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { albEvent, type HeaderForm } from "../support/albEvents";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import { BOUNDARY, multipartBody, type Part } from "./multipartBody";

const TOKEN = "multipart-token-0123456789";
const fields = (record: Record<string, string | number>): Part[] =>
  Object.entries(record).map(([k, v]) => [k, String(v)]);

let rig: LambdaRig;
let handler: AlbHandler;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: TOKEN }],
    env: {
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "Build Room": "#builds" }),
      USER_MAP: JSON.stringify({ "alice@example.com": "U0ALICE01" }),
    },
  });
  stdout = captureStdout();
  handler = rig.coldStart();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
beforeEach(() => {
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
});

const invoke = (event: ALBEvent) => handler(event, lambdaContext(10_000));
const delivered = () => rig.slack.delivered.map((c) => c.body);
const json = (r: { body?: string }) => JSON.parse(r.body ?? "null");

describe.each<HeaderForm>(["single", "multi"])("multipart/form-data (%s-value headers)", (headerForm) => {
  const event = (url: string, parts: Part[]) => albEvent({ url, ...multipartBody(parts), headerForm });

  it("arrives base64-encoded from the ALB, as PHP curl sends it", () => {
    const e = event(`/v1/rooms/message?auth_token=${TOKEN}`, fields({ room_id: "Ops", message: "x" }));
    expect(e.isBase64Encoded).toBe(true);
  });

  it("v1 rooms/message with auth_token and format among the fields → 200 {status: sent}", async () => {
    const res = await invoke(
      event(
        "/v1/rooms/message",
        fields({
          room_id: "Ops",
          from: "php-app",
          message: "Backup <b>finished</b> & verified",
          message_format: "html",
          color: "green",
          notify: 1,
          format: "json",
          auth_token: TOKEN,
        }),
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: "sent" });
    expect(delivered()).toEqual([
      {
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
      },
    ]);
  });

  it("v1 rooms/message, token in the query, a text message with a line break to a room with a space", async () => {
    const res = await invoke(
      event(
        `/v1/rooms/message?format=json&auth_token=${TOKEN}`,
        fields({ room_id: "Build Room", from: "php-cron", message: "a <b> & b\nnext", message_format: "text" }),
      ),
    );
    expect(res.statusCode).toBe(200);
    expect(delivered()).toEqual([
      { channel: "#builds", text: "a &lt;b&gt; &amp; b\nnext", mrkdwn: "true", username: "php-cron" },
    ]);
  });

  it("v2 room notification → 204", async () => {
    const res = await invoke(
      event(`/v2/room/Ops/notification?auth_token=${TOKEN}`, fields({ message: "v2 <i>multipart</i>", from: "ci" })),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "v2 _multipart_", mrkdwn: "true", username: "ci" }]);
  });

  it("v2 room message → 201 with the message id", async () => {
    const res = await invoke(event(`/v2/room/Ops/message?auth_token=${TOKEN}`, fields({ message: "hello" })));
    expect(res.statusCode).toBe(201);
    expect(json(res)).toEqual({ id: expect.stringMatching(/^\d+\.\d+$/), timestamp: expect.any(String) });
    expect(delivered()).toEqual([{ channel: "#ops", text: "hello", mrkdwn: "true" }]);
  });

  it("v2 share/link → 204", async () => {
    const res = await invoke(
      event(`/v2/room/Ops/share/link?auth_token=${TOKEN}`, fields({ message: "see", link: "https://example.com/a" })),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "see\n<https://example.com/a>", mrkdwn: "true" }]);
  });

  it("v2 private message → 204", async () => {
    const res = await invoke(
      event(`/v2/user/alice%40example.com/message?auth_token=${TOKEN}`, fields({ message: "psst" })),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "U0ALICE01", text: "psst", mrkdwn: "true" }]);
  });

  it("a repeated field keeps its first value, as in a urlencoded form", async () => {
    const res = await invoke(
      event(`/v2/room/Ops/notification?auth_token=${TOKEN}`, [
        ["message", "first"],
        ["message", "second"],
      ]),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "first", mrkdwn: "true" }]);
  });

  it("a file part → 400 naming its field; nothing reaches Slack", async () => {
    const res = await invoke(
      event(`/v2/room/Ops/notification?auth_token=${TOKEN}`, [
        ["message", "with a file"],
        ["attachment", "\u0000\u0001binary", { filename: "build.log", type: "application/octet-stream" }],
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect(json(res)).toEqual({
      error: {
        code: 400,
        message: expect.stringContaining('Field "attachment" is a file upload'),
        type: "Bad Request",
      },
    });
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a file part carrying the token is refused too (400), never a crash", async () => {
    const res = await invoke(
      event("/v1/rooms/message", [
        ["auth_token", TOKEN],
        ["room_id", "Ops"],
        ["message", "m"],
        ["file", "x", { filename: "a.txt", type: "text/plain" }],
      ]),
    );
    expect(res.statusCode).toBe(400);
    expect(json(res).error.message).toMatch(/"file" is a file upload/);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it.each<[string, string, string]>([
    ["no boundary", "--x\r\n\r\n", "multipart/form-data"],
    ["a body that is not multipart", "message=hi", `multipart/form-data; boundary=${BOUNDARY}`],
    [
      "a body cut short",
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi`,
      `multipart/form-data; boundary=${BOUNDARY}`,
    ],
  ])("%s → 400 in HipChat shape", async (_n, body, contentType) => {
    const res = await invoke(
      albEvent({ url: `/v2/room/Ops/notification?auth_token=${TOKEN}`, body, contentType, headerForm }),
    );
    expect(res.statusCode).toBe(400);
    expect(json(res)).toEqual({ error: { code: 400, message: expect.any(String), type: "Bad Request" } });
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("invalid UTF-8 in a field → 400", async () => {
    const { body, contentType } = multipartBody([["message", "\u00ff"]]);
    const raw = Buffer.from(body, "latin1"); // 0xff alone: not UTF-8
    const e = albEvent({ url: `/v2/room/Ops/notification?auth_token=${TOKEN}`, body: "x", contentType, headerForm });
    const res = await invoke({ ...e, body: raw.toString("base64"), isBase64Encoded: true });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.message).toMatch(/UTF-8/);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a bad token among the fields → 401; nothing reaches Slack", async () => {
    const res = await invoke(
      event("/v1/rooms/message", fields({ room_id: "Ops", message: "x", auth_token: "wrong-token-0000" })),
    );
    expect(res.statusCode).toBe(401);
    expect(rig.slack.calls).toHaveLength(0);
  });
});
