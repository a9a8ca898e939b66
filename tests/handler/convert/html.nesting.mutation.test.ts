/**
 * handler/convert/html.ts, nesting: every synonym of an emphasis element tells the elements inside
 * it that the emphasis is already on, so the same emphasis nested inside is not doubled (doubled
 * markers cancel out: `**x**` would lose its bold); code elements switch formatting off inside
 * them; an ordered list counts as a list level for the lists nested in it; a block placed directly
 * in a list keeps its blank lines.
 */
import { htmlToMrkdwn } from "../../../handler/convert/html";

describe("the same emphasis nested in a synonym is not doubled", () => {
  it.each([
    ...["strong", "h1", "h2", "h4", "h5", "h6"].map((tag) => [tag, "b", "*x*"] as const),
    ...["em", "cite", "dfn", "var"].map((tag) => [tag, "i", "_x_"] as const),
    ...["strike", "del"].map((tag) => [tag, "s", "~x~"] as const),
  ])("<%s><%s>", (outer, inner, expected) => {
    expect(htmlToMrkdwn(`<${outer}><${inner}>x</${inner}></${outer}>`)).toBe(expected);
  });

  it("a bold header cell", () => {
    expect(htmlToMrkdwn("<table><tr><th><b>x</b></th></tr></table>")).toBe("*x*");
  });
});

describe("other emphasis inside a synonym still shows", () => {
  it.each([
    ["italic in struck text", "<del><i>x</i></del>", "~_x_~"],
    ["bold in struck text", "<strike><b>x</b></strike>", "~*x*~"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("code elements show their content literally", () => {
  it.each(["kbd", "samp", "tt"])("<%s>: no bold inside, and the sender's asterisks stay", (tag) => {
    expect(htmlToMrkdwn(`<${tag}><b>x</b></${tag}>`)).toBe("`x`");
    expect(htmlToMrkdwn(`<${tag}>*a*</${tag}>`)).toBe("`*a*`");
  });
});

describe("lists", () => {
  it.each([
    // The inner list is one level down: the second bullet, and no blank line before it.
    ["a bulleted list in an ordered one", "<ol><li>a<ul><li>b</li></ul></li></ol>", "1. a\n   ◦ b"],
    ["a blank line in a block placed directly in a list", "<ul><div>a<br><br>b</div></ul>", "a\n\nb"],
    ["a block placed directly in a list after an item", "<ul><li>a</li><div>b<br><br>c</div></ul>", "• a\nb\n\nc"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});
