/**
 * Room topics: v2 `PUT /v2/room/{id_or_name}/topic {"topic"}` → 204 and v1 `POST /v1/rooms/topic`
 * (room_id, topic, from) → `{"status":"ok"}` set the room's Slack channel topic with
 * `conversations.setTopic`. A `#name` is resolved to a channel ID once per container through
 * `conversations.list` (every page), an ID is used as given. Slack's errors map to HipChat statuses
 * as for messages.
 *
 * Through the whole Lambda handler against the Slack stand-in's conversation directory: each test
 * asserts exactly which Slack calls were made and what topic Slack received.
 */
import type { ALBEvent } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { albEvent, resultHeaders, type HeaderForm } from "../support/albEvents";
import {
  captureStdout,
  lambdaContext,
  SECRET_ARN,
  startLambdaRig,
  type LambdaRig,
  type StdoutCapture,
} from "../support/lambdaRig";
import { channelId } from "../support/slackStandIn";
import { multipartBody } from "./multipartBody";

const ADMIN = "topics-admin-token-0123456789";
const OPS_ONLY = "topics-ops-only-token-01234";
/** Enough channels that the directory takes several pages of the stand-in's 3. */
const FILLER = Array.from({ length: 7 }, (_, i) => `#team-${i}`);
const ROOMS = {
  Ops: "#ops",
  Secret: "#secret",
  Direct: channelId("#deploys"),
  Gone: "#gone",
};

let rig: LambdaRig;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    slackToken: "xoxb-topics-1",
    hipchatTokens: [{ token: ADMIN }, { token: OPS_ONLY, rooms: ["Ops"] }],
    env: { ROOM_CHANNELS: JSON.stringify(ROOMS), DEFAULT_CHANNEL: "#hipchat" },
    slack: {
      conversations: [...FILLER, "#ops", { name: "#secret", private: true }, "#deploys", "#hipchat"],
      listPageSize: 3,
    },
  });
  stdout = captureStdout();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
beforeEach(() => {
  rig.slack.calls.length = 0;
  rig.slack.topics.length = 0;
});

const json = (r: { body?: string }) => JSON.parse(r.body ?? "null");
const methods = () => rig.slack.calls.map((c) => c.method);
const putTopic = (room: string, body: unknown, token = ADMIN, headerForm: HeaderForm = "single") =>
  albEvent({ method: "PUT", url: `/v2/room/${room}/topic?auth_token=${token}`, json: body, headerForm });

