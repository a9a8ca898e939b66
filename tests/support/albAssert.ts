/**
 * Checks of an ALB result against the ALB → Lambda contract (docs/alb-events.md)
 * and of HipChat's error shape. They return a list of problems instead of throwing, so the fuzz suite
 * can report the first offending event with everything wrong about it.
 */
import type { ALBEvent, ALBResult } from "aws-lambda";
import { REASONS } from "../../handler/errors";
import { resultHeaders } from "./albEvents";

/** The ALB refuses a Lambda response whose JSON exceeds 1 MB. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** What is wrong with a result for this event (empty when it is a valid ALB result). */
export function albResultProblems(event: ALBEvent | undefined, result: unknown): string[] {
  const problems: string[] = [];
  if (typeof result !== "object" || result === null) return [`result is ${typeof result}`];
  const r = result as ALBResult;
  if (!Number.isInteger(r.statusCode) || r.statusCode < 100 || r.statusCode > 599)
    problems.push(`statusCode ${r.statusCode}`);
  if (r.statusDescription !== `${r.statusCode} ${REASONS[r.statusCode] ?? "Unknown"}`)
    problems.push(`statusDescription ${r.statusDescription}`);
  if (r.isBase64Encoded !== false) problems.push("isBase64Encoded is not false (bodies are JSON text)");
  if (r.body !== undefined && typeof r.body !== "string") problems.push("body is not a string");
  // The response must use the header form the target group (and so the event) uses.
  const multi = event?.multiValueHeaders !== undefined || event?.multiValueQueryStringParameters !== undefined;
  if (multi) {
    if (r.headers !== undefined) problems.push("single-value headers in a multi-value response");
    if (typeof r.multiValueHeaders !== "object") problems.push("multiValueHeaders missing");
    for (const [k, v] of Object.entries(r.multiValueHeaders ?? {})) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) problems.push(`header ${k} is not a string array`);
    }
  } else if (event !== undefined && typeof event === "object" && event !== null) {
    if (r.multiValueHeaders !== undefined) problems.push("multiValueHeaders in a single-value response");
    if (typeof r.headers !== "object") problems.push("headers missing");
    for (const [k, v] of Object.entries(r.headers ?? {}))
      if (typeof v !== "string") problems.push(`header ${k} is not a string`);
  }
  for (const [k, v] of Object.entries(resultHeaders(r))) {
    if (/[\r\n\0]/.test(k) || /[\r\n\0]/.test(v))
      problems.push(`header ${k} carries CR, LF or NUL (response splitting)`);
  }
  if (Buffer.byteLength(JSON.stringify(r), "utf8") > MAX_RESPONSE_BYTES) problems.push("response over the ALB's 1 MB");
  return problems;
}

/** What is wrong with an error answer's body (empty when it is HipChat's error shape). */
export function hipchatErrorProblems(result: ALBResult): string[] {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(result.body ?? "");
  } catch {
    return [`error body is not JSON: ${String(result.body).slice(0, 80)}`];
  }
  const e = (doc as { error?: { code?: unknown; message?: unknown; type?: unknown } } | null)?.error;
  if (!e || typeof e !== "object") return ["no error object"];
  if (e.code !== result.statusCode) problems.push(`error.code ${String(e.code)} != status ${result.statusCode}`);
  if (typeof e.message !== "string" || e.message === "") problems.push("error.message missing");
  if (e.type !== REASONS[result.statusCode]) problems.push(`error.type ${String(e.type)}`);
  if (Object.keys(doc as object).length !== 1) problems.push("extra top-level keys");
  if (!/^application\/json/.test(resultHeaders(result)["content-type"] ?? ""))
    problems.push("content-type is not JSON");
  return problems;
}

/** HipChat's rate-limit contract on a 429: what clients such as hipchatter read to wait and resend. */
export function rateLimitProblems(result: ALBResult, nowMs: number = Date.now()): string[] {
  const h = resultHeaders(result);
  const problems: string[] = [];
  const reset = Number(h["x-ratelimit-reset"]);
  if (!/^\d+$/.test(h["x-ratelimit-reset"] ?? "")) problems.push(`X-Ratelimit-Reset ${h["x-ratelimit-reset"]}`);
  else if (reset < Math.floor(nowMs / 1000) - 1) problems.push(`X-Ratelimit-Reset ${reset} is in the past`);
  if (!/^\d+$/.test(h["retry-after"] ?? "") || Number(h["retry-after"]) < 1)
    problems.push(`Retry-After ${h["retry-after"]}`);
  if (h["x-ratelimit-remaining"] !== "0") problems.push(`X-Ratelimit-Remaining ${h["x-ratelimit-remaining"]}`);
  if (!/^\d+$/.test(h["x-ratelimit-limit"] ?? "")) problems.push(`X-Ratelimit-Limit ${h["x-ratelimit-limit"]}`);
  return problems;
}
