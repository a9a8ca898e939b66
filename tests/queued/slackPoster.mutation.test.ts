/**
 * The worker's Slack edge (handler/delivery/slackPoster.ts), the real `@slack/web-api` client against
 * the Slack stand-in on 127.0.0.1: no call without a token; one client per token, which remembers
 * that its token lacks chat:write.customize; the Slack URL and timeout it is given; and the
 * per-channel pacing after a 429, one `spacingMs` apart, timed with a clock and a sleep the test owns.
 */
import { pacedSlackPoster } from "../../handler/delivery/slackPoster";
import { ProxyError } from "../../handler/errors";
import type { PostOptions, SlackMessage } from "../../handler/slack";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";
import { type FetchGuard, guardFetch } from "../support/fetchGuard";

const FULL = "xoxb-poster-full-0123";
const PLAIN = "xoxb-poster-plain-0123";
let slack: SlackStandIn;
let guard: FetchGuard;

beforeAll(async () => {
  // A mutant that loses the Slack URL must fail here, not reach slack.com.
  guard = guardFetch();
  slack = await startSlackStandIn({ tokens: [FULL, PLAIN], tokensWithoutCustomize: [PLAIN] });
});
afterAll(async () => {
  guard.restore();
  await slack?.close();
});
beforeEach(() => {
  guard.refused.length = 0;
  slack.calls.length = 0;
  slack.delivered.length = 0;
});

/** A clock that moves only when the poster sleeps. */
function fakeTime() {
  const t = { clock: 1_000_000, slept: [] as number[] };
  const options = (): PostOptions => ({
    deadline: t.clock + 60_000,
    attemptBudgetMs: 100,
    now: () => t.clock,
    sleep: async (ms) => {
      t.slept.push(ms);
      t.clock += ms;
    },
  });
  return { t, options };
}

const message = (text: string, extra: Partial<SlackMessage> = {}): SlackMessage => ({
  channel: "#ops",
  text,
  mrkdwn: true,
  ...extra,
});

describe("the worker's Slack poster", () => {
  it.each([
    ["no token", undefined],
    ["an empty token", ""],
  ])("%s: a 503 without calling Slack", async (_n, token) => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 1000 });
    const err = await poster.post(token, message("p-0"), fakeTime().options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toMatchObject({ statusCode: 503, message: "No Slack token is configured" });
    expect(slack.calls).toEqual([]);
  });

  it("posts with the token it is given, to the Slack URL it was given", async () => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 1000 });
    const result = await poster.post(FULL, message("p-1"), fakeTime().options());
    expect(result).toEqual({ channel: expect.stringMatching(/^C/), ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(slack.calls.map((c) => [c.method, c.token, c.body.text])).toEqual([["chat.postMessage", FULL, "p-1"]]);
  });

  it("without a Slack URL, posts to Slack's own API", async () => {
    const poster = pacedSlackPoster({ timeoutMs: 1000 });
    const err = await poster.post(FULL, message("p-x"), fakeTime().options()).catch((e: unknown) => e);
    // (The guard refused it: nothing leaves this machine.)
    expect(err).toMatchObject({ statusCode: 502, slackError: "request_error" });
    expect(guard.refused).toEqual(["https://slack.com/api/chat.postMessage"]);
    expect(slack.calls).toEqual([]);
  });

  it("remembers per token that it lacks chat:write.customize, and forgets it with a new token", async () => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 1000 });
    const { options } = fakeTime();
    const labelled = (text: string) => message(text, { username: "CI" });
    // First try with the label; Slack refuses it (missing_scope); the label goes into the text.
    await poster.post(PLAIN, labelled("p-2"), options());
    // Known now: straight to the fallback.
    await poster.post(PLAIN, labelled("p-3"), options());
    // Another token (a rotated secret): a new client, which may customize.
    await poster.post(FULL, labelled("p-4"), options());
    // And back: the new client for it does not know yet.
    await poster.post(PLAIN, labelled("p-5"), options());
    expect(slack.calls.map((c) => [c.token, c.body.username ?? null, String(c.body.text).includes("CI")])).toEqual([
      [PLAIN, "CI", false],
      [PLAIN, null, true],
      [PLAIN, null, true],
      [FULL, "CI", false],
      [PLAIN, "CI", false],
      [PLAIN, null, true],
    ]);
    expect(slack.delivered).toHaveLength(4);
  });

  it("gives up on a call after its timeout", async () => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 100 });
    slack.failNext({ kind: "hang" });
    // The deadline is far: the client's own timeout is what ends the call.
    const err = await poster
      .post(FULL, message("p-6"), { deadline: Date.now() + 20_000, attemptBudgetMs: 100 })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 504, slackError: "timeout" });
  });

  it.each([
    // [spacingMs, sleeps]: Retry-After's 1 s for the first message, then one spacing for the next.
    [250, [1000, 250]],
    [undefined, [1000, 1000]],
  ])("after a 429, a channel's next message waits one spacing (%s ms)", async (spacingMs, sleeps) => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 1000, spacingMs });
    const { t, options } = fakeTime();
    slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    await poster.post(FULL, message("p-7"), options());
    await poster.post(FULL, message("p-8"), options());
    // Another channel is not held back.
    await poster.post(FULL, message("p-9", { channel: "#dev" }), options());
    expect(t.slept).toEqual(sleeps);
    expect(slack.delivered.map((c) => c.body.text)).toEqual(["p-7", "p-8", "p-9"]);
  });

  it("the pacing is the poster's, whatever the token", async () => {
    const poster = pacedSlackPoster({ slackApiUrl: slack.url, timeoutMs: 1000, spacingMs: 300 });
    const { t, options } = fakeTime();
    slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "2" } });
    await poster.post(FULL, message("p-10"), options());
    await poster.post(PLAIN, message("p-11"), options());
    expect(t.slept).toEqual([2000, 300]);
  });
});
