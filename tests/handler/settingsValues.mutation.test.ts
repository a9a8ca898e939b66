/**
 * handler/settings.ts, pinned where mutation testing (npm run mutate) found behaviour no test fixed:
 * the exact message an operator reads for each bad setting (the key and the path, never a secret
 * value), the defaults, both ends of every numeric range, every spelling TRANSLATE_MENTIONS takes,
 * how a settings file is read and merged under the environment, how room keys, names and ids are
 * derived and normalised, and how user keys are normalised.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseSecrets,
  parseSettings,
  parseTokenList,
  rawSettings,
  readSettingsFile,
  RoomDirectory,
  roomKey,
  SettingsError,
  stableRoomId,
  userKey,
  type RawSettings,
} from "../../handler/settings";

/** The message a call throws, checking that it is a SettingsError; "" when it does not throw. */
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as Error).message;
  }
  return "";
}

describe("SettingsError", () => {
  it("is an Error named SettingsError that carries its message", () => {
    const e = new SettingsError("KEY: bad");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("SettingsError");
    expect(e.message).toBe("KEY: bad");
  });
});

describe("parseSettings: defaults", () => {
  // An empty string or white space is "not set", like a missing variable: Lambda consoles and
  // Pulumi configs leave empty values behind.
  it.each([
    ["missing", {}],
    [
      "empty",
      {
        ROOM_CHANNELS: "",
        USER_MAP: "",
        DEFAULT_CHANNEL: "",
        TRANSLATE_MENTIONS: "",
        SECRET_TTL_SECONDS: "",
        SLACK_TIMEOUT_MS: "",
      },
    ],
    [
      "white space",
      {
        ROOM_CHANNELS: "  \n",
        USER_MAP: " \t ",
        DEFAULT_CHANNEL: "   ",
        TRANSLATE_MENTIONS: "  ",
        SECRET_TTL_SECONDS: " ",
        SLACK_TIMEOUT_MS: "\t",
      },
    ],
  ])("%s values give the defaults", (_n, raw: RawSettings) => {
    const s = parseSettings(raw);
    expect(s.rooms.rooms).toEqual([]);
    expect(s.users.size).toBe(0);
    expect(s.defaultChannel).toBeUndefined();
    expect(s.translateMentions).toBe(true);
    expect(s.secretTtlMs).toBe(300_000);
    expect(s.slackTimeoutMs).toBe(10_000);
  });
});

describe("parseSettings: DEFAULT_CHANNEL", () => {
  it("is trimmed before it is checked and kept", () => {
    expect(parseSettings({ DEFAULT_CHANNEL: "  #ops \n" }).defaultChannel).toBe("#ops");
    expect(parseSettings({ DEFAULT_CHANNEL: "C0123ABC" }).defaultChannel).toBe("C0123ABC");
  });

  it("names the key and quotes the bad channel", () => {
    expect(failure(() => parseSettings({ DEFAULT_CHANNEL: "<!channel>" }))).toBe(
      'DEFAULT_CHANNEL: "<!channel>" is not a Slack channel name or ID',
    );
  });
});

describe("parseSettings: USER_MAP", () => {
  it("keys users as userKey does, keeping the Slack user ID as written", () => {
    const s = parseSettings({ USER_MAP: JSON.stringify({ " @Bob ": "U0BOB", "Alice@Example.com": "W0ALICE" }) });
    expect([...s.users]).toEqual([
      ["bob", "U0BOB"],
      ["alice@example.com", "W0ALICE"],
    ]);
  });

  it("names the user whose value is not a Slack user ID", () => {
    expect(failure(() => parseSettings({ USER_MAP: JSON.stringify({ bob: "U0BOB", eve: "eve" }) }))).toBe(
      'USER_MAP.eve: "eve" is not a Slack user ID (U… or W…)',
    );
  });

  it("that is not JSON names the key", () => {
    expect(failure(() => parseSettings({ USER_MAP: "{bob}" }))).toBe("USER_MAP: not valid JSON");
  });
});

