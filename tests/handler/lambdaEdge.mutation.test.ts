/**
 * The Lambda edge (handler/index.ts) as a cold start runs it: what `createLambdaHandler` reads from
 * its environment (the settings file, SECRET_ARN, PUBLIC_HOSTNAME, SLACK_API_URL, DELIVERY_MODE and
 * QUEUE_URL, the Parameters and Secrets extension's port), where the first secret fetch goes and when
 * it starts, the cold-start log line, and the HipChat-shaped 503 every request of a misconfigured
 * container gets. Real clients against the stand-ins of tests/support, all on 127.0.0.1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ALBEvent } from "aws-lambda";
import { type AlbHandler, callbackFactory, createLambdaHandler, type LambdaEnvironment } from "../../handler";
import { albResultProblems, hipchatErrorProblems } from "../support/albAssert";
import { albEvent, type HeaderForm } from "../support/albEvents";
import {
  captureStdout,
  lambdaContext,
  SECRET_ARN,
  startLambdaRig,
  type LambdaRig,
  type StdoutCapture,
} from "../support/lambdaRig";
import { startSecretsExtensionStandIn, type SecretsExtensionStandIn } from "../support/secretsExtensionStandIn";
import { startSqsStandIn, type SqsStandIn } from "../support/sqsStandIn";

const HIPCHAT_TOKEN = "hipchat-edge-token-0123456789";
const SESSION = "session-token-for-the-extension";
const QUEUE = "hipchat-proxy-edge.fifo";
const PORT_VAR = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

let rig: LambdaRig;
let ext: SecretsExtensionStandIn;
let sqs: SqsStandIn;
let stdout: StdoutCapture;
let tmp: string;

beforeAll(async () => {
  rig = await startLambdaRig({ hipchatTokens: [{ token: HIPCHAT_TOKEN }] });
  ext = await startSecretsExtensionStandIn({ [SECRET_ARN]: rig.secretJson(rig.slackToken) }, SESSION);
  sqs = await startSqsStandIn({ queues: [{ name: QUEUE }] });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-edge-"));
});
afterAll(async () => {
  await sqs?.close();
  await ext?.close();
  await rig?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let savedRegion: string | undefined;
beforeEach(() => {
  savedRegion = process.env.AWS_REGION;
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
  rig.secrets.calls.length = 0;
  ext.calls.length = 0;
  sqs.messages(QUEUE).length = 0;
  stdout = captureStdout();
});
afterEach(() => {
  stdout.restore();
  jest.restoreAllMocks();
  // The rig set it for the SDKs; a test may have removed it.
  if (savedRegion === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = savedRegion;
});

const notify = (room = "Ops", form: HeaderForm = "single") =>
  albEvent({
    url: `/v2/room/${room}/notification?auth_token=${HIPCHAT_TOKEN}`,
    json: { message: "hello" },
    headerForm: form,
  });
const getRoom = (room = "Ops") => albEvent({ url: `/v2/room/${room}?auth_token=${HIPCHAT_TOKEN}`, proto: "https" });
const ctx = () => lambdaContext(10_000);

/** Every log line with this `msg`, parsed. */
const logged = (msg: string) =>
  stdout
    .lines()
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);

/** Waits (a few ms at a time) until `done` holds; false if it never does within `limitMs`. */
async function until(done: () => boolean, limitMs = 2000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return done();
}

/** The cold start's own secret fetch has reached Secrets Manager (only a container that came up makes one). */
const initFetchArrived = async () => {
  expect(logged("cold start")).toHaveLength(1);
  expect(await until(() => rig.secretFetches() === 1)).toBe(true);
};

/**
 * For a test that needs no request: one that never reaches Slack (a room lookup) waits for the cold
 * start's secret fetch, so that fetch cannot land in the next test.
 */
const settle = async (handler: AlbHandler) => expect((await handler(getRoom(), ctx())).statusCode).toBe(200);

/** Calls of the global fetch (which the Slack client uses too) that asked the extension for a secret. */
const extensionFetches = (spy: jest.SpyInstance) =>
  spy.mock.calls.filter(([url]) => String(url).includes("/secretsmanager/get?"));

const writeSettingsFile = (name: string, doc: unknown): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
};

