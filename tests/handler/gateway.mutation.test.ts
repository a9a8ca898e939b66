/**
 * handler/gateway.ts pinned where mutation testing (npm run mutate) found behaviour no other test
 * fixed: the Web API transport without a token (503 before any Slack call, for messages and topics),
 * its pacing read back after a 429, the edge's injected clock reaching the transport, the exact 503 of
 * a transport that cannot set topics, what the token source reads and invalidates, and the console
 * gateway `npm start` prints through without a Slack token.
 *
 * The Web API transport talks to the Slack stand-in over HTTP on 127.0.0.1 with the real client.
 */
import { ProxyError } from "../../handler/errors";
import {
  consoleGateway,
  isSlackEdge,
  secretTokenSource,
  slackEdge,
  webApiGateway,
  type SlackGateway,
  type TokenSource,
} from "../../handler/gateway";
import type { SecretCache } from "../../handler/secrets";
import type { ProxySecrets } from "../../handler/settings";
import type { SlackMessage } from "../../handler/slack";
import { captureStdout } from "../support/lambdaRig";
import { startSlackStandIn, type SlackStandIn } from "../support/slackStandIn";

const message: SlackMessage = { channel: "#ops", text: "hello", mrkdwn: true };

/** A token source with a fixed token that counts its reads. */
function fixedTokens(token: string | undefined) {
  const source: TokenSource & { reads: number; refreshes: number } = {
    reads: 0,
    refreshes: 0,
    current: async () => {
      source.reads += 1;
      return token;
    },
    refresh: async () => {
      source.refreshes += 1;
      return token;
    },
  };
  return source;
}

const failure = async (p: Promise<unknown>): Promise<ProxyError> => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProxyError);
  return err as ProxyError;
};

describe("webApiGateway against the Slack stand-in", () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await startSlackStandIn({ tokens: ["xoxb-gw"], conversations: ["#ops"] });
  });
  afterAll(async () => {
    await slack?.close();
  });
  beforeEach(() => {
    slack.calls.length = 0;
    slack.delivered.length = 0;
    slack.topics.length = 0;
  });
  const gateway = () => webApiGateway({ slackApiUrl: slack.url, timeoutMs: 2_000 });
  const soon = () => ({ deadline: Date.now() + 5_000, attemptBudgetMs: 1_000 });

  // No token configured is the proxy's own misconfiguration (503), not Slack refusing a token (a
  // 502 with a refresh): no client is built and Slack is never called.
  it.each([
    ["post", "no token", undefined],
    ["post", "an empty token", ""],
    ["setTopic", "no token", undefined],
    ["setTopic", "an empty token", ""],
  ] as const)("%s with %s: 503 'No Slack token is configured', no Slack call", async (op, _name, token) => {
    const gw = gateway();
    const call = op === "post" ? gw.post(token, message, soon()) : gw.setTopic?.(token, "#ops", "Release", soon());
    const err = await failure(call as Promise<unknown>);
    expect(err.toJSON()).toEqual({
      error: { code: 503, message: "No Slack token is configured", type: "Service Unavailable" },
    });
    expect(err.slackAuth).toBe(false);
    expect(slack.calls).toEqual([]);
  });

  it.each(["post", "setTopic"] as const)(
    "%s through the edge with no token: 503 without a token refresh or a Slack call",
    async (op) => {
      const tokens = fixedTokens(undefined);
      const edge = slackEdge(gateway(), tokens, { attemptBudgetMs: 1_000 });
      const deadline = { deadline: Date.now() + 5_000 };
      const err = await failure(
        op === "post" ? edge.post(message, deadline) : edge.setTopic("#ops", "Release", deadline),
      );
      expect(err).toMatchObject({ statusCode: 503, message: "No Slack token is configured" });
      expect([tokens.reads, tokens.refreshes]).toEqual([1, 0]);
      expect(slack.calls).toEqual([]);
    },
  );

  it("with a token, both calls reach Slack with it", async () => {
    const gw = gateway();
    await expect(gw.post("xoxb-gw", message, soon())).resolves.toMatchObject({ ts: expect.any(String) });
    await expect(gw.setTopic?.("xoxb-gw", "#ops", "Release", soon())).resolves.toBeUndefined();
    expect(slack.calls.map((c) => [c.method, c.token])).toEqual([
      ["chat.postMessage", "xoxb-gw"],
      ["conversations.list", "xoxb-gw"],
      ["conversations.setTopic", "xoxb-gw"],
    ]);
  });

  it("nextTurn: the time given while the channel is open", () => {
    expect(gateway().nextTurn?.("#ops", 1_234)).toBe(1_234);
  });
});