describe("parseSettings: TRANSLATE_MENTIONS", () => {
  it.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["on", true],
    [" YES ", true],
    ["True", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["off", false],
    [" Off\n", false],
    ["FALSE", false],
  ])("%j → %s", (value, expected) => {
    expect(parseSettings({ TRANSLATE_MENTIONS: value }).translateMentions).toBe(expected);
  });

  it.each(["maybe", " Sometimes ", "2", "y", "t"])("%j is refused, quoting the value as given", (value) => {
    expect(failure(() => parseSettings({ TRANSLATE_MENTIONS: value }))).toBe(
      `TRANSLATE_MENTIONS: expected true or false, got "${value}"`,
    );
  });
});

describe("parseSettings: numeric ranges", () => {
  // SECRET_TTL_SECONDS is in seconds (0 to a day) and becomes milliseconds; SLACK_TIMEOUT_MS is in
  // milliseconds (100 ms to 15 minutes). Each bound itself is accepted; fractions are accepted.
  it.each([
    ["0", 0],
    ["86400", 86_400_000],
    ["60", 60_000],
    [" 60 ", 60_000],
    ["0.5", 500],
    ["86399.5", 86_399_500],
  ])("SECRET_TTL_SECONDS %j → %d ms", (value, ms) => {
    expect(parseSettings({ SECRET_TTL_SECONDS: value }).secretTtlMs).toBe(ms);
  });

  it.each(["-1", "-0.001", "86400.5", "86401", "Infinity", "NaN", "abc", "1e9", "60s"])(
    "SECRET_TTL_SECONDS %j is refused with the range",
    (value) => {
      expect(failure(() => parseSettings({ SECRET_TTL_SECONDS: value }))).toBe(
        "SECRET_TTL_SECONDS: expected a number from 0 to 86400",
      );
    },
  );

  it.each([
    ["100", 100],
    ["900000", 900_000],
    ["100.5", 100.5],
    ["2500", 2_500],
  ])("SLACK_TIMEOUT_MS %j → %d", (value, ms) => {
    expect(parseSettings({ SLACK_TIMEOUT_MS: value }).slackTimeoutMs).toBe(ms);
  });

  it.each(["99", "99.9", "0", "900001", "900000.5", "-Infinity", "abc"])(
    "SLACK_TIMEOUT_MS %j is refused with the range",
    (value) => {
      expect(failure(() => parseSettings({ SLACK_TIMEOUT_MS: value }))).toBe(
        "SLACK_TIMEOUT_MS: expected a number from 100 to 900000",
      );
    },
  );
});

