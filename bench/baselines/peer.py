# The peer: a minimal Python Lambda handler of the kind this project replaces. The Slack token is in
# the environment (no secret read); one urllib POST to Slack per request.
import base64
import json
import os
import urllib.request


def handler(event, context):
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    text = str(json.loads(raw).get("message") or "")
    request = urllib.request.Request(
        os.environ["SLACK_API_URL"] + "chat.postMessage",
        data=json.dumps({"channel": os.environ["BASELINE_CHANNEL"], "text": text}).encode("utf-8"),
        headers={
            "Authorization": "Bearer " + os.environ["BASELINE_SLACK_TOKEN"],
            "Content-Type": "application/json; charset=utf-8",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        data = json.loads(response.read())
    status = 204 if data.get("ok") else 502
    return {"statusCode": status, "statusDescription": str(status), "isBase64Encoded": False, "body": "", "multiValueHeaders": {}}
