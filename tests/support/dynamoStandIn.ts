/**
 * A DynamoDB stand-in on 127.0.0.1 for the real `@aws-sdk/client-dynamodb`: GetItem and PutItem on
 * tables keyed by `pk` (string), which is all queued delivery's ref table needs.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface DynamoStandIn {
  endpoint: string;
  items: Map<string, Record<string, unknown>>;
  calls: { action: string; input: Record<string, any> }[];
  close(): Promise<void>;
}

export async function startDynamoStandIn(): Promise<DynamoStandIn> {
  const items = new Map<string, Record<string, unknown>>();
  const calls: DynamoStandIn["calls"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const action = String(req.headers["x-amz-target"] ?? "").replace(/^DynamoDB_20120810\./, "");
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, any>;
      calls.push({ action, input });
      const key = (k: Record<string, any>) => `${input.TableName}|${k?.pk?.S}`;
      let out: unknown;
      if (action === "GetItem") {
        const item = items.get(key(input.Key));
        out = item ? { Item: item } : {};
      } else if (action === "PutItem") {
        items.set(key(input.Item), input.Item);
        out = {};
      } else {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#UnknownOperationException" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    items,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
