/**
 * The logger (handler/log.ts) keeps credentials and unbounded text out of the log whatever a caller
 * hands it: every string field is capped and cleared of tokens in any spelling a client can send.
 */
import * as fc from "fast-check";
import {
  createLogger,
  describeError,
  formatLine,
  MAX_FIELD_BYTES,
  MAX_LINE_BYTES,
  REDACTED,
  redact,
} from "../../handler/log";
import { albEvent } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
/** What a string field takes of its line: its JSON literal without the quotes. */
const fieldBytes = (v: string) => bytes(JSON.stringify(v)) - 2;

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger((l) => lines.push(l)) };
}

// ---------------------------------------------------------------------------------------------
// Spellings of a credential

/** Percent-encodes one character (as UTF-8), once or twice. */
const pct = (ch: string, twice: boolean) => {
  const once = [...Buffer.from(ch, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  return twice ? once.replace(/%/g, "%25") : once;
};

/** A string spelled character by character: as is, in either case, or percent-encoded (once or twice). */
const spelled = (s: string, mayChangeCase: boolean) =>
  fc
    .array(fc.constantFrom("plain", "upper", "lower", "pct", "pctUpperHex", "pct2"), {
      minLength: s.length,
      maxLength: s.length,
    })
    .map((how) =>
      [...s]
        .map((ch, i) => {
          switch (how[i]) {
            case "upper":
              return mayChangeCase ? ch.toUpperCase() : ch;
            case "lower":
              return mayChangeCase ? ch.toLowerCase() : ch;
            case "pct":
              return pct(ch, false);
            case "pctUpperHex":
              return pct(ch, false).toUpperCase();
            case "pct2":
              return pct(ch, true);
            default:
              return ch;
          }
        })
        .join(""),
    );

/** A HipChat-like token: what real clients carry (40 alphanumerics) and the odd URL-safe character. */
const tokenValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+/=-]{15,39}$/);

interface Embedded {
  /** The text with a credential in it. */
  text: string;
  /** The secret part: none of it may reach the log, in any spelling. */
  secret: string;
}

const queryToken: fc.Arbitrary<Embedded> = fc
  .tuple(
    spelled("auth_token", true),
    fc.constantFrom("?", ";", "&", "%3F", "%3f", "%3B", "%26", "%253F", "/"),
    fc.constantFrom("=", "%3D", "%3d", "%253D"),
    tokenValue,
    fc.boolean(),
  )
  .chain(([key, before, eq, secret, encodeValue]) =>
    (encodeValue ? spelled(secret, false) : fc.constant(secret)).map((value) => ({
      text: `${before}${key}${eq}${value}`,
      secret,
    })),
  );

const bearerToken: fc.Arbitrary<Embedded> = fc
  .tuple(fc.constantFrom("Bearer ", "bearer ", "BEARER\t", "Bearer%20", "Bearer+", "Basic "), tokenValue)
  .map(([scheme, secret]) => ({ text: `${scheme}${secret}`, secret }));

const slackToken: fc.Arbitrary<Embedded> = fc
  .tuple(
    fc.constantFrom("xoxb", "xoxp", "xoxa", "xoxe", "XOXB", "xapp"),
    fc.stringMatching(/^[0-9]{6,12}-[A-Za-z0-9]{16,30}$/),
  )
  .map(([prefix, rest]) => ({ text: `${prefix}-${rest}`, secret: rest }));

const credential = fc.oneof({ arbitrary: queryToken, weight: 4 }, bearerToken, slackToken);

const around = fc.oneof(
  fc.constantFrom("", "/v2/room/Ops/notification", "/v2/room/my%20room/message", "/v1/rooms/message", "x"),
  fc.webPath(),
  fc.string({ maxLength: 40 }),
);

/** A path or message with a credential somewhere in it. */
const withCredential = fc
  .tuple(around, credential, fc.oneof(fc.constant(""), fc.constantFrom("&x=1", ";y", "/notification"), around))
  .map(([before, c, after]) => ({ text: `${before}${c.text}${after}`, secret: c.secret }));

/** Every spelling of the secret (or of a long enough part of it) that would be a leak. */
function leaks(line: string, secret: string): string[] {
  const parts = [secret, secret.slice(0, 12), secret.slice(-12)];
  return parts
    .flatMap((p) => [p, encodeURIComponent(p), JSON.stringify(p).slice(1, -1)])
    .filter((p) => p.length >= 8 && line.includes(p));
}

