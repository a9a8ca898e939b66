/**
 * The contract between the HipChat request side and the Slack side of the proxy.
 * A `HipChatMessage` is what a sender asked for, already validated; a `SlackPayload` is what
 * `chat.postMessage` receives, minus the channel (the core adds it after room lookup).
 */

/** HipChat's message colors (`random` is resolved by the converter). */
export type HipChatColor = "yellow" | "green" | "red" | "purple" | "gray" | "random";

/** HipChat's two message formats. The API's default is `html`. */
export type HipChatFormat = "html" | "text";

/** A HipChat card attribute (`card.attributes[]`). */
export interface CardAttribute {
  label?: string;
  value: { label: string; url?: string; style?: string; icon?: string | { url: string } };
}

/** A HipChat v2 card, as senders post it (validated for shape, not for every limit). */
export interface HipChatCard {
  style: "file" | "image" | "application" | "link" | "media";
  title: string;
  id?: string;
  url?: string;
  format?: "compact" | "medium";
  description?: string | { value: string; format: HipChatFormat };
  thumbnail?: { url: string; "url@2x"?: string; width?: number; height?: number };
  activity?: { html: string; icon?: string | { url: string } };
  attributes?: CardAttribute[];
  icon?: string | { url: string };
}

/** One validated message, independent of the API version it came from. */
export interface HipChatMessage {
  /** 1–10000 characters (HipChat's limit, checked before conversion). */
  message: string;
  format: HipChatFormat;
  /** Absent when the sender did not name a color. */
  color?: HipChatColor;
  /** A label shown with the message; empty strings are normalised to undefined before this point. */
  from?: string;
  card?: HipChatCard;
}

/** Settings that change how text is converted. */
export interface ConvertOptions {
  /** Translate `@all`/`@here` (text format only) into Slack's `<!channel>`/`<!here>`. */
  translateMentions: boolean;
  /**
   * HipChat mention names (lower-case, without `@`) → Slack user IDs. `@name` in text-format messages
   * becomes `<@U…>` when the name is here and `translateMentions` is on.
   */
  mentionUsers?: Readonly<Record<string, string>>;
  /** Source of randomness for `color: random` (tests pass a fixed one). Defaults to Math.random. */
  random?: () => number;
  /**
   * Told when conversion failed and the message was sent as escaped plain text instead, so the
   * failure is visible to operators rather than silently absorbed.
   */
  onError?: (err: unknown) => void;
}

/** A Slack legacy attachment, restricted to the fields we emit. */
export interface SlackAttachment {
  color?: string;
  fallback: string;
  pretext?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: { title: string; value: string; short: boolean }[];
  thumb_url?: string;
  image_url?: string;
  footer?: string;
  mrkdwn_in?: ("text" | "pretext" | "fields")[];
}

/** The `chat.postMessage` arguments the converter produces (channel excluded). */
export interface SlackPayload {
  /**
   * The message (mrkdwn). With attachments it is empty, or only the message's mentions: Slack
   * shows top-level text above the attachments, and notifies only for mentions found here. Slack
   * takes an empty `text` when there are attachments; every attachment has a `fallback`, which
   * notifications and screen readers use instead.
   */
  text: string;
  attachments?: SlackAttachment[];
  /** Shown as the sender name; needs the `chat:write.customize` scope. */
  username?: string;
  mrkdwn: true;
}
