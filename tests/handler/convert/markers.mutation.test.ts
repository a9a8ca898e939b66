/**
 * handler/convert/markers.ts: what counts as a space next to a marker. The ends of the text count
 * as spaces (nothing can follow the last character or precede the first), and so do a plain space,
 * a tab and a line break; any other character, the first one of the text included, is text.
 */
import { type MarkerAt, markerOf, markersToReplace } from "../../../handler/convert/markers";

/**
 * Classifies every marker in `s` as the sender's, except those at `fixed`, which must stay (as the
 * HTML converter's own formatting does): a sender's marker that can open or close anything on a
 * line with one of those is replaced.
 */
function replaced(s: string, fixed: readonly number[] = []): number[] {
  const at = (i: number): MarkerAt | undefined => {
    const m = markerOf(s[i]);
    return m === undefined ? undefined : { m, sender: !fixed.includes(i) };
  };
  return [...markersToReplace(s, at)].sort((a, b) => a - b);
}

describe("the ends of the text are spaces", () => {
  it.each<[string, string, readonly number[], number[]]>([
    // The sender's `*` at 2 is last: nothing follows it, so it cannot open, and a space precedes it.
    ["a marker that ends the text opens nothing", "* *", [0], []],
    // The sender's `*` at 0 is first: nothing precedes it, so it cannot close, and a space follows it.
    ["a marker that starts the text closes nothing", "* *", [2], []],
    // The first character is text like any other: the `*` right after it can close.
    ["a marker right after the first character can close", "a* *", [3], [1]],
    ["a marker right before the last character can open", "* *a", [0], [2]],
  ])("%s: %j", (_behaviour, s, fixed, expected) => {
    expect(replaced(s, fixed)).toEqual(expected);
  });
});

describe("a space, a tab and a line break keep a marker from pairing", () => {
  it.each<[string, number[]]>([
    ["*b*", [0, 2]],
    ["* b*", []],
    ["*\tb*", []],
    ["*b\t*", []],
    ["*\nb*", []],
    ["*b\u00a0*", [0, 3]], // other Unicode spaces count as text: a pair is found rather than missed
  ])("%j replaces %j", (s, expected) => {
    expect(replaced(s)).toEqual(expected);
  });
});
