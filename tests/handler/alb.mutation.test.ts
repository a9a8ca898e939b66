/**
 * handler/alb.ts, pinned where mutation testing (npm run mutate) found behaviour no other test fixed:
 * the 1 MB limit in both body encodings and at its exact boundary, line-wrapped base64, headers and
 * query keys as the ALB delivers them, and the result's shape.
 */
import type { ALBEvent } from "aws-lambda";
import { first, isAlbEvent, MAX_BODY_BYTES, parseAlbEvent, toAlbResult } from "../../handler/alb";

const event = (over: Partial<ALBEvent>): ALBEvent => ({
  requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1" } },
  httpMethod: "POST",
  path: "/v2/room/Ops/notification",
  headers: {},
  queryStringParameters: {},
  body: "",
  isBase64Encoded: false,
  ...over,
});
const read = (over: Partial<ALBEvent>) => parseAlbEvent(event(over)).body();
const TOO_LARGE = expect.objectContaining({ statusCode: 413, message: "Request body exceeds 1 MB" });
const NOT_BASE64 = expect.objectContaining({ statusCode: 400, message: "Request body is not valid base64" });

describe("the 1 MB body limit", () => {
  it("is 1 MiB", () => expect(MAX_BODY_BYTES).toBe(1_048_576));

  it("a plain body of exactly 1 MB is read; one byte more is a 413", () => {
    expect(read({ body: "x".repeat(MAX_BODY_BYTES) })).toHaveLength(MAX_BODY_BYTES);
    expect(() => read({ body: "x".repeat(MAX_BODY_BYTES + 1) })).toThrow(TOO_LARGE);
  });

  it("counts a plain body's UTF-8 bytes, not its characters", () => {
    const body = "é".repeat(MAX_BODY_BYTES / 2 + 1); // 2 bytes each
    expect(() => read({ body })).toThrow(TOO_LARGE);
  });

  it("a base64 body that decodes to exactly 1 MB is read; one byte more is a 413", () => {
    const exact = Buffer.alloc(MAX_BODY_BYTES, 0x61).toString("base64");
    const body = read({ body: exact, isBase64Encoded: true });
    expect(body).toHaveLength(MAX_BODY_BYTES);
    expect(body.equals(Buffer.alloc(MAX_BODY_BYTES, 0x61))).toBe(true); // toEqual compares byte by byte, slowly
    const over = Buffer.alloc(MAX_BODY_BYTES + 1, 0x61).toString("base64");
    expect(() => read({ body: over, isBase64Encoded: true })).toThrow(TOO_LARGE);
  });
});

describe("base64 bodies", () => {
  it("line-wrapped base64 (MIME's 76 columns, CRLF or LF, spaces) decodes as if unwrapped", () => {
    const data = Buffer.from(`message=${"hello world ".repeat(20)}`);
    const b64 = data.toString("base64");
    const wrapped = b64.replace(/.{76}/g, "$&\r\n");
    expect(wrapped).toContain("\r\n");
    expect(read({ body: wrapped, isBase64Encoded: true })).toEqual(data);
    expect(read({ body: b64.replace(/.{10}/g, "$&\n "), isBase64Encoded: true })).toEqual(data);
  });

  it("accepts padding of one or two '=' and unpadded bodies, and nothing after the padding", () => {
    expect(read({ body: "YQ==", isBase64Encoded: true }).toString()).toBe("a");
    expect(read({ body: "YWI=", isBase64Encoded: true }).toString()).toBe("ab");
    expect(read({ body: "YWI", isBase64Encoded: true }).toString()).toBe("ab");
    expect(read({ body: "YWJj", isBase64Encoded: true }).toString()).toBe("abc");
    expect(() => read({ body: "YQ===", isBase64Encoded: true })).toThrow(NOT_BASE64);
    expect(() => read({ body: "YQ==YQ==", isBase64Encoded: true })).toThrow(NOT_BASE64);
    expect(() => read({ body: "=YWJj", isBase64Encoded: true })).toThrow(NOT_BASE64);
  });

  it("refuses characters outside the alphabet anywhere, and a length no encoder produces", () => {
    expect(() => read({ body: "YWJj-", isBase64Encoded: true })).toThrow(NOT_BASE64);
    expect(() => read({ body: "Y_Jj", isBase64Encoded: true })).toThrow(NOT_BASE64);
    expect(() => read({ body: "YWJjZ", isBase64Encoded: true })).toThrow(NOT_BASE64); // 5 characters
    expect(read({ body: "+/+/", isBase64Encoded: true })).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
  });

  it("an empty or absent body is empty in both encodings", () => {
    for (const isBase64Encoded of [true, false]) {
      expect(read({ body: "", isBase64Encoded })).toHaveLength(0);
      expect(read({ body: null, isBase64Encoded })).toHaveLength(0);
    }
  });

  it("a plain body is read as UTF-8 text, not as base64", () => {
    expect(read({ body: "YQ==", isBase64Encoded: false }).toString()).toBe("YQ==");
  });
});

