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

/** Base class: an error with the HTTP status the client receives. */
export abstract class ProxyError extends Error {
  abstract readonly statusCode: number;
  /** Extra response headers (e.g. rate-limit headers). */
  readonly headers: Readonly<Record<string, string>> = {};

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }

  toJSON(): HipChatErrorBody {
    return { error: { code: this.statusCode, message: this.message, type: reasonPhrase(this.statusCode) } };
  }
}

/** The request cannot be understood: malformed body, wrong field type or length. */
export class BadRequestError extends ProxyError {
  readonly statusCode = 400;
}

/** No token, or a token the proxy does not know. */
export class UnauthorizedError extends ProxyError {
  readonly statusCode = 401;
}

/** A known token that may not act on this room or user. */
export class ForbiddenError extends ProxyError {
  readonly statusCode = 403;
}

export class NotFoundError extends ProxyError {
  readonly statusCode = 404;
}

export class MethodNotAllowedError extends ProxyError {
  readonly statusCode = 405;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(message: string, allowed: readonly string[]) {
    super(message);
    this.headers = { Allow: allowed.join(", ") };
  }
}

export class PayloadTooLargeError extends ProxyError {
  readonly statusCode = 413;
}

/**
 * Slack is rate limiting and the invocation has no time left to wait. The headers follow HipChat's
 * rate-limit contract (Reset in Unix seconds) so clients such as hipchatter wait and resend.
 */
export class RateLimitedError extends ProxyError {
  readonly statusCode = 429;
  override readonly headers: Readonly<Record<string, string>>;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    nowMs: number = Date.now(),
  ) {
    super(message);
    const retry = Math.max(1, Math.ceil(retryAfterSeconds));
    const reset = Math.ceil(nowMs / 1000) + retry;
    this.headers = {
      "Retry-After": String(retry),
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(reset),
    };
  }
}

/** Slack refused or failed the call in a way the client cannot fix; retrying later may work. */
export class UpstreamError extends ProxyError {
  readonly statusCode = 502;
}

/** The proxy cannot serve right now (secret unavailable, misconfiguration). Retry later. */
export class UnavailableError extends ProxyError {
  readonly statusCode = 503;
}

/** Slack did not answer in time. Delivery is unknown. */
export class UpstreamTimeoutError extends ProxyError {
  readonly statusCode = 504;
}

/** Anything not already a ProxyError becomes an opaque 500 (its details go to the log only). */
export class InternalError extends ProxyError {
  readonly statusCode = 500;
  constructor(options?: ErrorOptions) {
    super("Internal error in the HipChat proxy", options);
  }
}

export function toProxyError(err: unknown): ProxyError {
  return err instanceof ProxyError ? err : new InternalError({ cause: err });
}
