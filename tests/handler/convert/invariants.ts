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
const MENTIONS_G = /<(?:!channel|!here|@[UW][A-Z0-9]{2,})>|…/g;

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
  const attachments = payload.attachments ?? [];
  if (typeof payload.text !== "string") {
    problems.push("top-level text is not a string");
  } else if (payload.text.trim() === "" && (payload.text !== "" || attachments.length === 0)) {
    // Slack needs text or attachments; text is either content or empty, never blank.
    problems.push("blank top-level text");
  }
  for (const [i, a] of attachments.entries()) {
    if (typeof a.fallback !== "string" || a.fallback.trim() === "") {
      problems.push(`attachments[${i}] has no fallback for notifications`);
    }
  }
  // Beside an attachment, only mentions (after the `*from*: ` prefix of withFromPrefix, if any).
  const beside = payload.text.replace(/^\*[^*\n]*\*: /, "").replace(MENTIONS_G, "");
  if (attachments.length > 0 && payload.text !== "" && /[^\s]/.test(beside)) {
    problems.push("top-level text beside an attachment holds more than mentions");
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
    text(`${at}.pretext`, a.pretext, TITLE_MAX);
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

/** Slack's markers, and the look-alikes the converter shows instead (handler/convert/markers.ts). */
export const LOOKALIKE_OF: Readonly<Record<string, string>> = { "*": "∗", _: "ˍ", "~": "∼", "`": "ˋ" };

/**
 * Pairs of one of Slack's markers that Slack could read as formatting in converted text-format
 * output, checked naively (every two markers, not a scan) against a model of Slack's rules: an
 * opener followed by a non-space (an underscore also not after a letter or digit), a closer after
 * a non-space, something between them; on one line, except backticks. Links, mentions and emoji
 * names are opaque.
 */
export function pairProblems(mrkdwn: string): string[] {
  const s = mrkdwn.replace(/<[^<>]*>|:(?!_)[\p{L}\p{N}_+'-]{1,100}(?<!_):/gu, (t) => "x".repeat(t.length));
  const problems: string[] = [];
  for (const m of ["*", "_", "~", "`"]) {
    const scopes = m === "`" ? [s] : s.split("\n");
    for (const line of scopes) {
      const at: number[] = [];
      for (let i = line.indexOf(m); i !== -1; i = line.indexOf(m, i + 1)) at.push(i);
      const sp = (i: number): boolean => i < 0 || i >= line.length || /[ \t\n]/.test(line[i]);
      for (const i of at) {
        const opener = !sp(i + 1) && !(m === "_" && /[\p{L}\p{N}]$/u.test(line.slice(0, i)));
        const closer = at.find((j) => j > i + 1 && !sp(j - 1));
        if (opener && closer !== undefined) {
          problems.push(`${m} at ${i} pairs with ${closer}: ${JSON.stringify(line.slice(i, closer + 1).slice(0, 40))}`);
        }
      }
    }
  }
  return problems;
}
