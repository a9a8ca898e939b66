/**
 * The status handler's source, in this process: every route and refusal, both header forms, the
 * misconfigured and failing paths. (artefact.test.ts runs the bundle as deployed.)
 */
import type { ALBEvent, ALBResult } from "aws-lambda";

import { albEvent, type HeaderForm } from "../../tests/support/albEvents";

import { createStatusHandler, header, readStatusInfo, type StatusHandler } from "./handler";

const ENV = { SERVICE_NAME: "status", SERVICE_VERSION: "1.2.3", AWS_REGION: "eu-west-1" };
const STARTED = new Date("2026-01-02T03:04:05.000Z");

/**
 * An ALB event from the shared factory, with the body exactly as given (already base64 when
 * `isBase64Encoded`), in the single-value form unless `form` says otherwise.
 */
function albRequest(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body = "",
  isBase64Encoded = false,
  form: HeaderForm = "single",
): ALBEvent {
  const event = albEvent({
    method,
    url,
    headers: { "x-forwarded-for": "10.20.1.17", ...headers },
    host: "status.private.example.com",
    targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/status-tg/0123",
    headerForm: form,
  });
  return { ...event, body, isBase64Encoded };
}

const bodyOf = (r: ALBResult): any => JSON.parse(r.body ?? "");
let handler: StatusHandler;
let errors: string[];

beforeEach(() => {
  errors = [];
  handler = createStatusHandler(ENV, { now: () => STARTED, logError: (line) => errors.push(line) });
});

describe("routes", () => {
  it("GET /healthz answers 200 ok in plain text", async () => {
    // Act
    const r = await handler(albRequest("GET", "/healthz", { "user-agent": "ELB-HealthChecker/2.0" }));

    // Assess
    expect(r).toEqual({
      statusCode: 200,
      statusDescription: "200 OK",
      isBase64Encoded: false,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      body: "ok",
    });
  });

  it("GET /status reports name, version, region, start time and the container's request count", async () => {
    // Prepare
    await handler(albRequest("GET", "/healthz"));

    // Act
    const r = await handler(albRequest("GET", "/status"));

    // Assess
    expect(r.headers?.["content-type"]).toBe("application/json; charset=utf-8");
    expect(bodyOf(r)).toEqual({
      service: "status",
      version: "1.2.3",
      region: "eu-west-1",
      startedAt: STARTED.toISOString(),
      requests: 2,
    });
  });

  it.each<[string, string, Record<string, string>, unknown]>([
    [
      "an object",
      '{"a":1,"b":[true,null,"x"]}',
      { "content-type": "application/json" },
      { a: 1, b: [true, null, "x"] },
    ],
    ["a bare string, with a charset", '"hi"', { "Content-Type": "application/json; charset=utf-8" }, "hi"],
    ["a +json type", "[1,2]", { "content-type": "application/vnd.api+json" }, [1, 2]],
  ])("POST /echo answers %s with the same JSON", async (_label, body, headers, expected) => {
    const r = await handler(albRequest("POST", "/echo", headers, body));
    expect(r.statusCode).toBe(200);
    expect(bodyOf(r)).toEqual(expected);
  });

  it("POST /echo decodes a base64-encoded body", async () => {
    const r = await handler(
      albRequest(
        "POST",
        "/echo",
        { "content-type": "application/merge-patch+json" },
        Buffer.from('{"ü":"✓"}').toString("base64"),
        true,
      ),
    );
    expect(bodyOf(r)).toEqual({ ü: "✓" });
  });

  it("HEAD answers like GET, without a body", async () => {
    const r = await handler(albRequest("HEAD", "/healthz"));
    expect(r).toMatchObject({ statusCode: 200, body: "" });
  });
});

