import { escapeSlack, textToMrkdwn } from "../../../handler/convert";
import { convertText } from "../../../handler/convert/text";
import type { ConvertOptions } from "../../../handler/convert";
import { EMOTICONS } from "../../../handler/convert/emoticons";

const OFF: ConvertOptions = { translateMentions: false };
const ON: ConvertOptions = {
  translateMentions: true,
  mentionUsers: { alice: "U0ALICE", bob_smith: "W0BOB", mallory: "<!channel>" },
};

describe("escapeSlack", () => {
  it.each([
    ["&", "&amp;"],
    ["<", "&lt;"],
    [">", "&gt;"],
    ["<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;"],
    ["&amp;", "&amp;amp;"],
    ["*_~`'\"|", "*_~`'\"|"],
  ])("%j → %j", (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });
});

describe("textToMrkdwn", () => {
  describe("escaping and layout", () => {
    it.each([
      ["plain text unchanged", "Build 42 passed", "Build 42 passed"],
      ["HTML is not interpreted", "<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"],
      [
        "special mention injection",
        "<!channel> <!here|here> <!everyone>",
        "&lt;!channel&gt; &lt;!here|here&gt; &lt;!everyone&gt;",
      ],
      ["user and channel mention injection", "<@U123> <#C456|general>", "&lt;@U123&gt; &lt;#C456|general&gt;"],
      // Each half is linked as what it shows; neither `|` nor `>` ends up inside a link.
      ["link injection", "<https://evil.io|https://bank.com>", "&lt;<https://evil.io>|<https://bank.com>&gt;"],
      ["entities are text", "&lt;!channel&gt;", "&amp;lt;!channel&amp;gt;"],
      ["newlines and indentation kept", "a\n  b\n\n\nc", "a\n  b\n\n\nc"],
      ["CRLF normalised", "a\r\nb\rc", "a\nb\nc"],
      ["blank lines at the ends trimmed", "\n\n  \nhello  \n\n", "hello"],
      ["control characters removed", "a\u0000\u0007b", "ab"],
    ])("%s", (_name, text, expected) => {
      expect(textToMrkdwn(text, OFF)).toBe(expected);
    });
  });

  describe("mentions", () => {
    it.each([
      ["@all on", "@all deploy starts", ON, "<!channel> deploy starts"],
      ["@here on", "ping @here.", ON, "ping <!here>."],
      ["@ALL is case-insensitive", "@ALL", ON, "<!channel>"],
      ["known user", "thanks @alice!", ON, "thanks <@U0ALICE>!"],
      ["known user, Grid ID, underscore name", "cc @Bob_Smith", ON, "cc <@W0BOB>"],
      ["unknown user stays text", "cc @carol", ON, "cc @carol"],
      ["mapping to a non-ID is ignored", "cc @mallory", ON, "cc @mallory"],
      ["mentions off", "@all @here @alice", OFF, "@all @here @alice"],
      ["mentionUsers absent", "@alice @all", { translateMentions: true }, "@alice <!channel>"],
      [
        "email is not a mention",
        "mail ops@all.example.com or x@here.io",
        ON,
        "mail <mailto:ops@all.example.com|ops@all.example.com> or <mailto:x@here.io|x@here.io>",
      ],
      ["domain-like is not a mention", "@all.example.com", ON, "@all.example.com"],
      ["url path is not a mention", "https://example.com/@all", ON, "<https://example.com/@all>"],
      ["longer name is not @all", "@allison @hereford", ON, "@allison @hereford"],
      ["in parentheses", "(@all)", ON, "(<!channel>)"],
      ["prototype names are not users", "@constructor @hasOwnProperty", ON, "@constructor @hasOwnProperty"],
      ["escaped brackets around a mention", "<@all>", ON, "&lt;<!channel>&gt;"],
    ])("%s", (_name, text, opts, expected) => {
      expect(textToMrkdwn(text, opts)).toBe(expected);
    });
  });

  describe("emoticons", () => {
    it.each([
      ["(successful)", ":white_check_mark:"],
      ["(failed)", ":x:"],
      ["(yey)", ":tada:"],
      ["(thumbsup)", ":+1:"],
      ["(thumbsdown)", ":-1:"],
      ["(awesome)", ":grinning:"],
      ["(lol)", ":laughing:"],
      ["(facepalm)", ":face_palm:"],
      ["(shrug)", ":shrug:"],
      ["(coffee)", ":coffee:"],
      ["(beer)", ":beer:"],
      ["(cake)", ":cake:"],
      ["(fire)", ":fire:"],
      ["(rocket)", ":rocket:"],
      ["(Successful)", ":white_check_mark:"],
      ["(notanemoticon)", "(notanemoticon)"],
      ["(constructor)", "(constructor)"],
      ["build (successful)(yey)", "build :white_check_mark::tada:"],
      ["print(lol)", "print(lol)"],
      ["https://x.io/(beer)", "<https://x.io/(beer)>"],
      ["https://x.io/?q=(beer)", "<https://x.io/?q=(beer)>"],
      ["( beer )", "( beer )"],
    ])("%s", (text, expected) => {
      expect(textToMrkdwn(text, OFF)).toBe(expected);
    });

    it("has a sizeable table of safe replacements", () => {
      expect(Object.keys(EMOTICONS).length).toBeGreaterThanOrEqual(40);
      for (const emoji of Object.values(EMOTICONS)) {
        expect(emoji).not.toMatch(/[&<>]/);
      }
    });
  });
});

