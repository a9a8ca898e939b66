/**
 * Structured logs: one JSON object per line, which CloudWatch Logs Insights can query by field.
 * Callers pass only the fields below; tokens, the Slack token and message bodies are never among
 * them, and error details are reduced to a name and a message.
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
  traceId?: string;
  error?: string;
}

export interface Logger {
  request(entry: RequestLog): void;
  error(message: string, fields?: Record<string, string | number | boolean | undefined>): void;
  info(message: string, fields?: Record<string, string | number | boolean | undefined>): void;
}

export function createLogger(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const emit = (level: string, msg: string, fields: object = {}) =>
    write(JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields }));
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

/** A short, safe description of an unexpected error: its class and message, never its data. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? ` (cause: ${err.cause.name}: ${err.cause.message})` : "";
    return `${err.name}: ${err.message}${cause}`.slice(0, 500);
  }
  return typeof err;
}
