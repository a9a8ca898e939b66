/**
 * handler/convert/emoticons.ts: the whole HipChat-to-Slack emoticon table, pinned entry by entry, so
 * that a changed, lost or added entry shows up here rather than as literal `(name)` text (or a
 * different emoji) in a channel; and how `(name)` shortcuts are found in text.
 */
import { EMOTICONS, emoticon, replaceEmoticons } from "../../../handler/convert/emoticons";

/** Every entry of the table, in its order: HipChat name, Slack emoji (or text). */
const TABLE: readonly (readonly [string, string])[] = [
  ["successful", ":white_check_mark:"],
  ["failed", ":x:"],
  ["unknown", ":grey_question:"],
  ["continue", ":arrow_forward:"],
  ["branch", ":twisted_rightwards_arrows:"],
  ["thumbsup", ":+1:"],
  ["thumbsdown", ":-1:"],
  ["yey", ":tada:"],
  ["awesome", ":grinning:"],
  ["lol", ":laughing:"],
  ["facepalm", ":face_palm:"],
  ["shrug", ":shrug:"],
  ["embarrassed", ":flushed:"],
  ["oops", ":grimacing:"],
  ["omg", ":scream:"],
  ["ohcrap", ":fearful:"],
  ["wtf", ":confused:"],
  ["huh", ":confused:"],
  ["wat", ":thinking_face:"],
  ["mindblown", ":exploding_head:"],
  ["sadpanda", ":disappointed:"],
  ["content", ":relieved:"],
  ["notbad", ":ok_hand:"],
  ["okay", ":neutral_face:"],
  ["pokerface", ":expressionless:"],
  ["disapproval", ":unamused:"],
  ["stare", ":eyes:"],
  ["derp", ":stuck_out_tongue:"],
  ["megusta", ":heart_eyes:"],
  ["rageguy", ":rage:"],
  ["dealwithit", ":sunglasses:"],
  ["badass", ":sunglasses:"],
  ["awthanks", ":pray:"],
  ["dance", ":dancer:"],
  ["zzz", ":zzz:"],
  ["boom", ":boom:"],
  ["heart", ":heart:"],
  ["poo", ":hankey:"],
  ["ghost", ":ghost:"],
  ["grumpycat", ":pouting_cat:"],
  ["ceilingcat", ":cat:"],
  ["bunny", ":rabbit:"],
  ["android", ":robot_face:"],
  ["hipchat", ":speech_balloon:"],
  ["coffee", ":coffee:"],
  ["tea", ":tea:"],
  ["beer", ":beer:"],
  ["greenbeer", ":beer:"],
  ["cake", ":cake:"],
  ["fire", ":fire:"],
  ["rocket", ":rocket:"],
  ["present", ":gift:"],
  ["tree", ":christmas_tree:"],
  ["santa", ":santa:"],
  ["pumpkin", ":jack_o_lantern:"],
  ["shamrock", ":shamrock:"],
  ["turkey", ":turkey:"],
  ["pingpong", ":table_tennis_paddle_and_ball:"],
  ["tableflip", "(╯°□°)╯︵ ┻━┻"],
];

describe("the emoticon table", () => {
  it("holds exactly the pinned entries, in order", () => {
    expect(Object.entries(EMOTICONS)).toEqual(TABLE);
  });

  it.each(TABLE)("(%s) is %s, whatever its case", (name, emoji) => {
    expect(emoticon(name)).toBe(emoji);
    expect(emoticon(name.toUpperCase())).toBe(emoji);
    expect(replaceEmoticons(`deploy (${name}) done`)).toBe(`deploy ${emoji} done`);
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__"])(
    "(%s), a name every object has, is no emoticon",
    (name) => {
      // Only the table's own entries count, not what every object inherits.
      expect(emoticon(name)).toBeUndefined();
      expect(replaceEmoticons(`(${name})`)).toBe(`(${name})`);
    },
  );
});

describe("(name) shortcuts in text", () => {
  it.each<[string, string, string]>([
    ["at the start, after a space and after punctuation", "(lol) ok (beer),(cake)", ":laughing: ok :beer:,:cake:"],
    ["in brackets and quotes", '[(fire)] "(boom)"', '[:fire:] ":boom:"'],
    // A name right after a word, an underscore or a slash is code or a path, not an emoticon.
    ["after a word (a call in code)", "print(lol)", "print(lol)"],
    ["after a digit", "v2(beer)", "v2(beer)"],
    ["after an underscore", "x_(beer)", "x_(beer)"],
    ["after a slash (a path or URL)", "https://host/(beer)", "https://host/(beer)"],
    ["an unknown name stays as typed", "(notanemoticon) (lol)", "(notanemoticon) :laughing:"],
    ["a name with other characters is no shortcut", "(lo l) (lol!) (lol-x)", "(lo l) (lol!) (lol-x)"],
    ["two in a row", "(lol)(lol)", ":laughing::laughing:"],
  ])("%s: %j", (_case, text, expected) => {
    expect(replaceEmoticons(text)).toBe(expected);
  });
});
