/**
 * HTTP ⇄ ALB event, done the way an Application Load Balancer does it (see
 * docs/alb-events.md), so that `npm start` runs the handler through the same code
 * path as Lambda: lower-case header names, the ALB's x-forwarded-* and trace headers, query strings
 * left percent-encoded, bodies base64-encoded unless they are text, JSON, JavaScript or XML, and
 * single- or multi-value headers as the target group is configured.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { randomBytes } from "node:crypto";

export interface RawHttpRequest {
  method: string;
  /** The request target as sent: path plus optional `?query`. */
  url: string;
  /** Header pairs as received (Node's `rawHeaders` layout: name, value, name, value…). */
  rawHeaders: readonly string[];
  body: Buffer;
  remoteAddress: string;
  localPort: number;
}

const TEXT_TYPES = /^(text\/[^;]+|application\/json|application\/javascript|application\/xml)(\s*;.*)?$/i;

export const TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:local:000000000000:targetgroup/hipchat-proxy/local";

export function toAlbEvent(req: RawHttpRequest, multiValue: boolean): ALBEvent {
  const [rawPath, rawQuery = ""] = splitOnce(req.url, "?");
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
  const add = (name: string, value: string) => {
    const existing = headers.findIndex(([n]) => n === name);
    if (name === "x-forwarded-for" && existing >= 0) headers[existing][1] += `, ${value}`;
    else if (existing >= 0) headers[existing][1] = value;
    else headers.push([name, value]);
  };
  add("x-forwarded-for", req.remoteAddress.replace(/^::ffff:/, ""));
  add("x-forwarded-port", String(req.localPort));
  add("x-forwarded-proto", "http");
  add("x-amzn-trace-id", `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString("hex")}`);

  const query: [string, string][] = rawQuery
    .split("&")
    .filter((p) => p !== "")
    .map((p) => splitOnce(p, "=") as [string, string])
    .map(([k, v]) => [k, v ?? ""]);

  const contentType = headers.find(([n]) => n === "content-type")?.[1] ?? "";
  const isText = TEXT_TYPES.test(contentType.trim());
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn: TARGET_GROUP_ARN } },
    httpMethod: req.method.toUpperCase(),
    path: rawPath || "/",
    body: req.body.length === 0 ? "" : isText ? req.body.toString("utf8") : req.body.toString("base64"),
    isBase64Encoded: req.body.length > 0 && !isText,
  };
  if (multiValue) {
    event.multiValueHeaders = group(headers);
    event.multiValueQueryStringParameters = group(query);
  } else {
    // Without multi-value headers the ALB keeps only the last value of a repeated key.
    event.headers = Object.fromEntries(headers);
    event.queryStringParameters = Object.fromEntries(query);
  }
  return event;
}

export interface HttpAnswer {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

/** Turns the handler's ALB result into what the ALB would send the client. */
export function fromAlbResult(result: ALBResult): HttpAnswer {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.push([name, String(value)]);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    for (const value of values) headers.push([name, String(value)]);
  }
  // The ALB computes framing itself and ignores hop-by-hop headers from the function.
  const kept = headers.filter(([n]) => !/^(connection|transfer-encoding|content-length)$/i.test(n));
  const raw = result.body ?? "";
  return {
    statusCode: result.statusCode,
    headers: kept,
    body: result.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8"),
  };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function group(pairs: [string, string][]): Record<string, string[]> {
  // No prototype: a client's `__proto__` or `constructor` key must be data, not an inherited member.
  const out: Record<string, string[]> = Object.create(null);
  for (const [k, v] of pairs) {
    out[k] ??= [];
    out[k].push(v);
  }
  return out;
}
