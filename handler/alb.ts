/**
 * The ALB edge, as pure functions: an ALB Lambda event becomes a `ProxyRequest`, and a `ProxyResponse`
 * becomes an ALB result in the same header form (single- or multi-value) as the event, which is what
 * the target group's `lambda.multi_value_headers.enabled` setting requires.
 * See docs/alb-events.md.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { badRequest, payloadTooLarge, reasonPhrase } from "./errors";
import { wellFormed } from "./wellFormed";

/** The ALB refuses request bodies over 1 MB; the local server and the fuzz tests enforce the same. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ProxyRequest {
  method: string;
  /** The path as delivered (still percent-encoded). */
  path: string;
  /** Query values, decoded, every value kept in order. */
  query: ReadonlyMap<string, readonly string[]>;
  /** Lower-case header names, every value kept in order. */
  headers: ReadonlyMap<string, readonly string[]>;
  /**
   * The body, decoded on first use: throws 400 for invalid base64 and 413 over the ALB's 1 MB. Lazy,
   * so that a request is authenticated before anything looks at its body.
   */
  body(): Buffer;
  /** Whether the event used the multi-value form; the response must use the same. */
  multiValue: boolean;
}

export interface ProxyResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export function isAlbEvent(event: unknown): event is ALBEvent {
  const ctx = (event as { requestContext?: { elb?: unknown } } | null)?.requestContext;
  return typeof ctx === "object" && ctx !== null && typeof ctx.elb === "object" && ctx.elb !== null;
}

/** The first value of a header or query key, or undefined. */
export function first(map: ReadonlyMap<string, readonly string[]>, key: string): string | undefined {
  return map.get(key)?.[0];
}

/**
 * Turns an ALB event into a request. Its body is decoded when first read (see ProxyRequest.body).
 */
export function parseAlbEvent(event: ALBEvent): ProxyRequest {
  const multiValue = event.multiValueHeaders !== undefined || event.multiValueQueryStringParameters !== undefined;
  const headers = new Map<string, string[]>();
  // "if multiValueHeaders is present the ALB will use it instead of the headers field"
  const rawHeaders = event.multiValueHeaders ?? wrapValues(event.headers);
  for (const [name, values] of Object.entries(rawHeaders)) {
    if (values === undefined) continue;
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), ...values.map(String)]);
  }
  const query = new Map<string, string[]>();
  // The ALB passes query keys and values exactly as the client wrote them, still percent-encoded.
  const rawQuery = event.multiValueQueryStringParameters ?? wrapValues(event.queryStringParameters);
  for (const [name, values] of Object.entries(rawQuery)) {
    if (values === undefined) continue;
    const key = wellFormed(decodeQueryComponent(name));
    query.set(key, [...(query.get(key) ?? []), ...values.map((v) => wellFormed(decodeQueryComponent(String(v))))]);
  }
  return {
    method: (event.httpMethod ?? "GET").toUpperCase(),
    path: wellFormed(event.path || "/"),
    query,
    headers,
    body: lazyBody(event.body, event.isBase64Encoded),
    multiValue,
  };
}

function lazyBody(body: string | null | undefined, isBase64Encoded: boolean): () => Buffer {
  let decoded: Buffer | undefined;
  return () => {
    decoded ??= decodeBody(body, isBase64Encoded);
    return decoded;
  };
}

function wrapValues(
  record: Record<string, string | undefined> | null | undefined,
): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = Object.create(null); // keys come from clients: no inherited members
  for (const [k, v] of Object.entries(record ?? {})) if (v !== undefined) out[k] = [v];
  return out;
}

/** Decodes one form/query component: `+` is a space, bad percent-escapes are kept literally. */
export function decodeQueryComponent(s: string): string {
  const spaced = s.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A lone `%` or invalid UTF-8 sequence: decode what can be decoded, keep the rest as written.
    return spaced.replace(/(%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBody(body: string | null | undefined, isBase64Encoded: boolean): Buffer {
  if (!body) return Buffer.alloc(0);
  if (!isBase64Encoded) {
    const buf = Buffer.from(body, "utf8");
    if (buf.length > MAX_BODY_BYTES) throw payloadTooLarge("Request body exceeds 1 MB");
    return buf;
  }
  const compact = body.replace(/\s+/g, "");
  // Node's decoder silently skips bad characters; a corrupted body must be refused, not half-read.
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw badRequest("Request body is not valid base64");
  }
  const buf = Buffer.from(compact, "base64");
  if (buf.length > MAX_BODY_BYTES) throw payloadTooLarge("Request body exceeds 1 MB");
  return buf;
}

/** Builds the ALB result, in the header form the event used. */
export function toAlbResult(response: ProxyResponse, multiValue: boolean): ALBResult {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  const result: ALBResult = {
    statusCode: response.statusCode,
    statusDescription: `${response.statusCode} ${reasonPhrase(response.statusCode)}`,
    isBase64Encoded: false,
    body: response.body ?? "",
  };
  if (multiValue) {
    result.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  } else {
    result.headers = headers;
  }
  return result;
}
