import { LinkifyIt } from "linkify-it";
import { emoticon, SHORTCUT } from "./emoticons";
import { escapeSlack, stripControls } from "./escape";
import { clip, ELLIPSIS, INPUT_MAX } from "./limits";
import { LOOKALIKES, markerOf, markersToReplace } from "./markers";
import type { ConvertOptions } from "./types";
import { mrkdwnLink, safeUrl } from "./url";
import { SLACK_USER_ID } from "../../lib/patterns";

/*
 * Text-format messages. The sender's text is cut into pieces: links, emoji names, emoticons and
 * mentions are "tokens" and are converted on their own; everything between them is the sender's
 * plain text, escaped, and the only place where formatting markers are neutralised. Because
 * tokens are found first, a mention or an emoticon inside a URL is just part of the URL.
 */

/**
 * The URL grammar: `http(s)://`, `mailto:`, `ftp://` and `//` links, and bare e-mail addresses.
 * Schemeless links (`example.com`) are left to Slack: too many file names (`setup.py`) look like them.
 */
const linkify = new LinkifyIt();

/**
 * Characters a link may not contain here: `|` ends a Slack link target, `"` and `` ` `` are far
 * more often quoting around a URL than part of it, and U+FFFD stands for something that was not
 * text at all (a lone surrogate). The URL grammar runs on a copy where they are spaces, so links
 * end before them (and trailing punctuation rules still apply).
 */