describe("slackEdge over the Web API with an injected clock", () => {
  // The edge's clock (createProxy passes its own) must be the one the transport measures the
  // deadline and Slack's Retry-After against; the real clock is far later than this one.
  const T = 1_000_000_000;

  it("a 429 whose Retry-After outlasts the deadline: 429 with the reset on the edge's clock, and the channel paced from it", async () => {
    const slack = await startSlackStandIn({ tokens: ["xoxb-gw"] });
    try {
      slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "1" } });
      const tokens = fixedTokens("xoxb-gw");
      const edge = slackEdge(webApiGateway({ slackApiUrl: slack.url, timeoutMs: 2_000 }), tokens, {
        attemptBudgetMs: 1_000,
        now: () => T,
      });
      // Slack's 1 s plus one attempt's 1 s does not fit in the 1.5 s left: answered at once.
      const err = await failure(edge.post(message, { deadline: T + 1_500 }));
      expect(err.statusCode).toBe(429);
      expect(err.headers).toEqual({
        "Retry-After": "1",
        "X-Ratelimit-Limit": "1",
        "X-Ratelimit-Remaining": "0",
        "X-Ratelimit-Reset": String(T / 1000 + 1),
      });
      expect(slack.calls.map((c) => c.method)).toEqual(["chat.postMessage"]);
      expect(slack.delivered).toEqual([]);
      // The transport's pacer holds the channel until Slack's time; other channels stay open.
      expect(edge.nextTurn("#ops", T)).toBe(T + 1_000);
      expect(edge.nextTurn("#other", T)).toBe(T);
      expect([tokens.reads, tokens.refreshes]).toEqual([1, 0]);
    } finally {
      await slack.close();
    }
  });

  it("the deadline, the attempt budget and the clock reach the transport as given", async () => {
    const clock = () => T;
    let seen: unknown;
    const gw: SlackGateway = {
      post: async (_t, m, options) => {
        seen = options;
        return { channel: m.channel, ts: "1.1" };
      },
    };
    await slackEdge(gw, fixedTokens("xoxb-1"), { attemptBudgetMs: 1_234, now: clock }).post(message, {
      deadline: 42,
    });
    expect(seen).toEqual({ deadline: 42, attemptBudgetMs: 1_234, now: clock });
  });
});

describe("slackEdge", () => {
  it("a transport without setTopic: HipChat's 503 with the reason, and no token read", async () => {
    const tokens = fixedTokens("xoxb-1");
    const bare: SlackGateway = { post: async (_t, m) => ({ channel: m.channel, ts: "1.1" }) };
    const edge = slackEdge(bare, tokens, { attemptBudgetMs: 1_000 });
    const err = await failure(edge.setTopic("#ops", "Release", { deadline: Date.now() + 5_000 }));
    expect(err.toJSON()).toEqual({
      error: {
        code: 503,
        message: "Room topics are not available with this Slack gateway",
        type: "Service Unavailable",
      },
    });
    expect(tokens.reads).toBe(0);
  });

  it("is told apart from a bare transport", () => {
    const bare: SlackGateway = { post: async (_t, m) => ({ channel: m.channel, ts: "1.1" }) };
    expect(isSlackEdge(slackEdge(bare, fixedTokens("x"), { attemptBudgetMs: 1 }))).toBe(true);
    expect(isSlackEdge(bare)).toBe(false);
  });
});

describe("secretTokenSource", () => {
  /** A secret cache whose token the test rotates; records reads and invalidations in order. */
  function cache() {
    let token = "xoxb-1";
    const events: string[] = [];
    const secrets: SecretCache & { rotate(t: string): void; events: string[] } = {
      events,
      get: async () => {
        events.push("get");
        return { slackToken: token, tokens: [] } as unknown as ProxySecrets;
      },
      invalidate: () => {
        events.push("invalidate");
      },
      rotate: (t) => {
        token = t;
      },
    };
    return secrets;
  }

  it("current reads the cached secret; refresh invalidates it first, then reads it again", async () => {
    const secrets = cache();
    const source = secretTokenSource(secrets);
    await expect(source.current()).resolves.toBe("xoxb-1");
    expect(secrets.events).toEqual(["get"]);
    secrets.rotate("xoxb-2");
    await expect(source.refresh()).resolves.toBe("xoxb-2");
    expect(secrets.events).toEqual(["get", "invalidate", "get"]);
  });
});

describe("consoleGateway (npm start without a Slack token)", () => {
  const NOW = 1_700_000_123_456;
  beforeEach(() => {
    jest.spyOn(Date, "now").mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("prints each call exactly as it would reach Slack and answers with a sequenced ts", async () => {
    const lines: string[] = [];
    const gw = consoleGateway((l) => lines.push(l));
    const options = { deadline: NOW + 5_000, attemptBudgetMs: 1_000 };
    await expect(gw.post(undefined, message, options)).resolves.toEqual({
      channel: "#ops",
      ts: "1700000123.000001",
    });
    await expect(gw.post("xoxb-ignored", { ...message, channel: "U0ALICE01" }, options)).resolves.toEqual({
      channel: "U0ALICE01",
      ts: "1700000123.000002",
    });
    await expect(gw.setTopic?.(undefined, "#ops", "Release train", options)).resolves.toBeUndefined();
    expect(lines).toEqual([
      `chat.postMessage ${JSON.stringify(message, null, 2)}`,
      `chat.postMessage ${JSON.stringify({ ...message, channel: "U0ALICE01" }, null, 2)}`,
      `conversations.setTopic {\n  "channel": "#ops",\n  "topic": "Release train"\n}`,
    ]);
    // It does not pace.
    expect(gw.nextTurn).toBeUndefined();
  });

  it("prints to stdout by default, one line per call", async () => {
    const stdout = captureStdout();
    try {
      const gw = consoleGateway();
      await gw.post(undefined, message, { deadline: NOW + 5_000, attemptBudgetMs: 1_000 });
      await gw.setTopic?.(undefined, "#ops", "t", { deadline: NOW + 5_000, attemptBudgetMs: 1_000 });
      expect(stdout.text()).toBe(
        `chat.postMessage ${JSON.stringify(message, null, 2)}\n` +
          `conversations.setTopic ${JSON.stringify({ channel: "#ops", topic: "t" }, null, 2)}\n`,
      );
    } finally {
      stdout.restore();
    }
  });
});
