/**
 * A proxy built from real parts except Slack: a recording gateway stands in for the Slack edge so
 * routing, auth and conversion can be tested without a network. Integration tests use the real
 * WebClient against tests/support/slackStandIn.ts instead.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import type { SlackGateway } from "../../handler/gateway";
import { createLogger } from "../../handler/log";
import { createProxy } from "../../handler/proxy";
import { parseSettings, type AllowedToken, type RawSettings } from "../../handler/settings";
import type { SlackMessage } from "../../handler/slack";

export const TOKENS = {
  admin: "admin-token-0123456789",
  opsOnly: "ops-only-token-0123456789",
};

export interface Harness {
  invoke(event: ALBEvent): Promise<ALBResult>;
  sent: { token: string | undefined; message: SlackMessage }[];
  /** Topics set (conversations.setTopic), in order. */
  topics: { token: string | undefined; channel: string; topic: string }[];
  logs: Record<string, unknown>[];
  /** Make the next post fail with this error. */
  failNext(err: Error): void;
}

export function createHarness(raw: RawSettings = {}, tokens?: AllowedToken[]): Harness {
  const sent: Harness["sent"] = [];
  const topics: Harness["topics"] = [];
  const logs: Record<string, unknown>[] = [];
  const failures: Error[] = [];
  let seq = 0;
  const slack: SlackGateway = {
    async post(token, message) {
      const failure = failures.shift();
      if (failure) throw failure;
      sent.push({ token, message });
      seq += 1;
      return { channel: message.channel, ts: `1700000000.${String(seq).padStart(6, "0")}` };
    },
    async setTopic(token, channel, topic) {
      const failure = failures.shift();
      if (failure) throw failure;
      topics.push({ token, channel, topic });
    },
  };
  const settings = parseSettings({
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "42": "#deploys", "my room": { channel: "C0123ABCD", id: 7 } }),
    USER_MAP: JSON.stringify({ "alice@example.com": "U0ALICE01", "@bob": "U0BOB0001", "123": "U0CAROL01" }),
    ...raw,
  });
  const allowed = tokens ?? [{ token: TOKENS.admin }, { token: TOKENS.opsOnly, rooms: new Set(["ops"]) }];
  const handler = createProxy({
    settings,
    secrets: { get: async () => ({ slackToken: "xoxb-test", tokens: allowed }), invalidate: () => undefined },
    slack,
    log: createLogger((line) => logs.push(JSON.parse(line))),
    random: () => 0,
    publicHostname: "hipchat-proxy.private.example.com",
  });
  return {
    invoke: (event) => handler(event, { getRemainingTimeInMillis: () => 10_000 }),
    sent,
    topics,
    logs,
    failNext: (err) => failures.push(err),
  };
}
