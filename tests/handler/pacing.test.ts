/**
 * Per-channel pacing (handler/pacing.ts): one 429 closes a channel for at most MAX_CLOSED_MS,
 * whatever its Retry-After, and a message Slack accepts after the closure reopens the channel.
 */
import type { ALBResult } from "aws-lambda";
import { webApiGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import { createChannelPacer, MAX_CLOSED_MS, SLACK_CHANNEL_SPACING_MS } from "../../handler/pacing";
import { createProxy } from "../../handler/proxy";
import { parseSettings } from "../../handler/settings";
import { albEvent, resultHeaders } from "../support/albEvents";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

const T = 1_700_000_000_000;

describe("one answer closes a channel for a bounded time", () => {
  it("a Retry-After of 100,000 s closes the channel for MAX_CLOSED_MS, not 28 hours", () => {
    const pacer = createChannelPacer();
    expect(pacer.nextTurn("#ops", T)).toBe(T);
    pacer.limited("#ops", T + 100_000_000, T);
    expect(pacer.nextTurn("#ops", T + 1)).toBe(T + MAX_CLOSED_MS);
    expect(pacer.nextTurn("#ops", T + MAX_CLOSED_MS)).toBe(T + MAX_CLOSED_MS); // open from then on
    expect(pacer.nextTurn("#ops", T + MAX_CLOSED_MS + 5)).toBe(T + MAX_CLOSED_MS + 5);
  });

  it("the cap counts from the caller's clock when the Slack edge gives no time (its latest nextTurn)", () => {
    const pacer = createChannelPacer();
    pacer.nextTurn("#ops", T); // the Slack edge asks before every attempt, with its own clock
    pacer.limited("#ops", T + 100_000_000);
    expect(pacer.nextTurn("#ops", T + 1)).toBe(T + MAX_CLOSED_MS);
  });

  it("a Retry-After under the cap is kept as given, and other channels are not held back", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 30_000, T);
    expect(pacer.nextTurn("#ops", T)).toBe(T + 30_000);
    expect(pacer.nextTurn("#deploys", T)).toBe(T);
  });

  it("waiting requests still take turns one slot apart", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 1_000, T);
    const first = pacer.nextTurn("#ops", T);
    pacer.claim("#ops", first);
    const second = pacer.nextTurn("#ops", T);
    pacer.claim("#ops", second);
    expect([first, second, pacer.nextTurn("#ops", T)]).toEqual([
      T + 1_000,
      T + 1_000 + SLACK_CHANNEL_SPACING_MS,
      T + 1_000 + 2 * SLACK_CHANNEL_SPACING_MS,
    ]);
  });

  it("the spacing and the cap can still be chosen (createChannelPacer(spacingMs) as before)", () => {
    expect(createChannelPacer(250).nextTurn("#ops", T)).toBe(T);
    const pacer = createChannelPacer({ spacingMs: 250, maxClosedMs: 5_000 });
    pacer.limited("#ops", T + 60_000, T);
    pacer.claim("#ops", pacer.nextTurn("#ops", T));
    expect(pacer.nextTurn("#ops", T)).toBe(T + 5_250);
  });
});

describe("a later successful call reopens the channel", () => {
  it("a message Slack accepts, sent after the 429, lifts the closure", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 50_000, T);
    pacer.succeeded("#ops", T + 10);
    expect(pacer.nextTurn("#ops", T + 20)).toBe(T + 20);
  });

  it("a success sent before the 429 arrived does not: the 429 is the newer news", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 50_000, T);
    pacer.succeeded("#ops", T - 5);
    expect(pacer.nextTurn("#ops", T + 20)).toBe(T + 50_000);
  });

  it("without a send time, any closure is lifted", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 50_000, T);
    pacer.succeeded("#ops");
    expect(pacer.nextTurn("#ops", T + 20)).toBe(T + 20);
  });

  it("turns already handed to waiting requests keep their spacing", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 1_000, T);
    pacer.claim("#ops", pacer.nextTurn("#ops", T)); // waits until T+1000
    pacer.claim("#ops", pacer.nextTurn("#ops", T)); // waits until T+2000
    pacer.succeeded("#ops", T + 1_000); // the first went through
    expect(pacer.nextTurn("#ops", T + 1_100)).toBe(T + 3_000);
  });

  it("a success on another channel changes nothing", () => {
    const pacer = createChannelPacer();
    pacer.limited("#ops", T + 50_000, T);
    pacer.succeeded("#deploys", T + 10);
    expect(pacer.nextTurn("#ops", T + 20)).toBe(T + 50_000);
  });
});

describe("through the handler and the real Slack client: Slack's 429 with Retry-After: 100000", () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await startSlackStandIn();
  });
  afterAll(() => slack.close());

  it("closes the channel for at most MAX_CLOSED_MS; after that the next message goes to Slack", async () => {
    let now = T;
    const handler = createProxy({
      settings: parseSettings({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) }),
      secrets: {
        get: async () => ({ slackToken: "xoxb-test", tokens: [{ token: "tok-0123456789" }] }),
        invalidate() {},
      },
      slack: webApiGateway({ slackApiUrl: slack.url, timeoutMs: 5_000 }),
      log: createLogger(() => undefined),
      now: () => now,
    });
    const post = () =>
      handler(albEvent({ url: "/v2/room/Ops/notification?auth_token=tok-0123456789", json: { message: "hi" } }), {
        getRemainingTimeInMillis: () => 10_000,
      });
    const retryAfter = (res: ALBResult) => Number(resultHeaders(res)["retry-after"]);

    slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "100000" } });
    const first = await post();
    expect(first.statusCode).toBe(429);
    expect(retryAfter(first)).toBeLessThanOrEqual(MAX_CLOSED_MS / 1000);
    expect(slack.calls).toHaveLength(1);

    now = T + 30_000; // still closed: answered at once, Slack not called
    const second = await post();
    expect(second.statusCode).toBe(429);
    expect(retryAfter(second)).toBeLessThanOrEqual(MAX_CLOSED_MS / 1000 - 30);
    expect(slack.calls).toHaveLength(1);

    now = T + MAX_CLOSED_MS + 1; // before the cap: 28 hours of 429s without a Slack call
    expect((await post()).statusCode).toBe(204);
    expect(slack.calls).toHaveLength(2);
    expect(slack.delivered).toHaveLength(1);
  });
});
