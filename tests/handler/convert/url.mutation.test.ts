/**
 * handler/convert/url.ts: which URLs `safeUrl` lets through and exactly what it returns for them
 * (the scheme written out at the very start, the 2,048-character limit before and after encoding,
 * `mailto:` only with an address and only where allowed), and the two forms of `mrkdwnLink`.
 */
import { URL_MAX } from "../../../handler/convert/limits";
import { mrkdwnLink, safeUrl } from "../../../handler/convert/url";

describe("the scheme must be written out at the start", () => {
  it.each<[string, string]>([
    // WHATWG URL parsing accepts these as http(s) URLs; the check on the text as written does not.
    ["http without slashes", "http:example.com"],
    ["https with one slash", "https:/example.com"],
    // `http://` appears, but only in the query: the text does not start with it.
    ["a scheme later in the text", "http:example.com/?next=http://x.io"],
    ["text before the scheme", "see http://x.io"],
    ["javascript: split by a line break", "java\nscript:alert(1)"],
    ["no host", "http://"],
    ["an unparsable host", "https://[x/"],
  ])("%s: %j is refused", (_case, raw) => {
    expect(safeUrl(raw, true)).toBeUndefined();
  });

  it.each<[string, string]>([
    ["HTTPS://X.io/A", "HTTPS://X.io/A"],
    ["  http://x.io/a  ", "http://x.io/a"],
    // Browsers drop tabs and line breaks anywhere in a URL; so does this, before checking.
    ["https://exa\nmple.com/a\tb\r", "https://example.com/ab"],
  ])("%j is kept as written: %j", (raw, expected) => {
    expect(safeUrl(raw, false)).toBe(expected);
  });

  it("anything but a string is refused", () => {
    expect(safeUrl(42, true)).toBeUndefined();
    expect(safeUrl(undefined, true)).toBeUndefined();
  });
});

describe("mailto", () => {
  it.each<[string, boolean, string | undefined]>([
    ["mailto:ann@x.io", true, "mailto:ann@x.io"],
    ["MAILTO:ann@x.io", true, "MAILTO:ann@x.io"],
    ["mailto:ann@x.io", false, undefined],
    // No address: nothing to write to.
    ["mailto:", true, undefined],
    ["mailto:?subject=hi", true, undefined],
  ])("safeUrl(%j, %s) is %j", (raw, allowMailto, expected) => {
    expect(safeUrl(raw, allowMailto)).toBe(expected);
  });
});

describe("the 2,048-character limit", () => {
  const PREFIX = "https://x.io/";
  const url = (length: number, tail = ""): string => PREFIX + "a".repeat(length - PREFIX.length - tail.length) + tail;

  it.each<[string, string, string | undefined]>([
    ["exactly the limit is kept", url(URL_MAX), url(URL_MAX)],
    ["one over is refused", url(URL_MAX + 1), undefined],
    // `|` becomes `%7C`, two characters longer: the limit applies to what is sent.
    ["exactly the limit once encoded is kept", url(URL_MAX - 2, "|"), `${url(URL_MAX - 2, "|").slice(0, -1)}%7C`],
    ["within the limit as written, over it once encoded, is refused", url(URL_MAX - 1, "|"), undefined],
  ])("%s", (_case, raw, expected) => {
    expect(safeUrl(raw, false)).toBe(expected);
  });
});

describe("characters that would end a Slack link are encoded", () => {
  it("spaces, <, >, |, quotes and backticks", () => {
    expect(safeUrl('https://x.io/a b<c>|"d"`e`', false)).toBe("https://x.io/a%20b%3Cc%3E%7C%22d%22%60e%60");
  });
});

describe("mrkdwnLink", () => {
  it.each<[string, string, string]>([
    ["https://x.io/?a=1&b=2", "", "<https://x.io/?a=1&amp;b=2>"],
    // The label is compared with the escaped URL, which is what it would show.
    ["https://x.io/?a=1&b=2", "https://x.io/?a=1&amp;b=2", "<https://x.io/?a=1&amp;b=2>"],
    ["https://x.io/", "the docs", "<https://x.io/|the docs>"],
  ])("mrkdwnLink(%j, %j) is %j", (url, label, expected) => {
    expect(mrkdwnLink(url, label)).toBe(expected);
  });
});
