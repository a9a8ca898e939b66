/**
 * handler/convert/emoticons.ts: the status emoticons that build and deploy bots (Bamboo, Jenkins
 * plugins) put in their HipChat notifications, each pinned to its Slack emoji, so a typo or a lost
 * entry in the table shows up here rather than as literal `(unknown)` text in a channel.
 */
import { emoticon, replaceEmoticons } from "../../../handler/convert/emoticons";

describe("build and deploy status emoticons", () => {
  it.each<[string, string]>([
    ["successful", ":white_check_mark:"],
    ["failed", ":x:"],
    ["unknown", ":grey_question:"],
    ["continue", ":arrow_forward:"],
    ["branch", ":twisted_rightwards_arrows:"],
  ])("(%s) is %s", (name, emoji) => {
    expect(emoticon(name)).toBe(emoji);
    expect(emoticon(name.toUpperCase())).toBe(emoji);
    expect(replaceEmoticons(`Build 42 (${name}) on main`)).toBe(`Build 42 ${emoji} on main`);
  });

  it("an empty name is no emoticon, and () stays as typed", () => {
    expect(emoticon("")).toBeUndefined();
    expect(replaceEmoticons("call() ()")).toBe("call() ()");
  });
});
