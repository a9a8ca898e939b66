import fc from "fast-check";
import { escapeSlack, htmlToMrkdwn, textToMrkdwn, toSlackPayload, withFromPrefix } from "../../../handler/convert";
import type { ConvertOptions, HipChatCard, HipChatColor, HipChatMessage } from "../../../handler/convert";
import { truncate } from "../../../handler/convert/limits";
import { convertText } from "../../../handler/convert/text";
import { LOOKALIKE_OF, mrkdwnProblems, pairProblems, payloadProblems } from "./invariants";

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

/** Lone UTF-16 surrogates, high and low. */
const loneSurrogate = fc
  .oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff }))
  .map((c) => String.fromCharCode(c));

/** What `String.prototype.toWellFormed` does, written out (the TypeScript lib here predates it). */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

const webUrl = fc.webUrl({ withQueryParameters: true, withFragments: true });

/** A URL with `@all`/`@here` somewhere a URL allows it: fragment, query, path, after `;` or `%`. */
const urlWithMention = fc
  .tuple(
    webUrl,
    fc.constantFrom("@all", "@here", "@ALL", "@ann"),
    fc.constantFrom("#", "?", ";", "%", "/", "?q=", "&x=", "#/", "#x", ""),
    fc.constantFrom("end", "query", "fragment"),
  )
  .map(([url, mention, before, where]) => {
    const spot = `${before}${mention}`;
    const q = url.indexOf("?");
    const h = url.indexOf("#");
    if (where === "query" && q !== -1) {
      return `${url.slice(0, q + 1)}${spot}&${url.slice(q + 1)}`;
    }
    if (where === "fragment" && h !== -1) {
      return `${url.slice(0, h + 1)}${spot}${url.slice(h + 1)}`;
    }
    return `${url}${before === "" ? "/" : ""}${spot}`;
  });

const ON: ConvertOptions = { translateMentions: true, mentionUsers: { ann: "U0ANN" } };
const MENTION_OUT = /<(?:!channel|!here|@U0ANN)>/g;

const TYPED_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LOOKALIKE_OF).map(([k, v]) => [v, k]),
);

/**
 * Converted text with its links (`<url>`, or `<mailto:a@b|a@b>` for addresses) back to what they
 * show, and look-alikes back to what was typed. The grammar may end a link early on unusual punctuation
 * (`http://x.io/??a_b_`); the rest then is text, whose markers are neutralised like any other.
 */
function unlinked(out: string): string {
  return out
    .replace(/<((?:https?:\/\/|mailto:)[^<>|]*)>|<mailto:([^<>|]*)\|\2>/g, "$1$2")
    .replace(/[∗ˍ∼ˋ]/g, (c) => TYPED_OF[c]);
}

describe("properties: mentions and URLs", () => {
  it("a mention inside a URL stays part of the URL, which is one whole link", () => {
    fc.assert(
      fc.property(urlWithMention, fc.constantFrom("%s", "see %s now", "(%s)", "deploy done\n%s", "%s."), (url, ctx) => {
        const text = ctx.replace("%s", () => url);
        const out = textToMrkdwn(text, ON);
        expect(out.match(MENTION_OUT)).toBeNull();
        // The URL is linked from its start; nothing in or around it was lost or moved.
        expect(out).toContain(`<${/^[a-z]+:\/\/[a-z0-9.-]*/i.exec(url)?.[0]}`);
        expect(unlinked(out)).toBe(escapeSlack(text));
      }),
      RUNS,
    );
  });

  it("the same URLs in a share link (message, then the link) and in a colored message", () => {
    fc.assert(
      fc.property(urlWithMention, colors, (url, color) => {
        const payload = toSlackPayload({ message: `Release notes\n${url}`, format: "text", color }, ON);
        expect(payload.text).toBe("");
        const body = payload.attachments?.[0].text ?? "";
        expect(body.startsWith("Release notes\n<")).toBe(true);
        expect(body.match(MENTION_OUT)).toBeNull();
        expect(unlinked(body)).toBe(escapeSlack(`Release notes\n${url}`));
      }),
      RUNS,
    );
  });

  it("a mention at a word start next to a URL is still a mention", () => {
    fc.assert(
      fc.property(urlWithMention, (url) => {
        const out = textToMrkdwn(`@all ${url} @here`, ON);
        expect(out.startsWith("<!channel> <")).toBe(true);
        expect(out.endsWith(" <!here>")).toBe(true);
        expect(out.match(MENTION_OUT)).toHaveLength(2);
      }),
      RUNS,
    );
  });
});

/** Text made mostly of Slack's markers, words and spaces, with none of what becomes a token or an escape. */
const markerText = fc.string({
  unit: fc.constantFrom("*", "_", "~", "`", " ", "\n", "a", "b", "1", "é", "𝐀", "-", ",", "x_y", "\t"),
  maxLength: 60,
});

