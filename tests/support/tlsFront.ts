/**
 * An HTTPS front for the local proxy, standing in for the ALB's HTTPS listener: some published
 * HipChat clients (hipchat-notifier, node-hipchat) only speak HTTPS. It terminates TLS with a
 * throw-away self-signed certificate and forwards each request unchanged to the local HTTP server.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import selfsigned = require("selfsigned");

export interface TlsFront {
  /** `127.0.0.1:port`, for clients that take a host. */
  host: string;
  port: number;
  /** An agent that sends any HTTPS request to this front, whatever host it names (like a DNS override). */
  agent: https.Agent;
  close(): Promise<void>;
}

export async function startTlsFront(target: string): Promise<TlsFront> {
  const pems = await selfsigned.generate([{ name: "commonName", value: "api.hipchat.com" }], {
    keyType: "ec",
    notAfterDate: new Date(Date.now() + 86_400_000),
  });
  const upstream = new URL(target);
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    forward.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: false });
  // Route every connection to the front, as the private hosted zone routes the old hostname to the ALB.
  (agent as unknown as { createConnection: typeof tls.connect }).createConnection = ((options: tls.ConnectionOptions) =>
    tls.connect({ ...options, host: "127.0.0.1", port, rejectUnauthorized: false })) as typeof tls.connect;
  return {
    host: `127.0.0.1:${port}`,
    port,
    agent,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
