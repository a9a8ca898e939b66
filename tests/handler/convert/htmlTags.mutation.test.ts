/**
 * Every HTML element html.ts gives a meaning converts to it, by name: HipChat senders use the
 * synonyms (`<strong>`, `<em>`, `<del>`, `<kbd>`, headings, `<th>`) as much as `<b>` and `<i>`.
 */
import { htmlToMrkdwn } from "../../../handler/convert/html";

describe("elements convert by name", () => {
  it.each([
    ...["b", "strong", "h1", "h2", "h3", "h4", "h5", "h6"].map((tag) => [tag, "bold", `*x*`] as const),
    ...["i", "em", "cite", "dfn", "var"].map((tag) => [tag, "italic", `_x_`] as const),
    ...["s", "strike", "del"].map((tag) => [tag, "struck through", `~x~`] as const),
    ...["code", "kbd", "samp", "tt"].map((tag) => [tag, "code", "`x`"] as const),
  ])("<%s> is %s", (tag, _meaning, expected) => {
    expect(htmlToMrkdwn(`<${tag}>x</${tag}>`)).toBe(expected);
  });

  it("a header cell is bold, in a table header or not", () => {
    expect(htmlToMrkdwn("<table><tr><th>Name</th><td>Ann</td></tr></table>")).toBe("*Name* | Ann");
    expect(htmlToMrkdwn("<table><thead><tr><td>Name</td></tr></thead><tr><td>Ann</td></tr></table>")).toBe(
      "*Name*\nAnn",
    );
  });

  it.each([
    ["ul", "• a\n• b"],
    ["ol", "1. a\n2. b"],
  ])("<%s> is a list", (tag, expected) => {
    expect(htmlToMrkdwn(`<${tag}><li>a</li><li>b</li></${tag}>`)).toBe(expected);
  });
});
