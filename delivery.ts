/**
 * The stack's delivery mode (docs/queued-delivery.md): the `deliveryMode` setting and, in queued
 * mode, the QueuedDelivery the program adds next to the service: an SQS FIFO queue and dead-letter
 * queue, the worker Lambda (the bundle's `workerFactory`), its event source, alarms, and a table for
 * the ids `/message` answers with.
 */
import type * as pulumi from "@pulumi/pulumi";

import { QueuedDelivery } from "./components/queuedDelivery";
import type { LambdaEnvironment } from "./handler";
import type { DeliveryConfig } from "./deliveryConfig";

export interface StackDelivery {
  component: QueuedDelivery;
  /** What the request handler needs: DELIVERY_MODE and QUEUE_URL. */
  environment: Record<string, pulumi.Input<string>>;
}

export interface StackDeliveryArgs {
  /** The handler module (its bundle exports `workerFactory`). */
  entry: string;
  /** The Slack token: the worker's own secret holds it, and nothing else. */
  slackToken: pulumi.Input<string>;
  logRetentionInDays?: number;
}

/** The QueuedDelivery of a queued stack; `undefined` in direct mode. */
export function createStackDelivery(
  name: string,
  config: DeliveryConfig,
  args: StackDeliveryArgs,
): StackDelivery | undefined {
  if (config.mode !== "queued") return undefined;
  const component = new QueuedDelivery(name, {
    entry: args.entry,
    workerExport: "workerFactory",
    secrets: { slackToken: args.slackToken },
    stateTable: true,
    maxConcurrency: config.maxConcurrency,
    alarmActions: config.alarmActions,
    logRetentionInDays: args.logRetentionInDays,
  });
  return { component, environment: { DELIVERY_MODE: "queued", QUEUE_URL: component.queueUrl } };
}

/** The service's environment with queued delivery's variables added (none in direct mode). */
export function withDeliveryEnvironment(
  delivery: StackDelivery | undefined,
  environment: LambdaEnvironment,
): Record<string, pulumi.Input<string>> {
  return { ...(environment as Record<string, string>), ...delivery?.environment };
}
