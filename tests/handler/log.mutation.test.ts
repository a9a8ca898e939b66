/**
 * handler/log.ts, pinned where mutation testing (npm run mutate) found behaviour no in-process test
 * fixed: the level each request is logged at (operators alarm on `error` and watch `warn`), where
 * lines go by default, how non-string fields are written, the line cap and its marker, what each
 * kind of character costs a capped field, the exact redacted spelling, and how an error is described.
 */
import {
  capBytes,
  createLogger,
  describeError,
  formatLine,
  MAX_FIELD_BYTES,
  MAX_LINE_BYTES,
  redact,
} from "../../handler/log";
import type { RequestLog } from "../../handler/log";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const NOW = new Date("2024-01-02T03:04:05.678Z");

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger((l) => lines.push(l)) };
}

/** A request log entry: a successful notification unless the case says otherwise. */
const requestEntry = (overrides: Partial<RequestLog> = {}): RequestLog => ({
  route: "v2.room.notification",
  method: "POST",
  status: 204,
  latencyMs: 12,
  ...overrides,
});

describe("the level a request is logged at", () => {
  it.each([
    [200, undefined, "info"],
    [204, undefined, "info"],
    [399, undefined, "info"],
    [400, undefined, "warn"],
    [404, undefined, "warn"],
    [429, undefined, "warn"],
    [499, undefined, "warn"],
    [500, undefined, "error"],
    [502, undefined, "error"],
    [504, undefined, "error"],
    // An unsupported call is worth a look even if it was answered without error...
    [200, true, "warn"],
    [404, true, "warn"],
    // ...but a failure of the proxy stays an error.
    [500, true, "error"],
    [200, false, "info"],
  ])("status %i, unsupported %s → %s", (status, unsupported, level) => {
    const { lines, log } = capture();
    log.request(requestEntry({ status, unsupported }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level, msg: "request", status, route: "v2.room.notification" });
  });

  it.each([
    ["error", "error"],
    ["info", "info"],
  ] as const)("logger.%s writes at level %s, with its message and fields", (method, level) => {
    const { lines, log } = capture();
    log[method]("secret unavailable", { attempt: 2 });
    expect(JSON.parse(lines[0])).toEqual({ level, msg: "secret unavailable", time: expect.any(String), attempt: 2 });
  });
});

describe("where lines go", () => {
  afterEach(() => jest.restoreAllMocks());

  // Lambda sends stdout to CloudWatch Logs: one line per write, newline-terminated.
  it("by default, each line is written to stdout with a newline", () => {
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    createLogger().info("started", { version: "1" });
    expect(write).toHaveBeenCalledTimes(1);
    const written = String(write.mock.calls[0][0]);
    expect(written.endsWith("\n")).toBe(true);
    expect(written.indexOf("\n")).toBe(written.length - 1);
    expect(JSON.parse(written)).toMatchObject({ level: "info", msg: "started", version: "1" });
  });
});

describe("how fields are written", () => {
  const doc = (fields: object) => JSON.parse(formatLine("info", "m", fields, NOW)) as Record<string, unknown>;

  it("level, msg and time come first, time in ISO 8601", () => {
    const line = formatLine("warn", "request", { a: 1 }, NOW);
    expect(line).toBe('{"level":"warn","msg":"request","time":"2024-01-02T03:04:05.678Z","a":1}');
  });

  it.each([
    ["a number", 42],
    ["zero", 0],
    ["a negative fraction", -1.5],
    ["true", true],
    ["false", false],
    ["null", null],
  ])("%s is written as a JSON value, not a string", (_n, value) => {
    expect(doc({ v: value }).v).toBe(value);
  });

  // Only strings, numbers and booleans are meant to reach the logger; anything else is named by its
  // type so that its contents (which may hold a token or a message body) never reach the log.
  it.each([
    ["an object", { token: "xoxb-1-SECRET" }, "[object]"],
    ["an array", ["SECRET"], "[object]"],
    ["a function", () => "SECRET", "[function]"],
    ["a bigint", 10n, "[bigint]"],
    ["a symbol", Symbol("SECRET"), "[symbol]"],
  ])("%s is written as its type only", (_n, value, written) => {
    const line = formatLine("info", "m", { v: value }, NOW);
    expect(JSON.parse(line).v).toBe(written);
    expect(line).not.toContain("SECRET");
  });

  it("an undefined field is left out", () => {
    expect(doc({ a: undefined, b: 1 })).toEqual({ level: "info", msg: "m", time: NOW.toISOString(), b: 1 });
  });

  it("a field named __proto__ is written like any other", () => {
    const written = doc(JSON.parse('{"__proto__":"x"}'));
    expect(Object.getOwnPropertyDescriptor(written, "__proto__")?.value).toBe("x");
  });

  it("a field's name is capped and cleared of credentials too", () => {
    const fields = doc({ ["k".repeat(2_000)]: 1, "auth_token=SECRET123": 2 });
    const keys = Object.keys(fields).slice(3);
    expect(keys).toEqual([expect.stringMatching(/^k+…\[truncated \d+ of 2000 chars\]$/), "auth_token=[REDACTED]"]);
  });
});

