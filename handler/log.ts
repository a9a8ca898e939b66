/**
 * Structured logs: one JSON object per line, which CloudWatch Logs Insights can query by field.
 * Callers pass only the fields below; tokens, the Slack token and message bodies are never among
 * them, and error details are reduced to a name and a message.
 *
 * The logger does not rely on that alone. Many fields carry what a client sent (the path of an
 * unsupported call, a room name, a method, a trace id), so every string it writes is first capped
 * and then cleared of anything credential-like:
 * - each string field is cut to at most MAX_FIELD_BYTES of the line (its JSON-escaped UTF-8),
 *   ending in a `…[truncated …]` mark, and a line never exceeds MAX_LINE_BYTES;
 * - `auth_token=…` (and any `…token`, `password`, `secret`, `api_key` followed by `=` or `:`),
 *   `Bearer …`/`Basic …` and Slack tokens (`xox?-…`, `xapp-…`) become `[REDACTED]`, in whatever
 *   spelling they arrive: percent-encoded (even repeatedly, even letter by letter), in any case,
 *   after `?`, `;` or `&`. A string holding one is logged decoded, with the value replaced.
 */

export interface RequestLog {
  route: string;
  method: string;
  status: number;
  latencyMs: number;
  room?: string;
  channel?: string;
  slackError?: string;
  /** The call matched no supported route: operators see what legacy apps still ask for. */
  unsupported?: boolean;
  path?: string;
  /** The ALB's X-Amzn-Trace-Id root, to find the request in the load balancer's logs. */
  traceId?: string;
  /** Lambda's id of the invocation, to find its REPORT line and platform logs. */
  awsRequestId?: string;
  error?: string;
}

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  request(entry: RequestLog): void;
  error(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
}

/** The most one string field may take of a log line: its JSON-escaped UTF-8 bytes. */
export const MAX_FIELD_BYTES = 400;
/** No line is longer; CloudWatch would split (and Logs Insights not parse) far longer ones. */
export const MAX_LINE_BYTES = 8 * 1024;

export const REDACTED = "[REDACTED]";

export function createLogger(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const emit = (level: string, msg: string, fields: object = {}) => write(formatLine(level, msg, fields));
  return {
    request: (entry) =>
      emit(
        entry.status >= 500 ? "error" : entry.unsupported || entry.status >= 400 ? "warn" : "info",
        "request",
        entry,
      ),
    error: (message, fields) => emit("error", message, fields),
    info: (message, fields) => emit("info", message, fields),
  };
}

/** One log line: `level`, `msg` and `time` first (a field cannot replace them), every string made safe. */
export function formatLine(level: string, msg: string, fields: object, now: Date = new Date()): string {
  // No prototype: a field named `__proto__` is a field like any other.
  const line: Record<string, unknown> = Object.create(null);
  line.level = safeText(level);
  line.msg = safeText(msg);
  line.time = now.toISOString();
  for (const [key, value] of Object.entries(fields)) {
    if (Object.hasOwn(line, key) || value === undefined) continue;
    line[safeText(key)] =
      typeof value === "string"
        ? safeText(value)
        : typeof value === "number" || typeof value === "boolean" || value === null
          ? value
          : `[${typeof value}]`;
  }
  const text = JSON.stringify(line);
  if (Buffer.byteLength(text, "utf8") <= MAX_LINE_BYTES) return text;
  // Only many fields get here (each is capped): keep what identifies the event.
  return JSON.stringify({
    level: line.level,
    msg: line.msg,
    time: line.time,
    truncated: `log line over ${MAX_LINE_BYTES} bytes; fields dropped`,
  });
}

/** A string as it may appear in a log: capped, then cleared of credentials (then capped again). */
export function safeText(s: string): string {
  return capBytes(redact(capBytes(s, MAX_FIELD_BYTES)), MAX_FIELD_BYTES);
}

// ---------------------------------------------------------------------------------------------
// Redaction

