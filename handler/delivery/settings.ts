/**
 * The settings of queued delivery, read from environment variables by `npm start` and by both
 * Lambda functions (the request handler only needs the mode and the queue URL).
 */
import { SettingsError } from "../settings";
import { AWS_RETRY_POLICY, type RetryPolicy } from "./deliver";

/** `direct`: post to Slack while the client waits (the default). `queued`: store, answer, deliver. */
export type DeliveryMode = "direct" | "queued";

export const DELIVERY_MODES: readonly DeliveryMode[] = ["direct", "queued"];

/** Environment variables of queued delivery. */
export interface DeliveryEnvironment {
  /** `direct` (default) or `queued`. */
  DELIVERY_MODE?: string;
  /** Time between two messages to one channel once Slack rate-limited it (ms). Default 1000. */
  DELIVERY_SPACING_MS?: string;
  /** Delay after a first failed attempt (ms); doubles per attempt. */
  DELIVERY_RETRY_BASE_MS?: string;
  /** Longest delay between attempts (ms). */
  DELIVERY_RETRY_MAX_MS?: string;
  /** Attempts before a message that keeps failing is dead-lettered. */
  DELIVERY_MAX_ATTEMPTS?: string;
  /** Channels delivered in parallel by `npm start`'s worker. */
  DELIVERY_CONCURRENCY?: string;
}

export interface DeliverySettings {
  mode: DeliveryMode;
  spacingMs: number;
  policy: RetryPolicy;
  concurrency: number;
}

/** Reads the delivery settings; throws SettingsError naming the variable. `defaults` is the environment's policy. */
export function parseDeliverySettings(
  env: DeliveryEnvironment,
  defaults: RetryPolicy = AWS_RETRY_POLICY,
): DeliverySettings {
  const rawMode = env.DELIVERY_MODE?.trim().toLowerCase() || "direct";
  if (!(DELIVERY_MODES as readonly string[]).includes(rawMode)) {
    throw new SettingsError(`DELIVERY_MODE: expected direct or queued, got "${env.DELIVERY_MODE}"`);
  }
  const baseDelayMs = int("DELIVERY_RETRY_BASE_MS", env.DELIVERY_RETRY_BASE_MS, defaults.baseDelayMs, 10, 3_600_000);
  const maxDelayMs = int("DELIVERY_RETRY_MAX_MS", env.DELIVERY_RETRY_MAX_MS, defaults.maxDelayMs, 10, 43_200_000);
  if (maxDelayMs < baseDelayMs) {
    throw new SettingsError("DELIVERY_RETRY_MAX_MS: must be at least DELIVERY_RETRY_BASE_MS");
  }
  return {
    mode: rawMode as DeliveryMode,
    spacingMs: int("DELIVERY_SPACING_MS", env.DELIVERY_SPACING_MS, 1000, 1, 60_000),
    policy: {
      ...defaults,
      baseDelayMs,
      maxDelayMs,
      maxAttempts: int("DELIVERY_MAX_ATTEMPTS", env.DELIVERY_MAX_ATTEMPTS, defaults.maxAttempts, 1, 10_000),
    },
    concurrency: int("DELIVERY_CONCURRENCY", env.DELIVERY_CONCURRENCY, 8, 1, 256),
  };
}

function int(key: string, value: string | undefined, fallback: number, lo: number, hi: number): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new SettingsError(`${key}: expected an integer from ${lo} to ${hi}`);
  return n;
}