describe("parseSettings: ROOM_CHANNELS", () => {
  const rooms = (config: unknown) => parseSettings({ ROOM_CHANNELS: JSON.stringify(config) }).rooms.rooms;

  it("a room given as a channel is named by its key, with its stable id and no separate key", () => {
    expect(rooms({ Ops: "#ops" })).toStrictEqual([{ id: stableRoomId("Ops"), name: "Ops", channel: "#ops" }]);
  });

  it("a room given as an object takes its channel, id and name from it; the key is kept when it differs", () => {
    expect(rooms({ Dev: { channel: "#dev", id: 9 }, Ops: { channel: "#ops", name: "Operations" } })).toStrictEqual([
      { id: 9, name: "Dev", channel: "#dev" },
      { id: stableRoomId("Operations"), name: "Operations", channel: "#ops", key: "Ops" },
    ]);
  });

  it("a key with white space around it is trimmed: for the name, for the id and for the key kept", () => {
    expect(rooms({ " Ops ": "#ops" })).toStrictEqual([{ id: stableRoomId("Ops"), name: "Ops", channel: "#ops" }]);
    expect(rooms({ " 42 ": "#n" })).toStrictEqual([{ id: 42, name: "42", channel: "#n" }]);
    expect(rooms({ " Ops ": { channel: "#ops", name: "Operations" } })).toStrictEqual([
      { id: stableRoomId("Operations"), name: "Operations", channel: "#ops", key: "Ops" },
    ]);
  });

  it.each([
    // An all-digit key is the room's HipChat id, whatever id the object gives.
    ["42", { channel: "#c" }, 42],
    ["7", { channel: "#c", id: 9 }, 7],
    ["123456", "#c", 123456],
    // Digits and more is a name: its id is derived from it.
    ["a42", "#c", stableRoomId("a42")],
    ["42a", "#c", stableRoomId("42a")],
    ["4 2", "#c", stableRoomId("4 2")],
  ])("the key %j gives the id", (key, value, id) => {
    expect(rooms({ [key]: value })[0].id).toBe(id);
  });

  it("a room answers to its key, its name and its id, and nothing else", () => {
    const dir = parseSettings({
      ROOM_CHANNELS: JSON.stringify({ Ops: { channel: "#ops", name: "Operations", id: 5 }, Dev: "#dev" }),
    }).rooms;
    for (const spelling of ["ops", " OPS", "Operations", "5"]) expect(dir.find(spelling)?.channel).toBe("#ops");
    expect(dir.find("dev")?.channel).toBe("#dev");
    expect(dir.find("undefined")).toBeUndefined();
  });

  // The message names the first thing the two rooms share, in the order id, name, key: two rooms
  // with one name share its derived id first.
  it.each([
    [{ Ops: "#ops", OPS: "#other" }, `ROOM_CHANNELS: rooms "Ops" and "OPS" both answer to "${stableRoomId("ops")}"`],
    [{ "7": "#a", B: { channel: "#b", id: 7 } }, 'ROOM_CHANNELS: rooms "7" and "B" both answer to "7"'],
    [
      { A: { channel: "#a", name: "B", id: 1 }, B: { channel: "#b", id: 2 } },
      'ROOM_CHANNELS: rooms "A" and "B" both answer to "b"',
    ],
    [
      { A: { channel: "#a", id: 1 }, B: { channel: "#b", name: "a", id: 2 } },
      'ROOM_CHANNELS: rooms "A" and "B" both answer to "a"',
    ],
    [
      { Ops: { channel: "#a", name: "Operations", id: 1 }, B: { channel: "#b", name: "OPS", id: 2 } },
      'ROOM_CHANNELS: rooms "Ops" and "B" both answer to "ops"',
    ],
  ])("two rooms answering to one key, name or id are refused: %j", (config, message) => {
    expect(failure(() => rooms(config))).toBe(message);
  });

  it("a room whose key, name and id coincide is not a clash with itself", () => {
    expect(rooms({ "12": { channel: "#c", name: "12" } })).toStrictEqual([{ id: 12, name: "12", channel: "#c" }]);
  });

  it.each([
    ["[", "ROOM_CHANNELS: not valid JSON"],
    // The value is not secret: superstruct's own message, under the key.
    ["[]", "ROOM_CHANNELS: Expected an object, but received: "],
    ['{"Ops":""}', 'ROOM_CHANNELS.Ops: Expected the value to satisfy a union of `string | object`, but received: ""'],
  ])("%j is refused with the path", (value, message) => {
    expect(failure(() => parseSettings({ ROOM_CHANNELS: value }))).toBe(message);
  });
});

describe("RoomDirectory", () => {
  it("finds a room by id, name or key, trimmed and case-insensitively", () => {
    const ops = { id: 3, name: "Operations", channel: "#ops", key: "Ops" };
    const dev = { id: 4, name: "Dev", channel: "#dev" };
    const dir = new RoomDirectory([ops, dev]);
    expect(dir.rooms).toEqual([ops, dev]);
    for (const s of ["3", " operations ", "OPS", "ops"]) expect(dir.find(s)).toBe(ops);
    for (const s of ["4", "dev", "DEV "]) expect(dir.find(s)).toBe(dev);
    // A room without a key is not listed under the word "undefined".
    expect(dir.find("undefined")).toBeUndefined();
    expect(dir.find("5")).toBeUndefined();
  });
});

