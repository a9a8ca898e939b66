import { escapeSlack, stripControls } from "./escape";
import { URL_MAX } from "./limits";

/**
 * Returns `raw` as a URL safe to place in a Slack link or URL field, or `undefined` when it is not
 * an absolute http(s) URL (or `mailto:` when `allowMailto`). Anything else — `javascript:`,
 * `data:`, relative paths, garbage — is refused, because Slack would make it clickable.
 *
 * The URL is kept as the sender wrote it (no normalisation, so `<url>` shows what they typed) except
 * that whitespace and the characters that delimit Slack links (`<`, `>`, `|`) are percent-encoded,
 * so they cannot end the link early or smuggle in a label. The result is NOT entity-escaped:
 * {@link mrkdwnLink} does that for mrkdwn; URL fields such as `title_link` take it raw.
 */
export function safeUrl(raw: unknown, allowMailto: boolean): string | undefined {
  if (typeof raw !== "string") {
    return undefined;
  }
  // Browsers drop tabs and newlines anywhere in a URL and trim the ends, so `java\nscript:` is a
  // scheme they would run; doing the same before checking keeps our check honest.
  const s = stripControls(raw)
    .replace(/[\t\n\r]/g, "")
    .trim();
  if (!/^(?:https?:\/\/|mailto:)/i.test(s) || s.length > URL_MAX) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(s);
  } catch {
    return undefined;
  }
  const scheme = parsed.protocol;
  const ok =
    scheme === "mailto:"
      ? allowMailto && parsed.pathname !== ""
      : (scheme === "http:" || scheme === "https:") && parsed.hostname !== "";
  if (!ok) {
    return undefined;
  }
  const encoded = s.replace(/[\s<>|"`]/gu, (c) => encodeURIComponent(c));
  return encoded.length <= URL_MAX ? encoded : undefined;
}

/**
 * Builds a Slack link from a URL returned by {@link safeUrl} and an already-escaped, single-line
 * label. A label equal to the URL gives the shorter `<url>` form, which Slack displays the same way.
 * A `|` inside the label is harmless: Slack splits at the first `|`, and the URL cannot contain one.
 */
export function mrkdwnLink(url: string, label: string): string {
  const target = escapeSlack(url);
  return label === "" || label === target ? `<${target}>` : `<${target}|${label}>`;
}
