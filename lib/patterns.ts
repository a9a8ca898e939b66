/**
 * The formats of identifiers the proxy, its stack configuration, `npm start` and the component check,
 * in one place so that they can never disagree. Dependency-free: the handler's bundle includes it.
 */

/** A Slack channel: a `#name` or a channel ID, without spaces or Slack's markup characters. */
export const SLACK_CHANNEL = /^#?[^\s,#<>|@!]{1,80}$/u;

/** A Slack user ID (U… for users, W… for Enterprise Grid users). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** A Slack token (`xoxb-…` for bots, `xoxp-…` for users). */
export const SLACK_TOKEN = /^xox[a-z]-\S+$/;

/** A HipChat token the proxy accepts: 8 to 256 characters without white space. */
export const HIPCHAT_TOKEN = /^\S{8,256}$/;

/** An ACM certificate ARN. */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/;

/** An IAM role ARN. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/;

/** A Lambda layer version ARN. */
export const LAMBDA_LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9-_]+:\d+$/;

/** A Secrets Manager secret ARN. */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/;
