/**
 * The stack's delivery settings (docs/queued-delivery.md): `deliveryMode` (`direct`, the default, or
 * `queued`), and in queued mode `deliveryMaxConcurrency` and `deliveryAlarmActions`. Light on
 * purpose: config.ts imports it for its list of keys.
 */
import * as pulumi from "@pulumi/pulumi";

import { DELIVERY_MODES, type DeliveryMode } from "./handler/delivery/settings";

/** The stack keys of this file (config.ts accepts them in the `hipchat-proxy` namespace). */
export const DELIVERY_CONFIG_KEYS: readonly string[] = [
  "deliveryMode",
  "deliveryMaxConcurrency",
  "deliveryAlarmActions",
];

/** The checked delivery settings of one stack. */
export interface DeliveryConfig {
  /** `direct` (default): post while the client waits. `queued`: store, answer, deliver. */
  readonly mode: DeliveryMode;
  /** The worker's concurrency cap (2–1000). Default 2. */
  readonly maxConcurrency?: number;
  /** ARNs (SNS topics…) the queue alarms notify. Default none. */
  readonly alarmActions?: string[];
}

/**
 * Reads `deliveryMode`, `deliveryMaxConcurrency` and `deliveryAlarmActions`.
 *
 * @throws pulumi.RunError naming the key.
 */
export function loadDeliveryConfig(cfg: pulumi.Config): DeliveryConfig {
  const fail = (key: string, message: string) => new pulumi.RunError(`Config ${cfg.name}:${key} ${message}.`);
  const mode = cfg.get("deliveryMode") ?? "direct";
  if (!(DELIVERY_MODES as readonly string[]).includes(mode)) {
    throw fail("deliveryMode", `must be ${DELIVERY_MODES.join(" or ")}, got "${mode}"`);
  }
  let maxConcurrency: number | undefined;
  let alarmActions: string[] | undefined;
  try {
    maxConcurrency = cfg.getNumber("deliveryMaxConcurrency");
    alarmActions = cfg.getObject<string[]>("deliveryAlarmActions");
  } catch {
    throw fail("deliveryMaxConcurrency/deliveryAlarmActions", "is not valid (a number; a list of ARNs)");
  }
  if (
    maxConcurrency !== undefined &&
    !(Number.isInteger(maxConcurrency) && maxConcurrency >= 2 && maxConcurrency <= 1000)
  ) {
    throw fail("deliveryMaxConcurrency", `must be an integer from 2 to 1000, got ${maxConcurrency}`);
  }
  if (
    alarmActions !== undefined &&
    !(Array.isArray(alarmActions) && alarmActions.every((a) => /^arn:aws[a-z-]*:\S+$/.test(String(a))))
  ) {
    throw fail("deliveryAlarmActions", "must be a list of ARNs (SNS topics…)");
  }
  for (const [key, value] of [
    ["deliveryMaxConcurrency", maxConcurrency],
    ["deliveryAlarmActions", alarmActions],
  ] as const) {
    if (value !== undefined && mode !== "queued") throw fail(key, `needs ${cfg.name}:deliveryMode: queued`);
  }
  return { mode: mode as DeliveryMode, maxConcurrency, alarmActions };
}
