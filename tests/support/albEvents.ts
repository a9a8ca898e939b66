/**
 * The one ALB event factory of the test suites (unit, fault, audit, artefact, example and bench):
 * events built the way an Application Load Balancer delivers them, in either header form, so tests
 * read as "a client sent this" rather than as hand-written event literals.
 */
import type { ALBEvent } from "aws-lambda";

export type HeaderForm = "single" | "multi";

export interface EventSpec {
  method?: string;
  /** Path plus optional raw query, exactly as the client wrote it: `/v2/room/a%20b/notification?auth_token=x`. */
  url: string;
  /** Raw query pairs added after the url's own, still percent-encoded, repeats and order kept. */
  query?: [string, string][];
  /**
   * Request headers. A record replaces the ALB's own headers of the same name; a list of pairs is
   * sent as is after them, repeats and order kept (the last one wins in the single-value form).
   */
  headers?: Record<string, string | string[]> | [string, string][];
  /** A JSON body (object → JSON with application/json) or a raw string with its own content type. */
  json?: unknown;
  form?: Record<string, string> | string;
  body?: string;
  /** Raw bytes: the ALB always base64-encodes them. */
  bodyBytes?: Uint8Array;
  /** Overrides the ALB's base64 rule (for bodies that claim base64 and are not). */
  isBase64Encoded?: boolean;
  contentType?: string;
  /** Single-value headers and query (the target group's default) or multi-value. Default: single. */
  headerForm?: HeaderForm;
  /** The target group the event comes from. Default: a fixed example ARN. */
  targetGroupArn?: string;
  /** The Host header the client sent. Default: the stacks' private hostname. */
  host?: string;
  /** The listener the request arrived on: http (:80) or https (:443). Default: http. */
  proto?: "http" | "https";
}

/** The target group ARN events carry unless a spec gives one. */
export const EXAMPLE_TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hc/abc";

const TEXT = /^(text\/|application\/json|application\/javascript|application\/xml)/i;

export function albEvent(spec: EventSpec): ALBEvent {
  const [path, rawQuery = ""] = spec.url.split(/\?(.*)/s, 2);
  const proto = spec.proto ?? "http";
  const own: [string, string][] = [
    ["host", spec.host ?? "hipchat-proxy.private.example.com"],
    ["x-amzn-trace-id", "Root=1-67890abc-0123456789abcdef01234567"],
    ["x-forwarded-for", "10.0.1.23"],
    ["x-forwarded-port", proto === "https" ? "443" : "80"],
    ["x-forwarded-proto", proto],
  ];
  let headers: [string, string][];
  if (Array.isArray(spec.headers)) {
    headers = [...own, ...spec.headers.map(([k, v]): [string, string] => [k.toLowerCase(), v])];
  } else {
    const given = Object.entries(spec.headers ?? {}).map(([k, v]): [string, string[]] => [
      k.toLowerCase(),
      Array.isArray(v) ? v : [v],
    ]);
    const replaced = new Set(given.map(([k]) => k));
    headers = [
      ...own.filter(([k]) => !replaced.has(k)),
      ...given.flatMap(([k, vs]) => vs.map((v): [string, string] => [k, v])),
    ];
  }

  let body = "";
  let contentType = spec.contentType;
  if (spec.json !== undefined) {
    body = typeof spec.json === "string" ? spec.json : JSON.stringify(spec.json);
    contentType ??= "application/json";
  } else if (spec.form !== undefined) {
    body = typeof spec.form === "string" ? spec.form : new URLSearchParams(spec.form).toString();
    contentType ??= "application/x-www-form-urlencoded";
  } else if (spec.body !== undefined) {
    body = spec.body;
  }
  if (contentType) {
    headers = [...headers.filter(([k]) => k !== "content-type"), ["content-type", contentType]];
  }
  const lastContentType = [...headers].reverse().find(([k]) => k === "content-type")?.[1] ?? "";
  let base64: boolean;
  if (spec.bodyBytes !== undefined) {
    body = Buffer.from(spec.bodyBytes).toString("base64");
    base64 = spec.bodyBytes.length > 0;
  } else {
    // The ALB base64-encodes every body whose type is not text, JSON, JavaScript or XML.
    base64 = body !== "" && !TEXT.test(lastContentType);
    if (base64) body = Buffer.from(body, "utf8").toString("base64");
  }
  if (spec.isBase64Encoded !== undefined) base64 = spec.isBase64Encoded;

  const query: [string, string][] = [
    ...rawQuery
      .split("&")
      .filter(Boolean)
      .map((p): [string, string] => {
        const i = p.indexOf("=");
        return i < 0 ? [p, ""] : [p.slice(0, i), p.slice(i + 1)];
      }),
    ...(spec.query ?? []),
  ];

  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn: spec.targetGroupArn ?? EXAMPLE_TARGET_GROUP_ARN } },
    httpMethod: spec.method ?? (body ? "POST" : "GET"),
    path,
    body,
    isBase64Encoded: base64,
  };
  if ((spec.headerForm ?? "single") === "multi") {
    event.multiValueHeaders = group(headers);
    event.multiValueQueryStringParameters = group(query);
  } else {
    // Single-value form: the last value of a repeated key wins.
    event.headers = Object.fromEntries(headers);
    event.queryStringParameters = Object.fromEntries(query);
  }
  return event;
}

/** Pairs grouped by key, in order. Own keys only: `__proto__` or `toString` from a client is data. */
function group(pairs: [string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of pairs) {
    out[k] ??= [];
    out[k].push(v);
  }
  return out;
}

/** The ALB health checker's event: a GET of the path, its user agent, no body, no query. */
export function healthCheckEvent(path = "/healthz", targetGroupArn = EXAMPLE_TARGET_GROUP_ARN): ALBEvent {
  return {
    requestContext: { elb: { targetGroupArn } },
    httpMethod: "GET",
    path,
    queryStringParameters: {},
    headers: { "user-agent": "ELB-HealthChecker/2.0" },
    body: "",
    isBase64Encoded: false,
  };
}

/** Reads a result's headers whatever form they came back in (lower-case names). */
export function resultHeaders(result: {
  headers?: Record<string, unknown>;
  multiValueHeaders?: Record<string, unknown[]>;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) out[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) out[k.toLowerCase()] = String(v[v.length - 1]);
  return out;
}
