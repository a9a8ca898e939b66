/**
 * handler/convert/html.ts, pinned where mutation testing left layout and rendering open: lines of
 * nothing but spaces at the ends of the message, a list item or a quote vanish; a letter outside the
 * BMP before emphasis is a word boundary; the sender's doubled markers survive; spans pass on only
 * the emphasis they set; list starts and lists placed directly in a list.
 */
import { htmlToMrkdwn } from "../../../handler/convert/html";

const ZWSP = "\u200b";

describe("lines of nothing but spaces at the ends vanish", () => {
  it.each([
    ["a leading line of the message", "&nbsp;<br>a", "a"],
    ["a trailing line of the message", "a<br>&nbsp;", "a"],
    ["a leading line of a list item", "<ul><li>&nbsp;<br>a</li></ul>", "• a"],
    ["a trailing line of a list item", "x<ul><li>a<br>&nbsp;</li></ul>y", "x\n\n• a\n\ny"],
    ["both ends of a quote", "<blockquote>&nbsp;<br>a<br>&nbsp;</blockquote>", "> a"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("rendering", () => {
  it.each([
    // U+1D7FF ends in the low surrogate 0xDFFF, the last one of the range.
    ["a digit outside the BMP before emphasis is part of a word", "𝟿<b>a</b>", `𝟿${ZWSP}*a*`],
    ["emphasis right at the start gets no word boundary", '_<span style="font-weight:bold">_', `ˍ${ZWSP}*ˍ*`],
    ["the sender's doubled underscores stay as typed", "__a", "__a"],
    ["a span without style keeps inner italic", "<span><i>a</i></span>", "_a_"],
    ["a span without style keeps inner strike", "<span><s>a</s></span>", "~a~"],
    ["an empty list start counts from one", '<ol start=""><li>a</li></ol>', "1. a"],
    ["text directly in an ordered list is not indented", 'aa<ol><span style="font-weight:bold">a', "aa\n\n*a*"],
    [
      "a blank line inside a list placed directly in a list stays empty",
      "<ul><ul><li>a<br><br>b</li></ul></ul>",
      "◦ a\n\n    b",
    ],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("every non-empty line is kept, whatever its text", () => {
  // The text is arbitrary; it only has to be a line that is not empty.
  const line = "Stryker was here!";
  it.each([
    ["a later line of a list item", `<ul><li>a<br>${line}</li></ul>`, `• a\n  ${line}`],
    ["text after a list placed directly in a list", `<ul><ul><li>a</li></ul>${line}</ul>`, `◦ a\n${line}`],
    ["a later line of a quote", `<blockquote>a<br>${line}</blockquote>`, `> a\n> ${line}`],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});