/** A name whose value is a credential, then `=` or `:` (JSON `"key":"…"` too). */
const KEYED =
  /([a-z0-9_.-]*(?:token|password|passwd|secret|api[_-]?key|apikey|signature|sig)"?[\s+]*[=:][\s+]*"?)([^\s&;"',}]*)/gi;
/** HTTP authorization schemes with their credentials. */
const SCHEME = /(bearer|basic)((?:[\s+]|%(?:25)*(?:20|09))+)([^\s&;"',}]+)/gi;
/** Slack tokens: bot, user, app-level, config and refresh tokens. */
const SLACK = /xox[a-z](?:-|\.)[a-z0-9.-]*|xapp-[a-z0-9-]*/gi;
/** Cheap pre-check: a string without any of these has nothing to redact in any spelling. */
const SUSPECT = /token|pass|secret|key|sig|bearer|basic|xox|xapp|%|\\u/i;

/**
 * Replaces credentials with [REDACTED]. The string is checked as it is, then again after each round
 * of decoding (percent-escapes, `\uXXXX` escapes) until decoding changes nothing, so no spelling of a
 * key hides its value (checking each round, not only the last, matters: decoding a stray `%Be` would
 * hide the `Bearer` it precedes). When a credential shows only once decoded, the decoded and
 * redacted form is what gets logged; otherwise the string keeps its spelling.
 */
export function redact(s: string): string {
  if (!SUSPECT.test(s)) return s;
  const asSent = clear(s);
  let current = asSent;
  let hidden = false;
  // Each round that changes something removes a `%` or `\u` escape, and clearing adds none: it ends.
  for (;;) {
    const decoded = decodeOnce(current);
    if (decoded === current) return hidden ? current : asSent;
    current = clear(decoded);
    if (current !== decoded) hidden = true;
  }
}

function clear(s: string): string {
  return s
    .replace(KEYED, (_m, key: string, value: string) => (value === "" ? key : `${key}${REDACTED}`))
    .replace(SCHEME, (_m, scheme: string, gap: string) => `${scheme}${gap}${REDACTED}`)
    .replace(SLACK, REDACTED);
}

function decodeOnce(s: string): string {
  return s
    .replace(/(?:%[0-9a-f]{2})+/gi, decodePercentRun)
    .replace(/\\u([0-9a-f]{4})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A run of `%XX` as UTF-8 when it is, else byte by byte (Latin-1): never throws. */
function decodePercentRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}

// ---------------------------------------------------------------------------------------------
// Capping

/** Bytes a UTF-16 unit takes in a JSON string literal, in UTF-8 (lone surrogates are escaped). */
function cost(s: string, i: number): [bytes: number, units: number] {
  const c = s.charCodeAt(i);
  if (c < 0x20) return [c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6, 1];
  if (c === 0x22 || c === 0x5c) return [2, 1];
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    return d >= 0xdc00 && d <= 0xdfff ? [4, 2] : [6, 1];
  }
  if (c >= 0xdc00 && c <= 0xdfff) return [6, 1];
  return [3, 1];
}

/** Cuts `s` so that its JSON-escaped UTF-8 fits `maxBytes`, marking how much was cut. */
export function capBytes(s: string, maxBytes: number): string {
  if (s.length * 6 <= maxBytes) return s; // no unit costs more than 6 bytes
  const mark = (kept: number) => `…[truncated ${s.length - kept} of ${s.length} chars]`;
  const budget = maxBytes - 48; // room for the mark
  let bytes = 0;
  let i = 0;
  let fitsAt = -1;
  while (i < s.length) {
    const [b, u] = cost(s, i);
    if (fitsAt < 0 && bytes + b > budget) fitsAt = i;
    bytes += b;
    i += u;
    if (bytes > maxBytes) break;
  }
  if (bytes <= maxBytes) return s; // the whole string fits
  return `${s.slice(0, fitsAt)}${mark(fitsAt)}`;
}

/** A short, safe description of an unexpected error: its class and message, never its data. */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) {
      const cause = err.cause instanceof Error ? ` (cause: ${err.cause.name}: ${err.cause.message})` : "";
      return `${err.name}: ${err.message}${cause}`.slice(0, 500);
    }
    return typeof err;
  } catch {
    return "Error (its name or message could not be read)"; // a hostile `name` or `message`
  }
}
