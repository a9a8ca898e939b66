import { cardAttachment } from "./card";
import { slackColor } from "./colors";
import { escapeSlack, escapeOneLine, stripControls } from "./escape";
import { htmlToMrkdwn } from "./html";
import { ATTACHMENT_TEXT_MAX, clip, FALLBACK_MAX, SUMMARY_MAX, TEXT_MAX, truncate, USERNAME_MAX } from "./limits";
import { textToMrkdwn } from "./text";
import type { ConvertOptions, HipChatMessage, SlackPayload } from "./types";

/** Slack rejects a message without text (`no_text`); this is what an empty message turns into. */
export const EMPTY_MESSAGE = "_(empty message)_";

/**
 * The message body as mrkdwn. A message that shows nothing (only tags or spaces; HipChat would
 * have shown an empty line) gets a placeholder, since Slack refuses an empty text with `no_text`.
 */
function convertBody(msg: HipChatMessage, opts: ConvertOptions): string {
  const source = typeof msg.message === "string" ? msg.message : "";
  const body = msg.format === "text" ? textToMrkdwn(source, opts) : htmlToMrkdwn(source);
  // Blank includes Unicode spaces such as a lone &nbsp;, which Slack would show as nothing.
  return body.trim() !== "" ? body : EMPTY_MESSAGE;
}

/**
 * The first line with content, without code fence markers, for the top-level `text` of a colored
 * message: Slack uses top-level text for notifications and previews, where one line reads best.
 */
export function summaryLine(body: string): string {
  for (const line of body.split("\n")) {
    let end = line.length;
    while (end > 0 && line[end - 1] === "`") {
      end -= 1;
    }
    // Scanned rather than matched with /`{3,}$/, which backtracks quadratically on long runs.
    const t = (line.length - end >= 3 ? line.slice(0, end) : line).replace(/^`{3,}/, "").trim();
    if (t !== "") {
      return truncate(t, SUMMARY_MAX);
    }
  }
  return EMPTY_MESSAGE;
}

/** `from` as Slack's `username`: one line, at most 80 characters; absent when blank. */
function slackUsername(from: unknown): string | undefined {
  if (typeof from !== "string") {
    return undefined;
  }
  const name = clip(stripControls(from).replace(/\s+/g, " ").trim(), USERNAME_MAX).trim();
  return name !== "" ? name : undefined;
}

function build(msg: HipChatMessage, opts: ConvertOptions): SlackPayload {
  const body = convertBody(msg, opts);
  const color = msg.color !== undefined ? slackColor(msg.color, opts.random) : undefined;
  const payload: SlackPayload = { text: truncate(body, TEXT_MAX), mrkdwn: true };
  const username = slackUsername(msg.from);
  if (username !== undefined) {
    payload.username = username;
  }
  if (msg.card !== null && typeof msg.card === "object") {
    // HipChat shows the card instead of the message, which is the card's fallback; Slack shows
    // both, and the message is still what notifications should say.
    payload.attachments = [cardAttachment(msg.card, body, color)];
  } else if (color !== undefined) {
    payload.text = summaryLine(body);
    payload.attachments = [
      {
        color,
        text: truncate(body, ATTACHMENT_TEXT_MAX),
        fallback: truncate(body, FALLBACK_MAX),
        mrkdwn_in: ["text"],
      },
    ];
  }
  return payload;
}

/**
 * Converts one HipChat message into `chat.postMessage` arguments (without `channel`).
 *
 * - No color, no card: `{ text, mrkdwn }`.
 * - A color: the converted message goes into one colored attachment, and `text` keeps its first line.
 * - A card: one attachment built from the card; `text` is the converted message.
 * - `from` becomes `username` (needs `chat:write.customize`; see {@link withFromPrefix}).
 *
 * Never throws: should conversion fail on input that slipped past validation, the message is sent
 * as escaped plain text instead of being lost.
 *
 * @param msg The validated HipChat message.
 * @param opts Mention translation and the random source for `color: random`.
 */
export function toSlackPayload(msg: HipChatMessage, opts: ConvertOptions): SlackPayload {
  try {
    return build(msg, opts);
  } catch (err) {
    opts?.onError?.(err);
    const raw = typeof msg?.message === "string" ? escapeSlack(stripControls(msg.message)).trim() : "";
    return { text: truncate(raw !== "" ? raw : EMPTY_MESSAGE, TEXT_MAX), mrkdwn: true };
  }
}

/**
 * The same payload for a token without `chat:write.customize`: Slack answers `missing_scope` to
 * `username`, so the sender's name moves into the text as a bold `*from*: ` prefix (and into the
 * attachment fallback, which is what notifications show). A blank `from` only removes `username`.
 * The payload passed in is not modified.
 */
export function withFromPrefix(payload: SlackPayload, from: string): SlackPayload {
  const out: SlackPayload = { ...payload };
  delete out.username;
  // `*` inside the name would end the bold early; U+2217 looks the same and is inert.
  const name = truncate(escapeOneLine(from).replace(/\*/g, "\u2217"), USERNAME_MAX);
  if (name === "") {
    return out;
  }
  const prefix = `*${name}*: `;
  out.text = truncate((prefix + payload.text).trimEnd(), TEXT_MAX);
  if (payload.attachments !== undefined) {
    out.attachments = payload.attachments.map((a) => ({
      ...a,
      fallback: truncate((prefix + a.fallback).trimEnd(), FALLBACK_MAX),
    }));
  }
  return out;
}
