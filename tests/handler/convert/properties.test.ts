import fc from "fast-check";
import { htmlToMrkdwn, textToMrkdwn, toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { ConvertOptions, HipChatCard, HipChatColor, HipChatMessage } from "../../../handler/convert";
import { truncate } from "../../../handler/convert/limits";
import { mrkdwnProblems, payloadProblems } from "./invariants";

const RUNS = { numRuns: 1_000 };

/** Pieces that matter to Slack, HTML or the converter's own internals, mixed into random text. */
const tricky = fc.constantFrom(
  "<",
  ">",
  "&",
  "!",
  "@",
  "#",
  "|",
  "*",
  "_",
  "~",
  "`",
  "```",
  " ",
  "  ",
  "\n",
  "\t",
  "\r\n",
  ";",
  ":",
  "/",
  ".",
  "(",
  ")",
  "a",
  "b",
  "U1",
  "C1",
  "all",
  "here",
  "channel",
  "everyone",
  "amp;",
  "lt;",
  "gt;",
  "&lt;",
  "&amp;",
  "&#60;",
  "&#x3C;",
  "<!channel>",
  "<@U123>",
  "<#C1>",
  "<http://x.io|y>",
  "@all",
  "@here",
  "@ann",
  "a@all.io",
  "(successful)",
  "(yey)",
  "(constructor)",
  "http://x.io/?a=1&b=2",
  "mailto:a@b.c",
  "javascript:alert(1)",
  "\u0000",
  "\u0001",
  "\u0002",
  "\u0003",
  "\u0004",
  "\u0005",
  "\u0008",
  "\u000b",
  "\u00a0",
  "😀",
  "\u200b",
  "\u2028",
);

const anyText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: tricky, maxLength: 80 }),
);

const hrefs = fc.oneof(
  fc.constantFrom(
    "http://x.io",
    "https://x.io/a?b=1&c=2",
    "https://x.io/a|b>c",
    " https://x.io/a b ",
    "HTTPS://X.IO/",
    "mailto:ops@x.io",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<b>",
    "/relative",
    "ftp://x.io",
    "http://",
    "https://x.io/<!channel>",
    "",
  ),
  fc.string({ unit: tricky, maxLength: 20 }),
);

const quoted = (s: string): string => `"${s.replace(/"/g, "&quot;")}"`;

const tag = fc.oneof(
  fc
    .constantFrom(
      "b",
      "strong",
      "i",
      "em",
      "s",
      "strike",
      "del",
      "code",
      "pre",
      "p",
      "div",
      "span",
      "ul",
      "ol",
      "li",
      "table",
      "thead",
      "tbody",
      "tr",
      "td",
      "th",
      "blockquote",
      "h1",
      "h3",
      "q",
      "u",
      "font",
      "script",
      "style",
      "head",
      "caption",
    )
    .chain((name) => fc.constantFrom(`<${name}>`, `</${name}>`, `<${name} style="font-weight:bold">`)),
  fc.constantFrom(
    "<br>",
    "<br/>",
    "<hr>",
    "<!-- c -->",
    "<!channel>",
    "<@U1>",
    "</a>",
    '<ol start="5">',
    '<span style="text-decoration:line-through">',
  ),
  hrefs.map((h) => `<a href=${quoted(h)}>`),
  fc
    .tuple(hrefs, fc.string({ unit: tricky, maxLength: 10 }))
    .map(([src, alt]) => `<img src=${quoted(src)} alt=${quoted(alt)}>`),
);

const htmlish = fc
  .array(fc.oneof(tag, anyText, fc.constantFrom("&nbsp;", "&lt;!channel&gt;", "&amp;", "&#0;", "&#1;")), {
    maxLength: 40,
  })
  .map((parts) => parts.join(""));

const colors = fc.constantFrom<HipChatColor>("yellow", "green", "red", "purple", "gray", "random");

const cardArb: fc.Arbitrary<HipChatCard> = fc.record(
  {
    style: fc.constantFrom("file", "image", "application", "link", "media"),
    title: anyText,
    id: fc.string({ maxLength: 10 }),
    url: hrefs,
    format: fc.constantFrom("compact", "medium"),
    description: fc.oneof(
      anyText,
      fc.record({ value: fc.oneof(anyText, htmlish), format: fc.constantFrom("html", "text") }),
    ),
    thumbnail: fc.record({ url: hrefs }),
    activity: fc.record({ html: htmlish }),
    attributes: fc.array(
      fc.record(
        { label: anyText, value: fc.record({ label: anyText, url: hrefs }, { requiredKeys: ["label"] }) },
        { requiredKeys: ["value"] },
      ),
      { maxLength: 25 },
    ),
  },
  { requiredKeys: ["style", "title"] },
) as fc.Arbitrary<HipChatCard>;

