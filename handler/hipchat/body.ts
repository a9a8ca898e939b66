/**
 * Request bodies as HipChat clients send them: JSON for v2 (hipchat-rb, hipchatter, notifiers) and
 * `application/x-www-form-urlencoded` for v1 (and curl's default). Unknown fields are kept here and
 * ignored by the field schemas.
 */
import { first, type ProxyRequest } from "../alb";
import { badRequest, unsupportedMediaType } from "../errors";

export type BodyFields = Readonly<Record<string, unknown>>;

/** Refuses invalid UTF-8 instead of replacing it, so a mangled body is a 400, not a mangled message. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A request's body fields, read at most once, and only when asked: the core authenticates a token
 * sent in a header or the query before anything reads the body.
 */
export interface BodyReader {
  /** The fields (`{}` for GET, HEAD and an empty body). Throws 400/413/415 for a body it cannot read. */
  fields(): Promise<BodyFields>;
  /**
   * The value of a string field, for a body that may carry it, or undefined; never throws. A body
   * whose raw bytes do not contain the field's name cannot hold it, and is not parsed for it (no
   * client escapes the characters of a field name), so a large body without it costs one byte search.
   */
  lookup(field: string): Promise<string | undefined>;
}

export function createBodyReader(req: ProxyRequest): BodyReader {
  let parsed: Promise<BodyFields> | undefined;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const fields = () => {
    parsed ??= hasBody ? Promise.resolve().then(() => parseBody(req)) : Promise.resolve({});
    return parsed;
  };
  return {
    fields,
    async lookup(field) {
      if (!hasBody) return undefined;
      try {
        if (!req.body().includes(field, 0, "utf8")) return undefined;
        const value = (await fields())[field];
        return typeof value === "string" ? value : undefined;
      } catch {
        return undefined; // an unreadable body holds no field
      }
    },
  };
}

/** Decodes the body into fields. An empty body is `{}`. */
export function parseBody(req: ProxyRequest): BodyFields {
  const body = req.body();
  if (body.length === 0) return {};
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw badRequest("Request body is not valid UTF-8");
  }
  const type = (first(req.headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || type === "text/json") return parseJson(text);
  if (type === "application/x-www-form-urlencoded") return parseForm(text);
  if (type === "" || type === "text/plain") {
    // Clients that set no (or a wrong) type: decide by the content, as HipChat's own servers did.
    return text.trimStart().startsWith("{") ? parseJson(text) : parseForm(text);
  }
  throw unsupportedMediaType(`Unsupported content type "${type}": send JSON or a form`);
}

function parseJson(text: string): BodyFields {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw badRequest("Request body is not valid JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw badRequest("Request body must be a JSON object");
  }
  if (nestedDeeperThan(doc, MAX_JSON_DEPTH)) throw badRequest("Request body is nested too deeply");
  return doc as BodyFields;
}

/**
 * The deepest a HipChat body nests is 5 (card → attributes → [i] → value → icon); this leaves headroom.
 * Deeper documents are refused before validation: superstruct renders a failing value with
 * `${value}`, which recurses through nested arrays, so `{"message":[[[…]]]}` a few thousand levels
 * deep overflowed the stack and was answered 500 instead of 400 (found by tests/fuzz).
 */
const MAX_JSON_DEPTH = 32;

/** Iterative, so the check itself cannot overflow; linear in the (≤ 1 MB) document. */
function nestedDeeperThan(doc: object, limit: number): boolean {
  const stack: [object, number][] = [[doc, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, depth] = item;
    if (depth > limit) return true;
    for (const child of Object.values(value)) {
      if (typeof child === "object" && child !== null) stack.push([child as object, depth + 1]);
    }
  }
  return false;
}

/** Form fields: the first value of a repeated field wins, like HipChat's PHP front end. */
export function parseForm(text: string): BodyFields {
  const fields: Record<string, string> = Object.create(null); // keys come from clients: no inherited members
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in fields)) fields[key] = value;
  }
  return fields;
}
