/**
 * handler/errors.ts, pinned where mutation testing (npm run mutate) found behaviour no in-process test
 * fixed: the HipChat error body for a status without a reason phrase, the `Allow` header's list, the
 * defaults every ProxyError carries, the rate-limit headers, and the opaque 500 an unexpected error
 * becomes (whose cause must survive, since the request log describes it).
 */
import {
  badRequest,
  forbidden,
  methodNotAllowed,
  notFound,
  ProxyError,
  payloadTooLarge,
  rateLimited,
  reasonPhrase,
  toProxyError,
  unauthorized,
  unavailable,
  unsupportedMediaType,
  upstream,
  upstreamTimeout,
} from "../../handler/errors";

describe("the HipChat error body", () => {
  it.each([
    [400, "Bad Request"],
    [429, "Too Many Requests"],
    [504, "Gateway Timeout"],
  ])("status %i is typed with its reason phrase, %s", (status, type) => {
    expect(new ProxyError(status, "m").toJSON()).toEqual({ error: { code: status, message: "m", type } });
  });

  // A client that reads `type` (hipchatter) must still find a non-empty string there.
  it.each([418, 299, 0])("a status with no known reason phrase (%i) is typed Unknown", (status) => {
    expect(reasonPhrase(status)).toBe("Unknown");
    expect(new ProxyError(status, "m").toJSON().error.type).toBe("Unknown");
  });
});

describe("each factory answers its HipChat status", () => {
  it.each([
    ["badRequest", () => badRequest("m"), 400],
    ["unauthorized", () => unauthorized("m"), 401],
    ["forbidden", () => forbidden("m"), 403],
    ["notFound", () => notFound("m"), 404],
    ["methodNotAllowed", () => methodNotAllowed("m", ["GET"]), 405],
    ["payloadTooLarge", () => payloadTooLarge("m"), 413],
    ["unsupportedMediaType", () => unsupportedMediaType("m"), 415],
    ["rateLimited", () => rateLimited("m", 1, 0), 429],
    ["upstream", () => upstream("m"), 502],
    ["unavailable", () => unavailable("m"), 503],
    ["upstreamTimeout", () => upstreamTimeout("m"), 504],
  ])("%s → %i", (_name, make, status) => {
    const err = make();
    expect(err).toBeInstanceOf(ProxyError);
    expect(err).toMatchObject({ statusCode: status, message: "m", name: "ProxyError" });
  });
});

describe("a ProxyError's options", () => {
  it("default to no headers, no Slack error, no Slack auth failure and no wait", () => {
    const err = new ProxyError(400, "m");
    expect(err.headers).toEqual({});
    expect(err.slackError).toBeUndefined();
    expect(err.slackAuth).toBe(false);
    expect(err.retryAfterSeconds).toBeUndefined();
    expect(err.cause).toBeUndefined();
  });

  it("are kept as given", () => {
    const cause = new Error("slack said no");
    const err = upstream("m", { cause, headers: { "X-A": "1" }, slackError: "invalid_auth", slackAuth: true });
    expect(err).toMatchObject({ headers: { "X-A": "1" }, slackError: "invalid_auth", slackAuth: true });
    expect(err.cause).toBe(cause);
  });
});

describe("methodNotAllowed", () => {
  // RFC 9110: Allow is a comma-separated list; clients split it on commas.
  it.each([
    [["GET"], "GET"],
    [["GET", "POST"], "GET, POST"],
    [["GET", "HEAD", "PUT"], "GET, HEAD, PUT"],
  ])("lists the allowed methods %j in its Allow header as %s", (allowed, header) => {
    expect(methodNotAllowed("m", allowed).headers).toEqual({ Allow: header });
  });
});

describe("rateLimited", () => {
  const NOW = 1_700_000_000_000;
  it.each([
    [3, NOW, 3, 1_700_000_003],
    [2.1, NOW, 3, 1_700_000_003], // a fraction of a second is waited in full
    [0, NOW, 1, 1_700_000_001], // never "retry after 0": a client would resend at once
    [-5, NOW, 1, 1_700_000_001],
    [3, NOW + 1, 3, 1_700_000_004], // the reset rounds the clock up, never before the wait is over
  ])("Slack asks to wait %s s at %i → Retry-After %i, Reset %i", (wait, now, retry, reset) => {
    const err = rateLimited("m", wait, now, "ratelimited");
    expect(err.retryAfterSeconds).toBe(retry);
    expect(err.slackError).toBe("ratelimited");
    expect(err.headers).toEqual({
      "Retry-After": String(retry),
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": "0",
      "X-Ratelimit-Reset": String(reset),
    });
  });
});

describe("toProxyError", () => {
  it("passes a ProxyError through unchanged", () => {
    const err = notFound("no such room");
    expect(toProxyError(err)).toBe(err);
  });

  // The client learns nothing of the failure; the log learns it from the cause.
  it.each([
    ["an Error", new TypeError("boom")],
    ["a string", "boom"],
    ["undefined", undefined],
  ])("turns %s into an opaque 500 that keeps it as its cause", (_n, thrown) => {
    const err = toProxyError(thrown);
    expect(err).toBeInstanceOf(ProxyError);
    expect(err.statusCode).toBe(500);
    expect(err.message).toBe("Internal error in the HipChat proxy");
    expect(err.toJSON()).toEqual({
      error: { code: 500, message: "Internal error in the HipChat proxy", type: "Internal Server Error" },
    });
    expect("cause" in err).toBe(true);
    expect(err.cause).toBe(thrown);
  });
});
