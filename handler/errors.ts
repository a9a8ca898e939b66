/**
 * Every error a HipChat client sees. HipChat answered errors as
 * `{"error":{"code":N,"message":"…","type":"<HTTP reason>"}}`, and some clients (hipchatter) crash on
 * an error response without that body, so each error class knows its status and renders that shape.
 */

/** HTTP reason phrases for the statuses the proxy can answer. */
export const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Unknown";
}

export interface HipChatErrorBody {
  error: { code: number; message: string; type: string };
}

export interface ProxyErrorOptions {
  cause?: unknown;
  /** Extra response headers (rate-limit headers, `Allow`). */
  headers?: Readonly<Record<string, string>>;
  /** Slack's error code behind this answer, for the request log. */
  slackError?: string;
  /** Slack rejected the proxy's own token: the secret may have been rotated. */
  slackAuth?: boolean;
  /** For 429: how long Slack asked to wait. */
  retryAfterSeconds?: number;
}

/**
 * An error with the HTTP status the client receives, rendered in HipChat's shape.
 * The named factories below (badRequest, notFound, …) say which HipChat status a failure maps to.
 */
export class ProxyError extends Error {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly slackError?: string;
  readonly slackAuth: boolean;
  readonly retryAfterSeconds?: number;

  constructor(statusCode: number, message: string, options: ProxyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "ProxyError";
    this.statusCode = statusCode;
    this.headers = options.headers ?? {};
    this.slackError = options.slackError;
    this.slackAuth = options.slackAuth ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  toJSON(): HipChatErrorBody {
    return { error: { code: this.statusCode, message: this.message, type: reasonPhrase(this.statusCode) } };
  }
}

/** The request cannot be understood: malformed body, wrong field type or length. */
export const badRequest = (message: string, o?: ProxyErrorOptions) => new ProxyError(400, message, o);
/** No token, or a token the proxy does not know. */
export const unauthorized = (message: string) => new ProxyError(401, message);
/** A known token that may not act on this room or user. */
export const forbidden = (message: string, o?: ProxyErrorOptions) => new ProxyError(403, message, o);
export const notFound = (message: string, o?: ProxyErrorOptions) => new ProxyError(404, message, o);
export const methodNotAllowed = (message: string, allowed: readonly string[]) =>
  new ProxyError(405, message, { headers: { Allow: allowed.join(", ") } });
export const payloadTooLarge = (message: string) => new ProxyError(413, message);
export const unsupportedMediaType = (message: string) => new ProxyError(415, message);
/** Slack refused or failed the call in a way the client cannot fix; retrying later may work. */
export const upstream = (message: string, o?: ProxyErrorOptions) => new ProxyError(502, message, o);
/** The proxy cannot serve right now (secret unavailable, misconfiguration). Retry later. */
export const unavailable = (message: string, o?: ProxyErrorOptions) => new ProxyError(503, message, o);
/** Slack did not answer in time. Delivery is unknown. */
export const upstreamTimeout = (message: string, o?: ProxyErrorOptions) => new ProxyError(504, message, o);

/**
 * Slack is rate limiting and the invocation has no time left to wait. The headers follow HipChat's
 * rate-limit contract (Reset in Unix seconds) so clients such as hipchatter wait and resend.
 */
export function rateLimited(
  message: string,
  retryAfterSeconds: number,
  nowMs: number = Date.now(),
  slackError?: string,
): ProxyError {
  const retry = Math.max(1, Math.ceil(retryAfterSeconds));
  const reset = Math.ceil(nowMs / 1000) + retry;
  return new ProxyError(429, message, {
    retryAfterSeconds: retry,
    slackError,
    headers: {
      "Retry-After": String(retry),
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(reset),
    },
  });
}

/** Anything not already a ProxyError becomes an opaque 500 (its details go to the log only). */
export function toProxyError(err: unknown): ProxyError {
  return err instanceof ProxyError ? err : new ProxyError(500, "Internal error in the HipChat proxy", { cause: err });
}
