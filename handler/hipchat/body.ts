/**
 * Request bodies as HipChat clients send them: JSON for v2 (hipchat-rb, hipchatter, notifiers) and
 * `application/x-www-form-urlencoded` for v1 (and curl's default). Unknown fields are kept here and
 * ignored by the field schemas.
 */
import { first, type ProxyRequest } from "../alb";
import { BadRequestError, ProxyError } from "../errors";

export class UnsupportedMediaTypeError extends ProxyError {
  readonly statusCode = 415;
}

export type BodyFields = Readonly<Record<string, unknown>>;

/** Decodes the body into fields. An empty body is `{}`. */
export function parseBody(req: ProxyRequest): BodyFields {
  if (req.body.length === 0) return {};
  let text: string;
  try {
    // Built per call: a module-level TextDecoder is a native object Pulumi cannot serialize.
    text = new TextDecoder("utf-8", { fatal: true }).decode(req.body);
  } catch {
    throw new BadRequestError("Request body is not valid UTF-8");
  }
  const type = (first(req.headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json") || type === "text/json") return parseJson(text);
  if (type === "application/x-www-form-urlencoded") return parseForm(text);
  if (type === "" || type === "text/plain") {
    // Clients that set no (or a wrong) type: decide by the content, as HipChat's own servers did.
    return text.trimStart().startsWith("{") ? parseJson(text) : parseForm(text);
  }
  throw new UnsupportedMediaTypeError(`Unsupported content type "${type}": send JSON or a form`);
}

function parseJson(text: string): BodyFields {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BadRequestError("Request body is not valid JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new BadRequestError("Request body must be a JSON object");
  }
  return doc as BodyFields;
}

/** Form fields: the first value of a repeated field wins, like HipChat's PHP front end. */
export function parseForm(text: string): BodyFields {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in fields)) fields[key] = value;
  }
  return fields;
}