describe("a misconfigured container: every request gets a HipChat-shaped 503 naming the problem", () => {
  const missing = path.join(os.tmpdir(), "lambda-edge-no-such-dir", "settings.json");
  it.each<[string, Partial<LambdaEnvironment>, string]>([
    ["SECRET_ARN unset", { SECRET_ARN: undefined }, "SECRET_ARN: required (the ARN of the proxy's secret)"],
    ["SECRET_ARN blank", { SECRET_ARN: "   " }, "SECRET_ARN: required (the ARN of the proxy's secret)"],
    [
      "PUBLIC_HOSTNAME a URL",
      { PUBLIC_HOSTNAME: "https://x.example" },
      "PUBLIC_HOSTNAME: expected a hostname, optionally with :port",
    ],
    ["queued without QUEUE_URL", { DELIVERY_MODE: "queued" }, "QUEUE_URL: required with DELIVERY_MODE=queued"],
    [
      "queued with a blank QUEUE_URL",
      { DELIVERY_MODE: "queued", QUEUE_URL: "   " },
      "QUEUE_URL: required with DELIVERY_MODE=queued",
    ],
    ["extension port 0", { [PORT_VAR]: "0", AWS_SESSION_TOKEN: SESSION }, `${PORT_VAR}: expected a port number`],
    ["extension port -1", { [PORT_VAR]: "-1", AWS_SESSION_TOKEN: SESSION }, `${PORT_VAR}: expected a port number`],
    ["extension port 65536", { [PORT_VAR]: "65536" }, `${PORT_VAR}: expected a port number`],
    ["extension port 1.5", { [PORT_VAR]: "1.5", AWS_SESSION_TOKEN: SESSION }, `${PORT_VAR}: expected a port number`],
    ["extension port not a number", { [PORT_VAR]: "twenty" }, `${PORT_VAR}: expected a port number`],
    ["a settings file that is not there", { SETTINGS_FILE: missing }, `SETTINGS_FILE: cannot read ${missing} (ENOENT)`],
  ])("%s", async (_, extra, problem) => {
    const handler = rig.coldStart(extra);
    for (const form of ["single", "multi"] as const) {
      const event = notify("Ops", form);
      const res = await handler(event, ctx());
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body!)).toEqual({
        error: { code: 503, message: `HipChat proxy misconfigured: ${problem}`, type: "Service Unavailable" },
      });
      expect(albResultProblems(event, res)).toEqual([]);
      expect(hipchatErrorProblems(res)).toEqual([]);
    }
    // Said once, at the cold start, and no "cold start" line: the container never came up.
    expect(logged("invalid configuration")).toEqual([
      { level: "error", msg: "invalid configuration", time: expect.any(String), problem },
    ]);
    expect(logged("cold start")).toEqual([]);
    expect(rig.slack.calls).toHaveLength(0);
    expect(rig.secretFetches()).toBe(0);
  });

  it.each<[string, ALBEvent | undefined, "headers" | "multiValueHeaders"]>([
    ["a single-value event gets single-value headers", notify("Ops", "single"), "headers"],
    ["a multi-value event gets multi-value headers", notify("Ops", "multi"), "multiValueHeaders"],
    // The Lambda may be invoked with no event at all (a test invoke): still a HipChat answer.
    ["no event at all gets single-value headers", undefined, "headers"],
  ])("%s", async (_, event, form) => {
    const handler = rig.coldStart({ SECRET_ARN: undefined });
    const res = await handler(event as ALBEvent, ctx());
    expect(res.statusCode).toBe(503);
    expect(Object.keys(res).filter((k) => k === "headers" || k === "multiValueHeaders")).toEqual([form]);
    expect(hipchatErrorProblems(res)).toEqual([]);
  });
});

it("a failure that is not a settings problem is not passed off as one: it propagates from the cold start", () => {
  // A caller handing a non-string where the environment holds strings is a bug, not a setting to fix:
  // Lambda should report a failed init, not a container answering 503 forever.
  const env = { ...rig.env(), SLACK_TIMEOUT_MS: 5000 as unknown as string };
  expect(() => createLambdaHandler(env)).toThrow(TypeError);
  expect(logged("invalid configuration")).toEqual([]);
});

