import { escapeOneLine } from "./escape";
import { htmlToMrkdwn, htmlToPlainText } from "./html";
import {
  ATTACHMENT_TEXT_MAX,
  FALLBACK_MAX,
  FIELD_TITLE_MAX,
  FIELD_VALUE_MAX,
  FIELDS_MAX,
  FOOTER_MAX,
  TITLE_MAX,
  truncate,
} from "./limits";
import { textToMrkdwn } from "./text";
import type { CardAttribute, HipChatCard, SlackAttachment } from "./types";
import { mrkdwnLink, safeUrl } from "./url";

type Field = NonNullable<SlackAttachment["fields"]>[number];

/** Validation upstream checks shapes loosely; a part that is not an object is treated as absent. */
function isObject<T>(v: T | null | undefined): v is T & object {
  return v !== null && typeof v === "object";
}

/**
 * Mentions in card text are not translated: a card describes an object (an issue, a build), and
 * HipChat never notified anyone from one.
 */
const CARD_TEXT_OPTS = { translateMentions: false } as const;

function descriptionText(description: HipChatCard["description"]): string {
  if (typeof description === "string") {
    return textToMrkdwn(description, CARD_TEXT_OPTS);
  }
  if (isObject(description) && typeof description.value === "string") {
    return description.format === "html"
      ? htmlToMrkdwn(description.value)
      : textToMrkdwn(description.value, CARD_TEXT_OPTS);
  }
  return "";
}

function fieldValue(value: CardAttribute["value"] | undefined): string {
  if (!isObject(value)) {
    return "";
  }
  const label = escapeOneLine(value.label);
  const url = safeUrl(value.url, false);
  if (url !== undefined) {
    const link = mrkdwnLink(url, label);
    if (link.length <= FIELD_VALUE_MAX) {
      return link;
    }
  }
  return truncate(label, FIELD_VALUE_MAX);
}

function fields(attributes: HipChatCard["attributes"]): Field[] {
  if (!Array.isArray(attributes)) {
    return [];
  }
  return attributes
    .filter((a): a is CardAttribute => isObject(a))
    .slice(0, FIELDS_MAX)
    .map((a) => ({
      title: truncate(escapeOneLine(a.label), FIELD_TITLE_MAX),
      value: fieldValue(a.value),
      short: true,
    }));
}

/**
 * A HipChat card as one Slack attachment: title (linked when the card has an http(s) URL),
 * description as text, attributes as short fields, thumbnail, and the activity line as footer.
 *
 * @param card The card as the sender posted it.
 * @param fallback The message as plain text (escaped, unformatted), for notifications and clients that
 *   cannot show attachments; the title when empty.
 * @param color A Slack attachment color, when the message had one.
 */
export function cardAttachment(card: HipChatCard, fallback: string, color?: string): SlackAttachment {
  const title = truncate(escapeOneLine(card.title), TITLE_MAX);
  const attachment: SlackAttachment = {
    fallback: truncate(fallback !== "" ? fallback : title, FALLBACK_MAX),
    mrkdwn_in: ["text"],
  };
  if (color !== undefined) {
    attachment.color = color;
  }
  if (title !== "") {
    attachment.title = title;
    const link = safeUrl(card.url, false);
    if (link !== undefined) {
      attachment.title_link = link;
    }
  }
  const text = truncate(descriptionText(card.description), ATTACHMENT_TEXT_MAX);
  if (text !== "") {
    attachment.text = text;
  }
  const attrs = fields(card.attributes);
  if (attrs.length > 0) {
    attachment.fields = attrs;
  }
  const thumb = isObject(card.thumbnail) ? safeUrl(card.thumbnail.url, false) : undefined;
  if (thumb !== undefined) {
    attachment.thumb_url = thumb;
  }
  const activity = isObject(card.activity) ? card.activity.html : undefined;
  // Slack shows the footer as one small line of plain text.
  const footer = typeof activity === "string" ? htmlToPlainText(activity).replace(/\s+/g, " ").trim() : "";
  if (footer !== "") {
    attachment.footer = truncate(footer, FOOTER_MAX);
  }
  return attachment;
}
