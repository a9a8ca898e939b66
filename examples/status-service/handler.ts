/**
 * The status service's Lambda code: a small private HTTP service behind an internal ALB.
 *
 * - `GET /healthz`: 200 `ok` (the target group's health check).
 * - `GET /status`: 200 JSON `{service, version, region, startedAt, requests}` — who answers, from
 *   the function's environment, when its container started and how many requests it has served.
 * - `POST /echo`: a JSON body, answered back as JSON (400 for a missing or malformed body, 415 for
 *   another content type).
 * - `HEAD` works wherever `GET` does; any other method on a known path is 405, any other path 404.
 *
 * Pulumi serializes this module **by value** into the function's code (`aws.lambda.CallbackFunction`),
 * so it follows the rules that keep that working (README, "Reusing PrivateLambdaService" → "Writing the handler"):
 * - nothing at module level but functions and plain constants: no `let` state (it would be reset on
 *   every invocation), no Map/Set/TextDecoder or library object (the serializer cannot carry them);
 *   what must live as long as the container is built in {@link callbackFactory};
 * - plain functions, no classes;
 * - Node's built-ins only, so the deployment package needs no `node_modules` at all;
 * - no function named like a jest global (`describe`, `it`, `test`, `expect`).
 */
import type { ALBEvent, ALBResult } from "aws-lambda";

/** The environment the handler reads. The component sets the first two; Lambda sets AWS_REGION. */
export interface StatusEnvironment {
  /** The service's name, as `/status` reports it. Required. */
  SERVICE_NAME?: string;
  /** The deployed version, as `/status` reports it. Required. */
  SERVICE_VERSION?: string;
  /** The function's region; the Lambda runtime sets it. */
  AWS_REGION?: string;
  [name: string]: string | undefined;
}

/** What `/status` answers, besides the per-container request count. */
export interface StatusInfo {
  service: string;
  version: string;
  region: string;
  /** When this container built its handler (ISO 8601). */
  startedAt: string;
}

/** The handler one container runs for every request. */
export type StatusHandler = (event: ALBEvent) => Promise<ALBResult>;

/** Options of {@link createStatusHandler}, for tests. */
export interface StatusHandlerOptions {
  /** The clock. Default: `() => new Date()`. */
  now?: () => Date;
  /** Where one line per error goes. Default: `console.error`. */
  logError?: (line: string) => void;
}

/** A response before it takes the ALB's shape. */
interface Reply {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Reason phrases for the statuses this service answers (the ALB's `statusDescription`). */
const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The ALB refuses request bodies over 1 MB. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the service's identity from the environment, failing fast on what is missing.
 *
 * @throws Error naming every missing variable.
 */
export function readStatusInfo(env: StatusEnvironment, startedAt: Date): StatusInfo {
  const missing = ["SERVICE_NAME", "SERVICE_VERSION"].filter((key) => !env[key]?.trim());
  if (missing.length > 0) {
    throw new Error(`Environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} required`);
  }
  return {
    service: (env.SERVICE_NAME as string).trim(),
    version: (env.SERVICE_VERSION as string).trim(),
    region: env.AWS_REGION?.trim() || "unknown",
    startedAt: startedAt.toISOString(),
  };
}

/**
 * Builds the handler for one container. Everything that must live as long as the container (the
 * identity read from the environment, the request counter) lives in this closure.
 *
 * A misconfigured container does not throw (Lambda would then fail every request with a bare 502):
 * it answers every request, `/healthz` included, with a JSON 503 naming the problem, so the target
 * group marks it unhealthy and a caller sees why.
 */
export function createStatusHandler(env: StatusEnvironment, options: StatusHandlerOptions = {}): StatusHandler {
  const now = options.now ?? (() => new Date());
  const logError = options.logError ?? ((line: string) => console.error(line));
  let info: StatusInfo;
  try {
    info = readStatusInfo(env, now());
  } catch (err) {
    const problem = (err as Error).message;
    logError(`status-service misconfigured: ${problem}`);
    return async (event) => toAlbResult(jsonReply(503, { error: `misconfigured: ${problem}` }), isMultiValue(event));
  }
  let requests = 0;
  return async (event) => {
    requests += 1;
    let reply: Reply;
    try {
      reply = route(event, info, requests);
    } catch (err) {
      logError(`status-service error on ${event?.httpMethod} ${event?.path}: ${(err as Error)?.stack ?? String(err)}`);
      reply = jsonReply(500, { error: "internal error" });
    }
    if (methodOf(event) === "HEAD") {
      reply = { ...reply, body: "" };
    }
    return toAlbResult(reply, isMultiValue(event));
  };
}

/** Called once per Lambda container (cold start) by aws.lambda.CallbackFunction. */
export function callbackFactory(): StatusHandler {
  return createStatusHandler(process.env as StatusEnvironment);
}

/** Answers one request. */
export function route(event: ALBEvent, info: StatusInfo, requests: number): Reply {
  const method = methodOf(event);
  const path = event.path || "/";
  switch (path) {
    case "/healthz":
      return method === "GET" || method === "HEAD"
        ? {
            statusCode: 200,
            headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
            body: "ok",
          }
        : methodNotAllowed("GET, HEAD");
    case "/status":
      return method === "GET" || method === "HEAD"
        ? jsonReply(200, { ...info, requests })
        : methodNotAllowed("GET, HEAD");
    case "/echo":
      return method === "POST" ? echo(event) : methodNotAllowed("POST");
    default:
      return jsonReply(404, { error: `no route for ${path}` });
  }
}

/** `POST /echo`: the JSON body back, re-serialized. */
function echo(event: ALBEvent): Reply {
  const contentType = (header(event, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(contentType)) {
    return jsonReply(415, { error: "POST /echo takes application/json" });
  }
  const raw = event.body ?? "";
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length > MAX_BODY_BYTES) {
    return jsonReply(413, { error: "the body exceeds 1 MB" });
  }
  const text = bytes.toString("utf8");
  if (text.trim() === "") {
    return jsonReply(400, { error: "POST /echo needs a JSON body" });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return jsonReply(400, { error: `the body is not JSON: ${(err as Error).message}` });
  }
  return jsonReply(200, value);
}

/** The first value of a request header (case-insensitive), from whichever form the event used. */
export function header(event: ALBEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values !== undefined && values.length > 0) {
      return values[0];
    }
  }
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) {
      return value;
    }
  }
  return undefined;
}

/** The request's method, upper-case. */
function methodOf(event: ALBEvent | undefined): string {
  return String(event?.httpMethod || "GET").toUpperCase();
}

/** Whether the target group sent multi-value headers; the answer must then use them too. */
export function isMultiValue(event: ALBEvent | undefined): boolean {
  return event?.multiValueHeaders !== undefined || event?.multiValueQueryStringParameters !== undefined;
}

function jsonReply(statusCode: number, value: unknown): Reply {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify(value),
  };
}

function methodNotAllowed(allow: string): Reply {
  const reply = jsonReply(405, { error: `method not allowed; use ${allow}` });
  return { ...reply, headers: { ...reply.headers, allow } };
}

/** The ALB's result, in the header form the event used. */
export function toAlbResult(reply: Reply, multiValue: boolean): ALBResult {
  const headers = reply.headers ?? {};
  const result: ALBResult = {
    statusCode: reply.statusCode,
    statusDescription: `${reply.statusCode} ${REASONS[reply.statusCode] ?? "Unknown"}`,
    isBase64Encoded: false,
    body: reply.body ?? "",
  };
  if (multiValue) {
    result.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]]));
  } else {
    result.headers = { ...headers };
  }
  return result;
}
