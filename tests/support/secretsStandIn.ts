/**
 * An AWS Secrets Manager stand-in on 127.0.0.1 speaking the service's JSON 1.1 protocol, so the
 * real AWS SDK v3 client (`endpoint: standIn.endpoint`, or `AWS_ENDPOINT_URL_SECRETS_MANAGER`) can
 * fetch secrets from it. Supports GetSecretValue, rotation (`setSecret`) and outages (`failNext`).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsCall {
  target: string;
  secretId: string | undefined;
}

/** `hang`: never answer (the SDK's request timeout must fire). */
export type SecretsFault = { kind: "status"; status: number; type: string } | { kind: "reset" } | { kind: "hang" };

export interface SecretsStandIn {
  endpoint: string;
  calls: SecretsCall[];
  /** Replace (rotate) a secret's value; creates it if absent. */
  setSecret(arn: string, value: string): void;
  failNext(...faults: SecretsFault[]): void;
  /** While down, every call answers 503 ServiceUnavailable, or `fault` when one is given. */
  setDown(down: boolean, fault?: SecretsFault): void;
  close(): Promise<void>;
}

export async function startSecretsStandIn(secrets: Record<string, string>): Promise<SecretsStandIn> {
  const store = new Map(Object.entries(secrets).map(([k, v]) => [k, { value: v, version: 1 }]));
  const calls: SecretsCall[] = [];
  const faults: SecretsFault[] = [];
  const sockets = new Set<import("node:net").Socket>();
  let down = false;
  let downFault: SecretsFault = { kind: "status", status: 503, type: "ServiceUnavailable" };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      let input: { SecretId?: string } = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        /* answered below as a validation error */
      }
      calls.push({ target, secretId: input.SecretId });
      const reply = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, {
          "content-type": "application/x-amz-json-1.1",
          "x-amzn-requestid": `req-${calls.length}`,
          ...(type ? { "x-amzn-errortype": type } : {}),
        });
        res.end(JSON.stringify(body));
      };
      const fault = faults.shift() ?? (down ? downFault : undefined);
      if (fault?.kind === "reset") return req.socket.destroy();
      if (fault?.kind === "hang") return;
      if (fault) return reply(fault.status, { __type: fault.type, message: "injected fault" }, fault.type);
      if (target !== "secretsmanager.GetSecretValue") {
        return reply(400, { __type: "InvalidAction", message: `unsupported ${target}` }, "InvalidAction");
      }
      const secret = input.SecretId ? store.get(input.SecretId) : undefined;
      if (!secret) {
        const type = "ResourceNotFoundException";
        return reply(400, { __type: type, message: "Secrets Manager can't find the specified secret." }, type);
      }
      return reply(200, {
        ARN: input.SecretId,
        Name: input.SecretId!.split(":").pop(),
        SecretString: secret.value,
        VersionId: `v${secret.version}`,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    setSecret: (arn, value) => {
      const prev = store.get(arn);
      store.set(arn, { value, version: (prev?.version ?? 0) + 1 });
    },
    failNext: (...f) => faults.push(...f),
    setDown: (d, fault) => {
      down = d;
      downFault = fault ?? { kind: "status", status: 503, type: "ServiceUnavailable" };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
