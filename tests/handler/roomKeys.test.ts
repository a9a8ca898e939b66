/**
 * A room configured as `{"Ops": {"channel": "#ops", "name": "Operations"}}` answers to its key
 * (`Ops`), its name (`Operations`) and its id, case-insensitively, on every call that names a room,
 * and never falls to the default channel; room-scoped tokens may name it by any of the three.
 *
 * Through the whole Lambda handler, asserting exactly what Slack received.
 */
import type { ALBEvent } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { stableRoomId } from "../../handler/settings";
import { albEvent } from "../support/albEvents";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import { channelId } from "../support/slackStandIn";

const ROOM_CHANNELS = '{"Ops":{"channel":"#ops","name":"Operations"}}';
const ID = stableRoomId("Operations");
const ADMIN = "room-keys-admin-token-0123";
const BY_KEY = "room-keys-by-key-token-0123";
const BY_NAME = "room-keys-by-name-token-012";
const BY_ID = "room-keys-by-id-token-01234";
/** Every way a client may name the room. */
const SPELLINGS = ["Ops", "ops", "OPS", "Operations", "operations", "OPERATIONS", String(ID)];

let rig: LambdaRig;
let handler: AlbHandler;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [
      { token: ADMIN },
      { token: BY_KEY, rooms: ["Ops"] },
      { token: BY_NAME, rooms: ["Operations"] },
      { token: BY_ID, rooms: [ID] },
    ],
    env: { ROOM_CHANNELS, DEFAULT_CHANNEL: "#fallback", PUBLIC_HOSTNAME: "hipchat.example.com" },
    slack: { conversations: ["#ops", "#fallback"] },
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
  rig.slack.topics.length = 0;
});

const invoke = (event: ALBEvent) => handler(event, lambdaContext(10_000));
const json = (r: { body?: string }) => JSON.parse(r.body ?? "null");
const delivered = () => rig.slack.delivered.map((c) => c.body);

it("the default channel is live: a name that is no room's goes there", async () => {
  const res = await invoke(
    albEvent({ url: `/v2/room/Operationz/notification?auth_token=${ADMIN}`, json: { message: "m" } }),
  );
  expect(res.statusCode).toBe(204);
  expect(delivered()).toEqual([{ channel: "#fallback", text: "m", mrkdwn: "true" }]);
});

describe.each(SPELLINGS)("the room named %j", (room) => {
  it("v2 notification → #ops", async () => {
    const res = await invoke(
      albEvent({ url: `/v2/room/${room}/notification?auth_token=${ADMIN}`, json: { message: `to ${room}` } }),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: `to ${room}`, mrkdwn: "true" }]);
  });

  it("v1 rooms/message → #ops", async () => {
    const res = await invoke(
      albEvent({ url: `/v1/rooms/message?auth_token=${ADMIN}`, form: { room_id: room, from: "k", message: "v1" } }),
    );
    expect(res.statusCode).toBe(200);
    expect(delivered()).toEqual([{ channel: "#ops", text: "v1", mrkdwn: "true", username: "k" }]);
  });

  it("GET /v2/room/{…} and /v1/rooms/show → the room Operations", async () => {
    const v2 = await invoke(albEvent({ method: "GET", url: `/v2/room/${room}?auth_token=${ADMIN}` }));
    expect(json(v2)).toMatchObject({ id: ID, name: "Operations" });
    const v1 = await invoke(albEvent({ method: "GET", url: `/v1/rooms/show?room_id=${room}&auth_token=${ADMIN}` }));
    expect(json(v1).room).toMatchObject({ room_id: ID, name: "Operations" });
  });

  it("topic → #ops's topic", async () => {
    const res = await invoke(
      albEvent({ method: "PUT", url: `/v2/room/${room}/topic?auth_token=${ADMIN}`, json: { topic: room } }),
    );
    expect(res.statusCode).toBe(204);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: room }]);
  });

  it.each([
    ["its key", BY_KEY],
    ["its name", BY_NAME],
    ["its id", BY_ID],
  ])("a token scoped to the room by %s may post", async (_n, token) => {
    const res = await invoke(
      albEvent({ url: `/v2/room/${room}/notification?auth_token=${token}`, json: { message: "scoped" } }),
    );
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "scoped", mrkdwn: "true" }]);
  });
});

it("listings show one room, Operations, to every token scoped to it", async () => {
  for (const token of [ADMIN, BY_KEY, BY_NAME, BY_ID]) {
    const v2 = await invoke(albEvent({ method: "GET", url: `/v2/room?auth_token=${token}` }));
    expect(json(v2).items.map((i: { id: number; name: string }) => [i.id, i.name])).toEqual([[ID, "Operations"]]);
    const v1 = await invoke(albEvent({ method: "GET", url: `/v1/rooms/list?auth_token=${token}` }));
    expect(json(v1).rooms.map((r: { room_id: number; name: string }) => [r.room_id, r.name])).toEqual([
      [ID, "Operations"],
    ]);
  }
});

it("a scoped token may not post to another room, whatever the default channel", async () => {
  const res = await invoke(
    albEvent({ url: `/v2/room/Operationz/notification?auth_token=${BY_KEY}`, json: { message: "x" } }),
  );
  expect(res.statusCode).toBe(403);
  expect(rig.slack.calls).toHaveLength(0);
});
