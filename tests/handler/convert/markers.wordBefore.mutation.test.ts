/**
 * handler/convert/markers.ts: an underscore right after a letter or digit cannot open (Slack leaves
 * `snake_case` alone), and the letter is read as a whole code point, so a letter outside the Basic
 * Multilingual Plane (two UTF-16 units) counts as one, whichever low surrogate ends it. Also, which
 * positions `markersToReplace` asks its classifier about.
 */
import { type MarkerAt, markerOf, markersToReplace } from "../../../handler/convert/markers";

/** Every marker in `s` is the sender's; returns the positions to replace, in order. */
function replaced(s: string): number[] {
  const at = (i: number): MarkerAt | undefined => {
    const m = markerOf(s[i]);
    return m === undefined ? undefined : { m, sender: true };
  };
  return [...markersToReplace(s, at)].sort((a, b) => a - b);
}

describe("an underscore after a letter of two UTF-16 units is mid-word", () => {
  // In `X_b_` the first `_` follows the letter X: it cannot open, so the second has nothing to
  // close and both stay. Were X not read as a letter, `_b_` would pair and both would be replaced.
  it.each<[string, string]>([
    // U+1D400 is D835 DC00: its low surrogate is the lowest there is.
    ["U+1D400 MATHEMATICAL BOLD CAPITAL A, at the start of the text", "\u{1d400}_b_"],
    ["U+1D400 after other text", "x \u{1d400}_b_"],
    // U+20000 (D840 DC00) and U+203FF (D840 DFFF): CJK ideographs, the lowest and highest low surrogate.
    ["U+20000, a CJK ideograph", "\u{20000}_b_"],
    ["U+203FF, a CJK ideograph ending in the highest low surrogate", "x \u{203ff}_b_"],
    ["U+FF21 FULLWIDTH LATIN CAPITAL LETTER A, one unit above the surrogates", " \uff21_b_"],
    ["a plain letter, for comparison", "a_b_"],
  ])("%s: %j replaces nothing", (_letter, s) => {
    expect(replaced(s)).toEqual([]);
  });

  // The same shape after something that is not a letter: the first `_` opens and pairs.
  it.each<[string, string, number[]]>([
    ["an emoji (two units, not a letter)", "\u{1f600}_b_", [2, 4]],
    ["an emoji after a letter", "a\u{1f600}_b_", [3, 5]],
    ["a space", "x _b_", [2, 4]],
    ["the start of the text", "_b_", [0, 2]],
  ])("after %s, %j pairs", (_before, s, expected) => {
    expect(replaced(s)).toEqual(expected);
  });
});

describe("the classifier is asked about each position once", () => {
  // Line breaks end every scope but the backticks' and are never markers, so they are not asked
  // about; nor is any position past the end of the text.
  it.each<[string, number[]]>([
    ["a*b", [0, 1, 2]],
    ["*\n_", [0, 2]],
    ["", []],
  ])("%j: positions %j", (s, expected) => {
    const asked: number[] = [];
    markersToReplace(s, (i) => {
      asked.push(i);
      // A classifier that calls every position a marker, so an extra question would show in the result too.
      return { m: "*", sender: true };
    });
    expect(asked).toEqual(expected);
  });

  it("a classifier answering for the end of the text changes nothing", () => {
    // Were the position after the last character asked about, this `*` there would close the one at 0.
    const at = (i: number): MarkerAt | undefined => (i === 0 || i === 2 ? { m: "*", sender: true } : undefined);
    expect([...markersToReplace("*a", at)]).toEqual([]);
  });
});
