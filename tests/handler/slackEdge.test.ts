/**
 * The Slack edge (handler/gateway.ts `slackEdge`) owns the Slack token: the core hands it a message
 * and a deadline and gets Slack's result or a HipChat-shaped error. When Slack refuses the token, the
 * edge reads it again from its token source and resends once, only with a different token.
 *
 * With a recording transport here; with the real client against the Slack stand-in (and the
 * `from`-label fallback) below, and through the whole Lambda handler in tests/faults.
 */
import { ProxyError, upstream } from "../../handler/errors";
import { slackEdge, webApiGateway, type SlackGateway, type TokenSource } from "../../handler/gateway";
import type { SlackMessage } from "../../handler/slack";
import { startSlackStandIn } from "../support/slackStandIn";

const message: SlackMessage = { channel: "#ops", text: "hello", mrkdwn: true };
const soon = () => ({ deadline: Date.now() + 5_000 });
const refused = () =>
  upstream("Slack rejected the proxy's credentials (invalid_auth)", { slackAuth: true, slackError: "invalid_auth" });

/** A token source whose token the test rotates; counts refreshes. */
function tokens(initial: string | undefined) {
  let token = initial;
  const source: TokenSource & { refreshes: number; rotate(t: string): void } = {
    refreshes: 0,
    current: async () => token,
    refresh: async () => {
      source.refreshes += 1;
      return token;
    },
    rotate: (t) => {
      token = t;
    },
  };
  return source;
}

/** A transport that accepts only `valid` and records the token of every call. */
function transport(valid: string) {
  const seen: (string | undefined)[] = [];
  const gateway: SlackGateway & { seen: typeof seen } = {
    seen,
    async post(token, m) {
      seen.push(token);
      if (token !== valid) throw refused();
      return { channel: m.channel, ts: "1.000001" };
    },
    async setTopic(token) {
      seen.push(token);
      if (token !== valid) throw refused();
    },
    nextTurn: (_channel, nowMs) => nowMs + 500,
  };
  return gateway;
}

describe("slackEdge", () => {
  it("posts with the current token and returns Slack's result", async () => {
    const gw = transport("xoxb-1");
    const edge = slackEdge(gw, tokens("xoxb-1"), { attemptBudgetMs: 1_000 });
    await expect(edge.post(message, soon())).resolves.toEqual({ channel: "#ops", ts: "1.000001" });
    expect(gw.seen).toEqual(["xoxb-1"]);
  });

  it.each(["post", "setTopic"] as const)(
    "%s: a rotated token is read again and the call made once more",
    async (op) => {
      const gw = transport("xoxb-2");
      // A cached secret still holds the old token; reading it again (refresh) finds the new one.
      const source = tokens("xoxb-1");
      const refresh = source.refresh;
      source.refresh = async () => {
        source.rotate("xoxb-2");
        return refresh();
      };
      const edge = slackEdge(gw, source, { attemptBudgetMs: 1_000 });
      if (op === "post") await expect(edge.post(message, soon())).resolves.toMatchObject({ ts: "1.000001" });
      else await expect(edge.setTopic("#ops", "t", soon())).resolves.toBeUndefined();
      expect(gw.seen).toEqual(["xoxb-1", "xoxb-2"]);
      expect(source.refreshes).toBe(1);
    },
  );

  it("the same token after a refresh: the refusal stands (502), no resend", async () => {
    const gw = transport("xoxb-other");
    const source = tokens("xoxb-1");
    const edge = slackEdge(gw, source, { attemptBudgetMs: 1_000 });
    const err = await edge.post(message, soon()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyError);
    expect((err as ProxyError).toJSON()).toEqual({
      error: { code: 502, message: expect.not.stringContaining("xoxb"), type: "Bad Gateway" },
    });
    expect(gw.seen).toEqual(["xoxb-1"]);
    expect(source.refreshes).toBe(1);
  });

  it("other errors pass through untouched, without a refresh", async () => {
    const source = tokens("xoxb-1");
    const gw: SlackGateway = {
      post: async () => {
        throw new ProxyError(404, "Room not found: its Slack channel does not exist", {
          slackError: "channel_not_found",
        });
      },
    };
    const err = await slackEdge(gw, source, { attemptBudgetMs: 1_000 })
      .post(message, soon())
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 404, slackError: "channel_not_found" });
    expect(source.refreshes).toBe(0);
  });

  it("the deadline and the attempt budget reach the transport", async () => {
    let seen: unknown;
    const gw: SlackGateway = {
      post: async (_t, m, options) => {
        seen = options;
        return { channel: m.channel, ts: "1.1" };
      },
    };
    await slackEdge(gw, tokens("xoxb-1"), { attemptBudgetMs: 1_234 }).post(message, { deadline: 42 });
    expect(seen).toMatchObject({ deadline: 42, attemptBudgetMs: 1_234 });
  });

  it("pacing is read through; a transport that cannot set topics answers 503", async () => {
    const now = 1_000;
    expect(slackEdge(transport("x"), tokens("x"), { attemptBudgetMs: 1 }).nextTurn("#ops", now)).toBe(1_500);
    const bare: SlackGateway = { post: async (_t, m) => ({ channel: m.channel, ts: "1.1" }) };
    const edge = slackEdge(bare, tokens("x"), { attemptBudgetMs: 1 });
    expect(edge.nextTurn("#ops", now)).toBe(now);
    await expect(edge.setTopic("#ops", "t", soon())).rejects.toMatchObject({ statusCode: 503 });
  });
});

describe("slackEdge over the Web API, against the Slack stand-in", () => {
  it("a token without chat:write.customize: the edge's transport sends the from label in the text, once refused", async () => {
    const slack = await startSlackStandIn({ tokens: ["xoxb-plain"], tokensWithoutCustomize: ["xoxb-plain"] });
    try {
      const edge = slackEdge(webApiGateway({ slackApiUrl: slack.url, timeoutMs: 2_000 }), tokens("xoxb-plain"), {
        attemptBudgetMs: 2_000,
      });
      await edge.post({ ...message, username: "Jenkins" }, soon());
      await edge.post({ ...message, username: "Jenkins" }, soon());
      // One refused call (missing_scope), then the fallback; the second message goes straight to it.
      expect(slack.calls.map((c) => c.body.username ?? null)).toEqual(["Jenkins", null, null]);
      expect(slack.delivered).toHaveLength(2);
      expect(String(slack.delivered[0].body.text)).toContain("Jenkins");
    } finally {
      await slack.close();
    }
  });

  it("a rotated token: invalid_auth, one refresh, the message delivered once with the new token", async () => {
    const slack = await startSlackStandIn({ tokens: ["xoxb-new"] });
    try {
      let token = "xoxb-old";
      const source: TokenSource = {
        current: async () => token,
        refresh: async () => {
          token = "xoxb-new";
          return token;
        },
      };
      const edge = slackEdge(webApiGateway({ slackApiUrl: slack.url, timeoutMs: 2_000 }), source, {
        attemptBudgetMs: 2_000,
      });
      await expect(edge.post(message, soon())).resolves.toMatchObject({ ts: expect.any(String) });
      expect(slack.calls.map((c) => c.token)).toEqual(["xoxb-old", "xoxb-new"]);
      expect(slack.delivered.map((c) => c.body)).toEqual([{ channel: "#ops", text: "hello", mrkdwn: "true" }]);
    } finally {
      await slack.close();
    }
  });
});