describe("the cold-start log line", () => {
  it.each<[string, Partial<LambdaEnvironment>, Record<string, unknown>]>([
    [
      "defaults: no default channel, links at localhost",
      {},
      { rooms: 1, defaultChannel: "", publicHostname: "(unset: links point at localhost)" },
    ],
    [
      "with a default channel and a public hostname (lower-cased)",
      {
        ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", Build: "#build", Sales: "#sales" }),
        DEFAULT_CHANNEL: "#general",
        PUBLIC_HOSTNAME: "Proxy.Example.COM:8443",
      },
      { rooms: 3, defaultChannel: "#general", publicHostname: "proxy.example.com:8443" },
    ],
  ])("%s", async (_, extra, fields) => {
    const handler = rig.coldStart(extra);
    expect(logged("cold start")).toEqual([{ level: "info", msg: "cold start", time: expect.any(String), ...fields }]);
    expect(logged("invalid configuration")).toEqual([]);
    await settle(handler);
  });
});

describe("PUBLIC_HOSTNAME: the host of the links in room answers", () => {
  it.each<[string, string | undefined, string]>([
    ["unset: localhost", undefined, "localhost"],
    ["empty: localhost", "", "localhost"],
    ["blank: localhost", "   ", "localhost"],
    ["padded and mixed case: trimmed and lower-cased", "  Proxy.Example.COM  ", "proxy.example.com"],
    ["with a port", "proxy.internal:8443", "proxy.internal:8443"],
  ])("%s", async (_, value, host) => {
    const res = await rig.coldStart({ PUBLIC_HOSTNAME: value })(getRoom(), ctx());
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!).links.self).toMatch(
      new RegExp(`^https://${host.replace(/\./g, "\\.")}/v2/room/\\d+$`),
    );
  });
});

describe("SETTINGS_FILE: rooms and settings from a file next to the bundle, under the environment", () => {
  const handlerDir = path.resolve(__dirname, "../../handler");
  const doc = { rooms: { Ops: "#ops", Build: "#build" }, defaultChannel: "#fallback" };

  it.each<[string, (file: string) => string]>([
    ["an absolute path", (file) => file],
    ["a path relative to the bundle's folder", (file) => path.relative(handlerDir, file)],
    ["a path with white space around it", (file) => `  ${file}  `],
  ])("%s is read", async (name, given) => {
    const file = writeSettingsFile(`${name.replace(/\W+/g, "-")}.json`, doc);
    const handler = rig.coldStart({ ROOM_CHANNELS: undefined, SETTINGS_FILE: given(file) });
    expect(logged("cold start")).toEqual([expect.objectContaining({ rooms: 2, defaultChannel: "#fallback" })]);
    expect((await handler(notify("Build"), ctx())).statusCode).toBe(204);
    expect(rig.slack.delivered.map((c) => c.body.channel)).toEqual(["#build"]);
  });

  it.each(["", "   "])("%j means no settings file: the environment alone", async (value) => {
    const handler = rig.coldStart({ SETTINGS_FILE: value });
    expect(logged("invalid configuration")).toEqual([]);
    expect(logged("cold start")).toEqual([expect.objectContaining({ rooms: 1, defaultChannel: "" })]);
    await settle(handler);
  });
});

describe("SECRET_ARN", () => {
  it("is trimmed: a padded ARN reads the secret by its exact ARN", async () => {
    const handler = rig.coldStart({ SECRET_ARN: `  ${SECRET_ARN}\n` });
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secrets.calls.map((c) => c.secretId)).toEqual([SECRET_ARN]);
  });
});

