/**
 * handler/convert/html.ts, the marker characters that are not the sender's to lose: a `*`, `_`, `~`
 * inside a code span and the backticks of our code blocks are shown as they are, and because Slack
 * could pair a sender's marker with them, the sender's markers on the same line (for backticks: in
 * the whole message) become look-alikes. A message of nothing but one marker comes back as that
 * marker, in mrkdwn and in plain text.
 */
import { htmlToMrkdwn, htmlToPlainText } from "../../../handler/convert/html";

describe("markers inside code stay as typed", () => {
  it.each([
    // A pair inside a code span is not the sender's emphasis: Slack shows code literally.
    ["a pair of asterisks", "<code>*a*</code>", "`*a*`"],
    ["a pair of underscores", "<code>_a_</code>", "`_a_`"],
    ["a pair of tildes", "<code>~a~</code>", "`~a~`"],
    ["a pair of asterisks in a code block", "<pre>*a*</pre>", "```\n*a*\n```"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });
});

describe("a sender's marker on the line of a literal one becomes a look-alike", () => {
  it.each([
    // `*a` alone would stay as typed (it has no partner); next to the code span's `*` it could pair.
    ["an asterisk", "*a <code>*</code>", "∗a `*`"],
    ["an underscore", "_a <code>_</code>", "ˍa `_`"],
    ["a tilde", "~a <code>~</code>", "∼a `~`"],
    ["closing asterisks after the code span", "<code>*</code> a* b*", "`*` a∗ b∗"],
    // Backticks pair across lines, so our fence anywhere in the message counts.
    ["a backtick before a code block", "a`b<pre>x</pre>", "aˋb\n\n```\nx\n```"],
    ["a backtick after a code block", "<pre>x</pre>a`b", "```\nx\n```\n\naˋb"],
  ])("%s", (_name, html, expected) => {
    expect(htmlToMrkdwn(html)).toBe(expected);
  });

  it.each([
    ["an asterisk", "*a <code>*</code>", "*a *"],
    ["a backtick", "a`b<pre>x</pre>", "a`b\n\nx"],
  ])("in plain text %s stays as typed", (_name, html, expected) => {
    expect(htmlToPlainText(html)).toBe(expected);
  });
});

describe("a message of a single marker", () => {
  // Nothing else in the text: the marker is the only thing `finish` has to turn back into a character.
  it.each(["*", "_", "~", "`", "**", "``"])("%s comes back as typed", (html) => {
    expect(htmlToMrkdwn(html)).toBe(html);
    expect(htmlToPlainText(html)).toBe(html);
  });
});
