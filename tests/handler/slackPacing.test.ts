/**
 * The Slack edge tells the channel's pacer what Slack said: a 429 closes the channel (for its
 * Retry-After, capped by the pacer), and a message Slack then accepts reopens it.
 */
import type { WebClient } from "@slack/web-api";

import { createChannelPacer } from "../../handler/pacing";
import { postMessage } from "../../handler/slack";

/** A clock the edge's sleeps move forward, so the test takes no real time. */
function fakeClock() {
  let t = 1_000_000;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

/** A Web API client whose chat.postMessage answers from a script: "429" or "ok". */
function scriptedClient(script: ("429" | "ok")[]) {
  const calls: number[] = [];
  const client = {
    chat: {
      postMessage: async () => {
        calls.push(calls.length);
        if (script[calls.length - 1] === "429") {
          throw Object.assign(new Error("rate limited"), { code: "slack_webapi_rate_limited_error", retryAfter: 2 });
        }
        return { ok: true, channel: "C0123", ts: "1700000000.000100" };
      },
    },
  };
  return { client: client as unknown as WebClient, calls };
}

describe("the Slack edge and the channel pacer", () => {
  it("closes the channel on a 429, waits its turn, and reopens it when Slack accepts the resend", async () => {
    const clock = fakeClock();
    const pacer = createChannelPacer();
    const limited = jest.spyOn(pacer, "limited");
    const succeeded = jest.spyOn(pacer, "succeeded");
    const { client, calls } = scriptedClient(["429", "ok"]);

    const result = await postMessage(client, { channel: "#ops", text: "hi", mrkdwn: true }, {
      now: clock.now,
      sleep: clock.sleep,
      deadline: clock.now() + 30_000,
      attemptBudgetMs: 1_000,
      pacer,
    } as Parameters<typeof postMessage>[2]);

    expect(result).toEqual({ channel: "C0123", ts: "1700000000.000100" });
    expect(calls).toHaveLength(2);
    expect(limited).toHaveBeenCalledTimes(1);
    expect(limited.mock.calls[0][0]).toBe("#ops");
    // The resend went after the 429's wait, so its success lifts the closure.
    expect(succeeded).toHaveBeenCalledTimes(1);
    const [channel, sentAt] = succeeded.mock.calls[0];
    expect(channel).toBe("#ops");
    expect(sentAt).toBeGreaterThanOrEqual(limited.mock.calls[0][1]);
  });

  it("reports a first-time success too, and never a failure", async () => {
    const clock = fakeClock();
    const pacer = createChannelPacer();
    const succeeded = jest.spyOn(pacer, "succeeded");
    const { client } = scriptedClient(["ok"]);
    await postMessage(client, { channel: "#ops", text: "hi", mrkdwn: true }, {
      now: clock.now,
      sleep: clock.sleep,
      deadline: clock.now() + 30_000,
      attemptBudgetMs: 1_000,
      pacer,
    } as Parameters<typeof postMessage>[2]);
    expect(succeeded).toHaveBeenCalledWith("#ops", clock.now());
  });
});
