/**
 * Slack treats `&`, `<` and `>` as control characters: `<…>` starts a link or a mention such as
 * `<!channel>`. Escaping exactly these three (and nothing else, as Slack's formatting reference asks)
 * is what keeps user text from forging those sequences.
 */
export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** A UTF-16 surrogate that is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces each lone UTF-16 surrogate with U+FFFD, as `String.prototype.toWellFormed` does. Input
 * is normally well formed already (the request side decodes UTF-8), but one that slipped through
 * must neither reach Slack, which cannot encode it, nor change what is around it.
 */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Removes C0 control characters other than tab, LF and CR (and DEL); VT and FF become spaces.
 * They have no meaning in a chat message, and the HTML converter uses some of them as internal
 * markers, so user text must never contain them. Lone surrogates become U+FFFD (see
 * {@link wellFormed}); every piece of user text passes through here.
 */
export function stripControls(s: string): string {
  return wellFormed(s).replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, (c) => (c === "\x0B" || c === "\x0C" ? " " : ""));
}

/** Text for a one-line field (title, label, name): controls removed, whitespace runs collapsed, escaped. */
export function escapeOneLine(s: unknown): string {
  if (typeof s !== "string") {
    return "";
  }
  return escapeSlack(stripControls(s).replace(/\s+/g, " ").trim());
}

/**
 * Slack's `username` is shown as plain text, but it is no place for `&`, `<` or `>`: whether Slack
 * decodes entities there is not documented, so an escaped name could show `&amp;`, and an
 * unescaped one could carry `<!channel>` or a link. They become look-alikes (‹ › ＆), which read
 * the same either way and form no control sequence. The sender's own name text is otherwise kept.
 */
export function usernameSafe(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === "&" ? "\uFF06" : c === "<" ? "\u2039" : "\u203A"));
}