describe("roomKey, userKey and stableRoomId", () => {
  it.each([
    [" Ops ", "ops"],
    ["OPERATIONS", "operations"],
    [42, "42"],
    ["@Ops", "@ops"],
  ])("roomKey(%j) = %j", (input, key) => {
    expect(roomKey(input)).toBe(key);
  });

  it.each([
    [" @Bob ", "bob"],
    ["@bob", "bob"],
    ["Bob", "bob"],
    // Only a leading @ goes: an email address keeps its own.
    ["Bob@Example.COM", "bob@example.com"],
    ["@@bob", "@bob"],
  ])("userKey(%j) = %j", (input, key) => {
    expect(userKey(input)).toBe(key);
  });

  /** FNV-1a over the UTF-8 bytes of the room key, as written out in the docs' terms. */
  function fnv1a(name: string): number {
    let h = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(name.trim().toLowerCase())) {
      h = Number((BigInt((h ^ byte) >>> 0) * 0x01000193n) % 2n ** 32n);
    }
    return h;
  }

  it.each([
    ["", 167_136_261],
    ["Ops", 90_275_291],
    ["Café", 822_410_889],
    ["a", 827_002_220],
  ])("stableRoomId(%j) is FNV-1a of the room key, offset into 1 000 000 … 1 000 999 999", (name, id) => {
    expect(stableRoomId(name)).toBe(id);
    expect(stableRoomId(name)).toBe(1_000_000 + (fnv1a(name) % 1_000_000_000));
  });

  it("the id ignores case and white space around the name", () => {
    expect(stableRoomId(" CAFÉ ")).toBe(stableRoomId("café"));
  });
});

describe("rawSettings", () => {
  it("nothing in, nothing out: no key set to undefined", () => {
    expect(Object.keys(rawSettings({}))).toEqual([]);
    expect(Object.keys(rawSettings({}, {}))).toEqual([]);
  });

  it("keeps strings from the file as written and writes anything else as JSON", () => {
    expect(
      rawSettings({
        rooms: { Ops: "#ops" },
        defaultChannel: "#general",
        users: { bob: "U0BOB" },
        translateMentions: false,
        secretTtlSeconds: 60,
        slackTimeoutMs: "2500",
      }),
    ).toStrictEqual({
      ROOM_CHANNELS: '{"Ops":"#ops"}',
      DEFAULT_CHANNEL: "#general",
      USER_MAP: '{"bob":"U0BOB"}',
      TRANSLATE_MENTIONS: "false",
      SECRET_TTL_SECONDS: "60",
      SLACK_TIMEOUT_MS: "2500",
    });
  });

  it("a null in the file is the JSON null, left for parseSettings to judge", () => {
    expect(rawSettings({ rooms: null })).toStrictEqual({ ROOM_CHANNELS: "null" });
  });

  it("an environment variable wins over the file's key, even when empty", () => {
    expect(
      rawSettings(
        { defaultChannel: "#file", translateMentions: true, users: { bob: "U0BOB" } },
        { DEFAULT_CHANNEL: "#env", TRANSLATE_MENTIONS: "" },
      ),
    ).toStrictEqual({ DEFAULT_CHANNEL: "#env", TRANSLATE_MENTIONS: "", USER_MAP: '{"bob":"U0BOB"}' });
  });

  it("takes environment variables alone when the file has none", () => {
    expect(rawSettings({}, { SLACK_TIMEOUT_MS: "500" })).toStrictEqual({ SLACK_TIMEOUT_MS: "500" });
  });
});

