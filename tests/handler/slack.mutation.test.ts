/**
 * handler/slack.ts with a fake WebClient and a fake clock, pinned where mutation testing (npm run
 * mutate) found behaviour no other test fixed: each Slack failure's exact HipChat answer (and that
 * no internal error text reaches the client), when a 429 is waited out and when it is answered at
 * once (with and without pacing, at the deadline's exact boundary), the missing_scope fallback, and
 * what a success returns.
 */
import { ErrorCode, type WebClient } from "@slack/web-api";
import { ProxyError } from "../../handler/errors";
import { createChannelPacer } from "../../handler/pacing";
import { mapSlackError, postMessage, type PostOptions, type SlackMessage } from "../../handler/slack";

const NOW = 1_700_000_000_000;
const platform = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), {
    code: ErrorCode.PlatformError,
    data: { ok: false, error },
  });
const rateLimitedError = (retryAfter?: number) =>
  Object.assign(new Error("rate limited"), { code: ErrorCode.RateLimitedError, retryAfter });
const httpError = (statusCode?: number) =>
  Object.assign(new Error(`HTTP ${statusCode}`), { code: ErrorCode.HTTPError, statusCode });
const requestError = (original: { name: string; message: string }) =>
  Object.assign(new Error("A request error occurred: internal-host:8443 ECONNRESET"), {
    code: ErrorCode.RequestError,
    original,
  });

describe("mapSlackError", () => {
  it("a 429 from the SDK: Retry-After as Slack gave it, 1 s without one, and HipChat's rate-limit headers", () => {
    const e = mapSlackError(rateLimitedError(7), NOW + 300);
    expect(e).toMatchObject({
      statusCode: 429,
      retryAfterSeconds: 7,
      slackError: "ratelimited",
      message: "Slack rate limit reached for this room; retry after the reset time",
    });
    expect(e.headers).toEqual({
      "Retry-After": "7",
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(Math.ceil((NOW + 300) / 1000) + 7),
    });
    expect(mapSlackError(rateLimitedError(), NOW)).toMatchObject({ statusCode: 429, retryAfterSeconds: 1 });
  });

  it.each(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"])(
    "%s: the proxy's own token was refused → 502 marked for a secret refresh",
    (code) => {
      expect(mapSlackError(platform(code))).toMatchObject({
        statusCode: 502,
        slackAuth: true,
        slackError: code,
        message: `Slack rejected the proxy's credentials (${code})`,
      });
    },
  );

  it.each(["ratelimited", "rate_limited"])("the platform error %s → 429 after 1 s", (code) => {
    expect(mapSlackError(platform(code), NOW)).toMatchObject({
      statusCode: 429,
      retryAfterSeconds: 1,
      slackError: code,
      headers: expect.objectContaining({ "X-Ratelimit-Reset": String(NOW / 1000 + 1) }),
    });
  });

  it.each<[string, number, string]>([
    ["channel_not_found", 404, "Room not found: its Slack channel does not exist"],
    ["not_in_channel", 403, "The Slack app is not a member of this room's channel"],
    ["is_archived", 403, "This room's Slack channel is archived"],
    ["restricted_action", 403, "Posting to this room's Slack channel is restricted"],
    ["cannot_dm_bot", 403, "This user cannot receive direct messages"],
    ["user_not_found", 404, "User not found in Slack"],
    ["msg_too_long", 400, "Message too long for Slack"],
    ["no_text", 400, "Message is empty after conversion"],
    ["too_many_attachments", 400, "Message has too many attachments"],
    ["invalid_blocks", 400, "Message could not be rendered by Slack"],
    ["invalid_attachments", 400, "Message could not be rendered by Slack"],
  ])("the platform error %s → %d", (code, statusCode, message) => {
    const e = mapSlackError(platform(code));
    expect(e).toMatchObject({ statusCode, message, slackError: code, slackAuth: false });
  });

  it("other platform errors → 502 naming Slack's code; inherited names are not codes", () => {
    for (const code of ["fatal_error", "toString", "constructor", "__proto__", "hasOwnProperty"]) {
      expect(mapSlackError(platform(code))).toMatchObject({
        statusCode: 502,
        slackError: code,
        slackAuth: false,
        message: `Slack refused the message (${code})`,
      });
    }
    const noData = Object.assign(new Error("x"), { code: ErrorCode.PlatformError });
    expect(mapSlackError(noData)).toMatchObject({ statusCode: 502, slackError: "unknown_error" });
  });

  it("an HTTP 429 → 429 after 1 s; any other HTTP status → 502 naming it", () => {
    expect(mapSlackError(httpError(429), NOW)).toMatchObject({
      statusCode: 429,
      retryAfterSeconds: 1,
      slackError: "http_429",
    });
    expect(mapSlackError(httpError(503))).toMatchObject({
      statusCode: 502,
      slackError: "http_503",
      message: "Slack answered HTTP 503; the message was not confirmed, retry",
    });
    expect(mapSlackError(httpError(undefined))).toMatchObject({ statusCode: 502, slackError: "http_0" });
  });

  it("a timeout or abort → 504; any other request error → 502; neither shows the error's text", () => {
    for (const original of [
      { name: "TimeoutError", message: "x" },
      { name: "AbortError", message: "x" },
      { name: "Error", message: "DOMException [TimeoutError]: The operation was aborted due to timeout" },
      { name: "Error", message: "AbortError: This operation was aborted" },
    ]) {
      expect(mapSlackError(requestError(original))).toMatchObject({
        statusCode: 504,
        slackError: "timeout",
        message: "Slack did not answer in time; delivery is unknown",
      });
    }
    for (const original of [
      { name: "Error", message: "connect ECONNREFUSED 10.0.0.1:443" },
      { name: "MyTimeoutErrors", message: "NotAbortErrorReally" },
    ]) {
      const e = mapSlackError(requestError(original));
      expect(e).toMatchObject({
        statusCode: 502,
        slackError: "request_error",
        message: "Could not reach Slack; retry",
      });
    }
    const noOriginal = Object.assign(new Error("x"), { code: ErrorCode.RequestError });
    expect(mapSlackError(noOriginal)).toMatchObject({ statusCode: 502, slackError: "request_error" });
  });

  it("the SDK's plain error for a 429 without Retry-After → 429 after 1 s", () => {
    const e = new Error("Retry header did not contain a valid timeout (url: https://slack.com/api/chat.postMessage)");
    expect(mapSlackError(e, NOW)).toMatchObject({ statusCode: 429, retryAfterSeconds: 1, slackError: "http_429" });
    expect(mapSlackError(new Error("x Retry header did not contain a valid timeout"))).toMatchObject({
      statusCode: 502,
      slackError: "unknown",
    });
  });
});

