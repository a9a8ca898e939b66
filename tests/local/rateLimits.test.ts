/**
 * HipChat's rate-limit headers on every authenticated answer of `npm start`, from its per-channel
 * pacing, against a Slack stand-in that enforces one message per second per channel.
 */
import { npmStart, type StartedProxy } from "../support/npmStart";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

const TOKEN = "rate-local-token-0123456789";

let slack: SlackStandIn;
let proxy: StartedProxy;

beforeAll(async () => {
  slack = await startSlackStandIn({ tokens: ["xoxb-local"], rateLimit: { perSecond: 1, burst: 1 } });
  proxy = await npmStart({
    SLACK_TOKEN: "xoxb-local",
    SLACK_API_URL: slack.url,
    HIPCHAT_TOKENS: TOKEN,
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", Deploys: "#deploys" }),
    SLACK_TIMEOUT_MS: "1000",
  });
}, 60_000);
afterAll(async () => {
  await proxy?.stop();
  await slack?.close();
});

const notify = (room: string, message: string) =>
  fetch(`${proxy.url}/v2/room/${room}/notification?auth_token=${TOKEN}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, message_format: "text" }),
  });
const limits = (res: Response) => ({
  limit: res.headers.get("x-ratelimit-limit"),
  remaining: res.headers.get("x-ratelimit-remaining"),
  reset: Number(res.headers.get("x-ratelimit-reset")),
});
const nowSeconds = () => Math.ceil(Date.now() / 1000);

it("a free channel answers 204 with Limit 1, Remaining 1 and Reset now", async () => {
  const res = await notify("Ops", "one");
  expect(res.status).toBe(204);
  expect(limits(res)).toEqual({ limit: "1", remaining: "1", reset: expect.any(Number) });
  expect(limits(res).reset).toBeLessThanOrEqual(nowSeconds());
  expect(slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "one", mrkdwn: "true" }]);
});

it("two more at once to the same room: both delivered in turn, both told the channel is paced", async () => {
  slack.delivered.length = 0;
  const [a, b] = await Promise.all([notify("Ops", "two"), notify("Ops", "three")]);
  expect([a.status, b.status]).toEqual([204, 204]);
  for (const res of [a, b]) {
    expect(limits(res).remaining).toBe("0");
    expect(limits(res).reset).toBeGreaterThanOrEqual(nowSeconds() - 1);
    expect(limits(res).reset).toBeLessThanOrEqual(nowSeconds() + 4);
  }
  expect(slack.delivered.map((c) => c.body.text).sort()).toEqual(["three", "two"]);
});

it("another room is free meanwhile; a listing reports a free channel", async () => {
  const other = await notify("Deploys", "free");
  expect(other.status).toBe(204);
  expect(limits(other).remaining).toBe("1");
  const list = await fetch(`${proxy.url}/v1/rooms/list?auth_token=${TOKEN}`);
  expect(list.status).toBe(200);
  expect(limits(list)).toMatchObject({ limit: "1", remaining: "1" });
});

it("errors after authentication carry them; a 401 does not", async () => {
  const bad = await fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=${TOKEN}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "" }),
  });
  expect(bad.status).toBe(400);
  expect(limits(bad).limit).toBe("1");
  const unauthorized = await fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=wrong-token-0000`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "never" }),
  });
  expect(unauthorized.status).toBe(401);
  expect(unauthorized.headers.get("x-ratelimit-limit")).toBeNull();
});