describe("a line over MAX_LINE_BYTES", () => {
  /** Fields (each under the field cap) that make the line exactly `target` bytes long. */
  function fieldsForLine(target: number): Record<string, string> {
    const fields: Record<string, string> = {};
    const add = (size: number) => {
      fields[`f${String(Object.keys(fields).length).padStart(2, "0")}`] = "v".repeat(size);
      remaining -= 9 + size; // `,"fNN":"…"`: 9 bytes around the value
    };
    let remaining = target - bytes(formatLine("info", "m", {}, NOW));
    while (remaining > 9 + MAX_FIELD_BYTES + 9) add(MAX_FIELD_BYTES);
    if (remaining > 9 + MAX_FIELD_BYTES) add(MAX_FIELD_BYTES / 2);
    add(remaining - 9);
    expect(bytes(formatLine("info", "m", fields, NOW))).toBe(target);
    return fields;
  }

  it("exactly MAX_LINE_BYTES long is kept whole", () => {
    const fields = fieldsForLine(MAX_LINE_BYTES);
    expect(JSON.parse(formatLine("info", "m", fields, NOW))).toMatchObject(fields);
  });

  it("one byte longer keeps only level, msg and time, and says why", () => {
    const fields = fieldsForLine(MAX_LINE_BYTES);
    const last = Object.keys(fields).at(-1) as string;
    expect(fields[last].length).toBeLessThan(MAX_FIELD_BYTES); // so one more byte is written, not cut
    fields[last] += "v";
    const line = formatLine("info", "m", fields, NOW);
    expect(line).toBe(
      JSON.stringify({
        level: "info",
        msg: "m",
        time: "2024-01-02T03:04:05.678Z",
        truncated: `log line over ${MAX_LINE_BYTES} bytes; fields dropped`,
      }),
    );
    expect(MAX_LINE_BYTES).toBe(8192);
  });
});

