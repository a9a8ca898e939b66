/**
 * The benchmark's yardstick: a minimal hand-written ALB handler that does nothing but one `fetch`
 * POST of the message text to the Slack stand-in. Every figure of the real handler is reported as a
 * ratio to this, measured in the same run on the same machine.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";

/** In-process form, for the warm comparison. */
export function baselineHandler(
  slackApiUrl: string,
  token: string,
  channel: string,
): (event: ALBEvent) => Promise<ALBResult> {
  return async (event) => {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
    const text = String((JSON.parse(raw) as { message?: unknown }).message ?? "");
    const res = await fetch(`${slackApiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel, text }),
    });
    const data = (await res.json()) as { ok?: boolean };
    const statusCode = data.ok ? 204 : 502;
    return { statusCode, statusDescription: `${statusCode}`, isBase64Encoded: false, body: "", multiValueHeaders: {} };
  };
}

/**
 * The same handler as a Lambda module (`exports.handler`), for the cold-start comparison: plain
 * JavaScript that loads nothing but Node's own modules, configured by environment variables.
 */
export const BASELINE_MODULE = `
exports.handler = async (event) => {
  const raw = event.isBase64Encoded ? Buffer.from(event.body || "", "base64").toString("utf8") : (event.body || "");
  const text = String(JSON.parse(raw).message || "");
  const res = await fetch(process.env.SLACK_API_URL + "chat.postMessage", {
    method: "POST",
    headers: { authorization: "Bearer " + process.env.SLACK_TOKEN, "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ channel: process.env.SLACK_CHANNEL, text }),
  });
  const data = await res.json();
  const statusCode = data.ok ? 204 : 502;
  return { statusCode, statusDescription: String(statusCode), isBase64Encoded: false, body: "", multiValueHeaders: {} };
};
`;
