/**
 * HipChat emoticon shortcuts (`(name)` in text-format messages) and the standard Slack emoji that
 * render closest. Names come from HipChat's emoticon API dumps (henrik/hipchat-emoticons) plus the
 * Bamboo status set; HipChat-specific faces without a real counterpart (memes, people, logos) are
 * left out on purpose and stay as literal text, like unknown custom emoticons.
 * Only emoji shipped with Slack are used, so none depends on a workspace's custom emoji.
 */
export const EMOTICONS: Readonly<Record<string, string>> = Object.fromEntries([
  // Build and deploy bots
  ["successful", ":white_check_mark:"],
  ["failed", ":x:"],
  ["unknown", ":grey_question:"],
  ["continue", ":arrow_forward:"],
  ["branch", ":twisted_rightwards_arrows:"],
  // Reactions
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
  // Things
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
  // Text emoticons are better kept as text than approximated.
  ["tableflip", "(╯°□°)╯︵ ┻━┻"],
]);

/**
 * `(name)` shortcuts are replaced only when they stand apart from a preceding word or path, so
 * `print(lol)` in a pasted snippet and `https://host/(beer)` in a URL keep their text.
 */
export const SHORTCUT = /(?<![\p{L}\p{N}_/])\(([A-Za-z0-9]{1,32})\)/gu;

/** The Slack emoji for a HipChat emoticon name (case-insensitive), if there is one. */
export function emoticon(name: string): string | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(EMOTICONS, key) ? EMOTICONS[key] : undefined;
}

/** Replaces known HipChat emoticon shortcuts with Slack emoji; unknown ones stay as typed. */
export function replaceEmoticons(text: string): string {
  return text.replace(SHORTCUT, (match: string, name: string) => emoticon(name) ?? match);
}