const message: fc.Arbitrary<HipChatMessage> = fc.record(
  {
    message: fc.oneof(anyText, htmlish),
    format: fc.constantFrom("html", "text"),
    color: colors,
    from: anyText,
    card: cardArb,
  },
  { requiredKeys: ["message", "format"] },
) as fc.Arbitrary<HipChatMessage>;

const options: fc.Arbitrary<ConvertOptions> = fc.record({
  translateMentions: fc.boolean(),
  mentionUsers: fc.constant({ ann: "U0ANN", bob: "not-an-id" }),
  random: fc.double({ noNaN: false }).map((d) => () => d),
});

/** Messages big enough to hit every truncation path (HipChat allows 10,000 characters). */
const bigMessage: fc.Arbitrary<HipChatMessage> = fc
  .tuple(message, fc.oneof(htmlish, anyText), fc.integer({ min: 50, max: 2_000 }))
  .map(([msg, chunk, times]) => ({ ...msg, message: (chunk || "&<>").repeat(times).slice(0, 10_000) }));

describe("properties", () => {
  it("htmlToMrkdwn: any input gives escaped text whose only <…> are links it built", () => {
    fc.assert(
      fc.property(fc.oneof(anyText, htmlish), (html) => {
        const out = htmlToMrkdwn(html);
        expect(mrkdwnProblems(out, false)).toEqual([]);
        expect((out.match(/```/g) ?? []).length % 2).toBe(0);
        expect(out).not.toMatch(/\n{4}/);
        expect(out).toBe(out.replace(/^[ \t\n]+|[ \t\n]+$/g, ""));
      }),
      RUNS,
    );
  });

  it("textToMrkdwn: without mention translation nothing but escaped text comes out", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(mrkdwnProblems(textToMrkdwn(text, { translateMentions: false }), false)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("textToMrkdwn: with translation the only control sequences are mentions", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const out = textToMrkdwn(text, { translateMentions: true, mentionUsers: { ann: "U0ANN", all: "U0ALL" } });
        expect(mrkdwnProblems(out, true)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("toSlackPayload: never throws, fits every limit, forges nothing", () => {
    fc.assert(
      fc.property(message, options, (msg, opts) => {
        const payload = toSlackPayload(msg, opts);
        expect(payloadProblems(payload, opts.translateMentions)).toEqual([]);
        expect(payload.attachments === undefined).toBe(msg.color === undefined && msg.card === undefined);
      }),
      RUNS,
    );
  });

  it("toSlackPayload: large messages are cut safely", () => {
    fc.assert(
      fc.property(bigMessage, options, (msg, opts) => {
        const payload = toSlackPayload(msg, opts);
        expect(payloadProblems(payload, opts.translateMentions)).toEqual([]);
        // Fences typed into text-format messages are the sender's; html output must balance them.
        if (msg.format === "html") {
          const bodies = msg.card === undefined ? (payload.attachments ?? []).map((a) => a.text ?? "") : [];
          for (const s of [payload.text, ...bodies]) {
            expect((s.match(/```/g) ?? []).length % 2).toBe(0);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  }, 120_000);

  it("withFromPrefix: the fallback payload follows the same rules and has no username", () => {
    fc.assert(
      fc.property(message, options, anyText, (msg, opts, from) => {
        const payload = withFromPrefix(toSlackPayload(msg, opts), from);
        expect(payload.username).toBeUndefined();
        expect(payloadProblems(payload, opts.translateMentions)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("truncate: any cut of converted text stays within max and keeps links, escapes and fences whole", () => {
    fc.assert(
      fc.property(htmlish, fc.integer({ min: 0, max: 400 }), (html, max) => {
        const out = truncate(htmlToMrkdwn(html), max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(mrkdwnProblems(out, false)).toEqual([]);
        expect((out.match(/```/g) ?? []).length % 2).toBe(0);
      }),
      RUNS,
    );
  });
});