describe("refusals", () => {
  it.each<[string, ALBEvent, number, RegExp, Record<string, string>?]>([
    [
      "an empty echo body",
      albRequest("POST", "/echo", { "content-type": "application/json" }, "  "),
      400,
      /needs a JSON body/,
    ],
    [
      "a malformed echo body",
      albRequest("POST", "/echo", { "content-type": "application/json" }, "{x"),
      400,
      /^the body is not JSON/,
    ],
    ["an echo without a content type", albRequest("POST", "/echo", {}, "{}"), 415, /application\/json/],
    [
      "an echo as a form",
      albRequest("POST", "/echo", { "content-type": "application/x-www-form-urlencoded" }, "a=1"),
      415,
      /application\/json/,
    ],
    [
      "an echo over 1 MB",
      albRequest("POST", "/echo", { "content-type": "application/json" }, `"${"x".repeat(1024 * 1024)}"`),
      413,
      /1 MB/,
    ],
    ["GET /echo", albRequest("GET", "/echo"), 405, /use POST/, { allow: "POST" }],
    [
      "POST /status",
      albRequest("POST", "/status", { "content-type": "application/json" }, "{}"),
      405,
      /use GET, HEAD/,
      { allow: "GET, HEAD" },
    ],
    ["DELETE /healthz", albRequest("DELETE", "/healthz"), 405, /use GET, HEAD/, { allow: "GET, HEAD" }],
    ["an unknown path", albRequest("GET", "/status/"), 404, /no route for \/status\//],
  ])("%s", async (_label, event, status, message, extraHeaders = {}) => {
    const r = await handler(event);
    expect(r.statusCode).toBe(status);
    expect(bodyOf(r).error).toMatch(message);
    expect(r.headers).toMatchObject({ "content-type": "application/json; charset=utf-8", ...extraHeaders });
  });
});

describe("header forms", () => {
  it("answers a multi-value event with multi-value headers, reading its headers the same way", async () => {
    const r = await handler(
      albRequest("POST", "/echo", { "content-type": "application/json" }, '{"m":1}', false, "multi"),
    );
    expect(r.headers).toBeUndefined();
    expect(r.multiValueHeaders).toEqual({
      "content-type": ["application/json; charset=utf-8"],
      "cache-control": ["no-store"],
    });
    expect(bodyOf(r)).toEqual({ m: 1 });
  });

  it("finds a header whatever its case, in either form", () => {
    const e = albRequest("GET", "/", { "x-custom": "v" });
    expect(header(e, "X-Custom")).toBe("v");
    expect(header(albRequest("GET", "/", { "x-custom": "v" }, "", false, "multi"), "X-CUSTOM")).toBe("v");
    expect(header(e, "missing")).toBeUndefined();
  });
});

describe("configuration and failures", () => {
  it("reads the identity from the environment, trimmed, with an unknown region when Lambda set none", () => {
    expect(readStatusInfo({ SERVICE_NAME: " status ", SERVICE_VERSION: "2\n" }, STARTED)).toEqual({
      service: "status",
      version: "2",
      region: "unknown",
      startedAt: STARTED.toISOString(),
    });
  });

  it("answers 503 naming every missing variable when misconfigured, and logs it once", async () => {
    const broken = createStatusHandler({ SERVICE_NAME: "" }, { logError: (line) => errors.push(line) });
    const r = await broken(albRequest("GET", "/healthz"));
    expect(r.statusCode).toBe(503);
    expect(bodyOf(r)).toEqual({ error: "misconfigured: Environment variables SERVICE_NAME, SERVICE_VERSION required" });
    await broken(albRequest("GET", "/status"));
    expect(errors).toEqual([
      "status-service misconfigured: Environment variables SERVICE_NAME, SERVICE_VERSION required",
    ]);
  });

  it("answers 500 and logs the error when a request breaks the handler", async () => {
    const malformed = {
      ...albRequest("POST", "/echo"),
      headers: undefined,
      multiValueHeaders: { "content-type": null },
    } as unknown as ALBEvent;
    const r = await handler(malformed);
    expect(r.statusCode).toBe(500);
    expect(bodyOf(r)).toEqual({ error: "internal error" });
    expect(errors).toEqual([expect.stringContaining("status-service error on POST /echo: TypeError")]);
  });
});
