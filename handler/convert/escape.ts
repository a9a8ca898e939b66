/**
 * Slack treats `&`, `<` and `>` as control characters: `<…>` starts a link or a mention such as
 * `<!channel>`. Escaping exactly these three (and nothing else, as Slack's formatting reference asks)
 * is what keeps user text from forging those sequences.
 */
export function escapeSlack(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/**
 * Removes C0 control characters other than tab, LF and CR (and DEL); VT and FF become spaces.
 * They have no meaning in a chat message, and the HTML converter uses some of them as internal
 * markers, so user text must never contain them.
 */
export function stripControls(s: string): string {
  return s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, (c) => (c === "\x0B" || c === "\x0C" ? " " : ""));
}

/** Text for a one-line field (title, label, name): controls removed, whitespace runs collapsed, escaped. */
export function escapeOneLine(s: unknown): string {
  if (typeof s !== "string") {
    return "";
  }
  return escapeSlack(stripControls(s).replace(/\s+/g, " ").trim());
}