/** A WebClient whose chat.postMessage answers from a script, one entry per call. */
function fakeClient(script: (unknown | ((body: SlackMessage) => unknown))[]) {
  const calls: SlackMessage[] = [];
  const client = {
    chat: {
      postMessage: async (body: SlackMessage) => {
        calls.push(body);
        const next = script.shift();
        const v = typeof next === "function" ? next(body) : next;
        if (v instanceof Error) throw v;
        return v;
      },
    },
  } as unknown as WebClient;
  return { client, calls };
}
/** A clock that sleeping advances. */
function fakeTime(start = NOW) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}
const message: SlackMessage = { channel: "#ops", text: "hello", mrkdwn: true, username: "Jenkins", thread_ts: "1.2" };
const ok = { ok: true, channel: "C0OPS", ts: "1700000000.000100" };
const posted = { channel: "C0OPS", ts: "1700000000.000100" };
const options = (time: ReturnType<typeof fakeTime>, extra: Partial<PostOptions> = {}): PostOptions => ({
  deadline: NOW + 10_000,
  attemptBudgetMs: 2_000,
  now: time.now,
  sleep: time.sleep,
  ...extra,
});

describe("postMessage", () => {
  it("returns the channel and ts Slack answered, falling back to the request's channel and an empty ts", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([ok, { ok: true }]);
    await expect(postMessage(client, message, options(time))).resolves.toEqual({
      channel: "C0OPS",
      ts: "1700000000.000100",
    });
    expect(calls[0]).toEqual(message);
    await expect(postMessage(client, message, options(time))).resolves.toEqual({ channel: "#ops", ts: "" });
  });

  it("without pacing, a 429 is waited out and retried when the wait and one more attempt fit exactly", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([rateLimitedError(3), ok]);
    // now + 3 s + 2 s budget = the deadline: just fits.
    await expect(postMessage(client, message, options(time, { deadline: NOW + 5_000 }))).resolves.toEqual(posted);
    expect(time.sleeps).toEqual([3_000]);
    expect(calls).toHaveLength(2);
  });

  it("without pacing, a 429 whose wait does not fit is answered 429 at once", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([rateLimitedError(3), ok]);
    await expect(postMessage(client, message, options(time, { deadline: NOW + 4_999 }))).rejects.toMatchObject({
      statusCode: 429,
      retryAfterSeconds: 3,
    });
    expect(time.sleeps).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it("a 429 without Retry-After waits 1 s", async () => {
    const time = fakeTime();
    const { client } = fakeClient([rateLimitedError(), ok]);
    await postMessage(client, message, options(time));
    expect(time.sleeps).toEqual([1_000]);
  });

  it("with pacing, a 429 closes the channel until Retry-After and this request waits its turn", async () => {
    const time = fakeTime();
    const pacer = createChannelPacer();
    const { client, calls } = fakeClient([rateLimitedError(3), ok]);
    await expect(postMessage(client, message, options(time, { pacer }))).resolves.toEqual(posted);
    expect(time.sleeps).toEqual([3_000]);
    expect(calls).toHaveLength(2);
    // The turn was claimed: the next request for the channel waits one slot more.
    expect(pacer.nextTurn("#ops", NOW + 3_000)).toBe(NOW + 4_000);
  });

  it("with pacing, a turn that comes too late for the deadline is a 429 at once, with the wait as Retry-After", async () => {
    const time = fakeTime();
    const pacer = createChannelPacer();
    pacer.limited("#ops", NOW + 8_500, NOW);
    const { client, calls } = fakeClient([ok]);
    const err = await postMessage(client, message, options(time, { pacer })).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 429, retryAfterSeconds: 9, slackError: "ratelimited" });
    expect(calls).toHaveLength(0);
    expect(time.sleeps).toEqual([]);
  });

  it("with pacing, a turn that fits exactly is waited for", async () => {
    const time = fakeTime();
    const pacer = createChannelPacer();
    pacer.limited("#ops", NOW + 8_000, NOW); // 8 s + 2 s budget = the deadline
    const { client, calls } = fakeClient([ok]);
    await expect(postMessage(client, message, options(time, { pacer }))).resolves.toEqual(posted);
    expect(time.sleeps).toEqual([8_000]);
    expect(calls).toHaveLength(1);
  });

  it("with pacing, an open channel is posted to at once", async () => {
    const time = fakeTime();
    const { client } = fakeClient([ok]);
    await postMessage(client, message, options(time, { pacer: createChannelPacer() }));
    expect(time.sleeps).toEqual([]);
  });

  it("missing_scope on username: resent once without it, as a bold prefix, keeping channel and thread", async () => {
    const time = fakeTime();
    const onMissingScope = jest.fn();
    const { client, calls } = fakeClient([platform("missing_scope"), ok]);
    await expect(postMessage(client, message, options(time, { onMissingScope }))).resolves.toEqual(posted);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual({ channel: "#ops", thread_ts: "1.2", mrkdwn: true, text: "*Jenkins*: hello" });
    expect(onMissingScope).toHaveBeenCalledTimes(1);
  });

  it("missing_scope again after the fallback is a 502, not a loop", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([platform("missing_scope"), platform("missing_scope"), ok]);
    await expect(postMessage(client, message, options(time))).rejects.toMatchObject({
      statusCode: 502,
      slackError: "missing_scope",
    });
    expect(calls).toHaveLength(2);
  });

  it("missing_scope without a username is a 502 at once", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([platform("missing_scope"), ok]);
    const { username: _, ...anonymous } = message;
    await expect(postMessage(client, anonymous, options(time))).rejects.toMatchObject({ statusCode: 502 });
    expect(calls).toHaveLength(1);
  });

  it("canCustomize false sends the prefix form straight away; true or unset sends the username", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([ok, ok, ok]);
    await postMessage(client, message, options(time, { canCustomize: false }));
    await postMessage(client, message, options(time, { canCustomize: true }));
    const { username: _, ...anonymous } = message;
    await postMessage(client, anonymous, options(time, { canCustomize: false }));
    expect(calls[0]).toEqual({ channel: "#ops", thread_ts: "1.2", mrkdwn: true, text: "*Jenkins*: hello" });
    expect(calls[1]).toEqual(message);
    expect(calls[2]).toEqual(anonymous);
  });

  it("any other failure is thrown at once, mapped, without retrying", async () => {
    const time = fakeTime();
    const { client, calls } = fakeClient([httpError(500), ok]);
    await expect(postMessage(client, message, options(time))).rejects.toMatchObject({
      statusCode: 502,
      slackError: "http_500",
    });
    expect(calls).toHaveLength(1);
  });

  it("a call still running at the deadline is a 504, whatever it answers later", async () => {
    let answer: (v: unknown) => void = () => undefined;
    const client = {
      chat: { postMessage: () => new Promise((resolve) => (answer = resolve)) },
    } as unknown as WebClient;
    const started = Date.now();
    const err = await postMessage(client, message, {
      deadline: Date.now() + 50,
      attemptBudgetMs: 10,
    }).catch((e: unknown) => e);
    answer(ok);
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toMatchObject({
      statusCode: 504,
      slackError: "deadline",
      message: "Slack did not answer before the request's deadline; delivery is unknown",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a call that answers before the deadline is not cut short", async () => {
    const client = {
      chat: { postMessage: () => new Promise((resolve) => setTimeout(() => resolve(ok), 30)) },
    } as unknown as WebClient;
    await expect(postMessage(client, message, { deadline: Date.now() + 1_000, attemptBudgetMs: 10 })).resolves.toEqual(
      posted,
    );
  });
});