describe("readSettingsFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(join(tmpdir(), "settings-file-"));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const write = (name: string, text: string) => {
    const path = join(dir, name);
    fs.writeFileSync(path, text, "utf8");
    return path;
  };

  it("returns the object the file holds", () => {
    const doc = { rooms: { Café: "#café" }, translateMentions: false };
    expect(readSettingsFile(write("ok.json", JSON.stringify(doc)))).toStrictEqual(doc);
    expect(readSettingsFile(write("empty.json", "{}"))).toStrictEqual({});
  });

  it("a file that cannot be read is named with the error code, under SETTINGS_FILE by default", () => {
    const path = join(dir, "missing.json");
    expect(failure(() => readSettingsFile(path))).toBe(`SETTINGS_FILE: cannot read ${path} (ENOENT)`);
    expect(failure(() => readSettingsFile(dir, "--settings"))).toBe(`--settings: cannot read ${dir} (EISDIR)`);
  });

  it('a read error without a code is reported as "error"', () => {
    jest.spyOn(fs, "readFileSync").mockImplementation(() => {
      throw new Error("no code");
    });
    expect(failure(() => readSettingsFile("/settings.json"))).toBe("SETTINGS_FILE: cannot read /settings.json (error)");
  });

  it("a file that is not JSON is named", () => {
    const path = write("bad.json", "{rooms:");
    expect(failure(() => readSettingsFile(path))).toBe(`SETTINGS_FILE: ${path} is not valid JSON`);
  });

  it.each([
    ["array", "[]"],
    ["null", "null"],
    ["number", "42"],
    ["string", '"rooms"'],
    ["boolean", "true"],
  ])("a file holding a JSON %s is refused", (name, text) => {
    const path = write(`${name}.json`, text);
    expect(failure(() => readSettingsFile(path, "SRC"))).toBe(`SRC: ${path} must hold a JSON object`);
  });
});

