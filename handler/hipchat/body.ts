/**
 * Request bodies as HipChat clients send them: JSON for v2 (hipchat-rb, hipchatter, notifiers),
 * `application/x-www-form-urlencoded` for v1 (and curl's default), and `multipart/form-data`, which
 * PHP's curl sends for an array of fields (HipChat's own PHP library did). Unknown fields are kept
 * here and ignored by the field schemas.
 */
import { isUtf8 } from "node:buffer";
import { Busboy } from "@fastify/busboy";
import { first, MAX_BODY_BYTES, type ProxyRequest } from "../alb";
import { badRequest, ProxyError, unsupportedMediaType } from "../errors";
import { wellFormed, wellFormedDeep } from "../wellFormed";

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
  let parsed: Promise<ReadBody> | undefined;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const read = () => {
    parsed ??= hasBody ? readBody(req) : Promise.resolve({ fields: {} });
    return parsed;
  };
  return {
    async fields() {
      const { fields, problem } = await read();
      if (problem) throw problem;
      return fields;
    },
    async lookup(field) {
      if (!hasBody) return undefined;
      try {
        if (!req.body().includes(field, 0, "utf8")) return undefined;
      } catch {
        return undefined; // an undecodable body holds no field
      }
      // A multipart body refused for another part (a file) still names its text fields.
      const value = (await read()).fields[field];
      return typeof value === "string" ? value : undefined;
    },
  };
}

/** A body's fields, and why the body is refused if it is: then `fields` holds what could be read. */
interface ReadBody {
  fields: BodyFields;
  problem?: unknown;
}

async function readBody(req: ProxyRequest): Promise<ReadBody> {
  try {
    return { fields: await parseBody(req) };
  } catch (err) {
    return { fields: err instanceof UnacceptedParts ? err.fields : {}, problem: err };
  }
}

/** A 400 for a multipart body with a part the proxy does not take, carrying the text fields read. */
class UnacceptedParts extends ProxyError {
  constructor(
    message: string,
    readonly fields: BodyFields,
  ) {
    super(400, message);
  }
}

/** Decodes the body into fields. An empty body is `{}`. */
export async function parseBody(req: ProxyRequest): Promise<BodyFields> {
  const body = req.body();
  if (body.length === 0) return {};
  const contentType = first(req.headers, "content-type") ?? "";
  const type = contentType.split(";")[0].trim().toLowerCase();
  // Before the UTF-8 check: a file part may be binary, and is refused by name, not as bad UTF-8.
  if (type === "multipart/form-data") return parseMultipart(body, contentType);
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw badRequest("Request body is not valid UTF-8");
  }
  if (type === "application/json" || type.endsWith("+json") || type === "text/json") return parseJson(text);
  if (type === "application/x-www-form-urlencoded") return parseForm(text);
  if (type === "" || type === "text/plain") {
    // Clients that set no (or a wrong) type: decide by the content, as HipChat's own servers did.
    return text.trimStart().startsWith("{") ? parseJson(text) : parseForm(text);
  }
  throw unsupportedMediaType(`Unsupported content type "${type}": send JSON or a form (urlencoded or multipart)`);
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
  // Decoded UTF-8 holds no lone surrogate: only a `\uD800`-style escape can put one in a string.
  return (LONE_SURROGATE_ESCAPE.test(text) ? wellFormedDeep(doc) : doc) as BodyFields;
}

/** A JSON escape of a UTF-16 surrogate (paired or not: wellFormedDeep tells them apart). */
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

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
  for (const [rawKey, value] of new URLSearchParams(text)) {
    // URLSearchParams decodes with replacement already; kept for any decoder that would not.
    const key = wellFormed(rawKey);
    if (!(key in fields)) fields[key] = wellFormed(value);
  }
  return fields;
}

/** More parts than any HipChat call has fields, by far; past it the body is refused. */
const MAX_MULTIPART_PARTS = 1000;

/**
 * `multipart/form-data` fields, read with busboy, with the rules of a form: the first value of a
 * repeated field wins. A part that is a file (it has a filename, or is application/octet-stream) is
 * a 400 naming its field: no HipChat call the proxy serves takes a file.
 */
function parseMultipart(body: Buffer, contentType: string): Promise<BodyFields> {
  return new Promise<BodyFields>((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { "content-type": contentType },
        limits: { fieldSize: MAX_BODY_BYTES, parts: MAX_MULTIPART_PARTS },
      });
    } catch {
      reject(badRequest("Request body is multipart/form-data without a boundary"));
      return;
    }
    const fields: Record<string, string> = Object.create(null); // keys come from clients: no inherited members
    let problem: string | undefined;
    parser.on("field", (rawName: string | undefined, value, nameTruncated, valueTruncated) => {
      // A part without a `name` has none (undefined): it is the empty name, as `=value` is in a form.
      // Left undefined, it threw inside busboy's event handler: an uncaught exception, and no answer.
      const name = wellFormed(rawName ?? "");
      if (nameTruncated || valueTruncated) problem ??= `Field ${fieldLabel(name)} is too long`;
      else if (!(name in fields)) fields[name] = wellFormed(value);
    });
    parser.on("file", (name, stream) => {
      problem ??= `Field ${fieldLabel(name)} is a file upload; the proxy takes text fields only (send it without a filename)`;
      stream.resume(); // discard it: nothing waits for a file
    });
    parser.on("partsLimit", () => {
      problem ??= `Request body has more than ${MAX_MULTIPART_PARTS} parts`;
    });
    parser.on("error", () => reject(badRequest("Request body is not valid multipart/form-data")));
    parser.on("finish", () => {
      if (problem) return reject(new UnacceptedParts(problem, fields));
      // The fields' bytes were decoded with replacement; like any other body, invalid UTF-8 is refused.
      if (!isUtf8(body)) return reject(new UnacceptedParts("Request body is not valid UTF-8", fields));
      resolve(fields);
    });
    parser.end(body);
  });
}

/** A client's field name as an error message may quote it: short, one line. */
function fieldLabel(name: string | undefined): string {
  const clean = (name ?? "").replace(/[\p{Cc}"]/gu, "").slice(0, 64);
  return clean ? `"${clean}"` : "(unnamed)";
}
