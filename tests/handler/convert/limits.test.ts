import { ATTACHMENT_TEXT_MAX, clip, TEXT_MAX, truncate } from "../../../handler/convert/limits";

describe("truncate", () => {
  it.each([
    ["fits: unchanged", "hello", 5, "hello"],
    ["plain cut", "hello world", 8, "hello…"],
    ["trailing space before … dropped", "abc def", 5, "abc…"],
    ["never inside &amp;", "ab&amp;cd", 5, "ab…"],
    ["after a complete entity", "ab&amp;cd", 8, "ab&amp;…"],
    ["never inside a link", "see <https://x.io/long|label> now", 20, "see…"],
    ["never inside a mention", "hi <!channel> all", 10, "hi…"],
    ["after a complete link", "<https://x.io|x> and more", 20, "<https://x.io|x>…"],
    ["word boundary never inside a link label", "x <https://x.io|a b c d> y", 20, "x…"],
    ["long words are cut where they are", "a".repeat(50), 10, "aaaaaaaaa…"],
    ["closes an open fence", "intro\n```\nline1\nline2\nline3\n```", 22, "intro\n```\nline1…\n```"],
    ["never splits a fence", "ab```cd", 4, "ab…"],
    ["never splits a surrogate pair", "ab😀cd", 4, "ab…"],
    ["max smaller than the ellipsis", "abc", 0, ""],
  ])("%s", (_name, s, max, expected) => {
    // Act
    const out = truncate(s, max);
    // Assess
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });

  it("cuts a 50,000-character escaped message to Slack's limit", () => {
    const s = "&amp;".repeat(10_000);
    const out = truncate(s, TEXT_MAX);
    expect(out.length).toBeLessThanOrEqual(TEXT_MAX);
    expect(out.endsWith("&amp;…")).toBe(true);
  });

  it("leaves room for everything else in an attachment", () => {
    expect(ATTACHMENT_TEXT_MAX).toBe(26_200);
  });
});

describe("clip", () => {
  it.each([
    ["abc", 5, "abc"],
    ["abcdef", 3, "abc"],
    ["a😀", 2, "a"],
  ])("clip(%j, %d) = %j", (s, max, expected) => {
    expect(clip(s, max)).toBe(expected);
  });
});