describe("what each character costs a capped field (its JSON-escaped UTF-8 bytes)", () => {
  /** The mark a cut field ends with, counting UTF-16 units. */
  const mark = (kept: number, total: number) => `…[truncated ${total - kept} of ${total} chars]`;
  const BUDGET = MAX_FIELD_BYTES - 48; // what a cut field keeps before its mark

  it.each([
    ["an ASCII letter", "a", 1],
    ["DEL", "\x7f", 1],
    ["a quote", '"', 2],
    ["a backslash", "\\", 2],
    ["backspace", "\b", 2],
    ["tab", "\t", 2],
    ["line feed", "\n", 2],
    ["form feed", "\f", 2],
    ["carriage return", "\r", 2],
    ["NUL", "\0", 6],
    ["vertical tab", "\v", 6],
    ["unit separator", "\x1f", 6],
    ["U+0080", "\x80", 2],
    ["é", "é", 2],
    ["U+07FF", "\u07ff", 2],
    ["U+0800", "\u0800", 3],
    ["€", "€", 3],
    ["U+D7FF", "\ud7ff", 3],
    ["U+E000", "\ue000", 3],
    ["U+FFFF", "\uffff", 3],
    ["a surrogate pair", "😀", 4],
    ["the first surrogate pair (U+10000)", "\ud800\udc00", 4],
    ["the last surrogate pair (U+10FFFF)", "\udbff\udfff", 4],
    ["a lone high surrogate", "\ud800", 6],
    ["a lone high surrogate (U+DBFF)", "\udbff", 6],
    ["a lone low surrogate", "\udc00", 6],
    ["a lone low surrogate (U+DFFF)", "\udfff", 6],
  ])("%s costs %i: as many as fit are kept whole, one more cuts at the budget", (_n, unit, cost) => {
    const fits = unit.repeat(Math.floor(MAX_FIELD_BYTES / cost));
    expect(bytes(JSON.stringify(fits)) - 2).toBe(fits.length * (cost / unit.length)); // the model is JSON's
    expect(capBytes(fits, MAX_FIELD_BYTES)).toBe(fits);

    const over = unit.repeat(Math.floor(MAX_FIELD_BYTES / cost) + 1);
    const kept = unit.repeat(Math.floor(BUDGET / cost));
    expect(capBytes(over, MAX_FIELD_BYTES)).toBe(`${kept}${mark(kept.length, over.length)}`);
  });

  it.each([
    ["before an ASCII letter", (pad: string) => `\ud800${pad}`],
    ["at the end", (pad: string) => `${pad}\ud800`],
    ["before another high surrogate", (pad: string) => `\ud800\ud800${pad.slice(6)}`],
    ["before U+E000", (pad: string) => `\ud800\ue000${pad.slice(3)}`],
  ])("a high surrogate %s is lone: it costs 6", (_n, build) => {
    const fits = build("a".repeat(MAX_FIELD_BYTES - 6));
    expect(bytes(JSON.stringify(fits)) - 2).toBe(MAX_FIELD_BYTES);
    expect(capBytes(fits, MAX_FIELD_BYTES)).toBe(fits);
    expect(capBytes(build("a".repeat(MAX_FIELD_BYTES - 5)), MAX_FIELD_BYTES)).toMatch(
      /…\[truncated \d+ of \d+ chars\]$/,
    );
  });

  it("a cut never splits a surrogate pair", () => {
    const s = `a${"😀".repeat(200)}`;
    const kept = `a${"😀".repeat(87)}`; // 1 + 87 × 4 = 349 bytes; one more pair would pass the budget
    expect(capBytes(s, MAX_FIELD_BYTES)).toBe(`${kept}${mark(kept.length, s.length)}`);
  });

  it("when not even the first character fits before the mark, only the mark is left", () => {
    expect(capBytes("\0".repeat(20), 50)).toBe(mark(0, 20));
  });

  // Redaction can lengthen a string (`sig=a` → `sig=[REDACTED]`): the field is capped again after it.
  it("a field that redaction lengthens past the cap is cut again", () => {
    const { lines, log } = capture();
    log.info("m", { query: "&sig=a".repeat(66) });
    const query = JSON.parse(lines[0]).query as string;
    expect(bytes(query)).toBeLessThanOrEqual(MAX_FIELD_BYTES);
    expect(query).toMatch(/^&sig=\[REDACTED\].*…\[truncated \d+ of 990 chars\]$/);
  });

  // The cut comes first, so the mark counts what the client sent, and a long string is never redacted whole.
  it("the mark counts the characters sent, before redaction", () => {
    const { lines, log } = capture();
    log.info("m", { query: `${"x".repeat(390)}${"&sig=a".repeat(10)}` });
    expect(JSON.parse(lines[0]).query).toBe(`${"x".repeat(BUDGET)}${mark(BUDGET, 450)}`);
  });

  it("the message and level are capped and cleared of credentials like any field", () => {
    const { lines, log } = capture();
    log.info(`auth_token=SECRET123 ${"m".repeat(1_000)}`);
    const { level, msg } = JSON.parse(formatLine(`auth_token=SECRET123 ${"l".repeat(1_000)}`, "m", {}, NOW));
    for (const text of [JSON.parse(lines[0]).msg, level]) {
      expect(text).toMatch(/^auth_token=\[REDACTED\] .*…\[truncated \d+ of 1021 chars\]$/);
      expect(bytes(text)).toBeLessThanOrEqual(MAX_FIELD_BYTES);
    }
    expect(msg).toBe("m");
  });

  it("through the logger, a field of 200 line feeds (400 bytes escaped) is kept whole", () => {
    const { lines, log } = capture();
    log.info("m", { text: "\n".repeat(200) });
    expect(JSON.parse(lines[0]).text).toBe("\n".repeat(200));
  });
});

