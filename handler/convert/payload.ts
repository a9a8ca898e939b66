import { cardAttachment } from "./card";
import { slackColor } from "./colors";
import { escapeSlack, escapeOneLine, stripControls, usernameSafe } from "./escape";
import { htmlToMrkdwn, htmlToPlainText } from "./html";
import { ATTACHMENT_TEXT_MAX, clip, FALLBACK_MAX, MENTIONS_MAX, TEXT_MAX, truncate, USERNAME_MAX } from "./limits";
import { convertText } from "./text";
import type { ConvertOptions, HipChatMessage, SlackAttachment, SlackPayload } from "./types";

/** Slack rejects a message without text (`no_text`); this is what an empty message turns into. */
export const EMPTY_MESSAGE = "_(empty message)_";

/** {@link EMPTY_MESSAGE} where no formatting is read (fallbacks, notifications). */
const EMPTY_PLAIN = "(empty message)";

interface Body {
  /** The message as mrkdwn, for a `text` field. */
  readonly mrkdwn: string;
  /** The same words without formatting, for `fallback` (notifications, screen readers). */
  readonly plain: string;
}

/**
 * The message body. A message that shows nothing (only tags or spaces; HipChat would have shown
 * an empty line) gets a placeholder, since Slack refuses an empty text with `no_text`.
 */
function convertBody(msg: HipChatMessage, opts: ConvertOptions): Body {
  const source = typeof msg.message === "string" ? msg.message : "";
  const body =
    msg.format === "text"
      ? convertText(source, opts)
      : { mrkdwn: htmlToMrkdwn(source), plain: htmlToPlainText(source) };
  // Blank includes Unicode spaces such as a lone &nbsp;, which Slack would show as nothing.
  if (body.mrkdwn.trim() === "") {
    return { mrkdwn: EMPTY_MESSAGE, plain: EMPTY_PLAIN };
  }
  return { mrkdwn: body.mrkdwn, plain: body.plain.trim() !== "" ? body.plain : EMPTY_PLAIN };
}

/** The mentions a converted text holds; user text is escaped, so every `<!…>`/`<@…>` is one we made. */
const MENTIONS = /<(?:!channel|!here|@[UW][A-Z0-9]+)>/g;

/**
 * The top-level `text` that goes with an attachment. Slack shows top-level text above the
 * attachments, so repeating the message there would show it twice; without one, notifications and
 * screen readers use the attachment's `fallback`. But Slack notifies only for mentions in the
 * top-level text, never for those inside an attachment, so a message that mentions someone keeps
 * just its mentions there (`<!here> <@U1>`), each once, in order.
 */
function mentionLine(mrkdwn: string): string {
  const seen = [...new Set(mrkdwn.match(MENTIONS) ?? [])];
  return truncate(seen.join(" "), MENTIONS_MAX);
}

/**
 * `from` as Slack's `username`: one line, at most 80 characters, `&`, `<` and `>` replaced by
 * look-alikes (see {@link usernameSafe}); absent when blank.
 */
function slackUsername(from: unknown): string | undefined {
  if (typeof from !== "string") {
    return undefined;
  }
  const name = clip(usernameSafe(stripControls(from).replace(/\s+/g, " ").trim()), USERNAME_MAX).trim();
  return name !== "" ? name : undefined;
}

/** Whether an attachment built from a card shows anything besides its color bar. */
function showsSomething(a: SlackAttachment): boolean {
  return a.title !== undefined || a.text !== undefined || a.fields !== undefined || a.footer !== undefined;
}

function build(msg: HipChatMessage, opts: ConvertOptions): SlackPayload {
  const body = convertBody(msg, opts);
  const color = msg.color !== undefined ? slackColor(msg.color, opts.random) : undefined;
  const payload: SlackPayload = { text: "", mrkdwn: true };
  let attachment: SlackAttachment | undefined;
  if (msg.card !== null && typeof msg.card === "object") {
    // HipChat shows the card instead of the message, which is the card's fallback; so does this.
    attachment = cardAttachment(msg.card, body.plain === EMPTY_PLAIN ? "" : body.plain, color);
    if (attachment.fallback === "") {
      attachment.fallback = EMPTY_PLAIN;
    }
    if (!showsSomething(attachment)) {
      // A card with nothing to show (no title, description, fields or activity): the message is all there is.
      attachment.text = truncate(body.mrkdwn, ATTACHMENT_TEXT_MAX);
      attachment.fallback = truncate(body.plain, FALLBACK_MAX);
    }
  } else if (color !== undefined) {
    // The message once, in the colored attachment, as HipChat showed it.
    attachment = {
      color,
      text: truncate(body.mrkdwn, ATTACHMENT_TEXT_MAX),
      fallback: truncate(body.plain, FALLBACK_MAX),
      mrkdwn_in: ["text"],
    };
  }
  if (attachment === undefined) {
    payload.text = truncate(body.mrkdwn, TEXT_MAX);
  } else {
    payload.text = mentionLine(body.mrkdwn);
    payload.attachments = [attachment];
  }
  const username = slackUsername(msg.from);
  if (username !== undefined) {
    payload.username = username;
  }
  return payload;
}

/**
 * Converts one HipChat message into `chat.postMessage` arguments (without `channel`).
 *
 * - No color, no card: `{ text, mrkdwn }`.
 * - A color: `{ text: "", attachments: [{ color, text, fallback }] }`, the message shown once, in
 *   the attachment; `fallback` is its plain text, for notifications and screen readers.
 * - A card: one attachment built from the card, with the message as its `fallback`.
 * - With an attachment, top-level `text` is empty unless the message mentions someone; then it
 *   holds just the mentions (Slack notifies only for those).
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
 * `username`, so the sender's name moves into the message as a bold `*from*: ` prefix in front of
 * the top-level text when there is one, otherwise as the first attachment's `pretext` (the line
 * above it, `*from*`); and as a plain `from: ` in front of every attachment fallback, which is
 * what notifications show. A blank `from` only removes `username`. The payload passed in is not
 * modified.
 */
export function withFromPrefix(payload: SlackPayload, from: string): SlackPayload {
  const out: SlackPayload = { ...payload };
  delete out.username;
  const plainName = truncate(escapeOneLine(from), USERNAME_MAX);
  if (plainName === "") {
    return out;
  }
  // `*` inside the name would end the bold early; U+2217 looks the same and is inert.
  const bold = `*${plainName.replace(/\*/g, "\u2217")}*`;
  const attachments = payload.attachments ?? [];
  if (payload.text !== "" || attachments.length === 0) {
    out.text = truncate(`${bold}: ${payload.text}`.trimEnd(), TEXT_MAX);
  }
  if (attachments.length > 0) {
    out.attachments = attachments.map((a, i) => {
      // Fallbacks are plain text: the name without the bold markers.
      const prefixed: SlackAttachment = {
        ...a,
        fallback: truncate(`${plainName}: ${a.fallback}`.trimEnd(), FALLBACK_MAX),
      };
      if (i === 0 && payload.text === "") {
        prefixed.pretext = bold;
        prefixed.mrkdwn_in = [...(a.mrkdwn_in ?? []).filter((f) => f !== "pretext"), "pretext"];
      }
      return prefixed;
    });
  }
  return out;
}
