/**
 * The worker's ref table in AWS (`dynamoRefStore`), through the real `@aws-sdk/client-dynamodb`
 * against the DynamoDB stand-in on 127.0.0.1 (the SDK's own endpoint variable points it there):
 * the exact GetItem and PutItem it sends (key, consistent read, TTL attribute), what it reads back
 * from items of other shapes, that it keeps one client, and that it gives up on a table that does
 * not answer after its timeout (three attempts) instead of hanging the worker.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as net from "node:net";
import { dynamoRefStore, REF_TTL_SECONDS } from "../../handler/delivery/dynamoRefs";
import { type DynamoStandIn, startDynamoStandIn } from "../support/dynamoStandIn";
import { isolateAwsEnvironment } from "../support/awsEnvironment";

const TABLE = "hipchat-proxy-refs";
const REF = "1700000000.123456789";
const TS = "1700000001.000200";

let dynamo: DynamoStandIn;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dynamo = await startDynamoStandIn();
});
afterAll(async () => {
  await dynamo?.close();
});
/** Dummy credentials, no profile, config file or instance metadata, and the table at `endpoint`. */
function useEndpoint(endpoint: string) {
  // The region comes from the store's options only (the worker passes AWS_REGION itself).
  isolateAwsEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: endpoint });
}
beforeEach(() => {
  useEndpoint(dynamo.endpoint);
  dynamo.calls.length = 0;
  dynamo.items.clear();
});
/** Servers a test started; closed after it, whatever became of it. */
const servers: http.Server[] = [];
afterEach(async () => {
  process.env = { ...savedEnv };
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe("the DynamoDB ref store", () => {
  it("records which Slack ts a ref became, under `<channel> <ref>`, to expire after 30 days", async () => {
    const refs = dynamoRefStore(TABLE, { region: "eu-west-1" });
    const before = Math.floor(Date.now() / 1000);
    await refs.put("#ops", REF, TS);
    const after = Math.floor(Date.now() / 1000);

    expect(dynamo.calls).toHaveLength(1);
    const [{ action, input }] = dynamo.calls;
    expect(action).toBe("PutItem");
    expect(input).toStrictEqual({
      TableName: TABLE,
      Item: { pk: { S: `#ops ${REF}` }, ts: { S: TS }, expiresAt: { N: expect.stringMatching(/^\d+$/) } },
    });
    // DynamoDB's TTL takes epoch seconds: now (in seconds, whole) plus 30 days.
    expect(REF_TTL_SECONDS).toBe(2_592_000);
    const expiresAt = Number(input.Item.expiresAt.N);
    expect(expiresAt).toBeGreaterThanOrEqual(before + REF_TTL_SECONDS);
    expect(expiresAt).toBeLessThanOrEqual(after + REF_TTL_SECONDS);
  });

  it("reads a ref back with a consistent read of the same key", async () => {
    const refs = dynamoRefStore(TABLE, { region: "eu-west-1" });
    await refs.put("#ops", REF, TS);
    dynamo.calls.length = 0;

    await expect(refs.get("#ops", REF)).resolves.toBe(TS);
    expect(dynamo.calls).toStrictEqual([
      { action: "GetItem", input: { TableName: TABLE, Key: { pk: { S: `#ops ${REF}` } }, ConsistentRead: true } },
    ]);
  });

  // A ref of another channel, or one never recorded (or expired), resolves to nothing; so does an
  // item that is not one the store wrote.
  it.each([
    ["a ref never recorded", "#ops", "1700000000.999999999", undefined],
    ["the same ref in another channel", "#dev", REF, undefined],
    ["the recorded one", "#ops", REF, TS],
  ])("get: %s", async (_what, channel, ref, expected) => {
    const refs = dynamoRefStore(TABLE, { region: "eu-west-1" });
    await refs.put("#ops", REF, TS);
    await expect(refs.get(channel, ref)).resolves.toBe(expected);
  });

  it.each([
    ["no ts", { pk: { S: `#ops ${REF}` } }],
    ["a ts that is a number", { pk: { S: `#ops ${REF}` }, ts: { N: "1700000001" } }],
  ])("get: an item with %s resolves to nothing", async (_what, item) => {
    dynamo.items.set(`${TABLE}|#ops ${REF}`, item);
    await expect(dynamoRefStore(TABLE, { region: "eu-west-1" }).get("#ops", REF)).resolves.toBeUndefined();
  });

  it("uses the region it is given (the SDK refuses to sign without one)", async () => {
    await expect(dynamoRefStore(TABLE, { region: "eu-west-1" }).get("#ops", REF)).resolves.toBeUndefined();
    await expect(dynamoRefStore(TABLE).get("#ops", REF)).rejects.toThrow(/Region is missing/);
  });

  it("keeps one client (and its connection) for all its calls", async () => {
    // A TCP relay in front of the stand-in counts connections: a client per call would open one each.
    let connections = 0;
    const sockets: net.Socket[] = [];
    const relay = net.createServer((socket) => {
      connections += 1;
      sockets.push(socket);
      const upstream = net.connect(Number(new URL(dynamo.endpoint).port), "127.0.0.1");
      sockets.push(upstream);
      socket.pipe(upstream).pipe(socket);
      socket.on("error", () => upstream.destroy());
      upstream.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    try {
      useEndpoint(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`);
      const refs = dynamoRefStore(TABLE, { region: "eu-west-1" });
      await refs.put("#ops", REF, TS);
      await expect(refs.get("#ops", REF)).resolves.toBe(TS);
      await refs.put("#dev", REF, TS);
      expect(dynamo.calls.map((c) => c.action)).toEqual(["PutItem", "GetItem", "PutItem"]);
      expect(connections).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });

  it("gives up on a table that never answers: its timeout per attempt, three attempts", async () => {
    // A server that takes each request and never answers it. Closed in afterEach: should the store
    // hang instead of giving up, the test times out and the close releases the request.
    const requests: string[] = [];
    const silent = http.createServer((req) => {
      requests.push(String(req.headers["x-amz-target"]));
    });
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    useEndpoint(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`);
    const err = (await dynamoRefStore(TABLE, { region: "eu-west-1", timeoutMs: 100 })
      .get("#ops", REF)
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe("TimeoutError");
    expect(err.message).toMatch(/exceeded the configured 100 ms requestTimeout/);
    expect(requests).toEqual(Array(3).fill("DynamoDB_20120810.GetItem"));
  }, 5_000);
});
