// Baseline, AWS SDK path: the least a HipChat-to-Slack Lambda with its token in Secrets Manager must
// do. During init it starts reading the secret with AWS SDK v3 (GetSecretValue), as the proxy's
// callbackFactory does; each request waits for that read, then makes one `fetch` POST to Slack.
const { GetSecretValueCommand, SecretsManagerClient } = require("@aws-sdk/client-secrets-manager");

const client = new SecretsManagerClient({ region: process.env.AWS_REGION });
const slackToken = client
  .send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ARN }))
  .then((out) => JSON.parse(out.SecretString).slackToken);
slackToken.catch(() => undefined);

exports.handler = async (event) => {
  const token = await slackToken;
  const raw = event.isBase64Encoded ? Buffer.from(event.body || "", "base64").toString("utf8") : event.body || "";
  const text = String(JSON.parse(raw).message || "");
  const res = await fetch(`${process.env.SLACK_API_URL}chat.postMessage`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify({ channel: process.env.BASELINE_CHANNEL, text }),
  });
  const data = await res.json();
  const statusCode = data.ok ? 204 : 502;
  return { statusCode, statusDescription: String(statusCode), isBase64Encoded: false, body: "", multiValueHeaders: {} };
};
