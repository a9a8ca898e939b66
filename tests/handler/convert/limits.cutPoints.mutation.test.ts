/**
 * handler/convert/limits.ts, `truncate`: the exact cut point each safety rule picks. Each case is
 * built so that only the rule it names decides where the text ends: the word back-off (how far back,
 * and only from inside a word), the surrogate pair, an `&` entity, a `<…>` link or mention, a run of
 * backticks, and a limit too small for the ellipsis.
 */
import { truncate } from "../../../handler/convert/limits";

/** Every case must also honour the limit itself, whatever rule picked the cut. */
function expectCut(s: string, max: number, expected: string): void {
  const out = truncate(s, max);
  expect(out).toBe(expected);
  expect(out.length).toBeLessThanOrEqual(max);
}

describe("the word back-off", () => {
  it.each<[string, string, number, string]>([
    // The cut lands on the space after "efgh": the text already ends on a whole word there.
    ["a cut that lands on a space keeps the word before it", "abcd efgh ijkl", 10, "abcd efgh…"],
    // Cut inside "ijkl": back to the space after "efgh".
    ["a cut inside a word backs off to the space before it", "abcd efgh ijkl", 12, "abcd efgh…"],
    // The space right after the cut point is not looked at: the back-off only ever moves left.
    ["a space just after the cut does not pull the cut forward", "abcdefgh ijk", 8, "abcdefg…"],
    // Backing off to a space at index 0 would leave nothing but the ellipsis.
    ["a space at the very start is no word end to back off to", " abcdef", 5, " abc…"],
  ])("%s: truncate(%j, %d)", (_behaviour, s, max, expected) => {
    expectCut(s, max, expected);
  });

  // The cut of `max - 1` is at index 21 or 22; the only space is at index 1.
  const s = `x ${"y".repeat(40)}`;
  it.each<[string, number, string]>([
    ["a space exactly 20 characters back is used", 22, "x…"],
    ["a space 21 characters back is too far: the long word is cut where it is", 23, `x ${"y".repeat(20)}…`],
  ])("%s", (_behaviour, max, expected) => {
    expectCut(s, max, expected);
  });
});

describe("a surrogate pair at the cut", () => {
  it.each<[string, string, number, string]>([
    // The cut falls between the halves of 😀; the whole emoji goes, and the word in front of it stays
    // (its start, the space at index 1, is 21 characters before the emoji's second half: too far).
    ["the emoji goes, the word before it stays", `a ${"b".repeat(19)}😀cd`, 23, `a ${"b".repeat(19)}…`],
    ["a cut inside an emoji after a word", `Deploy ${"x".repeat(19)}🚀 done`, 28, `Deploy ${"x".repeat(19)}…`],
    ["a short word before the emoji", "abc😀def", 5, "abc…"],
  ])("%s: truncate(%j, %d)", (_behaviour, s, max, expected) => {
    expectCut(s, max, expected);
  });
});

describe("an & entity at the cut", () => {
  it.each<[string, string, number, string]>([
    // "AT&T" escaped: the cut is before the `&`, so the entity is not split and need not be dropped.
    ["an entity that starts after the cut does not move it", "AT&amp;T", 2, "A…"],
    ["a finished entity right before the cut is kept", "x&lt;yz", 6, "x&lt;…"],
    ["the cut never ends inside an entity", "x&lt;yz", 5, "x…"],
    // A bare `&` (text that was not escaped) with no `;` anywhere is taken as an unfinished entity.
    ["a bare & within four characters of the cut is cut off", "ab&cd", 4, "ab…"],
    // `&amp;` is the longest entity: an `&` five or more characters back cannot be one the cut is in.
    ["an & five characters back is left alone", "ab&cdefghij", 8, "ab&cdef…"],
    ["an & four characters back without ; is cut off", "ab&cdefghij", 7, "ab…"],
  ])("%s: truncate(%j, %d)", (_behaviour, s, max, expected) => {
    expectCut(s, max, expected);
  });
});

describe("a <…> link or mention at the cut", () => {
  it.each<[string, string, number, string]>([
    // The mention starts right after the cut point: it is not split, so it does not move the cut.
    ["a mention that starts after the cut does not move it", "ab<@U1>", 2, "a…"],
    // Cut inside `<@U1>` one character before its `>`: the whole mention goes, back to the `<` at 1.
    ["a cut just before the closing > drops the whole mention", "a<@U1> b", 5, "a…"],
    ["a mention that closed before the cut is kept", "a<@U1> bcd", 8, "a<@U1>…"],
  ])("%s: truncate(%j, %d)", (_behaviour, s, max, expected) => {
    expectCut(s, max, expected);
  });
});

describe("backticks at the cut", () => {
  it.each<[string, string, number, string]>([
    // Only a run of backticks across the cut is moved back over; one before it ends no run there.
    ["a lone backtick before the cut stays", "ab`cd", 4, "ab`…"],
    ["a run across the cut is not split", "ab``cd", 4, "ab…"],
  ])("%s: truncate(%j, %d)", (_behaviour, s, max, expected) => {
    expectCut(s, max, expected);
  });
});

describe("a limit of one character", () => {
  // One character is room for the ellipsis and nothing else; less than one is room for nothing.
  it.each<[string, number, string]>([
    ["ab", 1, "…"],
    ["ab", 0, ""],
  ])("truncate(%j, %d) is %j", (s, max, expected) => {
    expect(truncate(s, max)).toBe(expected);
  });
});
