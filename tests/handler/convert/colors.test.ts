import { slackColor } from "../../../handler/convert";
import type { HipChatColor } from "../../../handler/convert";

describe("slackColor", () => {
  it.each<[HipChatColor, string]>([
    ["red", "danger"],
    ["green", "good"],
    ["yellow", "warning"],
    ["purple", "#8E44AD"],
    ["gray", "#A0A0A0"],
  ])("%s → %s", (color, expected) => {
    expect(slackColor(color)).toBe(expected);
  });

  it.each([
    [0, "warning"],
    [0.2, "good"],
    [0.45, "danger"],
    [0.7, "#8E44AD"],
    [0.99, "#A0A0A0"],
    [1, "#A0A0A0"],
    [-3, "warning"],
    [Number.NaN, "warning"],
  ])("random with random()=%p → %s", (r, expected) => {
    expect(slackColor("random", () => r)).toBe(expected);
  });

  it("random uses Math.random by default and stays in the palette", () => {
    const palette = ["warning", "good", "danger", "#8E44AD", "#A0A0A0"];
    for (let i = 0; i < 50; i += 1) {
      expect(palette).toContain(slackColor("random"));
    }
  });

  it("an unknown color at runtime falls back to HipChat's default yellow", () => {
    expect(slackColor("blue" as HipChatColor)).toBe("warning");
    expect(slackColor("toString" as HipChatColor)).toBe("warning");
  });
});
