// Baseline, extension path: the same least work with AWS's Parameters and Secrets extension layer.
// The extension only answers once the function is invoked, so the first request reads the secret
// with one `fetch` GET to it (as the proxy does), keeps it for the container, then makes one `fetch`
// POST to Slack.
let slackToken;

async function readSecret() {
  const url = `http://localhost:${process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/secretsmanager/get?secretId=${encodeURIComponent(process.env.SECRET_ARN)}`;
  const res = await fetch(url, { headers: { "X-Aws-Parameters-Secrets-Token": process.env.AWS_SESSION_TOKEN } });
  if (!res.ok) throw new Error(`extension answered HTTP ${res.status}`);
  return JSON.parse((await res.json()).SecretString).slackToken;
}

exports.handler = async (event) => {
  slackToken ??= await readSecret();
  const raw = event.isBase64Encoded ? Buffer.from(event.body || "", "base64").toString("utf8") : event.body || "";
  const text = String(JSON.parse(raw).message || "");
  const res = await fetch(`${process.env.SLACK_API_URL}chat.postMessage`, {
    method: "POST",
    headers: { authorization: `Bearer ${slackToken}`, "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ channel: process.env.BASELINE_CHANNEL, text }),
  });
  const data = await res.json();
  const statusCode = data.ok ? 204 : 502;
  return { statusCode, statusDescription: String(statusCode), isBase64Encoded: false, body: "", multiValueHeaders: {} };
};