describe("textToMrkdwn: URLs", () => {
  it.each([
    ["http URL becomes an explicit link", "see http://ci.example.com/b/42 now", "see <http://ci.example.com/b/42> now"],
    ["query with & is escaped in the link", "https://x.io/?a=1&b=2", "<https://x.io/?a=1&amp;b=2>"],
    ["trailing punctuation stays outside", "(https://x.io/a).", "(<https://x.io/a>)."],
    ["| ends a link", "https://x.io/a|b", "<https://x.io/a>|b"],
    ["quotes around a URL stay outside", '"https://x.io/a"', '"<https://x.io/a>"'],
    ["markers inside a URL are the URL's", "http://x.io/a_b_c/*d*/~e~", "<http://x.io/a_b_c/*d*/~e~>"],
    ["ftp is not linked, but is a URL", "ftp://x.io/#@all", "ftp://x.io/#@all"],
    ["schemeless domains are left to Slack", "see example.com and setup.py", "see example.com and setup.py"],
    ["javascript: is text", "javascript:alert(1)", "javascript:alert(1)"],
  ])("%s", (_name, text, expected) => {
    expect(textToMrkdwn(text, ON)).toBe(expected);
  });
});

describe("textToMrkdwn: a mention is a mention only at a word start outside a URL", () => {
  it.each([
    ["fragment", "http://a.com/#@all", "<http://a.com/#@all>"],
    ["query", "http://a.com/?@all", "<http://a.com/?@all>"],
    ["query value", "https://a.com/?to=@here&x=1", "<https://a.com/?to=@here&amp;x=1>"],
    ["path parameter", "http://a.com/x;@all", "<http://a.com/x;@all>"],
    ["after a percent sign", "http://a.com/%@all", "<http://a.com/%@all>"],
    ["@here in a fragment", "https://a.com/#@here", "<https://a.com/#@here>"],
    [
      "a share link: message, then the link",
      "look @here\nhttps://a.com/p#@all",
      "look <!here>\n<https://a.com/p#@all>",
    ],
    ["glued to punctuation outside a URL", "x;@all y%@all z#@here ?@all", "x;@all y%@all z#@here ?@all"],
    ["after an opening bracket or quote", '(@all) "@here" [@all]', '(<!channel>) "<!here>" [<!channel>]'],
    ["at a line start", "deploy\n@all done", "deploy\n<!channel> done"],
  ])("%s", (_name, text, expected) => {
    expect(textToMrkdwn(text, ON)).toBe(expected);
  });
});

describe("textToMrkdwn: Slack's formatting characters show as typed", () => {
  // ∗ U+2217, ˍ U+02CD, ∼ U+223C, ˋ U+02CB: what Slack shows, and what a copy pastes, where the
  // sender's markers would pair up. Markers that cannot pair are left alone.
  it.each([
    ["asterisks that would bold", "2*3*4", "2∗3∗4"],
    ["markdown bold", "**Note**", "∗∗Note∗∗"],
    ["spaced operators cannot pair", "a * b * c", "a * b * c"],
    ["one pair replaced, a lone one kept", "use *foo* or a*b", "use ∗foo∗ or a*b"],
    ["italic", "an _important_ note", "an ˍimportantˍ note"],
    ["snake_case is not italic in Slack", "run test_login_redirect_loop", "run test_login_redirect_loop"],
    ["underscores in numbers", "1_000_000", "1_000_000"],
    ["strike", "~old~ new", "∼old∼ new"],
    ["home paths cannot pair", "cp ~/a ~/b", "cp ~/a ~/b"],
    ["inline code", "run `npm test` now", "run ˋnpm testˋ now"],
    ["code fence", "```\nls -l\n```", "ˋˋˋ\nls -l\nˋˋˋ"],
    ["a lone backtick", "it's `quoted'", "it's `quoted'"],
    ["pairs do not cross lines", "a*b\nc*d", "a*b\nc*d"],
    ["backticks do cross lines", "a`b\nc`d", "aˋb\ncˋd"],
    [
      "emoji names keep their underscores",
      ":smile_cat: _hi_ :white_check_mark:",
      ":smile_cat: ˍhiˍ :white_check_mark:",
    ],
    ["markers around a mention", "*@all*", "∗<!channel>∗"],
    ["markers around an emoticon", "*(successful)*", "∗:white_check_mark:∗"],
    ["markers around a link", "*https://x.io*", "∗<https://x.io>∗"],
    ["markers around escapes", "*<b>*", "∗&lt;b&gt;∗"],
  ])("%s", (_name, text, expected) => {
    expect(textToMrkdwn(text, ON)).toBe(expected);
  });

  it("copy and paste: only the paired markers change, each into one look-alike code point", () => {
    // Prepare
    const typed = "x = a*b*c; y = d * e; name_with_parts; `cmd` and `";
    // Act
    const shown = textToMrkdwn(typed, OFF);
    // Assess: same length, and position by position either the typed character or its look-alike
    expect(shown).toBe("x = a∗b∗c; y = d * e; name_with_parts; ˋcmdˋ and `");
    expect(shown.length).toBe(typed.length);
    const changed = [...shown].flatMap((c, i) => (c === typed[i] ? [] : [[typed[i], c.codePointAt(0)?.toString(16)]]));
    expect(changed).toEqual([
      ["*", "2217"],
      ["*", "2217"],
      ["`", "2cb"],
      ["`", "2cb"],
    ]);
  });
});

describe("convertText: the plain-text fallback", () => {
  it.each([
    ["markers as typed", "2*3*4 and `x`", "2*3*4 and `x`"],
    ["links as typed, escaped", "https://x.io/?a=1&b=2", "https://x.io/?a=1&amp;b=2"],
    ["mentions and emoticons converted", "@all (successful)", "<!channel> :white_check_mark:"],
  ])("%s", (_name, text, expected) => {
    expect(convertText(text, ON).plain).toBe(expected);
  });
});
