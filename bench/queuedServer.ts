/**
 * `npm start`'s server, several times in one child process of the benchmark (bench/queued.ts): for
 * each named environment, what local/server.ts's `main` does with `process.env`, that is
 * `startLocalServer(loadLocalConfig(env))`. One process transpiles the sources once (ts-node) where
 * three `npm start`s would each do it. Only one server is sent requests at a time; the others idle.
 *
 *   argv[2]  a JSON file: { "<name>": { DELIVERY_MODE, SLACK_TOKEN, … }, … }
 *   fd 3     one JSON line once all listen: { "urls": { "<name>": "http://127.0.0.1:…" } }
 *   SIGTERM  closes every server (a queued one lets its attempts in flight finish) and exits
 *
 * Each server logs one JSON line per request to stdout, as `npm start` does.
 */
import * as fs from "node:fs";
import { type LocalServer, startLocalServer } from "../local/server";
import { loadLocalConfig } from "../local/settings";

async function main(): Promise<void> {
  const environments = JSON.parse(fs.readFileSync(process.argv[2], "utf8")) as Record<string, Record<string, string>>;
  const servers: LocalServer[] = [];
  const urls: Record<string, string> = {};
  for (const [name, env] of Object.entries(environments)) {
    const server = await startLocalServer(loadLocalConfig({ HOST: "127.0.0.1", PORT: "0", ...env }));
    servers.push(server);
    urls[name] = server.url;
  }
  process.on("SIGTERM", () => {
    void Promise.all(servers.map((s) => s.close())).finally(() => process.exit(0));
  });
  fs.writeSync(3, `${JSON.stringify({ urls })}\n`);
}

main().catch((err: unknown) => {
  try {
    fs.writeSync(3, `${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  } finally {
    process.exit(1);
  }
});
