/**
 * The pieces of queued delivery on their own: the SQLite queue of `npm start` (durability, order,
 * leases, crash recovery, dead letters, the one-process lock), the delivery core's decisions for
 * each Slack answer, the settings, and the local worker in-process with poison messages.
 */
import * as fs from "node:fs";
import { backoffMs, createDeliverer, type Outcome, type RetryPolicy } from "../../handler/delivery/deliver";
import { ENVELOPE_VERSION, type Envelope, encodeEnvelope } from "../../handler/delivery/envelope";
import { parseDeliverySettings } from "../../handler/delivery/settings";
import { badRequest, forbidden, notFound, rateLimited, upstream, upstreamTimeout } from "../../handler/errors";
import type { SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import type { SlackMessage } from "../../handler/slack";
import { LocalQueue } from "../../local/queue";
import { runQueueAdmin } from "../../local/queueAdmin";
import { startLocalServer } from "../../local/server";
import { loadLocalConfig } from "../../local/settings";
import { startSlackStandIn } from "../support/slackStandIn";
import { HIPCHAT_TOKEN, SLACK_TOKEN, tempQueuePath, waitFor } from "./support";

let seq = 0;
function envelope(channel: string, text: string, extra: Partial<Envelope> = {}): Envelope {
  seq += 1;
  return {
    v: ENVELOPE_VERSION,
    id: `env-${seq}`,
    channel,
    route: "room.notification",
    acceptedAt: Date.now(),
    message: { channel, text, mrkdwn: true },
    ...extra,
  };
}
const put = (q: LocalQueue, e: Envelope) => q.enqueue(e, encodeEnvelope(e));
const textOf = (body: string) => (JSON.parse(body) as Envelope).message.text;

describe("the local queue", () => {
  it("keeps what it acknowledged across a close and reopen (and a process that died)", async () => {
    const path = tempQueuePath();
    const q = new LocalQueue(path);
    await Promise.all(["a1", "a2", "b1"].map((t) => put(q, envelope(t.startsWith("a") ? "#a" : "#b", t))));
    const [leased] = q.lease(1);
    expect(textOf(leased.body)).toBe("a1");
    q.close(); // as if the process died: a1 was in flight
    const again = new LocalQueue(path);
    expect(again.recovered).toBe(1);
    expect(again.stats()).toMatchObject({ depth: 3, inFlight: 0 });
    const heads = again.lease(10);
    expect(heads.map((h) => [textOf(h.body), h.attempts])).toEqual([
      ["a1", 2],
      ["b1", 1],
    ]);
    again.close();
  });

  it("leases one message per channel, in order; a retry stays at its channel's head; a dead letter frees it", async () => {
    let now = 1_000_000;
    const q = new LocalQueue(tempQueuePath(), { now: () => now });
    for (const t of ["a1", "a2", "a3", "b1"]) await put(q, envelope(t[0] === "a" ? "#a" : "#b", t));
    const first = q.lease(10);
    expect(first.map((l) => textOf(l.body))).toEqual(["a1", "b1"]);
    expect(q.lease(10)).toEqual([]); // nothing more while the heads are in flight
    q.retry(first[0].seq, now + 5_000, "http_500");
    q.complete(first[1].seq);
    expect(q.lease(10)).toEqual([]); // a1 not due yet, and a2 must not overtake it
    expect(q.nextDueAt()).toBe(now + 5_000);
    now += 5_000;
    const second = q.lease(10);
    expect(second.map((l) => [textOf(l.body), l.attempts])).toEqual([["a1", 2]]);
    q.deadLetter(second[0].seq, "channel_not_found");
    expect(q.lease(10).map((l) => textOf(l.body))).toEqual(["a2"]);
    expect(q.stats()).toEqual({ depth: 2, inFlight: 1, oldestAgeMs: expect.any(Number), deadLetters: 1 });
    expect(q.deadLetters()).toEqual([
      expect.objectContaining({ channel: "#a", reason: "channel_not_found", attempts: 2 }),
    ]);
    expect(q.redriveDeadLetters()).toBe(1);
    expect(q.stats().deadLetters).toBe(0);
    q.close();
  });

  it("is used by one process at a time", async () => {
    const path = tempQueuePath();
    const q = new LocalQueue(path);
    expect(() => new LocalQueue(path)).toThrow(/QUEUE_PATH .* cannot be opened .*another npm start/);
    q.close();
    new LocalQueue(path).close();
    expect(fs.existsSync(path)).toBe(true);
  });

  it("can be looked after while the proxy is stopped: stats, dead letters (no text), redrive", async () => {
    const path = tempQueuePath();
    const q = new LocalQueue(path);
    await put(q, envelope("#a", "private words"));
    q.deadLetter(q.lease(1)[0].seq, "channel_not_found");
    q.close();
    const out: string[] = [];
    expect(runQueueAdmin("stats", path, (l) => out.push(l))).toBe(0);
    expect(runQueueAdmin("dead", path, (l) => out.push(l))).toBe(0);
    expect(runQueueAdmin("redrive", path, (l) => out.push(l))).toBe(0);
    expect(runQueueAdmin("nonsense", path, (l) => out.push(l))).toBe(2);
    expect(JSON.parse(out[0])).toMatchObject({ depth: 0, deadLetters: 1 });
    expect(JSON.parse(out[1])).toMatchObject({ channel: "#a", reason: "channel_not_found", attempts: 1 });
    expect(out[2]).toBe("1 dead letter(s) put back");
    expect(out.join("\n")).not.toContain("private words");
    const again = new LocalQueue(path);
    expect(again.stats()).toMatchObject({ depth: 1, deadLetters: 0 });
    again.close();
  });

  it("resolves refs to Slack's ts", async () => {
    const q = new LocalQueue(tempQueuePath());
    await q.refs.put("#a", "1700000000.123456789", "1700000001.000100");
    expect(await q.refs.get("#a", "1700000000.123456789")).toBe("1700000001.000100");
    expect(await q.refs.get("#b", "1700000000.123456789")).toBeUndefined();
    q.close();
  });
});

describe("the delivery core's decisions", () => {
  const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5, maxInlineWaitMs: 0 };
  const logs: Record<string, unknown>[] = [];
  const run = async (failure: Error | undefined, attempt = 1, tokens = ["xoxb-a"]): Promise<Outcome> => {
    let token = 0;
    const posted: (string | undefined)[] = [];
    const slack: SlackGateway = {
      post: async (t, message: SlackMessage) => {
        posted.push(t);
        if (failure && (t === tokens[0] || !("slackAuth" in failure && failure.slackAuth))) throw failure;
        return { channel: message.channel, ts: "1700000001.000100" };
      },
    };
    const deliverer = createDeliverer({
      secrets: {
        get: async () => ({ slackToken: tokens[Math.min(token, tokens.length - 1)], tokens: [] }),
        invalidate: () => {
          token += 1;
        },
      },
      slack,
      log: createLogger((l) => logs.push(JSON.parse(l))),
      policy,
      slackTimeoutMs: 1000,
      random: () => 0.5,
    });
    return deliverer.deliver(envelope("#a", "secret words"), { attempt, deadline: Date.now() + 30_000 });
  };

  it.each<[string, Error | undefined, number, Outcome]>([
    ["delivered", undefined, 1, { kind: "delivered", ts: "1700000001.000100" }],
    [
      "429: back at Retry-After",
      rateLimited("x", 7, Date.now(), "ratelimited"),
      1,
      { kind: "retry", delayMs: 7000, reason: "ratelimited" },
    ],
    [
      "429 never dead-letters",
      rateLimited("x", 3, Date.now(), "ratelimited"),
      99,
      { kind: "retry", delayMs: 3000, reason: "ratelimited" },
    ],
    [
      "5xx: backs off",
      upstream("x", { slackError: "http_500" }),
      3,
      { kind: "retry", delayMs: 4000, reason: "http_500" },
    ],
    [
      "timeout: backs off (Slack may have posted: at least once)",
      upstreamTimeout("x", { slackError: "timeout" }),
      1,
      { kind: "retry", delayMs: 1000, reason: "timeout" },
    ],
    [
      "channel_not_found: dead at once",
      notFound("x", { slackError: "channel_not_found" }),
      1,
      { kind: "dead", reason: "channel_not_found" },
    ],
    [
      "msg_too_long: dead at once",
      badRequest("x", { slackError: "msg_too_long" }),
      1,
      { kind: "dead", reason: "msg_too_long" },
    ],
    [
      "is_archived: dead at once",
      forbidden("x", { slackError: "is_archived" }),
      1,
      { kind: "dead", reason: "is_archived" },
    ],
    [
      "out of attempts",
      upstream("x", { slackError: "http_503" }),
      5,
      { kind: "dead", reason: "attempts_exhausted:http_503" },
    ],
    ["a bug: backs off", new TypeError("boom"), 2, { kind: "retry", delayMs: 2000, reason: "internal_error" }],
  ])("%s", async (_name, failure, attempt, outcome) => {
    expect(await run(failure, attempt)).toEqual(outcome);
  });

  it("a token Slack refuses: reads the secret again and retries once with a new token", async () => {
    const refused = upstream("x", { slackError: "invalid_auth", slackAuth: true });
    expect(await run(refused, 1, ["xoxb-old", "xoxb-new"])).toEqual({ kind: "delivered", ts: "1700000001.000100" });
    expect(await run(refused, 1, ["xoxb-old"])).toEqual({ kind: "retry", delayMs: 1000, reason: "invalid_auth" });
  });

  it("logs one line per attempt, without the text or the token", async () => {
    logs.length = 0;
    await run(upstream("x", { slackError: "http_500" }), 1);
    expect(logs).toEqual([
      expect.objectContaining({
        msg: "delivery",
        channel: "#a",
        attempt: 1,
        outcome: "retry",
        reason: "http_500",
        delayMs: 1000,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toMatch(/secret words|xoxb/);
  });

  it("backoff doubles, with jitter, up to the cap", () => {
    expect([1, 2, 3, 10].map((a) => backoffMs(policy, a, () => 0.5))).toEqual([1000, 2000, 4000, 60_000]);
    expect(backoffMs(policy, 1, () => 0)).toBe(800);
    expect(backoffMs(policy, 1, () => 1)).toBe(1200);
  });
});

describe("settings", () => {
  it("direct by default; queued; bad values named", () => {
    expect(parseDeliverySettings({}).mode).toBe("direct");
    expect(parseDeliverySettings({ DELIVERY_MODE: "Queued" }).mode).toBe("queued");
    expect(() => parseDeliverySettings({ DELIVERY_MODE: "later" })).toThrow(/DELIVERY_MODE: expected direct or queued/);
    expect(() => parseDeliverySettings({ DELIVERY_RETRY_BASE_MS: "x" })).toThrow(/DELIVERY_RETRY_BASE_MS/);
    expect(() => parseDeliverySettings({ DELIVERY_RETRY_BASE_MS: "5000", DELIVERY_RETRY_MAX_MS: "100" })).toThrow(
      /DELIVERY_RETRY_MAX_MS: must be at least/,
    );
  });
});

describe("npm start's worker, in process", () => {
  it("poison messages are dead-lettered with their reason and their channel goes on; /healthz shows them", async () => {
    const slack = await startSlackStandIn({
      tokens: [SLACK_TOKEN],
      channels: ["#ops"],
      faultFor: (call) =>
        /too-long/.test(String(call.body.text)) ? { kind: "error", error: "msg_too_long" } : undefined,
    });
    const lines: string[] = [];
    const server = await startLocalServer(
      loadLocalConfig({
        PORT: "0",
        SLACK_TOKEN,
        SLACK_API_URL: slack.url,
        HIPCHAT_TOKENS: HIPCHAT_TOKEN,
        ROOM_CHANNELS: JSON.stringify({ ops: "#ops", ghost: "#ghost" }),
        DELIVERY_MODE: "queued",
        QUEUE_PATH: tempQueuePath(),
      }),
      { log: createLogger((l) => lines.push(l)) },
    );
    try {
      const send = (room: string, message: string) =>
        fetch(`${server.url}/v2/room/${room}/notification?auth_token=${HIPCHAT_TOKEN}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message, message_format: "text" }),
        }).then((r) => r.status);
      for (const [room, message] of [
        ["ops", "p-1"],
        ["ops", "p-2 too-long"],
        ["ghost", "p-ghost"],
        ["ops", "p-3"],
      ]) {
        expect(await send(room, message)).toBe(204);
      }
      expect(await waitFor(() => server.delivery!.queue.stats().depth === 0, 10_000)).toBe(true);
      expect(slack.delivered.map((c) => c.body.text)).toEqual(["p-1", "p-3"]);
      const dead = server.delivery!.queue.deadLetters().map((d) => [d.channel, d.reason, d.attempts]);
      expect(dead.sort()).toEqual([
        ["#ghost", "channel_not_found", 1],
        ["#ops", "msg_too_long", 1],
      ]);
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { queue: { deadLetters: number } };
      expect(health.queue.deadLetters).toBe(2);
      const deliveryLines = lines.filter((l) => l.includes('"msg":"delivery"'));
      expect(deliveryLines).toHaveLength(4);
      expect(deliveryLines.join("\n")).not.toMatch(/p-\d|too-long|xoxb/);
    } finally {
      await server.close();
      await slack.close();
    }
  }, 30_000);
});
