/**
 * What a card attachment holds and leaves out, to the key: parts that are absent are absent (not
 * present as `undefined`), links are http(s) only, a field's link is kept up to exactly its limit,
 * and the footer is one line. Each case was a mutant of handler/convert/card.ts that no test noticed.
 */
import { type HipChatCard, type SlackAttachment, toSlackPayload } from "../../../handler/convert";
import { FIELD_VALUE_MAX } from "../../../handler/convert/limits";

const OPTS = { translateMentions: true, random: () => 0 };

function attachmentOf(card: Partial<HipChatCard>): SlackAttachment {
  const payload = toSlackPayload(
    { message: "update", format: "text", card: { style: "application", title: "T", ...card } as HipChatCard },
    OPTS,
  );
  expect(payload.attachments).toHaveLength(1);
  return (payload.attachments as SlackAttachment[])[0];
}

describe("card attachments", () => {
  it("hold only the keys the card has parts for", () => {
    expect(attachmentOf({})).toStrictEqual({ fallback: "update", mrkdwn_in: ["text"], title: "T" });
  });

  it.each([
    ["a non-http(s) card URL", { url: "mailto:ann@example.com" }],
    ["a non-http(s) thumbnail", { thumbnail: { url: "mailto:ann@example.com" } }],
    ["a thumbnail without a URL", { thumbnail: {} }],
  ] as [string, Partial<HipChatCard>][])("leave out %s", (_name, card) => {
    expect(attachmentOf(card as Partial<HipChatCard>)).toStrictEqual({
      fallback: "update",
      mrkdwn_in: ["text"],
      title: "T",
    });
  });

  it.each([
    ["a description object without a value", { description: { format: "html" } }],
    ["a description object whose value is a number", { description: { value: 5, format: "text" } }],
    ["a description object whose value is an object", { description: { value: { x: 1 }, format: "html" } }],
  ])("have no text for %s", (_name, card) => {
    const attachment = attachmentOf(card as unknown as Partial<HipChatCard>);
    expect(attachment).not.toHaveProperty("text");
  });

  it("do not link a field whose URL is not http(s)", () => {
    const attachment = attachmentOf({
      attributes: [{ label: "Mail", value: { label: "Ann", url: "mailto:ann@example.com" } }],
    });
    expect(attachment.fields).toStrictEqual([{ title: "Mail", value: "Ann", short: true }]);
  });

  it.each([
    ["keep a field's link exactly as long as the field limit", FIELD_VALUE_MAX, true],
    ["drop a field's link one character over the field limit, keeping its label", FIELD_VALUE_MAX + 1, false],
  ])("%s", (_name, linkLength, linked) => {
    const base = "https://example.com/";
    const label = "Ann";
    // `<url|label>`: the brackets and the bar are 3 characters.
    const url = base + "a".repeat(linkLength - 3 - label.length - base.length);
    const [field] = attachmentOf({ attributes: [{ label: "Who", value: { label, url } }] }).fields ?? [];
    expect(field.value).toBe(linked ? `<${url}|${label}>` : label);
    expect(field.value.length).toBe(linked ? linkLength : label.length);
  });

  it.each([
    ["paragraphs become one line", "<p>Ann</p>\n<p>moved it</p>", "Ann moved it"],
    ["runs of non-breaking spaces become one space", "Ann&nbsp;&nbsp;moved it", "Ann moved it"],
    ["white space at the ends is trimmed", "<pre>  Ann moved it  </pre>", "Ann moved it"],
  ])("have a one-line footer: %s", (_name, html, footer) => {
    expect(attachmentOf({ activity: { html } }).footer).toBe(footer);
  });

  it("have no footer when the activity is only white space", () => {
    expect(attachmentOf({ activity: { html: "<pre>   </pre>" } })).not.toHaveProperty("footer");
  });
});