describe("properties: the sender's formatting characters", () => {
  it("text-format output has no pair of markers Slack could format, outside links, mentions and emoji", () => {
    fc.assert(
      fc.property(fc.oneof(markerText, anyText, fc.string({ unit: tricky, maxLength: 80 })), (text) => {
        expect(pairProblems(textToMrkdwn(text, ON))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("only swaps characters: each one is as typed or its look-alike (what copy and paste gives)", () => {
    fc.assert(
      fc.property(markerText, (text) => {
        const typed = text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
        const shown = textToMrkdwn(text, ON);
        expect(shown.length).toBe(typed.length);
        for (let i = 0; i < typed.length; i += 1) {
          expect([typed[i], LOOKALIKE_OF[typed[i]]]).toContain(shown[i]);
        }
        // And the fallback is exactly what was typed.
        expect(convertText(text, ON).plain).toBe(typed);
      }),
      RUNS,
    );
  });

  it("html: the sender's markers never pair, with each other or with ours", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(markerText, fc.constantFrom("<b>", "</b>", "<i>", "</i>", "<s>", "</s>", "<br>", "<p>")), {
          maxLength: 12,
        }),
        (parts) => {
          const html = parts.join("");
          // With the tags gone, the sender's markers alone would be text-format input: none may pair.
          const out = htmlToMrkdwn(html.replace(/<\/?[bis]>/g, ""));
          expect(pairProblems(out)).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});

describe("properties: lone surrogates", () => {
  const pieces = fc.oneof(
    fc.string({ unit: tricky, maxLength: 6 }),
    webUrl,
    loneSurrogate,
    loneSurrogate,
    fc.constantFrom("&", "lt;", "<", "!channel>", "@all", "😀", "\uD83D", "\uDE00", '<a href="', '">', "</a>"),
  );
  const withSurrogates = fc.array(pieces, { maxLength: 16 }).map((p) => p.join(""));

  it("text: converted as if each were U+FFFD; output well formed; links and escapes intact", () => {
    fc.assert(
      fc.property(withSurrogates, fc.boolean(), (text, translate) => {
        const opts = { translateMentions: translate, mentionUsers: { ann: "U0ANN" } };
        const out = convertText(text, opts);
        expect(out).toEqual(convertText(toWellFormed(text), opts));
        expect(toWellFormed(out.mrkdwn)).toBe(out.mrkdwn);
        expect(mrkdwnProblems(out.mrkdwn, translate)).toEqual([]);
        expect(mrkdwnProblems(out.plain, translate)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("html: converted as if each were U+FFFD; output well formed; links and escapes intact", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          withSurrogates,
          htmlish.chain((h) => loneSurrogate.map((l) => h.replace(/a/g, l))),
        ),
        (html) => {
          const out = htmlToMrkdwn(html);
          expect(out).toBe(htmlToMrkdwn(toWellFormed(html)));
          expect(toWellFormed(out)).toBe(out);
          expect(mrkdwnProblems(out, false)).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it("a lone surrogate next to a URL or an escape eats neither", () => {
    fc.assert(
      fc.property(webUrl, loneSurrogate, loneSurrogate, (url, l1, l2) => {
        const text = `${l1}${url}${l2}&${l1}lt;!channel${l2}&gt;`;
        const out = textToMrkdwn(text, ON);
        // The link may leave out trailing punctuation of the URL (`?`, `.`), which then follows it.
        const link = /^\uFFFD<([^<>]*)>/.exec(out);
        expect(link).not.toBeNull();
        const rest = out.slice(link![0].length);
        expect(unlinked(link![1] + rest)).toBe(`${escapeSlack(url)}\uFFFD&amp;\uFFFDlt;!channel\uFFFD&amp;gt;`);
        const html = `<a href="${url.replace(/&/g, "&amp;")}">${l1}x</a>&amp;${l2}lt;`;
        expect(htmlToMrkdwn(html)).toBe(`<${escapeSlack(url)}|\uFFFDx>&amp;\uFFFDlt;`);
      }),
      RUNS,
    );
  });

  it("whole payloads: never throw, well formed everywhere, every rule kept", () => {
    fc.assert(
      fc.property(
        fc.record(
          { message: withSurrogates, format: fc.constantFrom("html", "text"), color: colors, from: withSurrogates },
          {
            requiredKeys: ["message", "format"],
          },
        ) as fc.Arbitrary<HipChatMessage>,
        options,
        (msg, opts) => {
          const payload = toSlackPayload(msg, opts);
          const json = JSON.stringify(payload);
          expect(json).not.toMatch(
            /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i,
          );
          expect(toWellFormed(json)).toBe(json);
          expect(payloadProblems(payload, opts.translateMentions)).toEqual([]);
        },
      ),
      RUNS,
    );
  });
});
