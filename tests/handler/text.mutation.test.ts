/**
 * handler/convert/text.ts, pinned where mutation testing (npm run mutate) found behaviour no other
 * test fixed: where a mention starts and ends (`@all.` and `@all. more` are mentions, `@all.domain`
 * is not), which user ids a mention may become, the layout trimming, VT/FF, and the plain fallback;
 * that an emoji name's underscore never pairs with the sender's, that tokens back to back are all
 * converted, and which link target a bare e-mail address gets.
 */
import { convertText } from "../../handler/convert/text";
import type { ConvertOptions } from "../../handler/convert/types";
import { ELLIPSIS, INPUT_MAX } from "../../handler/convert/limits";

const ON: ConvertOptions = {
  translateMentions: true,
  mentionUsers: { alice: "U0ALICE", bob_smith: "W0BOB", mallory: "<!channel>", carol: "u0lower" },
};
const OFF: ConvertOptions = { translateMentions: false, mentionUsers: ON.mentionUsers };
const both = (text: string, opts = ON) => convertText(text, opts);

describe("mentions", () => {
  it.each([
    ["@all. Deploy now", "<!channel>. Deploy now"],
    ["@all.", "<!channel>."],
    ["hi @alice. bye", "hi <@U0ALICE>. bye"],
    ["@here, look", "<!here>, look"],
    ["@ALL", "<!channel>"],
    ["@Here", "<!here>"],
    ["@Alice", "<@U0ALICE>"],
    ["@bob_smith!", "<@W0BOB>!"],
    ["(@all)", "(<!channel>)"],
    ["[@all] {@here}", "[<!channel>] {<!here>}"],
    ['"@all"', '"<!channel>"'],
    ["'@all'", "'<!channel>'"],
    ["«@all» ‹@here›", "«<!channel>» ‹<!here>›"],
    ["“@all” ‘@here’", "“<!channel>” ‘<!here>’"],
    ["line\n@all", "line\n<!channel>"],
    ["tab\t@all", "tab\t<!channel>"],
    ["two @all @here", "two <!channel> <!here>"],
  ])("%j is a mention: %j", (text, mrkdwn) => {
    expect(both(text)).toEqual({ mrkdwn, plain: mrkdwn });
  });

  it.each([
    "@all.deploy",
    "@alice.example.com",
    "x@all",
    "a;@all",
    "?@all",
    "x'@all",
    "@all-hands",
    "@all_x",
    "@all@x",
    "@allx",
    "@unknown",
    "@mallory", // mapped to something that is not a Slack user id
    "@carol", // a lower-case id is not one either
    "@toString",
    "@constructor",
  ])("%j is not a mention", (text) => {
    expect(both(text)).toEqual({ mrkdwn: text, plain: text });
  });

  it("no mention at all when translateMentions is off", () => {
    expect(both("@all @here @alice", OFF)).toEqual({ mrkdwn: "@all @here @alice", plain: "@all @here @alice" });
  });

  it("without a user map only @all and @here are mentions", () => {
    expect(both("@all @alice", { translateMentions: true })).toEqual({
      mrkdwn: "<!channel> @alice",
      plain: "<!channel> @alice",
    });
  });
});

describe("layout", () => {
  it("leading blank lines and trailing white space go; indentation of the first line stays", () => {
    expect(both("\n\n  \t\n  hello  \n\n")).toEqual({ mrkdwn: "  hello", plain: "  hello" });
    expect(both("\r\n\r\nhello\r\nworld\r")).toEqual({ mrkdwn: "hello\nworld", plain: "hello\nworld" });
  });

  it("vertical tab and form feed are spaces; other controls go", () => {
    expect(both("a\x0Bb\x0Cc\x00d\x7Fe")).toEqual({ mrkdwn: "a b cde", plain: "a b cde" });
  });

  it("anything but a string is an empty message", () => {
    expect(convertText(undefined as unknown as string, ON)).toEqual({ mrkdwn: "", plain: "" });
  });
});

describe("links, emoji and the plain fallback", () => {
  it("a link ends before |, and the fallback shows it as typed", () => {
    expect(both("see https://example.com/a|b done")).toEqual({
      mrkdwn: "see <https://example.com/a>|b done",
      plain: "see https://example.com/a|b done",
    });
  });

  it("a bare e-mail address becomes a mailto link showing the address", () => {
    expect(both("mail bob@example.com now")).toEqual({
      mrkdwn: "mail <mailto:bob@example.com|bob@example.com> now",
      plain: "mail bob@example.com now",
    });
  });

  it("emoji names and emoticons are kept or converted, the sender's markers outside them neutralised", () => {
    expect(both("ok :smile_cat: :_x_: (successful)")).toEqual({
      mrkdwn: "ok :smile_cat: :ˍxˍ: :white_check_mark:",
      plain: "ok :smile_cat: :_x_: :white_check_mark:",
    });
  });

  it("markers around a mention are the sender's and are neutralised in mrkdwn only", () => {
    expect(both("*@all*")).toEqual({ mrkdwn: "∗<!channel>∗", plain: "*<!channel>*" });
  });
});

