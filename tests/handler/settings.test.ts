import { parseSecrets, parseSettings, RoomDirectory, SettingsError, stableRoomId } from "../../handler/settings";

describe("parseSettings", () => {
  it("applies defaults when nothing is set", () => {
    const s = parseSettings({});
    expect(s).toMatchObject({
      defaultChannel: undefined,
      translateMentions: true,
      secretTtlMs: 300_000,
      slackTimeoutMs: 10_000,
    });
    expect(s.rooms.rooms).toEqual([]);
  });

  it("reads rooms by name, by id and as objects", () => {
    const s = parseSettings({
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "42": "C0123ABC", Dev: { channel: "#dev", id: 9 } }),
    });
    expect(s.rooms.find("ops")?.channel).toBe("#ops");
    expect(s.rooms.find(" OPS ")?.channel).toBe("#ops");
    expect(s.rooms.find("42")?.channel).toBe("C0123ABC");
    expect(s.rooms.find("9")?.name).toBe("Dev");
    expect(s.rooms.find(String(stableRoomId("Ops")))?.name).toBe("Ops");
  });

  it.each([
    [{ ROOM_CHANNELS: "[" }, "ROOM_CHANNELS: not valid JSON"],
    [{ ROOM_CHANNELS: "[]" }, "ROOM_CHANNELS"],
    [{ ROOM_CHANNELS: JSON.stringify({ Ops: "" }) }, "ROOM_CHANNELS.Ops"],
    [{ ROOM_CHANNELS: JSON.stringify({ Ops: { id: 1 } }) }, "ROOM_CHANNELS.Ops"],
    [{ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", OPS: "#other" }) }, "ROOM_CHANNELS"],
    [{ USER_MAP: JSON.stringify({ bob: "bob" }) }, "USER_MAP.bob"],
    [{ DEFAULT_CHANNEL: "<!channel>" }, "DEFAULT_CHANNEL"],
    [{ TRANSLATE_MENTIONS: "sometimes" }, "TRANSLATE_MENTIONS"],
    [{ SECRET_TTL_SECONDS: "-1" }, "SECRET_TTL_SECONDS"],
    [{ SLACK_TIMEOUT_MS: "abc" }, "SLACK_TIMEOUT_MS"],
  ])("%j fails naming the key", (raw, key) => {
    expect(() => parseSettings(raw)).toThrow(SettingsError);
    expect(() => parseSettings(raw)).toThrow(key);
  });
});

describe("parseSecrets", () => {
  it("accepts hipchatTokens as a list or as a JSON string of one", () => {
    const list = [{ token: "abcdefgh1" }, { token: "abcdefgh2", rooms: ["Ops", 42] }];
    for (const hipchatTokens of [list, JSON.stringify(list)]) {
      const s = parseSecrets(JSON.stringify({ slackToken: "xoxb-1", hipchatTokens }));
      expect(s.slackToken).toBe("xoxb-1");
      expect(s.tokens[1].rooms).toEqual(new Set(["ops", "42"]));
    }
  });

  it.each([
    ["not json", "{", "not valid JSON"],
    [
      "bad slack token",
      JSON.stringify({ slackToken: "hunter2-secret", hipchatTokens: [{ token: "abcdefgh" }] }),
      "slackToken",
    ],
    ["empty token list", JSON.stringify({ slackToken: "xoxb-1", hipchatTokens: [] }), "hipchatTokens"],
    [
      "short token",
      JSON.stringify({ slackToken: "xoxb-1", hipchatTokens: [{ token: "short" }] }),
      "hipchatTokens.0.token",
    ],
  ])("%s fails naming the key and never echoes the value", (_n, doc, key) => {
    let message = "";
    try {
      parseSecrets(doc);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(key);
    expect(message).not.toContain("hunter2-secret");
    expect(message).not.toContain('short"');
  });
});

describe("RoomDirectory and stableRoomId", () => {
  it("ids are stable, positive and case-insensitive on the name", () => {
    expect(stableRoomId("Ops")).toBe(stableRoomId("ops"));
    expect(stableRoomId("Ops")).toBeGreaterThan(0);
    expect(stableRoomId("Ops")).not.toBe(stableRoomId("Dev"));
  });
  it("finds nothing for unknown rooms", () => {
    expect(new RoomDirectory([]).find("x")).toBeUndefined();
  });
});