describe("parseSecrets", () => {
  const SLACK = "xoxb-1234-secret-value";
  const TOKEN = "hipchat-secret-token-0123";
  const secret = (doc: unknown) => JSON.stringify(doc);

  it("reads the Slack token and each HipChat token with its rooms as room keys", () => {
    const s = parseSecrets(
      secret({ slackToken: SLACK, hipchatTokens: [{ token: TOKEN }, { token: "other-token", rooms: [" Ops ", 42] }] }),
    );
    expect(s).toStrictEqual({
      slackToken: SLACK,
      tokens: [
        { token: TOKEN, rooms: undefined },
        { token: "other-token", rooms: new Set(["ops", "42"]) },
      ],
    });
  });

  it("the Slack token may be left out (locally, messages are then printed)", () => {
    expect(parseSecrets(secret({ hipchatTokens: [{ token: TOKEN }] }))).toStrictEqual({
      slackToken: undefined,
      tokens: [{ token: TOKEN, rooms: undefined }],
    });
  });

  // Every message names the source and the path, and never the value: it ends up in logs.
  it.each([
    ["not JSON", `{"slackToken": "${SLACK}"`, "secret: not valid JSON"],
    ["an array", secret([SLACK]), "secret: expected a JSON object with slackToken and hipchatTokens"],
    ["null", "null", "secret: expected a JSON object with slackToken and hipchatTokens"],
    ["a string", secret(SLACK), "secret: expected a JSON object with slackToken and hipchatTokens"],
    ["a number", "42", "secret: expected a JSON object with slackToken and hipchatTokens"],
    [
      "a bad Slack token",
      secret({ slackToken: "hunter2-secret" }),
      "secret.slackToken: expected a Slack token (xoxb-…)",
    ],
    ["an empty Slack token", secret({ slackToken: "" }), "secret.slackToken: expected a Slack token (xoxb-…)"],
    ["a numeric Slack token", secret({ slackToken: 42 }), "secret.slackToken: expected a Slack token (xoxb-…)"],
    // An array of one good token would pass the pattern as a string ("xoxb-…"): only a string is a token.
    [
      "a Slack token in an array",
      secret({ slackToken: [SLACK] }),
      "secret.slackToken: expected a Slack token (xoxb-…)",
    ],
    ["no token list", secret({ slackToken: SLACK }), "secret.hipchatTokens: expected array"],
    ["a token list as an object", secret({ hipchatTokens: { token: TOKEN } }), "secret.hipchatTokens: expected array"],
    [
      "a token list as bad JSON",
      secret({ hipchatTokens: `[{"token":"${TOKEN}"}` }),
      "secret.hipchatTokens: not valid JSON",
    ],
    ["an empty token list", secret({ hipchatTokens: [] }), "secret.hipchatTokens: at least one token is required"],
    [
      "an empty token list as JSON",
      secret({ hipchatTokens: "[]" }),
      "secret.hipchatTokens: at least one token is required",
    ],
    [
      "a short token",
      secret({ hipchatTokens: [{ token: TOKEN }, { token: "hunter2" }] }),
      "secret.hipchatTokens.1.token: a token is 8 to 256 characters without white space",
    ],
    [
      "a token with a space",
      secret({ hipchatTokens: [{ token: "hunter2 secret" }] }),
      "secret.hipchatTokens.0.token: a token is 8 to 256 characters without white space",
    ],
    [
      "an empty room list",
      secret({ hipchatTokens: [{ token: TOKEN, rooms: [] }] }),
      "secret.hipchatTokens.0.rooms: expected array",
    ],
    [
      "room 0",
      secret({ hipchatTokens: [{ token: TOKEN, rooms: ["Ops", 0] }] }),
      "secret.hipchatTokens.0.rooms.1: expected union",
    ],
  ])("%s is refused naming the path and not the value", (_n, doc, message) => {
    const m = failure(() => parseSecrets(doc));
    expect(m).toBe(message);
    for (const value of [SLACK, TOKEN, "hunter2"]) expect(m).not.toContain(value);
  });

  it("names the source it is given", () => {
    expect(failure(() => parseSecrets("{", "SECRET_ARN"))).toBe("SECRET_ARN: not valid JSON");
    expect(failure(() => parseSecrets(secret({ hipchatTokens: [] }), "local"))).toBe(
      "local.hipchatTokens: at least one token is required",
    );
  });

  it("a token listed twice is refused at its second place, without the token", () => {
    const m = failure(() =>
      parseSecrets(
        secret({ hipchatTokens: [{ token: TOKEN }, { token: "other-token" }, { token: TOKEN, rooms: ["Ops"] }] }),
      ),
    );
    expect(m).toBe("secret.hipchatTokens.2: repeats a token listed before it");
  });

  it("distinct tokens are all kept, in order", () => {
    const list = ["token-one-1", "token-two-2", "token-three"].map((token) => ({ token }));
    expect(parseSecrets(secret({ hipchatTokens: list })).tokens.map((t) => t.token)).toEqual([
      "token-one-1",
      "token-two-2",
      "token-three",
    ]);
  });
});

describe("parseTokenList", () => {
  it("names the failing path under the source given, and the rule broken, never the value", () => {
    expect(failure(() => parseTokenList([{ token: "hunter2" }], "TOKENS"))).toBe(
      "TOKENS.0.token: a token is 8 to 256 characters without white space",
    );
    expect(failure(() => parseTokenList([{ token: 12345678 }], "TOKENS"))).toBe("TOKENS.0.token: expected string");
    expect(failure(() => parseTokenList("hunter2-secret", "TOKENS"))).toBe("TOKENS: expected array");
    expect(failure(() => parseTokenList([{ token: "token-one-1", rooms: [{}] }], "T"))).toBe(
      "T.0.rooms.0: expected union",
    );
  });

  it("keys room grants as roomKey does", () => {
    expect(parseTokenList([{ token: "token-one-1", rooms: ["OPS", " Dev ", 7] }], "T")).toStrictEqual([
      { token: "token-one-1", rooms: new Set(["ops", "dev", "7"]) },
    ]);
  });
});
