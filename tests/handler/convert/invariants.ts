import type { SlackPayload } from "../../../handler/convert";
import {
  ATTACHMENT_TEXT_MAX,
  FALLBACK_MAX,
  FIELD_TITLE_MAX,
  FIELD_VALUE_MAX,
  FIELDS_MAX,
  FOOTER_MAX,
  TEXT_MAX,
  TITLE_MAX,
  URL_MAX,
  USERNAME_MAX,
} from "../../../handler/convert/limits";

/** A link the converter builds: an http(s)/mailto URL with no delimiter inside, then an optional label. */
const LINK = /^<(?:https?:\/\/|mailto:)[^\s<>|]+(?:\|[^<>\n]*)?>/i;
/** The mentions text-format translation may produce. */
const MENTION = /^<(?:!channel|!here|@[UW][A-Z0-9]{2,})>/;

/**
 * Problems with one mrkdwn string: a `<` that does not open a converter-built link (or an allowed
 * mention), an `&` that is not one of Slack's three escapes, or a leaked internal sentinel.
 */
export function mrkdwnProblems(s: string, allowMentions: boolean): string[] {
  const problems: string[] = [];
  for (let i = s.indexOf("<"); i !== -1; i = s.indexOf("<", i + 1)) {
    const rest = s.slice(i);
    if (!LINK.test(rest) && !(allowMentions && MENTION.test(rest))) {
      problems.push(`unexpected < at ${i}: ${JSON.stringify(rest.slice(0, 40))}`);
    }
  }
  if (!allowMentions && /<[!@#]/.test(s)) {
    problems.push("control sequence without mention translation");
  }
  const amp = /&(?!amp;|lt;|gt;)/.exec(s);
  if (amp !== null) {
    problems.push(`bare & at ${amp.index}: ${JSON.stringify(s.slice(amp.index, amp.index + 10))}`);
  }
  if (/[\x00-\x08\x0e-\x1f]/.test(s)) {
    problems.push("control character in output");
  }
  return problems;
}

function urlProblems(name: string, url: string | undefined): string[] {
  if (url === undefined) {
    return [];
  }
  const ok = /^https?:\/\/[^\s<>|]+$/i.test(url) && url.length <= URL_MAX;
  return ok ? [] : [`${name} is not a safe http(s) URL: ${JSON.stringify(url.slice(0, 60))}`];
}

function tooLong(name: string, s: string | undefined, max: number): string[] {
  return s !== undefined && s.length > max ? [`${name} has ${s.length} > ${max} characters`] : [];
}

/** Every rule a converted payload must follow; an empty list means it is fine. */
export function payloadProblems(payload: SlackPayload, allowMentions: boolean): string[] {
  const problems: string[] = [];
  const text = (name: string, s: string | undefined, max: number, mentions = false): void => {
    problems.push(...tooLong(name, s, max));
    if (s !== undefined) {
      problems.push(...mrkdwnProblems(s, mentions).map((p) => `${name}: ${p}`));
    }
  };
  if (payload.mrkdwn !== true) {
    problems.push("mrkdwn is not true");
  }
  if (typeof payload.text !== "string" || payload.text.trim() === "") {
    problems.push("empty top-level text");
  }
  text("text", payload.text, TEXT_MAX, allowMentions);
  problems.push(...tooLong("username", payload.username, USERNAME_MAX));
  if (payload.username !== undefined && (payload.username.trim() !== payload.username || payload.username === "")) {
    problems.push("username not trimmed");
  }
  for (const [i, a] of (payload.attachments ?? []).entries()) {
    const at = `attachments[${i}]`;
    text(`${at}.text`, a.text, ATTACHMENT_TEXT_MAX, allowMentions);
    text(`${at}.fallback`, a.fallback, FALLBACK_MAX, allowMentions);
    text(`${at}.title`, a.title, TITLE_MAX);
    text(`${at}.footer`, a.footer, FOOTER_MAX);
    problems.push(...urlProblems(`${at}.title_link`, a.title_link), ...urlProblems(`${at}.thumb_url`, a.thumb_url));
    if ((a.fields?.length ?? 0) > FIELDS_MAX) {
      problems.push(`${at} has ${a.fields?.length} fields`);
    }
    for (const [j, f] of (a.fields ?? []).entries()) {
      text(`${at}.fields[${j}].title`, f.title, FIELD_TITLE_MAX);
      text(`${at}.fields[${j}].value`, f.value, FIELD_VALUE_MAX);
    }
  }
  return problems;
}
