/**
 * handler/slack.ts, the channel directory and setTopic, with a fake WebClient and a fake clock:
 * which names are IDs, how the listing is asked for and paged, when an unknown name is looked up
 * again, and when a 429 on setTopic is waited out. Also the client createSlackClient builds.
 */
import { ErrorCode, type WebClient } from "@slack/web-api";
import {
  createChannelDirectory,
  createSlackClient,
  DIRECTORY_REFRESH_MS,
  type PostOptions,
  setTopic,
} from "../../handler/slack";

const NOW = 1_700_000_000_000;
type Page = { channels?: { id?: string; name?: string }[]; response_metadata?: { next_cursor?: string } };

function fakeClient(pages: (Page | Error)[], topicAnswers: unknown[] = []) {
  const listCalls: Record<string, unknown>[] = [];
  const topicCalls: Record<string, unknown>[] = [];
  const client = {
    conversations: {
      list: async (args: Record<string, unknown>) => {
        listCalls.push(args);
        const p = pages[Math.min(listCalls.length - 1, pages.length - 1)];
        if (p instanceof Error) throw p;
        return { ok: true, ...p };
      },
      setTopic: async (args: Record<string, unknown>) => {
        topicCalls.push(args);
        const a = topicAnswers.shift() ?? { ok: true };
        if (a instanceof Error) throw a;
        return a;
      },
    },
  } as unknown as WebClient;
  return { client, listCalls, topicCalls };
}
const platform = (error: string) =>
  Object.assign(new Error(error), { code: ErrorCode.PlatformError, data: { ok: false, error } });
const rateLimited = (retryAfter: number) =>
  Object.assign(new Error("limited"), { code: ErrorCode.RateLimitedError, retryAfter });
const NOT_FOUND = expect.objectContaining({
  statusCode: 404,
  slackError: "channel_not_found",
  message: "Room not found: its Slack channel does not exist",
});

