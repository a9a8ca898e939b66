export { toSlackPayload, withFromPrefix } from "./payload";
export { htmlToMrkdwn } from "./html";
export { textToMrkdwn } from "./text";
export { escapeSlack } from "./escape";
export { slackColor } from "./colors";
export * from "./types";