describe("the spelling a redacted string is logged in", () => {
  it.each([
    // A credential visible as sent: the rest of the string keeps its spelling.
    ["auth_token=SECRET123 at 100%25", "auth_token=[REDACTED] at 100%25"],
    ["auth_token=SECRET123;room=Ops", "auth_token=[REDACTED];room=Ops"],
    ["%E2%82%AC auth%5Ftoken=SECRET123", "%E2%82%AC auth%5Ftoken=[REDACTED]"],
    ['{"api_key": "SECRET123", "x": 1}', '{"api_key": "[REDACTED]", "x": 1}'],
    ["Authorization: Bearer%20SECRET123", "Authorization: Bearer%20[REDACTED]"],
    ["Basic\tSECRET123", "Basic\t[REDACTED]"],
    ["xoxb-123-SECRET and xapp-1-SECRET", "[REDACTED] and [REDACTED]"],
    // A key with nothing after it has nothing to hide.
    ["auth_token=&x=1", "auth_token=&x=1"],
    ["password: ", "password: "],
    // A credential visible only once decoded: logged decoded, with the value replaced.
    ["/x%3Fauth_token%3DSECRET123", "/x?auth_token=[REDACTED]"],
    ["/x%3fauth_token%3dSECRET123", "/x?auth_token=[REDACTED]"],
    ["pass%77ord=SECRET123", "password=[REDACTED]"],
    ["pass\\u0077ord=SECRET123", "password=[REDACTED]"],
    ["pass\\u0057ORD=SECRET123", "passWORD=[REDACTED]"],
    ["passw\\u006Frd=SECRET123", "password=[REDACTED]"],
    ["passw\\u006frd=SECRET123", "password=[REDACTED]"],
    // A run of percent-escapes is decoded as one UTF-8 sequence.
    ["%E2%82%ACpass%77ord=SECRET123", "€password=[REDACTED]"],
    ["Bearer\\u0020SECRET123", "Bearer [REDACTED]"],
    // Bytes that are not UTF-8 decode one by one (Latin-1) rather than stopping the decoding.
    ["%FFpass%77ord=SECRET123", "ÿpassword=[REDACTED]"],
    ["%FF%77pass%77ord=SECRET123", "ÿwpassword=[REDACTED]"],
  ])("%s → %s", (text, logged) => {
    expect(redact(text)).toBe(logged);
  });
});

describe("describeError", () => {
  it.each([
    ["an Error", new Error("boom"), "Error: boom"],
    ["a subclass", new TypeError("bad"), "TypeError: bad"],
    ["an Error with an Error cause", new Error("x", { cause: new RangeError("y") }), "Error: x (cause: RangeError: y)"],
    ["an Error with a non-Error cause", new Error("x", { cause: "token=abc" }), "Error: x"],
    ["a string", "boom", "string"],
    ["undefined", undefined, "undefined"],
    ["null", null, "object"],
    ["a number", 42, "number"],
  ])("describes %s as %j", (_n, err, described) => {
    expect(describeError(err)).toBe(described);
  });

  it("is cut to 500 characters", () => {
    const described = describeError(new Error("m".repeat(1_000)));
    expect(described).toBe(`Error: ${"m".repeat(493)}`);
  });

  it("a hostile name gives a fixed description", () => {
    const hostile = new Error("x");
    Object.defineProperty(hostile, "name", {
      get() {
        throw new Error("no");
      },
    });
    expect(describeError(hostile)).toBe("Error (its name or message could not be read)");
  });
});
