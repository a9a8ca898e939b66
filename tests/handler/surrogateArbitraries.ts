/** Messages with lone UTF-16 surrogates anywhere, next to links, escapes and pairs (fast-check). */
import * as fc from "fast-check";

/** A URL a text message turns into a link (spaces around it: a link starts at a word start). */
export const LINK_TEXT = " https://example.com/a?b=c&d ";
/** A link in an html message, its text split by a lone surrogate. */
export const LINK_HTML = '<a href="https://example.com/h">h\ud800ref</a>';

const LONE = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"];

/**
 * A message of 1 to 12 pieces: plain ASCII words, lone surrogates (high and low), a well-formed
 * pair, Slack's control characters (`&` always; `<` and `>` in text messages), and a link.
 */
export function surrogateMessage(format: "text" | "html"): fc.Arbitrary<string> {
  const pieces: fc.Arbitrary<string>[] = [
    fc.stringMatching(/^[a-z0-9 .,!?]{1,8}$/),
    fc.constantFrom(...LONE),
    fc.constant("\ud83d\ude00"),
    fc.constant("&"),
    ...(format === "text" ? [fc.constantFrom("<", ">", LINK_TEXT)] : [fc.constant(LINK_HTML)]),
  ];
  return fc
    .array(fc.oneof(...pieces), { minLength: 1, maxLength: 12 })
    .map((p) => p.join(""))
    .filter((m) => m.trim() !== "" && LONE.some((s) => m.includes(s)) && toWellFormed(m) !== m);
}

/** The reference: String.prototype.toWellFormed. */
export function toWellFormed(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed();
}
