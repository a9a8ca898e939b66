import { replaceEmoticons } from "./emoticons";
import { escapeSlack, stripControls } from "./escape";
import { clip, ELLIPSIS, INPUT_MAX } from "./limits";
import type { ConvertOptions } from "./types";
import { SLACK_USER_ID } from "../patterns";

/**
 * `@name` as HipChat recognised it: not glued to a preceding word, dot, path or another `@` (so the
 * `@` of `ops@all.example.com` or `https://host/@all` is not a mention) and not followed by more of
 * a name or a `.domain` part.
 */
const MENTION = /(?<![\p{L}\p{N}_@.+\-/=])@([\p{L}\p{N}_]+)(?![\p{L}\p{N}_@-]|\.[\p{L}\p{N}_])/gu;

function translateMentions(text: string, users: Readonly<Record<string, string>> | undefined): string {
  return text.replace(MENTION, (match: string, rawName: string) => {
    const name = rawName.toLowerCase();
    if (name === "all") {
      return "<!channel>";
    }
    if (name === "here") {
      return "<!here>";
    }
    const known = users !== undefined && Object.hasOwn(users, name);
    const id = known ? users[name] : undefined;
    return typeof id === "string" && SLACK_USER_ID.test(id) ? `<@${id}>` : match;
  });
}

/**
 * Converts a text-format HipChat message. HipChat shows these as typed (no HTML), with emoticons and
 * mentions; Slack gets the same text escaped, emoticons as emoji and — only when
 * `opts.translateMentions` — `@all`/`@here`/known `@name` as real Slack mentions. Because escaping
 * happens first, the only `<…>` sequences in the result are those mentions.
 */
export function textToMrkdwn(text: string, opts: ConvertOptions): string {
  const input = typeof text === "string" ? text : "";
  const clipped = clip(input, INPUT_MAX);
  let out = replaceEmoticons(escapeSlack(stripControls(clipped).replace(/\r\n?/g, "\n")));
  if (opts.translateMentions) {
    out = translateMentions(out, opts.mentionUsers);
  }
  out = out.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
  return clipped.length < input.length ? out + ELLIPSIS : out;
}
