/**
 * Authentication comes before everything else a request could be refused for: a request without a
 * valid token is a 401 whatever its content type, method, path or body (HipChat's auth doc: a bad
 * token is a 401 whatever else is wrong). A token sent in a header or the query is checked before the
 * body is read at all; only a request without one has its body looked at, for `auth_token`.
 *
 * Through the whole Lambda handler (createLambdaHandler) with the real Slack client against the
 * Slack stand-in.
 */
import type { ALBEvent } from "aws-lambda";
import { albEvent, type HeaderForm } from "../support/albEvents";
import { lambdaContext, startLambdaRig, captureStdout, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import type { AlbHandler } from "../../handler";

const TOKEN = "auth-first-token-0123456789";
const body = (r: { body?: string }) => JSON.parse(r.body ?? "null");

let rig: LambdaRig;
let handler: AlbHandler;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: TOKEN }],
    env: { ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) },
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

const UNAUTHORIZED = { error: { code: 401, message: expect.any(String), type: "Unauthorized" } };

describe.each<HeaderForm>(["single", "multi"])("without a valid token (%s-value headers)", (headerForm) => {
  it.each<[string, Parameters<typeof albEvent>[0]]>([
    ["an unsupported content type", { url: "/v2/room/Ops/notification", body: "<x/>", contentType: "application/xml" }],
    [
      "multipart with a file, no token",
      {
        url: "/v2/room/Ops/notification",
        body: '--b\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nx\r\n--b--\r\n',
        contentType: "multipart/form-data; boundary=b",
      },
    ],
    ["malformed JSON", { url: "/v2/room/Ops/notification", body: "{nope", contentType: "application/json" }],
    ["a JSON array", { url: "/v2/room/Ops/notification", body: "[1]", contentType: "application/json" }],
    ["a field of the wrong type", { url: "/v2/room/Ops/notification", json: { message: 5 } }],
    [
      "an unknown token and an unsupported type",
      { url: "/v2/room/Ops/notification?auth_token=wrong-token-0000", body: "<x/>", contentType: "application/xml" },
    ],
    ["a known path with the wrong method", { method: "GET", url: "/v2/room/Ops/notification" }],
    ["DELETE on v1 rooms/message", { method: "DELETE", url: "/v1/rooms/message" }],
    ["an unknown path", { method: "GET", url: "/v2/room/Ops/history" }],
    ["the site root", { method: "GET", url: "/" }],
    [
      "an unknown token on a wrong method",
      { method: "PATCH", url: "/v2/room/Ops/notification?auth_token=wrong-token-0000" },
    ],
    [
      "a token in an unreadable body",
      { url: "/v2/room/Ops/notification", body: `{"auth_token":"${TOKEN}"`, contentType: "application/json" },
    ],
    [
      "a token in a body of an unsupported type",
      { url: "/v2/room/Ops/notification", body: `auth_token=${TOKEN}`, contentType: "application/xml" },
    ],
  ])("%s → 401 in HipChat shape; nothing reaches Slack", async (_name, spec) => {
    // Act
    const res = await invoke(albEvent({ ...spec, headerForm }));
    // Assess
    expect(res.statusCode).toBe(401);
    expect(body(res)).toEqual(UNAUTHORIZED);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("invalid base64 without a token → 401, not 400", async () => {
    const event = albEvent({ url: "/v2/room/Ops/notification", form: { message: "x" }, headerForm });
    const res = await invoke({ ...event, body: "!!!not base64!!!" });
    expect(res.statusCode).toBe(401);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("invalid UTF-8 without a token → 401, not 400", async () => {
    const event = albEvent({ url: "/v1/rooms/message", form: { message: "x" }, headerForm });
    const res = await invoke({ ...event, body: Buffer.from([0x6d, 0x3d, 0xff]).toString("base64") });
    expect(res.statusCode).toBe(401);
  });
});

describe("the body is not read before a token outside it is checked", () => {
  let decode: jest.SpyInstance;
  let parse: jest.SpyInstance;
  beforeEach(() => {
    decode = jest.spyOn(TextDecoder.prototype, "decode");
    parse = jest.spyOn(JSON, "parse");
  });
  afterEach(() => jest.restoreAllMocks());
  const bigJson = () => JSON.stringify({ message: "x".repeat(1024 * 1024 - 100) });
  const bodyWasRead = () =>
    decode.mock.calls.some(([input]) => ((input as Uint8Array | undefined)?.byteLength ?? 0) > 1000) ||
    parse.mock.calls.some(([text]) => typeof text === "string" && text.length > 1000);

  it("a 1 MB JSON body with an unknown token in the query → 401, body never decoded or parsed", async () => {
    const res = await invoke(
      albEvent({ url: "/v2/room/Ops/notification?auth_token=wrong-token-0000", json: bigJson() }),
    );
    expect(res.statusCode).toBe(401);
    expect(bodyWasRead()).toBe(false);
  });

  it("a 1 MB JSON body with an unknown Bearer token → 401, body never decoded or parsed", async () => {
    const res = await invoke(
      albEvent({ url: "/v2/room/Ops/notification", headers: { Authorization: "Bearer wrong-0000" }, json: bigJson() }),
    );
    expect(res.statusCode).toBe(401);
    expect(bodyWasRead()).toBe(false);
  });

  it("a 1 MB form body with no token anywhere → 401, body never decoded or parsed", async () => {
    const res = await invoke(
      albEvent({ url: "/v1/rooms/message", form: { room_id: "Ops", message: "y".repeat(1024 * 1024 - 100) } }),
    );
    expect(res.statusCode).toBe(401);
    expect(bodyWasRead()).toBe(false);
  });

  it("(control) with the right token the same body is read, so the spies see it", async () => {
    const res = await invoke(albEvent({ url: `/v2/room/Ops/notification?auth_token=${TOKEN}`, json: bigJson() }));
    expect(res.statusCode).toBe(400); // message over 10,000 characters
    expect(bodyWasRead()).toBe(true);
  });

  it("a 1 MB JSON body with no token anywhere → 401, body never parsed", async () => {
    const res = await invoke(albEvent({ url: "/v2/room/Ops/notification", json: bigJson() }));
    expect(res.statusCode).toBe(401);
    expect(bodyWasRead()).toBe(false);
  });
});

describe("with a valid token, the other checks follow in HipChat's order", () => {
  it.each<[string, Parameters<typeof albEvent>[0], number]>([
    [
      "an unsupported content type → 415",
      { url: `/v2/room/Ops/notification?auth_token=${TOKEN}`, body: "<x/>", contentType: "application/xml" },
      415,
    ],
    ["a wrong method → 405", { method: "GET", url: `/v2/room/Ops/notification?auth_token=${TOKEN}` }, 405],
    ["an unknown path → 404", { method: "GET", url: `/v2/room/Ops/history?auth_token=${TOKEN}` }, 404],
    [
      "malformed JSON → 400",
      { url: `/v2/room/Ops/notification?auth_token=${TOKEN}`, body: "{nope", contentType: "application/json" },
      400,
    ],
  ])("%s", async (_n, spec, status) => {
    const res = await invoke(albEvent(spec));
    expect(res.statusCode).toBe(status);
    expect(body(res).error.code).toBe(status);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a token in the JSON body still works, and Slack gets exactly the message", async () => {
    const res = await invoke(
      albEvent({ url: "/v2/room/Ops/notification", json: { message: "in <b>body</b>", auth_token: TOKEN } }),
    );
    expect(res.statusCode).toBe(204);
    expect(rig.slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "in *body*", mrkdwn: "true" }]);
  });

  it("a token in the v1 form body still works", async () => {
    const res = await invoke(
      albEvent({ url: "/v1/rooms/message", form: { room_id: "Ops", from: "cron", message: "v1", auth_token: TOKEN } }),
    );
    expect(res.statusCode).toBe(200);
    expect(rig.slack.delivered.map((c) => c.body)).toEqual([
      { channel: "#ops", text: "v1", mrkdwn: "true", username: "cron" },
    ]);
  });

  it("a wrong token in the query is not rescued by a right one in the body (the query's is the one checked)", async () => {
    const res = await invoke(
      albEvent({
        url: "/v2/room/Ops/notification?auth_token=wrong-token-0000",
        json: { message: "x", auth_token: TOKEN },
      }),
    );
    expect(res.statusCode).toBe(401);
    expect(rig.slack.calls).toHaveLength(0);
  });
});
