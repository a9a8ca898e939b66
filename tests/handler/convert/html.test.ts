import { htmlToMrkdwn } from "../../../handler/convert";
import { htmlToPlainText } from "../../../handler/convert/html";

describe("htmlToMrkdwn", () => {
  describe("inline formatting", () => {
    it.each([
      ["b", "<b>Build</b> passed", "*Build* passed"],
      ["strong", "<strong>Build</strong> passed", "*Build* passed"],
      ["i", "<i>slow</i> tests", "_slow_ tests"],
      ["em", "<em>slow</em> tests", "_slow_ tests"],
      ["s", "<s>old</s> new", "~old~ new"],
      ["strike", "<strike>old</strike> new", "~old~ new"],
      ["del", "<del>old</del> new", "~old~ new"],
      ["code", "run <code>npm test</code> now", "run `npm test` now"],
      ["kbd/tt/samp as code", "<kbd>Ctrl</kbd> <tt>x</tt> <samp>y</samp>", "`Ctrl` `x` `y`"],
      ["nested different emphasis", "<b>a <i>b</i> c</b>", "*a _b_ c*"],
      ["nested same emphasis is not doubled", "<b>a <strong>b</strong> c</b>", "*a b c*"],
      ["spaces move outside markers", "x<b> bold </b>y", "x *bold* y"],
      ["empty emphasis is skipped", "a <b> </b><i></i>b", "a b"],
      ["adjacent same emphasis merges", "<b>foo</b><b>bar</b>", "*foobar*"],
      ["emphasis across a line break is split per line", "<b>one<br>two</b>", "*one*\n*two*"],
      ["no formatting inside code", "<code>a <b>b</b></code>", "`a b`"],
      ["span font-weight bold", '<span style="font-weight: bold">hot</span>', "*hot*"],
      ["span italic + line-through", '<span style="font-style:italic;text-decoration:line-through">x</span>', "~_x_~"],
      [
        "plain span and unknown tags give their text",
        "<span>a</span> <font color=red>b</font> <blink>c</blink>",
        "a b c",
      ],
      ["u has no Slack form", "<u>under</u>", "under"],
      ["q gets quotes", "<q>hi</q>", "“hi”"],
    ])("%s", (_name, html, expected) => {
      // Act
      const out = htmlToMrkdwn(html);
      // Assess
      expect(out).toBe(expected);
    });
  });

  describe("emphasis inside a word", () => {
    // Slack formats only at word boundaries; a zero-width space (U+200B) is one, and invisible.
    it.each([
      ["before and after", "foo<b>bar</b>baz", "foo\u200b*bar*\u200bbaz"],
      ["word start", "<i>un</i>happy", "_un_\u200bhappy"],
      ["word end", "super<s>man</s>", "super\u200b~man~"],
      ["digits", "2<b>3</b>4", "2\u200b*3*\u200b4"],
      ["letters outside ASCII", "über<b>straße</b>", "über\u200b*straße*"],
      ["code mid-word", "x<code>y</code>z", "x\u200b`y`\u200bz"],
      ["nested markers need it only on the outside", "a<b><i>b</i></b>c", "a\u200b*_b_*\u200bc"],
      ["inside a list item", "<ul><li>a<b>b</b>c</li></ul>", "• a\u200b*b*\u200bc"],
      ["not next to spaces or punctuation", "a <b>b</b>, (<i>c</i>)", "a *b*, (_c_)"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("the sender's formatting characters show as typed", () => {
    it.each([
      ["asterisks that would bold", "<p>2*3*4</p>", "2∗3∗4"],
      ["underscores in a name stay", "<p>test_login_redirect</p>", "test_login_redirect"],
      ["italic-looking text", "an _important_ note", "an ˍimportantˍ note"],
      ["a lone marker stays", "5 * 3 and a*b", "5 * 3 and a*b"],
      ["a marker that could end our bold early", "<b>a*b</b>", "*a∗b*"],
      ["a marker beside our italic", "x <i>a</i>_b", "x _a_\u200bˍb"],
      ["inside inline code they are literal", "<code>x*y*z</code>", "`x*y*z`"],
      ["inside a code block they are literal", "<pre>a*b*c _d_</pre>", "```\na*b*c _d_\n```"],
      ["in a link label", '<a href="https://x.io">*x*</a>', "<https://x.io|∗x∗>"],
      [
        "a label equal to its URL keeps the short form",
        '<a href="https://x.io/a_b_">https://x.io/a_b_</a>',
        "<https://x.io/a_b_>",
      ],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });

    it("plain text keeps them as typed", () => {
      expect(htmlToPlainText("<b>2*3*4</b> _x_ `y`")).toBe("2*3*4 _x_ `y`");
    });
  });

  describe("links and images", () => {
    it.each([
      ["http link", '<a href="http://ci.example.com/b/42">#42</a>', "<http://ci.example.com/b/42|#42>"],
      ["https link", '<a href="https://example.com">site</a>', "<https://example.com|site>"],
      ["mailto link", '<a href="mailto:ops@example.com">mail ops</a>', "<mailto:ops@example.com|mail ops>"],
      ["text equal to url", '<a href="https://example.com/x">https://example.com/x</a>', "<https://example.com/x>"],
      ["empty text", '<a href="https://example.com/x"></a>', "<https://example.com/x>"],
      ["& in url is escaped", '<a href="https://x.io/?a=1&amp;b=2">q</a>', "<https://x.io/?a=1&amp;b=2|q>"],
      ["| and > in url cannot end the link", '<a href="https://x.io/a|b>c">t</a>', "<https://x.io/a%7Cb%3Ec|t>"],
      ["spaces in url are encoded", '<a href=" https://x.io/a b ">t</a>', "<https://x.io/a%20b|t>"],
      ["| and > in text stay text", '<a href="https://x.io">a|b &gt; c</a>', "<https://x.io|a|b &gt; c>"],
      ["formatting in link text is dropped", '<a href="https://x.io"><b>bold</b> link</a>', "<https://x.io|bold link>"],
      ["bold around a link", '<b><a href="https://x.io">x</a></b>', "*<https://x.io|x>*"],
      ["line breaks in link text become spaces", '<a href="https://x.io">a<br>b</a>', "<https://x.io|a b>"],
      ["javascript: is plain text", '<a href="javascript:alert(1)">click</a>', "click"],
      ["obfuscated javascript: is plain text", '<a href="java&#x09;script:alert(1)">click</a>', "click"],
      ["data: is plain text", '<a href="data:text/html,x">x</a>', "x"],
      ["relative url is plain text", '<a href="/builds/42">build</a>', "build"],
      ["ftp is plain text", '<a href="ftp://x.io/f">file</a>', "file"],
      ["anchor without href", '<a name="top">top</a>', "top"],
      [
        "a link inside a link is text of the outer one",
        '<a href="https://a.io">x <a href="https://b.io">y</a></a>',
        "<https://a.io|x y>",
      ],
      ["img with alt", '<img src="https://x.io/graph.png" alt="CPU graph">', "<https://x.io/graph.png|CPU graph>"],
      ["img without alt", '<img src="https://x.io/graph.png">', "<https://x.io/graph.png>"],
      ["img with data: src shows alt", '<img src="data:image/png;base64,AAAA" alt="graph">', "graph"],
      [
        "img inside link gives its alt as text",
        '<a href="https://x.io"><img src="https://x.io/i.png" alt="logo"></a>',
        "<https://x.io|logo>",
      ],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("blocks and whitespace", () => {
    it.each([
      ["br", "a<br>b<br/>c", "a\nb\nc"],
      ["p", "<p>one</p><p>two</p>", "one\n\ntwo"],
      ["div", "<div>one</div><div>two</div>", "one\ntwo"],
      ["text around a div", "a<div>b</div>c", "a\nb\nc"],
      ["br at the end of a block adds nothing", "<div>a<br></div><div>b</div>", "a\nb"],
      ["br between blocks adds a blank line", "<div>a</div><br><div>b</div>", "a\n\nb"],
      ["no more than two blank lines", "a<br><br><br><br><br><br>b", "a\n\n\nb"],
      ["ends are trimmed", "<br><p> <br> a </p><br><br>", "a"],
      ["whitespace collapses like a browser", "  a \n\t b   <b> c </b>  d  ", "a b *c* d"],
      ["nbsp is kept", "a&nbsp;&nbsp;b", "a\u00a0\u00a0b"],
      ["hr", "a<hr>b", "a\n──────────\nb"],
      ["h1", "<h1>Release 1.2</h1><p>notes</p>", "*Release 1.2*\n\nnotes"],
      ["h3 with inner bold", "<h3>Deploy <b>prod</b></h3>", "*Deploy prod*"],
      ["blockquote", "<blockquote>first<br>second</blockquote>after", "> first\n> second\n\nafter"],
      ["blockquote with paragraphs", "<blockquote><p>a</p><p>b</p></blockquote>", "> a\n>\n> b"],
      ["nested blockquote does not double", "<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n> b"],
      [
        "script, style and head dropped",
        "<head><title>t</title></head><style>p{}</style>a<script>alert(1)</script>",
        "a",
      ],
      ["comments dropped", "a<!-- hidden -->b", "ab"],
      ["html/body wrappers", "<html><body><p>hi</p></body></html>", "hi"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("pre", () => {
    it.each([
      ["fenced, content kept", "<pre>line 1\n  line 2</pre>", "```\nline 1\n  line 2\n```"],
      ["leading newline dropped", "<pre>\nx = 1\n</pre>", "```\nx = 1\n```"],
      ["no formatting inside, content escaped", "<pre><b>a</b> &lt;b&gt; *c*</pre>", "```\na &lt;b&gt; *c*\n```"],
      ["br inside pre", "<pre>a<br>b</pre>", "```\na\nb\n```"],
      ["backtick fence inside pre is neutralised", "<pre>```x```</pre>", "```\n``\u200b`x``\u200b`\n```"],
      ["backticks in text cannot open a code block", "a ``` b <span>``</span>`", "a ˋˋˋ b ˋˋˋ"],
      ["backticks inside inline code cannot end it", "<code>``x</code>", "`ˋˋx`"],
      ["a lone backtick in a code block stays", "<pre>it's `x</pre>", "```\nit's `x\n```"],
      ["separated from text", "see<pre>x</pre>done", "see\n\n```\nx\n```\n\ndone"],
      ["empty pre vanishes", "a<pre>  \n </pre>b", "a\n\nb"],
      ["bold around pre is dropped", "<b><pre>x</pre></b>", "```\nx\n```"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("lists", () => {
    it.each([
      ["ul", "<ul><li>a</li><li>b</li></ul>", "• a\n• b"],
      ["ol", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"],
      ["ol start", '<ol start="9"><li>a</li><li>b</li></ol>', "9. a\n10. b"],
      ["formatted whitespace between items", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>", "• a\n• b"],
      [
        "nested ul is indented with a different bullet",
        "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
        "• a\n  ◦ b\n• c",
      ],
      ["nested ol in ul", "<ul><li>a<ol><li>x</li><li>y</li></ol></li></ul>", "• a\n  1. x\n  2. y"],
      ["list directly inside list", "<ul><li>a</li><ul><li>b</li></ul></ul>", "• a\n  ◦ b"],
      ["multi-line item continues under its text", "<ol><li>a<br>b</li></ol>", "1. a\n   b"],
      ["list after text", "Changes:<ul><li>x</li></ul>done", "Changes:\n\n• x\n\ndone"],
      ["li outside a list", "<li>lonely</li>", "• lonely"],
      ["empty items skipped, numbering kept", "<ol><li>a</li><li> </li><li>c</li></ol>", "1. a\n3. c"],
      ["bold item", "<ul><li><b>a</b></li></ul>", "• *a*"],
      ["bold around a list keeps bullets outside", "<b><ul><li>a</li><li>b</li></ul></b>", "• *a*\n• *b*"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("tables", () => {
    it.each([
      [
        "cells joined, th bold",
        "<table><tr><th>Host</th><th>State</th></tr><tr><td>web1</td><td>UP</td></tr></table>",
        "*Host* | *State*\nweb1 | UP",
      ],
      [
        "thead td is bold, whitespace ignored",
        "<table>\n<thead><tr><td>A</td><td>B</td></tr></thead>\n<tbody>\n<tr><td>1</td><td>2</td></tr>\n</tbody></table>",
        "*A* | *B*\n1 | 2",
      ],
      ["empty cells keep their column", "<table><tr><td>a</td><td></td><td>c</td></tr></table>", "a |  | c"],
      ["empty rows skipped", "<table><tr><td> </td></tr><tr><td>x</td></tr></table>", "x"],
      ["cell content is one line", "<table><tr><td>a<br>b</td><td><p>c</p></td></tr></table>", "a b | c"],
      ["table separated from text", "before<table><tr><td>x</td></tr></table>after", "before\n\nx\n\nafter"],
      ["link in cell", '<table><tr><td><a href="https://x.io">x</a></td></tr></table>', "<https://x.io|x>"],
      ["caption", "<table><caption>Load</caption><tr><td>1</td></tr></table>", "Load\n1"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("entities and escaping", () => {
    it.each([
      [
        "named entities decoded then re-escaped",
        "Tom &amp; Jerry &lt;3 &quot;x&quot; &copy;",
        'Tom &amp; Jerry &lt;3 "x" ©',
      ],
      ["numeric entities", "&#60;&#x3E;&#38;&#8364;", "&lt;&gt;&amp;€"],
      ["bare & < > in text", "a & b < c > d", "a &amp; b &lt; c &gt; d"],
      ["<!channel> written as an entity stays text", "&lt;!channel&gt; deploy", "&lt;!channel&gt; deploy"],
      ["double-encoded stays double", "&amp;lt;!here&amp;gt;", "&amp;lt;!here&amp;gt;"],
      ["<!channel> as markup is a bogus comment, dropped like a browser", "hi <!channel> all", "hi all"],
      ["<@U123> as markup stays text", "ping <@U123>", "ping &lt;@U123&gt;"],
      ["forged link in text", "&lt;https://evil.io|bank&gt;", "&lt;https://evil.io|bank&gt;"],
      [
        "forged link inside link text",
        '<a href="https://ok.io">&lt;!channel&gt;</a>',
        "<https://ok.io|&lt;!channel&gt;>",
      ],
      ["mentions are not translated in html", "@all @here", "@all @here"],
      ["emoticons are not translated in html", "(successful)", "(successful)"],
      ["control characters removed", "a\u0001\u0002b\u0005", "ab"],
      ["alt text escaped", '<img src="https://x.io/i.png" alt="<!channel>">', "<https://x.io/i.png|&lt;!channel&gt;>"],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });
  });

  describe("robustness", () => {
    it.each([
      ["unclosed tags", "<b>open <i>also", "*open _also_*"],
      ["stray closing tags", "a</b></div>b", "ab"],
      ["broken attribute", '<a href="https://x.io>t</a>', ""],
      ["lone <", "a < b", "a &lt; b"],
      ["empty", "", ""],
    ])("%s", (_name, html, expected) => {
      expect(htmlToMrkdwn(html)).toBe(expected);
    });

    it.each([
      ["10,000 nested <b>", `${"<b>".repeat(10_000)}x${"</b>".repeat(10_000)}`, "*x*"],
      ["10,000 nested <div>", `${"<div>".repeat(10_000)}x`, "x"],
      ["8,000 nested <blockquote>", `${"<blockquote>".repeat(8_000)}x`, "> x"],
    ])("%s does not overflow the stack", (_name, html, expected) => {
      // Act
      const started = Date.now();
      const out = htmlToMrkdwn(html);
      // Assess
      expect(out).toBe(expected);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it("keeps words apart past the depth cap", () => {
      const out = htmlToMrkdwn("<div>a".repeat(300));
      expect(out.split(/\s+/)).toHaveLength(300);
    });

    it("deeply nested lists stay bounded", () => {
      const out = htmlToMrkdwn("<ul><li>a".repeat(3_000));
      expect(out.length).toBeLessThan(20_000);
    });
  });
});