describe("credentials never reach the log, in any spelling", () => {
  it("property: a credential in any string field, in any encoding, is redacted (3,000 runs)", () => {
    const fields = ["path", "room", "method", "traceId", "error", "channel", "slackError", "route"] as const;
    fc.assert(
      fc.property(withCredential, fc.constantFrom(...fields, "msg", "info field"), (c, where) => {
        const { lines, log } = capture();
        if (where === "msg") log.error(c.text);
        else if (where === "info field") log.info("event", { detail: c.text });
        else log.request({ route: "unknown", method: "POST", status: 404, latencyMs: 1, [where]: c.text });
        expect(leaks(lines[0], c.secret)).toEqual([]);
        expect(() => JSON.parse(lines[0])).not.toThrow();
      }),
      { numRuns: 3_000, seed: 0x10c5 },
    );
  });

  it.each([
    ["a percent-encoded query in the path", "/v2/room/Ops/notification%3Fauth_token%3DSECRETtoken0123456789"],
    ["a matrix parameter", "/v2/room/Ops/notification;auth_token=SECRETtoken0123456789"],
    ["mixed case, encoded letters", "/x?AUTH%5FToKeN=SECRETtoken0123456789&y=1"],
    ["double-encoded", "/x%253Fauth_token%253DSECRETtoken0123456789"],
    ["letter by letter", "/x?%61%75%74%68%5f%74%6f%6b%65%6e%3d%53ECRETtoken0123456789"],
    ["JSON", '{"auth_token":"SECRETtoken0123456789"}'],
    ["JSON-escaped key", '{"auth\\u005ftoken":"SECRETtoken0123456789"}'],
    ["a Bearer header", "Authorization: Bearer SECRETtoken0123456789"],
    ["a Slack token", "token xoxb-1234-5678-SECRETtoken0123456789 refused"],
    ["an access_token", "https://e.example/cb?access_token=SECRETtoken0123456789"],
  ])("%s", (_n, text) => {
    expect(redact(text)).not.toContain("SECRETtoken");
    expect(redact(text)).toContain(REDACTED);
  });

  it.each([
    "/v2/room/Ops/notification",
    "/v2/room/my%20room/notification",
    "/v2/room/%C3%A9t%C3%A9/notification",
    "Field auth_token is invalid: expected a string",
    "The proxy's secret is invalid: hipchatTokens must not be empty",
    "token_revoked",
    "Root=1-67890abc-0123456789abcdef01234567",
    "ProxyError: Slack rate limit reached for this room; retry after the reset time",
    "100%",
    "%zz%",
  ])("ordinary text is logged as it is: %s", (text) => {
    expect(redact(text)).toBe(text);
  });

  describe("through the handler: a token in the path of an unsupported call is not logged", () => {
    const secret = "path-token-ABCDEFGHIJ0123456789";
    it.each([
      ["percent-encoded query", `/v2/room/Ops/notification%3Fauth_token%3D${secret}`],
      ["matrix parameter", `/v2/room/Ops/notification;auth_token=${secret}`],
      ["encoded matrix parameter", `/v2/room/Ops/notification%3BAuth_Token%3d${secret}`],
      ["in an unknown route", `/v2/room/Ops/history&auth_token=${secret}`],
    ])("%s", async (_n, path) => {
      for (const authenticated of [true, false]) {
        const h = createHarness();
        const res = await h.invoke(
          albEvent({
            url: path,
            headers: authenticated ? { Authorization: `Bearer ${TOKENS.admin}` } : {},
            json: { message: "hello" },
          }),
        );
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(h.logs).toHaveLength(1);
        const line = JSON.stringify(h.logs[0]);
        expect(leaks(line, secret)).toEqual([]);
        expect(line).not.toContain(TOKENS.admin);
        if (h.logs[0].path !== undefined) expect(h.logs[0].path).toContain(REDACTED);
      }
    });

    it("property: random paths with a token embedded in a random encoding (500 runs)", async () => {
      const h = createHarness();
      await fc.assert(
        fc.asyncProperty(withCredential, fc.constantFrom("header", "query", "none"), async (c, auth) => {
          h.logs.length = 0;
          const path = `/${c.text.replace(/^\/+/, "").replace(/[?#\s]/g, encodeURIComponent)}`;
          await h.invoke(
            albEvent({
              url: auth === "query" ? `${path}?auth_token=${TOKENS.admin}` : path,
              headers: auth === "header" ? { Authorization: `Bearer ${TOKENS.admin}` } : {},
              json: { message: "hello" },
            }),
          );
          for (const entry of h.logs) {
            const line = JSON.stringify(entry);
            expect(leaks(line, c.secret)).toEqual([]);
            expect(line).not.toContain(TOKENS.admin);
          }
        }),
        { numRuns: 500, seed: 0x9a7 },
      );
    });
  });
});

