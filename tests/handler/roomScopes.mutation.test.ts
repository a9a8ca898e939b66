/**
 * Room-scoped tokens through the whole Lambda handler, for a room the configuration does not list
 * (its messages go to DEFAULT_CHANNEL): the token may post there only if its list names that room.
 * And a secret that lists a token twice (which grant would win?) is refused as invalid.
 */
import { albEvent } from "../support/albEvents";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";

const SCOPED = "scoped-token-0123456789";

let rig: LambdaRig;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: SCOPED, rooms: ["Ops", "Marketing"] }],
    env: { ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }), DEFAULT_CHANNEL: "#catch-all" },
  });
  stdout = captureStdout();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
beforeEach(() => {
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
});

const notify = (room: string, token: string) =>
  rig.coldStart()(
    albEvent({ url: `/v2/room/${encodeURIComponent(room)}/notification?auth_token=${token}`, json: { message: "hi" } }),
    lambdaContext(10_000),
  );

it("a scoped token may post to an unconfigured room its list names: the message goes to the default channel", async () => {
  const res = await notify("marketing", SCOPED);
  expect(res.statusCode).toBe(204);
  expect(rig.slack.delivered.map((c) => c.body.channel)).toEqual(["#catch-all"]);
});

it("a scoped token posting to an unconfigured room its list does not name is a 403, and nothing is sent", async () => {
  const res = await notify("Sales", SCOPED);
  expect(res.statusCode).toBe(403);
  expect(JSON.parse(res.body!).error).toEqual({
    code: 403,
    message: "This token may not post to this room",
    type: "Forbidden",
  });
  expect(rig.slack.calls).toHaveLength(0);
});

it("a secret listing a token twice is invalid: 503 naming the entry, for that token and every other", async () => {
  const twice = "twice-token-0123456789";
  const dup = await startLambdaRig({
    hipchatTokens: [{ token: SCOPED }, { token: twice, rooms: ["Ops"] }, { token: twice }],
    env: { ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) },
  });
  try {
    for (const token of [twice, SCOPED]) {
      const res = await dup.coldStart()(
        albEvent({ url: `/v2/room/Ops/notification?auth_token=${token}`, json: { message: "hi" } }),
        lambdaContext(10_000),
      );
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body!).error.message).toBe(
        "The proxy's secret is invalid: secret.hipchatTokens.2: repeats a token listed before it",
      );
    }
    expect(dup.slack.calls).toHaveLength(0);
  } finally {
    await dup.close();
  }
});
