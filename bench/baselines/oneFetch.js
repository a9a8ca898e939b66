// The one-fetch reference: one `fetch` POST to Slack with the token from the environment, no secret read.
// Less than this project's design can do; reported beside the real baselines for comparison.
exports.handler = async (event) => {
  const raw = event.isBase64Encoded ? Buffer.from(event.body || "", "base64").toString("utf8") : event.body || "";
  const text = String(JSON.parse(raw).message || "");
  const res = await fetch(`${process.env.SLACK_API_URL}chat.postMessage`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${process.env.BASELINE_SLACK_TOKEN}`,
      "content-type": "application/json; charset=utf-8",
    },
    body: JSON.stringify({ channel: process.env.BASELINE_CHANNEL, text }),
  });
  const data = await res.json();
  const statusCode = data.ok ? 204 : 502;
  return { statusCode, statusDescription: String(statusCode), isBase64Encoded: false, body: "", multiValueHeaders: {} };
};