describe("every string field is capped, and so is the line", () => {
  const anyString = fc.oneof(
    fc.string({ maxLength: 2_000 }),
    fc.string({ unit: "binary", maxLength: 2_000 }),
    fc.string({ unit: fc.constantFrom("\u0000", '"', "\\", "é", "€", "😀", "\ud800", "x"), maxLength: 3_000 }),
    fc.nat(1_000_000).map((n) => "r".repeat(n)),
  );

  it("property: no string field over MAX_FIELD_BYTES, a cut one is marked, no line over MAX_LINE_BYTES (1,000 runs)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), anyString, { maxKeys: 40 }), (fields) => {
        const line = formatLine("info", "event", fields);
        expect(bytes(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
        const doc = JSON.parse(line) as Record<string, unknown>;
        for (const [key, value] of Object.entries(doc)) {
          if (typeof value !== "string") continue;
          expect([key, fieldBytes(value) <= MAX_FIELD_BYTES]).toEqual([key, true]);
          const original = fields[key];
          if (original !== undefined && value !== original && !value.includes(REDACTED))
            expect(value).toMatch(/…\[truncated \d+ of \d+ chars\]$/);
        }
      }),
      { numRuns: 1_000, seed: 0xcab },
    );
  });

  it("a string that fits is kept whole", () => {
    const s = "a".repeat(MAX_FIELD_BYTES);
    expect(JSON.parse(formatLine("info", "m", { s })).s).toBe(s);
  });

  it("a 900,000-character room is cut to a few hundred characters and says so", () => {
    const { lines, log } = capture();
    log.request({ route: "v1.rooms.message", method: "POST", status: 400, latencyMs: 1, room: "r".repeat(900_000) });
    expect(bytes(lines[0])).toBeLessThan(1_000);
    expect(JSON.parse(lines[0]).room).toMatch(/^r+…\[truncated \d+ of 900000 chars\]$/);
  });

  it("a field cannot replace level, msg or time", () => {
    const doc = JSON.parse(formatLine("warn", "request", { level: "info", msg: "x", time: "y", __proto__x: 1 }));
    expect(doc).toMatchObject({ level: "warn", msg: "request" });
    expect(doc.time).not.toBe("y");
  });

  describe("through the handler", () => {
    it("a v1 form with a 900,000-character room_id → 400, and its log line stays small", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: `/v1/rooms/message?auth_token=${TOKENS.admin}`,
          form: { room_id: "r".repeat(900_000), message: "m" },
        }),
      );
      expect(res.statusCode).toBe(400);
      expect(h.logs).toHaveLength(1);
      expect(bytes(JSON.stringify(h.logs[0]))).toBeLessThan(2_000);
    });

    it("a 60 KB trace id, method and path → a log line under 8 KB", async () => {
      const h = createHarness();
      const event = albEvent({
        url: `/${"p".repeat(60_000)}?auth_token=${TOKENS.admin}`,
        headers: { "x-amzn-trace-id": "t".repeat(60_000) },
        method: "M".repeat(60_000),
        json: { message: "m" },
      });
      await h.invoke(event);
      expect(h.logs).toHaveLength(1);
      expect(bytes(JSON.stringify(h.logs[0]))).toBeLessThanOrEqual(MAX_LINE_BYTES);
    });
  });
});

describe("describeError", () => {
  it("never throws, even for an error whose name or message cannot be read", () => {
    const hostile = new Error("x");
    Object.defineProperty(hostile, "name", {
      get() {
        throw new Error("no");
      },
    });
    expect(describeError(hostile)).toMatch(/could not be read/);
    expect(describeError({ toString: 1 })).toBe("object");
  });
});