const LINK_STOPS = /[|"`\uFFFD]/g;

/** A Slack emoji name as typed (`:smile_cat:`, `:+1:`); its underscores are not emphasis. */
const EMOJI_NAME = /:(?!_)[\p{L}\p{N}_+'-]{1,100}(?<!_):/gu;

/**
 * `@name` as HipChat recognised it: at the start of a word — after the start, a space or an opening
 * bracket, or after a quote, `*` or `~` that itself opens a word — and not followed by more of a
 * name or a `.domain` part. So `ops@all.example.com`, `https://host/#@all`, `?@all`, `a;@all` or
 * `x'@all` are not mentions (URLs are found first anyway; this covers what the URL grammar leaves).
 */
const MENTION = /(?<=^|[\s([{<“‘«‹]|(?:^|[\s([{<“‘«‹])["'*~])@([\p{L}\p{N}_]+)(?![\p{L}\p{N}_@-]|\.[\p{L}\p{N}_])/gu;

interface Token {
  start: number;
  end: number;
  /** The token in mrkdwn. */
  mrkdwn: string;
  /** The token in a plain-text fallback (links as typed). */
  plain: string;
}

function mention(rawName: string, users: Readonly<Record<string, string>> | undefined): string | undefined {
  const name = rawName.toLowerCase();
  if (name === "all") {
    return "<!channel>";
  }
  if (name === "here") {
    return "<!here>";
  }
  const known = users !== undefined && Object.hasOwn(users, name);
  const id = known ? users[name] : undefined;
  return typeof id === "string" && SLACK_USER_ID.test(id) ? `<@${id}>` : undefined;
}

/** A link found by the URL grammar: a Slack link when it is a safe http(s)/mailto URL, else escaped text. */
function linkToken(raw: string, normalized: string, start: number): Token {
  const text = escapeSlack(raw);
  // Bare e-mail addresses have no scheme in the text; the grammar supplies `mailto:`.
  const target = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : normalized;
  const url = safeUrl(target, true);
  const mrkdwn = url === undefined ? text : mrkdwnLink(url, text);
  return { start, end: start + raw.length, mrkdwn, plain: text };
}

function tokens(src: string, opts: ConvertOptions): Token[] {
  const taken = new Uint8Array(src.length);
  const found: Token[] = [];
  const take = (t: Token): void => {
    for (let i = t.start; i < t.end; i += 1) {
      if (taken[i] === 1) {
        return;
      }
    }
    taken.fill(1, t.start, t.end);
    found.push(t);
  };
  const scan = src.replace(LINK_STOPS, " ");
  for (const m of linkify.match(scan) ?? []) {
    take(linkToken(src.slice(m.index, m.lastIndex), m.url, m.index));
  }
  for (const m of src.matchAll(EMOJI_NAME)) {
    take({ start: m.index, end: m.index + m[0].length, mrkdwn: m[0], plain: m[0] });
  }
  for (const m of src.matchAll(SHORTCUT)) {
    const emoji = emoticon(m[1]);
    if (emoji !== undefined) {
      take({ start: m.index, end: m.index + m[0].length, mrkdwn: emoji, plain: emoji });
    }
  }
  if (opts.translateMentions) {
    for (const m of src.matchAll(MENTION)) {
      const out = mention(m[1], opts.mentionUsers);
      if (out !== undefined) {
        take({ start: m.index, end: m.index + m[0].length, mrkdwn: out, plain: out });
      }
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A text-format message converted two ways. */
export interface ConvertedText {
  /** For `text` fields: links explicit, the sender's markers neutralised where they would pair up. */
  readonly mrkdwn: string;
  /** For `fallback`: the same words, links and markers as typed (notifications do not format). */
  readonly plain: string;
}

/**
 * Converts a text-format HipChat message. HipChat showed these as typed (no HTML, no formatting),
 * with emoticons, mentions and linked URLs; Slack gets:
 *
 * - the text escaped (`&`, `<`, `>`), so the only `<…>` sequences are the links and mentions below;
 * - URLs (and e-mail addresses) as explicit Slack links, so nothing inside a URL is read as a
 *   mention, an emoticon or formatting;
 * - emoticons such as `(successful)` as Slack emoji;
 * - only when `opts.translateMentions`: `@all`/`@here`/known `@name` at the start of a word, outside
 *   a URL, as real Slack mentions;
 * - `*`, `_`, `~` and `` ` `` that Slack would pair into formatting as look-alikes (see markers.ts).
 */
export function convertText(text: string, opts: ConvertOptions): ConvertedText {
  const input = typeof text === "string" ? text : "";
  const clipped = clip(input, INPUT_MAX);
  const src = stripControls(clipped)
    .replace(/\r\n?/g, "\n")
    .replace(/^(?:[ \t]*\n)+/, "")
    .trimEnd();
  let mrkdwn = "";
  let plain = "";
  // 1 where `mrkdwn` holds the sender's plain text (escaped), whose markers may be neutralised.
  const senders: number[] = [];
  let at = 0;
  const addText = (s: string): void => {
    const escaped = escapeSlack(s);
    senders.push(mrkdwn.length, mrkdwn.length + escaped.length);
    mrkdwn += escaped;
    plain += escaped;
  };
  for (const t of tokens(src, opts)) {
    addText(src.slice(at, t.start));
    mrkdwn += t.mrkdwn;
    plain += t.plain;
    at = t.end;
  }
  addText(src.slice(at));
  const own = new Uint8Array(mrkdwn.length);
  for (let i = 0; i < senders.length; i += 2) {
    own.fill(1, senders[i], senders[i + 1]);
  }
  const replace = markersToReplace(mrkdwn, (i) => {
    const m = own[i] === 1 ? markerOf(mrkdwn[i]) : undefined;
    return m === undefined ? undefined : { m, sender: true };
  });
  if (replace.size > 0) {
    let out = "";
    for (let i = 0; i < mrkdwn.length; i += 1) {
      out += replace.has(i) ? LOOKALIKES[markerOf(mrkdwn[i])!] : mrkdwn[i];
    }
    mrkdwn = out;
  }
  const cut = clipped.length < input.length ? ELLIPSIS : "";
  return { mrkdwn: mrkdwn + cut, plain: plain + cut };
}

/** {@link convertText}, mrkdwn only. */
export function textToMrkdwn(text: string, opts: ConvertOptions): string {
  return convertText(text, opts).mrkdwn;
}
