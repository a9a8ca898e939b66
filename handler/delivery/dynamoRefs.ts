/**
 * Refs in AWS: which Slack `ts` a queued `POST /v2/room/{room}/message` became, in a DynamoDB table
 * (partition key `pk` = `<channel> <ref>`, `ts`, and `expiresAt` for DynamoDB's TTL), so a later
 * `attach_to` with the id the client was given threads under it. Only the worker reads and writes it.
 */
import type { RefStore } from "./deliver";

type DynamoSdk = typeof import("@aws-sdk/client-dynamodb");

/** How long a ref stays resolvable (then DynamoDB's TTL deletes it). */
export const REF_TTL_SECONDS = 30 * 24 * 3600;

export function dynamoRefStore(tableName: string, options: { region?: string; timeoutMs?: number } = {}): RefStore {
  let client: { sdk: DynamoSdk; client: import("@aws-sdk/client-dynamodb").DynamoDBClient } | undefined;
  const get = () => {
    if (!client) {
      const sdk = require("@aws-sdk/client-dynamodb") as DynamoSdk;
      const timeout = options.timeoutMs ?? 2000;
      client = {
        sdk,
        client: new sdk.DynamoDBClient({
          region: options.region,
          maxAttempts: 3,
          requestHandler: { requestTimeout: timeout, connectionTimeout: timeout, throwOnRequestTimeout: true },
        }),
      };
    }
    return client;
  };
  const key = (channel: string, ref: string) => ({ pk: { S: `${channel} ${ref}` } });
  return {
    async get(channel, ref) {
      const c = get();
      const out = await c.client.send(
        new c.sdk.GetItemCommand({ TableName: tableName, Key: key(channel, ref), ConsistentRead: true }),
      );
      return out.Item?.ts?.S;
    },
    async put(channel, ref, ts) {
      const c = get();
      await c.client.send(
        new c.sdk.PutItemCommand({
          TableName: tableName,
          Item: {
            ...key(channel, ref),
            ts: { S: ts },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + REF_TTL_SECONDS) },
          },
        }),
      );
    },
  };
}