describe("the channel directory", () => {
  const at = (t: number) => ({ deadline: t + 10_000, now: () => t });

  it("IDs (C… or G…, with or without #) are used as given, without a listing", async () => {
    const { client, listCalls } = fakeClient([{ channels: [] }]);
    const dir = createChannelDirectory();
    await expect(dir.resolve(client, "C0123ABC", at(NOW))).resolves.toBe("C0123ABC");
    await expect(dir.resolve(client, "#G0123ABC", at(NOW))).resolves.toBe("G0123ABC");
    expect(listCalls).toHaveLength(0);
  });

  it("anything else is a name: short or lower-case IDs too", async () => {
    const { client, listCalls } = fakeClient([
      {
        channels: [
          { id: "C9", name: "c12345" },
          { id: "C8", name: "c0123abc" },
        ],
      },
    ]);
    const dir = createChannelDirectory();
    await expect(dir.resolve(client, "C12345", at(NOW))).resolves.toBe("C9");
    await expect(dir.resolve(client, "#c0123abc", at(NOW))).resolves.toBe("C8");
    expect(listCalls).toHaveLength(1);
  });

  it("lists public and private, unarchived channels, 200 a page, following every cursor", async () => {
    const { client, listCalls } = fakeClient([
      { channels: [{ id: "C1", name: "Ops" }], response_metadata: { next_cursor: "p2" } },
      {
        channels: [
          { id: "C2", name: "dev" },
          { id: "C3", name: "OPS" },
        ],
        response_metadata: { next_cursor: "p3" },
      },
      {
        channels: [{ id: "C4", name: "last" }, { name: "no-id" }, { id: "C5" }],
        response_metadata: { next_cursor: "" },
      },
      { channels: [{ id: "C6", name: "never" }] },
    ]);
    const dir = createChannelDirectory();
    await expect(dir.resolve(client, "#ops", at(NOW))).resolves.toBe("C1"); // the first listed wins
    await expect(dir.resolve(client, "DEV", at(NOW))).resolves.toBe("C2");
    await expect(dir.resolve(client, "last", at(NOW))).resolves.toBe("C4");
    await expect(dir.resolve(client, "no-id", at(NOW))).rejects.toEqual(NOT_FOUND);
    expect(listCalls).toEqual([
      { types: "public_channel,private_channel", exclude_archived: true, limit: 200 },
      { types: "public_channel,private_channel", exclude_archived: true, limit: 200, cursor: "p2" },
      { types: "public_channel,private_channel", exclude_archived: true, limit: 200, cursor: "p3" },
    ]);
  });

  it("an ID is anchored: a longer or prefixed string is a name", async () => {
    const { client, listCalls } = fakeClient([
      {
        channels: [
          { id: "C1", name: "xc0123abc" },
          { id: "C2", name: "c0123abcx" },
        ],
      },
    ]);
    const dir = createChannelDirectory();
    await expect(dir.resolve(client, "xC0123ABC", at(NOW))).resolves.toBe("C1");
    await expect(dir.resolve(client, "C0123ABCx", at(NOW))).resolves.toBe("C2");
    expect(listCalls).toHaveLength(1);
  });

  it("stops after 500 pages, however many cursors follow", async () => {
    const { client, listCalls } = fakeClient([{ channels: [], response_metadata: { next_cursor: "more" } }]);
    await expect(createChannelDirectory().resolve(client, "ops", at(NOW))).rejects.toEqual(NOT_FOUND);
    expect(listCalls).toHaveLength(500);
  });

  it("a page without channels is an empty page", async () => {
    const { client } = fakeClient([{}]);
    await expect(createChannelDirectory().resolve(client, "ops", at(NOW))).rejects.toEqual(NOT_FOUND);
  });

  it("an unknown name is looked up again only once the refresh interval has passed", async () => {
    const { client, listCalls } = fakeClient([{ channels: [] }, { channels: [{ id: "C7", name: "new" }] }]);
    const dir = createChannelDirectory(1_000);
    await expect(dir.resolve(client, "new", at(NOW))).rejects.toEqual(NOT_FOUND);
    await expect(dir.resolve(client, "new", at(NOW + 999))).rejects.toEqual(NOT_FOUND);
    expect(listCalls).toHaveLength(1);
    await expect(dir.resolve(client, "new", at(NOW + 1_000))).resolves.toBe("C7");
    expect(listCalls).toHaveLength(2);
    // A known name is not looked up again, however late.
    await dir.resolve(client, "new", at(NOW + 1_000_000));
    expect(listCalls).toHaveLength(2);
    expect(DIRECTORY_REFRESH_MS).toBe(60_000);
  });

  it("concurrent lookups share one listing", async () => {
    const { client, listCalls } = fakeClient([{ channels: [{ id: "C1", name: "ops" }] }]);
    const dir = createChannelDirectory();
    await Promise.all([dir.resolve(client, "ops", at(NOW)), dir.resolve(client, "ops", at(NOW))]);
    expect(listCalls).toHaveLength(1);
  });

  it("a failed listing maps as for messages, and is tried again by the next lookup", async () => {
    const { client, listCalls } = fakeClient([platform("invalid_auth"), { channels: [{ id: "C1", name: "ops" }] }]);
    const dir = createChannelDirectory();
    await expect(dir.resolve(client, "ops", at(NOW))).rejects.toMatchObject({ statusCode: 502, slackAuth: true });
    await expect(dir.resolve(client, "ops", at(NOW))).resolves.toBe("C1");
    expect(listCalls).toHaveLength(2);
  });

  it("a listing that does not answer before the deadline is a 504", async () => {
    const client = { conversations: { list: () => new Promise(() => undefined) } } as unknown as WebClient;
    await expect(createChannelDirectory().resolve(client, "ops", { deadline: Date.now() + 30 })).rejects.toMatchObject({
      statusCode: 504,
      slackError: "deadline",
    });
  });
});

