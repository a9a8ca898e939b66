/**
 * Size limits for what we send to Slack, and truncation that keeps mrkdwn valid.
 *
 * Slack documents one hard number: `chat.postMessage` truncates `text` over 40,000 characters. It
 * documents 300 characters for an attachment `footer`, and nothing for the other attachment fields,
 * so those limits are ours; they are chosen so that no single message can grow past what Slack
 * shows, and so that truncation happens here (with a visible `…`) rather than silently in Slack.
 */

/** Slack's documented truncation point for `text`. */
export const TEXT_MAX = 40_000;

/**
 * The top-level `text` that goes with an attachment holds only the message's mentions (Slack
 * notifies for no others); about seventy user mentions fit.
 */
export const MENTIONS_MAX = 1_000;

/**
 * `fallback` is what notifications and non-rendering clients show; Slack asks for a short summary,
 * and anything longer only gets cut by the client.
 */
export const FALLBACK_MAX = 1_000;

/** HipChat's own limit for a card title (1–500). */
export const TITLE_MAX = 500;

/** Slack's documented footer limit. */
export const FOOTER_MAX = 300;

/** More fields than this turn an attachment into a wall; Slack's UI shows them two per row. */
export const FIELDS_MAX = 20;

/** HipChat attribute labels are at most 50 characters; escaping can at most quintuple that for `&`. */
export const FIELD_TITLE_MAX = 100;

/** A field value is a label plus at most one link. */
export const FIELD_VALUE_MAX = 500;

/**
 * Attachment text gets the 40,000 budget minus everything else the same message can carry next to
 * it (mentions, title, footer, every field), so the whole visible message stays within Slack's
 * figure even in the worst case. Works out at 26,200.
 */
export const ATTACHMENT_TEXT_MAX =
  TEXT_MAX - MENTIONS_MAX - TITLE_MAX - FOOTER_MAX - FIELDS_MAX * (FIELD_TITLE_MAX + FIELD_VALUE_MAX);

/** Slack's limit for the `username` override. */
export const USERNAME_MAX = 80;

/** URLs in `title_link`/`thumb_url` longer than this are dropped: a cut URL is a broken URL. */
export const URL_MAX = 2_048;

/**
 * Input beyond this is ignored before parsing. HipChat rejects messages over 10,000 characters, so
 * only a caller that skipped validation gets here; the cap bounds the converter's work.
 */
export const INPUT_MAX = 100_000;

/** Appended wherever something was cut. */
export const ELLIPSIS = "…";

const FENCE = "```";

/** How far back a cut may move to land between words. */
const WORD_BACKOFF = 20;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Cuts `s` to at most `max` UTF-16 units without splitting a surrogate pair. No marker is added. */
export function clip(s: string, max: number): string {
  if (s.length <= max) {
    return s;
  }
  const end = max > 0 && isHighSurrogate(s.charCodeAt(max - 1)) ? max - 1 : max;
  return s.slice(0, Math.max(0, end));
}

/**
 * Moves a cut position left until it is safe: not inside a surrogate pair, an escape entity
 * (`&amp;` is the longest the converter emits), a `<…>` link or mention, or a run of backticks.
 * Every `<` and `>` in converted text belongs to such a sequence (user text is escaped), except
 * the `>` quote marker at a line start, which can never sit inside a link.
 */
function safeCut(s: string, cut: number): number {
  let at = cut;
  // Prefer ending on a whole word when one ends close by; a long word is cut where it is. The
  // checks below still apply, since the space found may sit inside a link label.
  if (at < s.length && !/\s/.test(s[at])) {
    for (let i = at - 1; i > 0 && i >= at - WORD_BACKOFF; i -= 1) {
      if (/\s/.test(s[i])) {
        at = i;
        break;
      }
    }
  }
  if (at > 0 && isHighSurrogate(s.charCodeAt(at - 1))) {
    at -= 1;
  }
  const amp = s.lastIndexOf("&", at - 1);
  if (amp !== -1 && at - amp < 5) {
    const semi = s.indexOf(";", amp);
    if (semi === -1 || semi >= at) {
      at = amp;
    }
  }
  const open = s.lastIndexOf("<", at - 1);
  if (open !== -1 && s.lastIndexOf(">", at - 1) < open) {
    at = open;
  }
  while (at > 0 && s[at - 1] === "`" && s[at] === "`") {
    at -= 1;
  }
  return at;
}

function countFences(s: string): number {
  let n = 0;
  for (let i = s.indexOf(FENCE); i !== -1; i = s.indexOf(FENCE, i + FENCE.length)) {
    n += 1;
  }
  return n;
}

/**
 * Fits converted (mrkdwn) text into `max` characters. Text that already fits is returned as is;
 * otherwise it is cut at a safe point (see {@link safeCut}), `…` is appended, and a code fence left
 * open by the cut is closed so the rest of the message does not render as code.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) {
    return s;
  }
  if (max < ELLIPSIS.length) {
    return "";
  }
  let cut = max - ELLIPSIS.length;
  while (cut > 0) {
    const head = s.slice(0, safeCut(s, cut)).trimEnd();
    const out = head + ELLIPSIS + (countFences(head) % 2 === 1 ? `\n${FENCE}` : "");
    if (out.length <= max) {
      return out;
    }
    cut -= out.length - max;
  }
  return ELLIPSIS;
}
