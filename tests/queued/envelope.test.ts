/**
 * The envelope of queued delivery: what the request side stores and the worker reads back. Every
 * message the proxy accepts fits SQS's 256 KiB with room to spare: the largest ones the validation
 * lets through (every field at its limit, in the characters that cost most once converted, escaped
 * and JSON-encoded) are built through the real proxy and measured.
 */
import * as fc from "fast-check";
import {
  decodeEnvelope,
  ENVELOPE_MAX_BYTES,
  type Envelope,
  envelopeBytes,
  isRef,
  messageGroupId,
  newRef,
  SQS_MESSAGE_MAX_BYTES,
} from "../../handler/delivery/envelope";
import { createLogger } from "../../handler/log";
import { createProxy } from "../../handler/proxy";
import { parseSettings } from "../../handler/settings";
import { albEvent } from "../support/albEvents";

const TOKEN = "envelope-token-0123456789";
const stored: { envelope: Envelope; encoded: string }[] = [];
const proxy = createProxy({
  settings: parseSettings({
    ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
    USER_MAP: JSON.stringify({ "@bob": "U0BOB0001" }),
  }),
  secrets: { get: async () => ({ slackToken: "xoxb-x", tokens: [{ token: TOKEN }] }), invalidate: () => undefined },
  slack: { post: () => Promise.reject(new Error("queued mode never posts")) },
  log: createLogger(() => undefined),
  queue: {
    enqueue: async (envelope, encoded) => {
      stored.push({ envelope, encoded });
    },
  },
});

async function accept(body: Record<string, unknown>, path = "/v2/room/Ops/notification"): Promise<number> {
  const res = await proxy(albEvent({ method: "POST", url: `${path}?auth_token=${TOKEN}`, json: body }), {
    getRemainingTimeInMillis: () => 30_000,
  });
  return res.statusCode;
}

/** The characters that cost most: escaped (&, <, >), JSON-escaped (", \), 3-byte, 4-byte, noncharacters. */
const COSTLY = ["&", "<", '"', "\\", "€", "\u{1F600}", "\uFFFF", "\u2028"];

function maxCard(ch: string) {
  const s = (n: number) => ch.repeat(Math.ceil(n / ch.length)).slice(0, n);
  return {
    style: "application",
    title: s(500),
    id: s(256),
    url: `https://example.com/${s(1900)}`,
    format: "medium",
    description: { value: s(1000), format: "html" },
    thumbnail: { url: `https://example.com/${s(200)}`, "url@2x": `https://example.com/${s(200)}`, width: 1, height: 1 },
    activity: { html: s(5000), icon: { url: `https://example.com/${s(200)}` } },
    attributes: Array.from({ length: 50 }, () => ({
      label: s(50),
      value: {
        label: s(1000),
        url: `https://example.com/${s(1900)}`,
        style: "lozenge",
        icon: { url: `https://e.com/${s(200)}` },
      },
    })),
    icon: { url: `https://example.com/${s(200)}` },
  };
}

describe("the largest messages fit SQS", () => {
  const sizes: [string, number][] = [];
  afterAll(() => {
    sizes.sort((a, b) => b[1] - a[1]);
    process.stderr.write(
      `largest envelopes: ${sizes
        .slice(0, 3)
        .map(([n, b]) => `${n} ${b} B`)
        .join("; ")} (limit ${ENVELOPE_MAX_BYTES} B)\n`,
    );
  });

  it.each(COSTLY.map((ch) => [JSON.stringify(ch), ch] as const))(
    "every field at its limit in %s",
    async (_name, ch) => {
      const message = ch.repeat(Math.floor(10_000 / ch.length));
      const bodies: [string, Record<string, unknown>, string?][] = [
        ["html", { message, message_format: "html", color: "red", from: ch.repeat(64 / ch.length) }],
        ["text", { message, message_format: "text", from: ch.repeat(64 / ch.length) }],
        [
          "card",
          { message, message_format: "html", color: "green", from: ch.repeat(64 / ch.length), card: maxCard(ch) },
        ],
        ["text card", { message, message_format: "text", card: maxCard(ch), attach_to: "1700000000.123456" }],
        ["room message", { message }, "/v2/room/Ops/message"],
        ["user message", { message, message_format: "html", from: "x" }, "/v2/user/@bob/message"],
      ];
      for (const [kind, body, path] of bodies) {
        stored.length = 0;
        const status = await accept(body, path);
        expect([kind, status]).toEqual([kind, path?.endsWith("/message") && !path.includes("/user/") ? 201 : 204]);
        const [{ encoded, envelope }] = stored;
        const bytes = envelopeBytes(encoded);
        sizes.push([`${kind} in ${JSON.stringify(ch)}`, bytes]);
        expect([kind, bytes <= ENVELOPE_MAX_BYTES]).toEqual([kind, true]);
        // Read back exactly, and SQS accepts every character of it.
        expect(decodeEnvelope(encoded)).toEqual(envelope);
        expect(/[\uFFFE\uFFFF]/.test(encoded)).toBe(false);
      }
    },
  );

  it("random messages and cards: every envelope fits and reads back", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", minLength: 1, maxLength: 10_000 }),
        fc.constantFrom("html", "text"),
        fc.boolean(),
        async (message, format, card) => {
          stored.length = 0;
          const status = await accept({ message, message_format: format, ...(card ? { card: maxCard("€") } : {}) });
          if (status !== 204) return; // refused by validation: nothing stored
          const [{ encoded, envelope }] = stored;
          expect(envelopeBytes(encoded)).toBeLessThanOrEqual(ENVELOPE_MAX_BYTES);
          expect(decodeEnvelope(encoded)).toEqual(envelope);
        },
      ),
      { numRuns: 25, seed: 4242 },
    );
  });
});

describe("envelopes", () => {
  it("leave room for the dead-letter attributes under SQS's limit", () => {
    expect(ENVELOPE_MAX_BYTES).toBeLessThanOrEqual(SQS_MESSAGE_MAX_BYTES - 4096);
  });

  it("refs look like Slack timestamps with a 9-digit fraction, and are told apart from them", () => {
    const ref = newRef(1_700_000_000_123);
    expect(ref).toMatch(/^1700000000\.123\d{6}$/);
    expect(isRef(ref)).toBe(true);
    expect(isRef("1700000000.123456")).toBe(false);
    expect(new Set(Array.from({ length: 1000 }, () => newRef(1_700_000_000_000))).size).toBeGreaterThan(990);
  });

  it("group ids: the channel when SQS takes it, else a digest", () => {
    expect(messageGroupId("#deploys")).toBe("#deploys");
    expect(messageGroupId("C0123ABCD")).toBe("C0123ABCD");
    expect(messageGroupId("#déploiements")).toMatch(/^h-[0-9a-f]{40}$/);
    expect(messageGroupId("#déploiements")).toBe(messageGroupId("#déploiements"));
  });

  it("a foreign or broken body is refused with a reason, never retried", () => {
    for (const [body, reason] of [
      ["not json", /not JSON/],
      ["[]", /unknown version|not an object/],
      [JSON.stringify({ v: 2 }), /unknown version 2/],
      [
        JSON.stringify({ v: 1, id: "x", channel: "#a", acceptedAt: 1, message: { channel: "#b", text: "t" } }),
        /no message for its channel/,
      ],
    ] as const) {
      expect(() => decodeEnvelope(body)).toThrow(reason);
    }
  });
});