describe("what ends a link, and which links are links", () => {
  it.each<[string, string, string]>([
    ['see "https://a.example/x" now', 'see "<https://a.example/x>" now', 'see "https://a.example/x" now'],
    ["`https://a.example/x`", "ˋ<https://a.example/x>ˋ", "`https://a.example/x`"],
    ["https://a.example/x\uFFFDy", "<https://a.example/x>\uFFFDy", "https://a.example/x\uFFFDy"],
    ["mailto:bob@example.com", "<mailto:bob@example.com>", "mailto:bob@example.com"],
    ["HTTPS://A.EXAMPLE/P", "<HTTPS://A.EXAMPLE/P>", "HTTPS://A.EXAMPLE/P"],
    ["<https://a.example>", "&lt;<https://a.example>&gt;", "&lt;https://a.example&gt;"],
    ["bob@example.com@all", "<mailto:bob@example.com|bob@example.com>@all", "bob@example.com@all"],
  ])("%j", (text, mrkdwn, plain) => {
    expect(both(text)).toEqual({ mrkdwn, plain });
  });

  it("tokens back to back are all converted: an emoticon right before a link", () => {
    expect(both("(successful)https://a.example/x")).toEqual({
      mrkdwn: ":white_check_mark:<https://a.example/x>",
      plain: ":white_check_mark:https://a.example/x",
    });
  });

  // A bare address has no scheme of its own, even when its host is an IPv6 literal (whose `IPv6:`
  // looks like one): the link target is the address with `mailto:` in front.
  it("an e-mail address at an IPv6 literal becomes a mailto link", () => {
    expect(both("mail bob@[IPv6:::1] now")).toEqual({
      mrkdwn: "mail <mailto:bob@[IPv6:::1]|bob@[IPv6:::1]> now",
      plain: "mail bob@[IPv6:::1] now",
    });
  });

  it.each(["ftp://files.example/a", "//cdn.example.com/x", "example.com", "javascript:alert(1)"])(
    "%j is left as text (not a safe http(s) or mailto link)",
    (text) => {
      expect(both(text)).toEqual({ mrkdwn: text, plain: text });
    },
  );

  it("a mention, an emoji name or an emoticon inside a URL is part of the URL", () => {
    for (const url of ["https://a.example/@all", "https://a.example/(successful)", "https://a.example/:smile:"]) {
      expect(both(url)).toEqual({ mrkdwn: `<${url}>`, plain: url });
    }
  });
});

describe("emoji names and emoticons", () => {
  it("emoji names are kept; underscores at their ends are not a name", () => {
    expect(both(":smile: :a_b: :+1: :-1: :_: :x_:")).toEqual({
      mrkdwn: ":smile: :a_b: :+1: :-1: :ˍ: :xˍ:",
      plain: ":smile: :a_b: :+1: :-1: :_: :x_:",
    });
  });

  // An emoji name is a token, not the sender's text: its underscore is neither neutralised nor able
  // to pair with an underscore of the sender's, which stays (or pairs with another of the sender's).
  it.each<[string, string]>([
    ["_see :smile_cat:", "_see :smile_cat:"],
    ["_see :smile_cat: again_", "ˍsee :smile_cat: againˍ"],
    [":smile_cat: _see_", ":smile_cat: ˍseeˍ"],
  ])("the underscore inside an emoji name never pairs: %j", (text, mrkdwn) => {
    expect(both(text)).toEqual({ mrkdwn, plain: text });
  });

  it("emoticons need no spaces around them; an unknown one stays text", () => {
    expect(both("(successful)(successful)")).toEqual({
      mrkdwn: ":white_check_mark::white_check_mark:",
      plain: ":white_check_mark::white_check_mark:",
    });
    expect(both("(nosuchemoticon)")).toEqual({ mrkdwn: "(nosuchemoticon)", plain: "(nosuchemoticon)" });
  });
});

describe("markers and length", () => {
  it("the sender's pairing markers are neutralised in mrkdwn only; lone ones stay", () => {
    expect(both("a *b* c")).toEqual({ mrkdwn: "a ∗b∗ c", plain: "a *b* c" });
    expect(both("~x~")).toEqual({ mrkdwn: "∼x∼", plain: "~x~" });
    expect(both("a_b_c 2*3")).toEqual({ mrkdwn: "a_b_c 2*3", plain: "a_b_c 2*3" });
  });

  it("text over INPUT_MAX is cut and ends with an ellipsis in both forms; at INPUT_MAX it is whole", () => {
    const whole = both("x".repeat(INPUT_MAX));
    expect(whole.mrkdwn).toHaveLength(INPUT_MAX);
    expect(whole.plain.endsWith(ELLIPSIS)).toBe(false);
    const cut = both("x".repeat(INPUT_MAX + 1));
    expect(cut.mrkdwn.endsWith(`x${ELLIPSIS}`)).toBe(true);
    expect(cut.plain.endsWith(`x${ELLIPSIS}`)).toBe(true);
    expect(cut.mrkdwn.length).toBeLessThanOrEqual(INPUT_MAX + ELLIPSIS.length);
  });
});