describe("setTopic", () => {
  function fakeTime() {
    let t = NOW;
    const sleeps: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      sleeps.push(ms);
      t += ms;
    };
    return { now: () => t, sleep, sleeps };
  }
  const options = (time: ReturnType<typeof fakeTime>, deadline = NOW + 10_000): PostOptions => ({
    deadline,
    attemptBudgetMs: 2_000,
    now: time.now,
    sleep: time.sleep,
  });

  it("sets the topic on the channel's ID", async () => {
    const time = fakeTime();
    const { client, topicCalls } = fakeClient([{ channels: [{ id: "C1", name: "ops" }] }]);
    await setTopic(client, createChannelDirectory(), "#ops", "Deploys today", options(time));
    expect(topicCalls).toEqual([{ channel: "C1", topic: "Deploys today" }]);
  });

  it("a 429 is waited out and retried when the wait and one more attempt fit exactly, else answered 429", async () => {
    const time = fakeTime();
    const { client, topicCalls } = fakeClient([], [rateLimited(3), { ok: true }]);
    await setTopic(client, createChannelDirectory(), "C0123ABC", "t", options(time, NOW + 5_000));
    expect(time.sleeps).toEqual([3_000]);
    expect(topicCalls).toHaveLength(2);

    const late = fakeTime();
    const second = fakeClient([], [rateLimited(3), { ok: true }]);
    await expect(
      setTopic(second.client, createChannelDirectory(), "C0123ABC", "t", options(late, NOW + 4_999)),
    ).rejects.toMatchObject({ statusCode: 429, retryAfterSeconds: 3 });
    expect(late.sleeps).toEqual([]);
    expect(second.topicCalls).toHaveLength(1);
  });

  it("any other failure is answered at once, mapped", async () => {
    const time = fakeTime();
    const { client, topicCalls } = fakeClient([], [platform("too_long"), { ok: true }]);
    await expect(setTopic(client, createChannelDirectory(), "C0123ABC", "t", options(time))).rejects.toMatchObject({
      statusCode: 400,
      message: "Topic too long for Slack (250 characters at most)",
      slackError: "too_long",
    });
    expect(topicCalls).toHaveLength(1);
    const restricted = fakeClient([], [platform("user_is_restricted")]);
    await expect(
      setTopic(restricted.client, createChannelDirectory(), "C0123ABC", "t", options(time)),
    ).rejects.toMatchObject({ statusCode: 403, message: "The Slack app may not change this room's channel" });
  });

  it("without a sleep of its own, a 429 waits in real time", async () => {
    const { client, topicCalls } = fakeClient([], [rateLimited(0.3), { ok: true }]);
    const started = Date.now();
    await setTopic(client, createChannelDirectory(), "C0123ABC", "t", {
      deadline: Date.now() + 10_000,
      attemptBudgetMs: 10,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(topicCalls).toHaveLength(2);
  });

  it("a topic call that does not answer before the deadline is a 504", async () => {
    const client = { conversations: { setTopic: () => new Promise(() => undefined) } } as unknown as WebClient;
    await expect(
      setTopic(client, createChannelDirectory(), "C0123ABC", "t", { deadline: Date.now() + 30, attemptBudgetMs: 1 }),
    ).rejects.toMatchObject({ statusCode: 504 });
  });
});

describe("createSlackClient", () => {
  it("talks to the given API URL with the given timeout, never retries, and surfaces rate limits", () => {
    const client = createSlackClient({ token: "xoxb-1", slackApiUrl: "http://127.0.0.1:9/api/", timeoutMs: 1234 });
    const c = client as unknown as {
      slackApiUrl: string;
      token: string;
      retryConfig: { retries: number };
      rejectRateLimitedCalls: boolean;
      timeout: number;
      logger: { getLevel(): string; info: (...a: unknown[]) => void; debug: (...a: unknown[]) => void };
    };
    expect(c.slackApiUrl).toBe("http://127.0.0.1:9/api/");
    expect(c.token).toBe("xoxb-1");
    expect(c.retryConfig).toEqual({ retries: 0 });
    expect(c.rejectRateLimitedCalls).toBe(true);
    expect(c.timeout).toBe(1234);
    // Its logger prints nothing (the SDK would log request failures with their arguments).
    expect(c.logger.getLevel()).toBe("error");
    const writes = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const logs = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const warns = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      for (const level of ["debug", "info", "warn", "error"] as const) {
        (c.logger as unknown as Record<string, (...a: unknown[]) => unknown>)[level]("xoxb-secret message text");
      }
      expect([writes, errors, logs, warns].map((m) => m.mock.calls.length)).toEqual([0, 0, 0, 0]);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
