/**
 * A stand-in for AWS's Parameters and Secrets Lambda Extension on 127.0.0.1: what a function with the
 * extension layer talks to instead of calling Secrets Manager itself. It answers
 * `GET /secretsmanager/get?secretId=…` with GetSecretValue's JSON when the request carries the
 * session token in `X-Aws-Parameters-Secrets-Token`, as the AWS documentation describes. (Only that
 * much of the extension is emulated: no cache, no Parameter Store.)
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsExtensionStandIn {
  port: number;
  /** Secret ids asked for, in order. */
  calls: string[];
  setSecret(id: string, value: string): void;
  /** While down, every request is answered 500 (the extension could not reach Secrets Manager). */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startSecretsExtensionStandIn(
  secrets: Record<string, string>,
  sessionToken: string,
): Promise<SecretsExtensionStandIn> {
  const store = new Map(Object.entries(secrets));
  const calls: string[] = [];
  let down = false;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (url.pathname !== "/secretsmanager/get") return reply(404, "not found");
    const id = url.searchParams.get("secretId") ?? "";
    calls.push(id);
    if (req.headers["x-aws-parameters-secrets-token"] !== sessionToken)
      return reply(401, "missing or wrong X-Aws-Parameters-Secrets-Token");
    if (down) return reply(500, "could not reach Secrets Manager");
    const value = store.get(id);
    if (value === undefined) return reply(400, "ResourceNotFoundException");
    return reply(200, {
      ARN: id,
      Name: id.split(":").pop(),
      SecretString: value,
      VersionId: "v1",
      VersionStages: ["AWSCURRENT"],
      CreatedDate: "2024-01-01T00:00:00Z",
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    calls,
    setSecret: (id, value) => void store.set(id, value),
    setDown: (d) => {
      down = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
