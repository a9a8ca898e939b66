import { toSlackPayload } from "../../../handler/convert";
import type { HipChatCard, HipChatMessage, SlackAttachment, SlackPayload } from "../../../handler/convert";
import { FIELDS_MAX, FOOTER_MAX, TITLE_MAX } from "../../../handler/convert/limits";

const OPTS = { translateMentions: true, random: () => 0 };

function cardMessage(card: Partial<HipChatCard>, extra: Partial<HipChatMessage> = {}): HipChatMessage {
  return {
    message: "JIRA-1 updated",
    format: "text",
    card: { style: "application", title: "JIRA-1", ...card },
    ...extra,
  };
}

function attachmentOf(msg: HipChatMessage): SlackAttachment {
  const payload = toSlackPayload(msg, OPTS);
  expect(payload.attachments).toHaveLength(1);
  return (payload.attachments as SlackAttachment[])[0];
}

describe("cards", () => {
  it("maps every card field", () => {
    // Prepare
    const msg = cardMessage(
      {
        style: "application",
        title: "JIRA-1 <Login fails> & more",
        id: "c1",
        url: "https://jira.example.com/browse/JIRA-1",
        format: "medium",
        description: { value: "<b>Steps</b>: open <i>login</i>", format: "html" },
        thumbnail: { url: "https://jira.example.com/t.png", width: 32, height: 32 },
        activity: { html: "<b>Ann</b> moved it to <i>Done</i>" },
        attributes: [
          { label: "Status", value: { label: "Done", style: "lozenge-success" } },
          { label: "Assignee", value: { label: "Ann", url: "https://jira.example.com/u/ann" } },
        ],
      },
      { color: "green", from: "JIRA" },
    );

    // Act
    const payload = toSlackPayload(msg, OPTS);

    // Assess
    expect(payload).toEqual({
      text: "",
      mrkdwn: true,
      username: "JIRA",
      attachments: [
        {
          color: "good",
          fallback: "JIRA-1 updated",
          title: "JIRA-1 &lt;Login fails&gt; &amp; more",
          title_link: "https://jira.example.com/browse/JIRA-1",
          text: "*Steps*: open _login_",
          fields: [
            { title: "Status", value: "Done", short: true },
            { title: "Assignee", value: "<https://jira.example.com/u/ann|Ann>", short: true },
          ],
          thumb_url: "https://jira.example.com/t.png",
          footer: "Ann moved it to Done",
          mrkdwn_in: ["text"],
        },
      ],
    });
  });

  it.each<[string, Partial<HipChatCard>, Partial<SlackAttachment>]>([
    ["string description is text", { description: "a <b> (successful)" }, { text: "a &lt;b&gt; :white_check_mark:" }],
    ["text-format description", { description: { value: "x & y", format: "text" } }, { text: "x &amp; y" }],
    ["mentions in descriptions are not translated", { description: "@all look" }, { text: "@all look" }],
    ["no description, no text", {}, { text: undefined }],
    ["javascript: url gives no title_link", { url: "javascript:alert(1)" }, { title_link: undefined }],
    ["mailto: url gives no title_link", { url: "mailto:a@b.c" }, { title_link: undefined }],
    [
      "url keeps its query string unescaped (URL field)",
      { url: "https://x.io/?a=1&b=2" },
      { title_link: "https://x.io/?a=1&b=2" },
    ],
    ["url with | and space is encoded", { url: "https://x.io/a b|c" }, { title_link: "https://x.io/a%20b%7Cc" }],
    ["non-http thumbnail dropped", { thumbnail: { url: "data:image/png;base64,AA" } }, { thumb_url: undefined }],
    [
      "activity html with a link is plain text",
      { activity: { html: '<a href="https://x.io">Ann</a> &amp; <b>Bob</b>' } },
      { footer: "Ann &amp; Bob" },
    ],
    ["empty activity gives no footer", { activity: { html: "<br>" } }, { footer: undefined }],
    ["title with newlines is one line", { title: "a\n\nb" }, { title: "a b" }],
    ["injection in title", { title: "<!channel>" }, { title: "&lt;!channel&gt;" }],
  ])("%s", (_name, card, expected) => {
    // Act
    const attachment = attachmentOf(cardMessage(card));
    // Assess
    for (const [key, value] of Object.entries(expected)) {
      expect(attachment[key as keyof SlackAttachment]).toEqual(value);
    }
  });

  it.each<[string, HipChatCard["attributes"], SlackAttachment["fields"]]>([
    [
      "linked value",
      [{ label: "Build", value: { label: "#42", url: "https://ci.io/42" } }],
      [{ title: "Build", value: "<https://ci.io/42|#42>", short: true }],
    ],
    [
      "value equal to its url",
      [{ label: "Link", value: { label: "https://ci.io/42", url: "https://ci.io/42" } }],
      [{ title: "Link", value: "<https://ci.io/42>", short: true }],
    ],
    [
      "bad scheme value is plain",
      [{ label: "X", value: { label: "click", url: "javascript:x()" } }],
      [{ title: "X", value: "click", short: true }],
    ],
    ["missing label", [{ value: { label: "v" } }], [{ title: "", value: "v", short: true }]],
    [
      "escaped label and value",
      [{ label: "<@U1>", value: { label: "<!here> & co" } }],
      [{ title: "&lt;@U1&gt;", value: "&lt;!here&gt; &amp; co", short: true }],
    ],
  ])("attributes: %s", (_name, attributes, expected) => {
    expect(attachmentOf(cardMessage({ attributes })).fields).toEqual(expected);
  });

  it("keeps at most 20 fields", () => {
    const attributes = Array.from({ length: 30 }, (_, i) => ({ label: `L${i}`, value: { label: `V${i}` } }));
    expect(attachmentOf(cardMessage({ attributes })).fields).toHaveLength(FIELDS_MAX);
  });

  it("cuts long titles and footers", () => {
    const attachment = attachmentOf(cardMessage({ title: "t".repeat(2_000), activity: { html: "f ".repeat(1_000) } }));
    expect(attachment.title?.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(attachment.title?.endsWith("…")).toBe(true);
    expect(attachment.footer?.length).toBeLessThanOrEqual(FOOTER_MAX);
  });

  it("drops a field link that would not fit instead of cutting it", () => {
    const url = `https://x.io/${"a".repeat(600)}`;
    const attachment = attachmentOf(cardMessage({ attributes: [{ label: "L", value: { label: "long", url } }] }));
    expect(attachment.fields?.[0].value).toBe("long");
  });

  it.each<[string, HipChatMessage, SlackPayload]>([
    [
      "the card replaces the message, which is only its plain fallback (HipChat did the same)",
      cardMessage({}, { message: "<b>JIRA-1</b> updated", format: "html" }),
      {
        text: "",
        mrkdwn: true,
        attachments: [{ title: "JIRA-1", fallback: "JIRA-1 updated", mrkdwn_in: ["text"] }],
      },
    ],
    [
      "a message with mentions keeps just them at the top, so Slack notifies",
      cardMessage({ description: "Login fails" }, { message: "@all JIRA-1 is a blocker, @here", format: "text" }),
      {
        text: "<!channel> <!here>",
        mrkdwn: true,
        attachments: [
          {
            title: "JIRA-1",
            text: "Login fails",
            fallback: "<!channel> JIRA-1 is a blocker, <!here>",
            mrkdwn_in: ["text"],
          },
        ],
      },
    ],
    [
      "a card with nothing to show carries the message",
      cardMessage({ title: "   " }, { message: "JIRA-1 *updated*", format: "text", color: "red" }),
      {
        text: "",
        mrkdwn: true,
        attachments: [{ color: "danger", text: "JIRA-1 ∗updated∗", fallback: "JIRA-1 *updated*", mrkdwn_in: ["text"] }],
      },
    ],
    [
      "an empty message falls back to the title",
      cardMessage({ title: "JIRA-1 <x>" }, { message: "<p></p>", format: "html" }),
      {
        text: "",
        mrkdwn: true,
        attachments: [{ title: "JIRA-1 &lt;x&gt;", fallback: "JIRA-1 &lt;x&gt;", mrkdwn_in: ["text"] }],
      },
    ],
  ])("%s", (_name, msg, expected) => {
    expect(toSlackPayload(msg, OPTS)).toEqual(expected);
  });

  it("tolerates malformed card parts that slipped past validation", () => {
    const card = {
      style: "link",
      title: 42,
      description: { value: null },
      attributes: [null, { label: "ok" }, "x"],
      thumbnail: null,
      activity: { html: 7 },
    } as unknown as HipChatCard;
    const attachment = attachmentOf(cardMessage(card));
    expect(attachment.title).toBeUndefined();
    expect(attachment.fields).toEqual([{ title: "ok", value: "", short: true }]);
  });
});
