/**
 * handler/convert/limits.ts, `clip`: exactly which code units start a surrogate pair (U+D800 to
 * U+DBFF, the only ones a cut may not land after), and that text already within the limit is never
 * touched.
 */
import { clip } from "../../../handler/convert/limits";

describe("clip never ends on the first half of a surrogate pair", () => {
  it.each<[string, string, string]>([
    ["U+10000 starts with U+D800, the lowest high surrogate", "a\u{10000}b", "a"],
    ["U+10FFFF starts with U+DBFF, the highest high surrogate", "a\u{10ffff}b", "a"],
    ["U+D7FF, just below the surrogates, is a whole character", "a\ud7ffb", "a\ud7ff"],
    ["U+DC00, a low surrogate, ends a pair rather than starting one", "a\udc00b", "a\udc00"],
    ["U+FF21, above the surrogates, is a whole character", "a\uff21b", "a\uff21"],
  ])("%s", (_behaviour, s, expected) => {
    expect(clip(s, 2)).toBe(expected);
  });
});

describe("clip leaves text that fits as it is", () => {
  // Only a cut can split a pair; a string that fits is not cut, whatever its last code unit.
  it.each<[string, number]>([
    ["a\ud800", 2],
    ["a\ud800", 3],
    ["", 0],
  ])("clip(%j, %d) is the same string", (s, max) => {
    expect(clip(s, max)).toBe(s);
  });

  it("a limit of zero or less leaves nothing", () => {
    expect(clip("\ud83d\ude00", 0)).toBe("");
    expect(clip("abc", -1)).toBe("");
  });
});
