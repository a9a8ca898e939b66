import type { HipChatColor } from "./types";

type FixedColor = Exclude<HipChatColor, "random">;

/**
 * Slack's three named attachment colors match HipChat's traffic-light trio; purple and gray have
 * no Slack name, so they get hex values close to HipChat's palette.
 */
export const SLACK_COLORS: Readonly<Record<FixedColor, string>> = {
  yellow: "warning",
  green: "good",
  red: "danger",
  purple: "#8E44AD",
  gray: "#A0A0A0",
};

const RANDOM_POOL: readonly FixedColor[] = ["yellow", "green", "red", "purple", "gray"];

/**
 * The Slack attachment color for a HipChat color. `random` picks one of the five with `random`
 * (default `Math.random`), so tests can pin it. Anything unexpected falls back to yellow, HipChat's
 * default color.
 */
export function slackColor(c: HipChatColor, random: () => number = Math.random): string {
  if (c === "random") {
    const r = random();
    const n = RANDOM_POOL.length;
    const i = Number.isFinite(r) ? Math.min(n - 1, Math.max(0, Math.floor(r * n))) : 0;
    return SLACK_COLORS[RANDOM_POOL[i]];
  }
  return Object.hasOwn(SLACK_COLORS, c) ? SLACK_COLORS[c] : SLACK_COLORS.yellow;
}
