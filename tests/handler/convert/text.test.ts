import { escapeSlack, textToMrkdwn } from "../../../handler/convert";
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
      ["link injection", "<https://evil.io|https://bank.com>", "&lt;https://evil.io|https://bank.com&gt;"],
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
      ["email is not a mention", "mail ops@all.example.com or x@here.io", ON, "mail ops@all.example.com or x@here.io"],
      ["domain-like is not a mention", "@all.example.com", ON, "@all.example.com"],
      ["url path is not a mention", "https://example.com/@all", ON, "https://example.com/@all"],
      ["longer name is not @all", "@allison @hereford", ON, "@allison @hereford"],
      ["in parentheses", "(@all)", ON, "(<!channel>)"],
      ["prototype names are not users", "@constructor @__proto__", ON, "@constructor @__proto__"],
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
      ["https://x.io/(beer)", "https://x.io/(beer)"],
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