describe("one container", () => {
  let handler: AlbHandler;
  beforeAll(() => {
    handler = rig.coldStart();
  });
  const invoke = (event: ALBEvent) => handler(event, lambdaContext(10_000));

  it("v2: the first topic lists the channels (every page) once, then sets the topic on the channel's ID", async () => {
    const res = await invoke(putTopic("Ops", { topic: "Release train <b> & friends" }));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe("");
    expect(methods()).toEqual([
      "conversations.list",
      "conversations.list",
      "conversations.list",
      "conversations.list",
      "conversations.setTopic",
    ]);
    expect(rig.slack.calls[0].body).toMatchObject({
      types: "public_channel,private_channel",
      exclude_archived: "true",
    });
    // Plain text on one line, escaped: a topic can carry no mention or link.
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "Release train &lt;b&gt; &amp; friends" }]);
    expect(rig.slack.calls.at(-1)?.token).toBe("xoxb-topics-1");
  });

  it.each<HeaderForm>(["single", "multi"])(
    "v2 again (%s-value headers): the directory is kept, one setTopic and nothing else",
    async (headerForm) => {
      const res = await invoke(putTopic("ops", { topic: "Freeze until Monday" }, ADMIN, headerForm));
      expect(res.statusCode).toBe(204);
      expect(methods()).toEqual(["conversations.setTopic"]);
      expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "Freeze until Monday" }]);
    },
  );

  it("a private channel is found too", async () => {
    const res = await invoke(putTopic("Secret", { topic: "private matters" }));
    expect(res.statusCode).toBe(204);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#secret"), topic: "private matters" }]);
  });

  it("v1 rooms/topic (form: room_id, topic, from) → 200 {status: ok}", async () => {
    const res = await invoke(
      albEvent({ url: `/v1/rooms/topic?auth_token=${ADMIN}`, form: { room_id: "Ops", topic: "v1 topic", from: "rb" } }),
    );
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ status: "ok" });
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "v1 topic" }]);
  });

  it("v1 rooms/topic as PHP curl's multipart, with the token among the fields", async () => {
    const res = await invoke(
      albEvent({
        url: "/v1/rooms/topic",
        ...multipartBody([
          ["room_id", "Ops"],
          ["topic", "from PHP"],
          ["auth_token", ADMIN],
        ]),
      }),
    );
    expect(res.statusCode).toBe(200);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "from PHP" }]);
  });

  it("an empty topic clears it", async () => {
    const res = await invoke(putTopic("Ops", { topic: "" }));
    expect(res.statusCode).toBe(204);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "" }]);
  });

  it("answers carry the rate-limit headers", async () => {
    const res = await invoke(putTopic("Ops", { topic: "headers" }));
    expect(resultHeaders(res)["x-ratelimit-limit"]).toBe("1");
  });

  it.each<[string, ALBEvent, number, RegExp]>([
    ["topic missing", putTopic("Ops", {}), 400, /^Field topic is required$/],
    ["topic over 250 characters", putTopic("Ops", { topic: "t".repeat(251) }), 400, /topic/],
    ["topic not a string", putTopic("Ops", { topic: 5 }), 400, /topic/],
    [
      "v1 without room_id",
      albEvent({ url: `/v1/rooms/topic?auth_token=${ADMIN}`, form: { topic: "x" } }),
      400,
      /room_id is required/,
    ],
    [
      "a room that is not configured (default channel or not)",
      putTopic("Elsewhere", { topic: "x" }),
      404,
      /^Room not found$/,
    ],
    ["a room-scoped token on another room", putTopic("Secret", { topic: "x" }, OPS_ONLY), 403, /./],
    ["a bad token", putTopic("Ops", { topic: "x" }, "wrong-token-0000"), 401, /./],
  ])("%s → %s, no Slack call", async (_n, event, status, message) => {
    const res = await invoke(event);
    expect(res.statusCode).toBe(status);
    expect(json(res).error).toEqual({
      code: status,
      message: expect.stringMatching(message),
      type: expect.any(String),
    });
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("auth_test=true → 202, no Slack call", async () => {
    const res = await invoke(albEvent({ method: "PUT", url: `/v2/room/Ops/topic?auth_test=true&auth_token=${ADMIN}` }));
    expect(res.statusCode).toBe(202);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("a room-scoped token on its own room works", async () => {
    const res = await invoke(putTopic("Ops", { topic: "scoped" }, OPS_ONLY));
    expect(res.statusCode).toBe(204);
  });

  it("a channel Slack does not have → 404, as for messages", async () => {
    const res = await invoke(putTopic("Gone", { topic: "x" }));
    expect(res.statusCode).toBe(404);
    expect(json(res)).toEqual({
      error: { code: 404, message: "Room not found: its Slack channel does not exist", type: "Not Found" },
    });
    expect(rig.slack.topics).toEqual([]);
  });

  it.each([
    ["missing_scope", 502],
    ["not_in_channel", 403],
    ["is_archived", 403],
    ["channel_not_found", 404],
    ["some_new_error", 502],
  ])("Slack answers %s → %s in HipChat shape", async (error, status) => {
    rig.slack.failNext({ kind: "error", error });
    const res = await invoke(putTopic("Ops", { topic: "x" }));
    expect(res.statusCode).toBe(status);
    expect(json(res)).toEqual({ error: { code: status, message: expect.any(String), type: expect.any(String) } });
    expect(json(res).error.message).not.toMatch(/xoxb/);
  });

  it("Slack refuses a topic that escaping made too long (too_long) → 400", async () => {
    const res = await invoke(putTopic("Ops", { topic: "&".repeat(100) }));
    expect(res.statusCode).toBe(400);
    expect(json(res).error.message).toMatch(/Topic too long/);
  });

  it("a room configured with a channel ID: no listing needed", async () => {
    const fresh = rig.coldStart();
    const res = await fresh(putTopic("Direct", { topic: "by id" }), lambdaContext(10_000));
    expect(res.statusCode).toBe(204);
    expect(methods()).toEqual(["conversations.setTopic"]);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#deploys"), topic: "by id" }]);
  });
});

it("a rotated Slack token: invalid_auth, the secret is read again, the topic set once with the new token", async () => {
  const handler = rig.coldStart();
  await handler(putTopic("Ops", { topic: "warm" }), lambdaContext(10_000));
  rig.slack.calls.length = 0;
  rig.slack.topics.length = 0;
  rig.secrets.setSecret(SECRET_ARN, rig.secretJson("xoxb-topics-2"));
  rig.slack.setTokens(["xoxb-topics-2"]);
  try {
    const res = await handler(putTopic("Ops", { topic: "after rotation" }), lambdaContext(10_000));
    expect(res.statusCode).toBe(204);
    expect(rig.slack.calls.map((c) => [c.method, c.token])).toEqual([
      ["conversations.setTopic", "xoxb-topics-1"],
      ["conversations.setTopic", "xoxb-topics-2"],
    ]);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "after rotation" }]);
  } finally {
    rig.secrets.setSecret(SECRET_ARN, rig.secretJson("xoxb-topics-1"));
    rig.slack.setTokens(["xoxb-topics-1"]);
  }
});