describe("the request", () => {
  it("header names are lower-cased and repeated names merge in order, in both forms", () => {
    const single = parseAlbEvent(event({ headers: { "Content-Type": "text/plain", AUTHORIZATION: "Bearer t" } }));
    expect(single.headers.get("content-type")).toEqual(["text/plain"]);
    expect(first(single.headers, "authorization")).toBe("Bearer t");
    const multi = parseAlbEvent(
      event({
        headers: undefined,
        multiValueHeaders: { "X-A": ["1", "2"], "x-a": ["3"] },
        queryStringParameters: undefined,
      }),
    );
    expect(multi.headers.get("x-a")).toEqual(["1", "2", "3"]);
    expect(multi.multiValue).toBe(true);
  });

  it("query keys are decoded too, and repeated keys merge", () => {
    const req = parseAlbEvent(
      event({
        queryStringParameters: undefined,
        multiValueQueryStringParameters: { "auth%5Ftoken": ["a%20b"], auth_token: ["c+d"] },
      }),
    );
    expect(req.query.get("auth_token")).toEqual(["a b", "c d"]);
  });

  it("the multi-value form is recognised from either multi-value field", () => {
    expect(parseAlbEvent(event({ multiValueHeaders: {} })).multiValue).toBe(true);
    expect(parseAlbEvent(event({ multiValueQueryStringParameters: {} })).multiValue).toBe(true);
    expect(parseAlbEvent(event({})).multiValue).toBe(false);
  });

  it("a missing method is GET, a lower-case one is upper-cased, and an empty path is /", () => {
    expect(parseAlbEvent(event({ httpMethod: undefined as unknown as string })).method).toBe("GET");
    expect(parseAlbEvent(event({ httpMethod: "post" })).method).toBe("POST");
    expect(parseAlbEvent(event({ path: "" })).path).toBe("/");
  });

  it("headers and query values the ALB left undefined are skipped, and keys from clients inherit nothing", () => {
    const req = parseAlbEvent(
      event({
        headers: { a: undefined as unknown as string, b: "1" },
        queryStringParameters: { constructor: "x", q: undefined as unknown as string },
      }),
    );
    expect([...req.headers.keys()]).toEqual(["b"]);
    expect([...req.query.entries()]).toEqual([["constructor", ["x"]]]);
    expect(first(req.query, "toString")).toBeUndefined();
  });

  it("an event without an elb request context is not an ALB event", () => {
    expect(isAlbEvent({ requestContext: { elb: null } })).toBe(false);
    expect(isAlbEvent({ requestContext: { elb: "x" } })).toBe(false);
    expect(isAlbEvent({ requestContext: null })).toBe(false);
    expect(isAlbEvent({})).toBe(false);
    expect(isAlbEvent({ requestContext: { elb: {} } })).toBe(true);
  });
});

describe("the result", () => {
  it("carries the response's headers and body, in the single-value form", () => {
    expect(toAlbResult({ statusCode: 429, headers: { "Retry-After": "3" }, body: "{}" }, false)).toEqual({
      statusCode: 429,
      statusDescription: "429 Too Many Requests",
      isBase64Encoded: false,
      body: "{}",
      headers: { "Retry-After": "3" },
    });
  });

  it("the multi-value form has no single-value headers", () => {
    const r = toAlbResult({ statusCode: 204 }, true);
    expect(r).toEqual({
      statusCode: 204,
      statusDescription: "204 No Content",
      isBase64Encoded: false,
      body: "",
      multiValueHeaders: {},
    });
  });
});
