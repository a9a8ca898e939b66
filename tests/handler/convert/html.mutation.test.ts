/**
 * handler/convert/html.ts, pinned where mutation testing (npm run mutate) found behaviour that
 * html.test.ts left open: which spaces move outside emphasis markers, one space for a run of
 * whitespace in one-line contexts, adjacent emphasis of every kind merging, the blank-line cap
 * inside code blocks, word boundaries next to characters outside the BMP, inline styles, the depth
 * cap and the indent cap, lists, tables, quotes and code blocks in links, code and plain text, and
 * the input cut.
 */
import { htmlToMrkdwn, htmlToPlainText } from "../../../handler/convert/html";
import { ELLIPSIS, INPUT_MAX } from "../../../handler/convert/limits";

const ZWSP = "\u200b";
const NBSP = "\u00a0";

const nested = (tag: string, depth: number, inner: string) => `<${tag}>`.repeat(depth) + inner;
const span = (style: string) => `<span style="${style}">x</span>`;

describe("spaces at the edges of emphasis move outside its markers", () => {
  it.each([
    // A table's empty last cell leaves `a | ` with a real space, not a source-whitespace sentinel.
    ["a literal space", "<b><table><tr><td>a</td><td></td></tr></table></b>", "*a |*"],
    ["non-breaking spaces", "a<b>&nbsp;x&nbsp;</b>b", `a${NBSP}*x*${NBSP}b`],
    ["source whitespace", "a<i> x </i>b", "a _x_ b"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("one-line contexts give a whitespace run one space", () => {
  it.each([
    ["a table cell", "<table><tr><td>a<br> b</td></tr></table>", "a b"],
    ["a link label", '<a href="https://x.io">a <br> b</a>', "<https://x.io|a b>"],
    [
      "an image's alt text",
      '<img src="https://x.io/i.png" alt="a <b>b</b>\n  c">',
      "<https://x.io/i.png|a &lt;b&gt;b&lt;/b&gt; c>",
    ],
    ["an element placed directly in a row", "<table><tr><span>x<br> y</span><td>a</td></tr></table>", "x y | a"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("emphasis", () => {
  it.each([
    ["adjacent italic merges", "<i>a</i><i>b</i>", "_ab_"],
    ["adjacent strike merges", "<s>a</s><s>b</s>", "~ab~"],
    ["adjacent code merges", "<code>a</code><code>b</code>", "`ab`"],
    ["nested italic is not doubled", "<i>a <em>b</em> c</i>", "_a b c_"],
    ["nested strike is not doubled", "<s>a <del>b</del> c</s>", "~a b c~"],
    ["cite, dfn and var are italic", "<cite>c</cite> <dfn>d</dfn> <var>v</var>", "_c_ _d_ _v_"],
    ["every heading level is bold", "<h2>a</h2><h4>b</h4><h5>c</h5><h6>d</h6>", "*a*\n\n*b*\n\n*c*\n\n*d*"],
    ["a heading inside bold is not doubled", "<b><h2>x</h2></b>", "*x*"],
    ["a header cell inside bold is not doubled", "<b><table><tr><th>x</th><td>y</td></tr></table></b>", "*x | y*"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("word boundaries (a zero-width space where a marker touches a letter)", () => {
  it.each([
    // U+1D400 is a letter written as a surrogate pair: the character before a marker is found by
    // stepping back from its second half.
    ["a letter outside the BMP", "a 𝐀<b>b</b>𝐀", `a 𝐀${ZWSP}*b*${ZWSP}𝐀`],
    ["an emoji is no letter", "😀<b>b</b>😀", "😀*b*😀"],
    // U+FF57 sits above the surrogates: it is a character of its own, and a letter.
    ["a letter above the surrogates", "a ｗ<b>x</b>", `a ｗ${ZWSP}*x*`],
    ["only the character itself counts, not the one before it", "(a<b>b</b>)", `(a${ZWSP}*b*)`],
    ["a combining mark", "e\u0301<b>x</b>", `e\u0301${ZWSP}*x*`],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("inline styles", () => {
  it.each([
    ["upper case", "FONT-WEIGHT: BOLD", "*x*"],
    ["bolder", "font-weight:bolder", "*x*"],
    ["600, spaces around the colon", "font-weight :  600", "*x*"],
    ["900", "font-weight:900", "*x*"],
    ["500 is not bold", "font-weight:500", "x"],
    ["7000 is not a weight", "font-weight:7000", "x"],
    ["boldish is not bold", "font-weight:boldish", "x"],
    ["oblique", "font-style:oblique", "_x_"],
    ["spaces around the colon", "font-style : italic", "_x_"],
    ["italics is not a style", "font-style:italics", "x"],
    ["text-decoration-line", "text-decoration-line:line-through", "~x~"],
    ["line-through among other decorations", "text-decoration: underline line-through", "~x~"],
    ["space before the colon", "text-decoration :line-through", "~x~"],
    ["line-through of another property", "text-decoration:underline; color: line-through", "x"],
    // Only the first 1,000 characters of the attribute are read.
    ["within the first 1,000 characters", `${" ".repeat(984)}font-weight:bold`, "*x*"],
    ["past the first 1,000 characters", `${" ".repeat(985)}font-weight:bold`, "x"],
  ])("%s", (_name, style, expected) => {
    expect(htmlToMrkdwn(span(style))).toBe(expected);
  });

  it.each([
    ["bold span inside bold", '<b>a <span style="font-weight:bold">b</span></b>', "*a b*"],
    ["bold inside a bold span", '<span style="font-weight:bold"><b>x</b></span>', "*x*"],
    ["italic span inside italic", '<i>a <span style="font-style:italic">b</span></i>', "_a b_"],
    ["italic inside an italic span", '<span style="font-style:italic"><i>x</i></span>', "_x_"],
    ["struck span inside strike", '<s>a <span style="text-decoration:line-through">b</span></s>', "~a b~"],
    ["strike inside a struck span", '<span style="text-decoration:line-through"><s>x</s></span>', "~x~"],
  ])("are not doubled: %s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("code blocks", () => {
  it.each([
    ["drop blank lines at the start, tabs and spaces included", "<pre> \n\t\n x\n\n</pre>", "```\n x\n```"],
    ["drop a tab-only first line", "<pre>\t\nx</pre>", "```\nx\n```"],
    ["keep at most two blank lines", "<pre>a\n\n\n\n\n\nb</pre>", "```\na\n\n\nb\n```"],
    ["drop trailing spaces and tabs", "<pre>a\t \nb</pre>", "```\na\nb\n```"],
    ["turn CR LF and CR into LF", "<pre>a\r\nb\rc</pre>", "```\na\nb\nc\n```"],
    ["put blocks on lines of their own", "<pre><div>a</div><div>b</div>c</pre>", "```\na\nb\nc\n```"],
    ["put paragraphs on lines of their own", "<pre><p>a</p>b</pre>", "```\na\nb\n```"],
    ["keep inline elements on the line", "<pre><span>a</span>b</pre>", "```\nab\n```"],
    ["give list items a line each", "<pre><ul><li>a</li><li>b</li></ul></pre>", "```\na\nb\n```"],
    ["inside a code block stay one", "<pre><pre>a`*b*</pre></pre>", "```\na`*b*\n```"],
    ["with code inside show it as it is", "<pre><code>a`*b*</code></pre>", "```\na`*b*\n```"],
    ["in a link become the label's text", '<a href="https://x.io"><pre>x\ny</pre></a>', "<https://x.io|x y>"],
    ["in inline code become code lines", "<code><pre>x\ny</pre></code>", "`x`\n`y`"],
    ["in inline code keep the sender's * but not a backtick", "<code><pre>a`*b*</pre></code>", "`aˋ*b*`"],
    ["empty, in a link, leave no gap", '<a href="https://x.io">a<pre> </pre>b</a>', "<https://x.io|ab>"],
    ["empty, in inline code, leave no gap", "<code>a<pre> </pre>b</code>", "`ab`"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("text", () => {
  it.each([
    ["a CR is white space", "a\rb", "a b"],
    ["a line of only non-breaking spaces is empty", "a<br>&nbsp;<br>b", "a\n\nb"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("lists", () => {
  it.each([
    ["start of a billion is ignored", '<ol start="1000000000"><li>a</li></ol>', "1. a"],
    ["start just under a billion", '<ol start="999999999"><li>a</li></ol>', "999999999. a"],
    ["negative start", '<ol start="-3"><li>a</li><li>b</li></ol>', "-3. a\n-2. b"],
    ["zero start", '<ol start="0"><li>a</li></ol>', "0. a"],
    ["start of minus a billion is ignored", '<ol start="-1000000000"><li>a</li></ol>', "1. a"],
    ["start just over minus a billion", '<ol start="-999999999"><li>a</li></ol>', "-999999999. a"],
    ["start that is no number", '<ol start="x"><li>a</li></ol>', "1. a"],
    ["start on ul", '<ul start="5"><li>a</li></ul>', "• a"],
    ["text directly in a list is not indented", "<ul>text<li>a</li></ul>", "text\n• a"],
    ["text after an item is not indented", "<ul><li>a</li>text</ul>", "• a\ntext"],
    ["an ol directly in a ul is indented", "<ul><li>a</li><ol><li>b</li></ol></ul>", "• a\n  1. b"],
    ["an empty list leaves no gap", "a<ul></ul>b", "ab"],
    ["a list of empty items leaves no gap", "a<ul><li> </li></ul>b", "ab"],
    ["paragraphs in an item", "<ul><li><p>a</p><p>b</p></li></ul>", "• a\n\n  b"],
    ["li in a div", "<div><li>a</li></div>", "• a"],
    [
      "bullets cycle at the fourth level",
      "<ul><li>a<ul><li>b<ul><li>c<ul><li>d</li></ul></li></ul></li></ul></li></ul>",
      "• a\n  ◦ b\n    ▪ c\n      • d",
    ],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });

  it("indent lines of an item up to the sixth level, then no further", () => {
    let html = "x";
    for (let i = 0; i < 8; i += 1) {
      html = `<ul><li>${i}<br>m${html}</li></ul>`;
    }
    const pad = (n: number) => " ".repeat(n);
    expect(htmlToMrkdwn(html).split("\n")).toStrictEqual([
      "• 7",
      `${pad(2)}m`,
      `${pad(2)}◦ 6`,
      `${pad(4)}m`,
      `${pad(4)}▪ 5`,
      `${pad(6)}m`,
      `${pad(6)}• 4`,
      `${pad(8)}m`,
      `${pad(8)}◦ 3`,
      `${pad(10)}m`,
      `${pad(10)}▪ 2`,
      `${pad(12)}m`,
      `${pad(12)}• 1`,
      `${pad(12)}m`,
      `${pad(12)}◦ 0`,
      `${pad(12)}mx`,
    ]);
  });

  it("indent lists placed directly in a list up to the sixth level, then no further", () => {
    let html = "x";
    for (let i = 0; i < 8; i += 1) {
      html = `<ul><li>${i}</li>${html}</ul>`;
    }
    const pad = (n: number) => " ".repeat(n);
    expect(htmlToMrkdwn(html).split("\n")).toStrictEqual([
      "• 7",
      `${pad(2)}◦ 6`,
      `${pad(4)}▪ 5`,
      `${pad(6)}• 4`,
      `${pad(8)}◦ 3`,
      `${pad(10)}▪ 2`,
      `${pad(12)}• 1`,
      `${pad(12)}◦ 0`,
      `${pad(12)}x`,
    ]);
  });
});

describe("tables", () => {
  it.each([
    ["text directly in a row is a cell", "<table><tr>x<td>a</td></tr></table>", "x | a"],
    ["white space directly in a row is not", "<table><tr> <td>a</td> </tr></table>", "a"],
    ["an empty header cell keeps its column", "<table><tr><th>a</th><th></th><th>c</th></tr></table>", "*a* |  | *c*"],
    ["bold in a thead cell is not doubled", "<table><thead><tr><td><b>x</b> y</td></tr></thead></table>", "*x y*"],
    ["a row of empty cells is skipped", "<table><tr><td></td><td></td></tr><tr><td>x</td></tr></table>", "x"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("quotes", () => {
  it.each([
    [
      "in a link become the label's text",
      '<a href="https://x.io">a<blockquote>b</blockquote>c</a>',
      "<https://x.io|a b c>",
    ],
    ["in inline code become code lines", "<code>a<blockquote>b</blockquote>c</code>", "`a`\n`b`\n`c`"],
    ["empty, leave no gap", "a<blockquote> </blockquote>b", "ab"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("links", () => {
  it.each([
    ["an image's alt text is trimmed", '<img src="https://x.io/i.png" alt=" a ">', "<https://x.io/i.png|a>"],
    // The label is compared as shown (the sender's `_` put back) with the URL as escaped (`&amp;`).
    [
      "a label equal to a URL with & and _ keeps the short form",
      '<a href="https://x.io/?a_b&amp;c">https://x.io/?a_b&amp;c</a>',
      "<https://x.io/?a_b&amp;c>",
    ],
    ["a mailto image is its alt text", '<img src="mailto:a@b.io" alt="x">', "x"],
    [
      "code in a link shows the sender's backticks as look-alikes",
      '<a href="https://x.io"><code>`a`</code></a>',
      "<https://x.io|ˋaˋ>",
    ],
    ["a link in code", '<code><a href="https://x.io">*a*`</a></code>', "`<https://x.io|∗a∗ˋ>`"],
    [
      "a code block in a link keeps a lone backtick",
      '<a href="https://x.io"><pre>a`*b*</pre></a>',
      "<https://x.io|a`∗b∗>",
    ],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("plain text", () => {
  it.each([
    ["links are their text", '<a href="https://x.io">x</a> <a href="mailto:a@b.io">m</a>', "x m"],
    ["images are their alt text", '<img src="https://x.io/i.png" alt="graph">', "graph"],
    ["a code block is a paragraph", "a<pre>  x\n  y</pre>b", "a\n\n  x\n  y\n\nb"],
    // Indentation means something only relative to a line above it.
    ["the first line has no indent", "<pre>  x\n  y</pre>", "x\n  y"],
    ["an empty code block still separates", "a<pre> </pre>b", "a\n\nb"],
    ["a quote is a paragraph", "<blockquote>a</blockquote>b", "a\n\nb"],
    [
      "a code block or quote in a link is still a block",
      '<a href="https://x.io">a<pre>b</pre><blockquote>c</blockquote></a>',
      "a\n\nb\n\nc",
    ],
    ["three backticks cannot form a fence", "a ``` b", `a \`\`${ZWSP}\` b`],
  ])("%s", (_name, html, expected) => {
    expect(htmlToPlainText(html)).toBe(expected);
  });
});

describe("past the depth cap (100 nested elements)", () => {
  it.each([
    ["formatting at depth 100 is kept", nested("span", 99, "a<b>x</b>"), `a${ZWSP}*x*`],
    ["formatting at depth 101 is dropped", nested("span", 100, "a<b>x</b>"), "ax"],
    ["the sender's markers still show as typed", nested("span", 101, "<b>*x*</b>"), "∗x∗"],
    ["a br keeps words apart", nested("span", 101, "a<br>b"), "a b"],
    ["a paragraph keeps words apart", nested("span", 101, "a<p>b</p>c"), "a b c"],
    [
      "dropped elements and comments stay dropped",
      nested("span", 101, "a<script>s</script>b<!--c-->c<style>x</style>d"),
      "abcd",
    ],
    ["a block in a code block is a line", `<pre>${nested("span", 101, "a<p>b</p>c")}</pre>`, "```\na\nb\nc\n```"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("input", () => {
  it("that is not a string gives nothing", () => {
    expect(htmlToMrkdwn(undefined as unknown as string)).toBe("");
    expect(htmlToPlainText(5 as unknown as string)).toBe("");
  });

  it("of exactly the input limit is kept whole", () => {
    const out = htmlToMrkdwn("a".repeat(INPUT_MAX));
    expect(out).toBe("a".repeat(INPUT_MAX));
  });

  it("over the input limit is cut, with an ellipsis", () => {
    const out = htmlToMrkdwn("a".repeat(INPUT_MAX + 1));
    expect(out).toBe(`${"a".repeat(INPUT_MAX)}${ELLIPSIS}`);
  });
});