describe("where the first secret fetch goes, and when it starts", () => {
  // Without the extension, the SDK's fetch starts during init: it is under way before any request.
  it.each<[string, Partial<LambdaEnvironment>]>([
    ["no extension settings", {}],
    ["a port but no session token", { [PORT_VAR]: String(2773), AWS_SESSION_TOKEN: undefined }],
    ["a port and an empty session token", { [PORT_VAR]: String(2773), AWS_SESSION_TOKEN: "" }],
    ["a session token but no port", { AWS_SESSION_TOKEN: SESSION }],
    ["a session token and a blank port", { [PORT_VAR]: "  ", AWS_SESSION_TOKEN: SESSION }],
  ])("%s: the SDK, started at init", async (_, extra) => {
    const fetchSpy = jest.spyOn(globalThis, "fetch");
    const handler = rig.coldStart({ AWS_SESSION_TOKEN: undefined, ...extra });
    await initFetchArrived();
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(1);
    expect(ext.calls).toEqual([]);
    expect(extensionFetches(fetchSpy)).toEqual([]);
  });

  it("with the extension's port and a session token: through the extension, and only once invoked", async () => {
    // The extension only answers once the function is invoked: nothing may be asked during init.
    // (The spy only watches: every call still goes to the real fetch.)
    const fetchSpy = jest.spyOn(globalThis, "fetch");
    const handler = rig.coldStart({ [PORT_VAR]: String(ext.port), AWS_SESSION_TOKEN: SESSION });
    expect(extensionFetches(fetchSpy)).toEqual([]);
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(ext.calls).toEqual([SECRET_ARN]);
    expect(rig.secretFetches()).toBe(0);
    expect(extensionFetches(fetchSpy)).toHaveLength(1);
  });

  it.each(["1", "65535", ` ${2773} `])("port %j is a port number: accepted", async (port) => {
    // Nothing listens there: the first fetch falls back to the SDK, and the request still succeeds.
    const handler = rig.coldStart({ [PORT_VAR]: port, AWS_SESSION_TOKEN: SESSION });
    expect(logged("invalid configuration")).toEqual([]);
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.secretFetches()).toBe(1);
  });
});

describe("SLACK_API_URL", () => {
  it("is trimmed: a padded URL still reaches that Slack", async () => {
    const handler = rig.coldStart({ SLACK_API_URL: ` ${rig.slack.url} ` });
    expect((await handler(notify(), ctx())).statusCode).toBe(204);
    expect(rig.slack.delivered).toHaveLength(1);
  });

  it.each([undefined, "", "  "])("%j means Slack's own URL: the container still comes up", async (value) => {
    // No message is sent: it would leave 127.0.0.1.
    const handler = rig.coldStart({ SLACK_API_URL: value });
    expect(logged("cold start")).toHaveLength(1);
    await settle(handler);
  });
});

it("Slack's rate limit: a retry that SLACK_TIMEOUT_MS cannot fit before the deadline is not attempted", async () => {
  // Retry-After 1 s, then a whole Slack call (SLACK_TIMEOUT_MS, 10 s by default) must fit before the
  // deadline of a 10 s invocation: it cannot, so the client is told to come back, and Slack is asked once.
  rig.slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "1" } });
  const res = await rig.coldStart()(notify(), ctx());
  expect(res.statusCode).toBe(429);
  expect(rig.slack.calls).toHaveLength(1);
});

describe("DELIVERY_MODE=queued: messages go to QUEUE_URL, not to Slack", () => {
  it.each<[string, (url: string) => string]>([
    ["the queue's URL", (url) => url],
    ["a padded queue URL, trimmed", (url) => `  ${url}  `],
  ])("%s", async (_, given) => {
    // The SDK's region comes from the function's environment as given to the handler.
    delete process.env.AWS_REGION;
    const handler = rig.coldStart({
      DELIVERY_MODE: "queued",
      QUEUE_URL: given(sqs.url(QUEUE)),
      AWS_REGION: "us-east-1",
    });
    const res = await handler(notify(), ctx());
    expect(res.statusCode).toBe(204);
    expect(sqs.messages(QUEUE)).toHaveLength(1);
    expect(rig.slack.calls).toHaveLength(0);
  });

  it("direct (the default) posts to Slack and leaves the queue alone", async () => {
    const res = await rig.coldStart({ QUEUE_URL: sqs.url(QUEUE) })(notify(), ctx());
    expect(res.statusCode).toBe(204);
    expect(rig.slack.delivered).toHaveLength(1);
    expect(sqs.messages(QUEUE)).toHaveLength(0);
  });
});

it("callbackFactory builds the handler from process.env", async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, rig.env({ ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", Build: "#build" }) }));
    const handler = callbackFactory();
    expect(logged("cold start")).toEqual([expect.objectContaining({ rooms: 2 })]);
    expect((await handler(notify("Build"), ctx())).statusCode).toBe(204);
    expect(rig.slack.delivered.map((c) => c.body.channel)).toEqual(["#build"]);
  } finally {
    process.env = saved;
  }
});
