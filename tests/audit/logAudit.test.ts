/**
 * Log audit: everything the proxy writes (stdout, where it logs, and stderr and the console for good
 * measure) across a broad run must never contain a HipChat token, the Slack token or a message body,
 * in any spelling a log could carry them (as sent, URL-encoded, JSON-escaped).
 *
 * The run covers success on every route, every error class the proxy answers, a fuzz sample, Slack
 * and Secrets Manager faults, a token rotation, a misconfigured container, tokens in the path of
 * unsupported calls (in every spelling), unbounded client text, and `npm start` as a child process.
 * Every line is also checked to be one JSON object, as CloudWatch Logs Insights expects, of at most
 * 8 KB, also across a 3,000-event fuzz corpus.
 */
import * as fc from "fast-check";
import { albEvent } from "../support/albEvents";
import {
  captureStdout,
  lambdaContext,
  startLambdaRig,
  SECRET_ARN,
  type LambdaRig,
  type StdoutCapture,
} from "../support/lambdaRig";
import { npmStart } from "../support/npmStart";
import { startSlackStandIn } from "../support/slackStandIn";
import { createHarness, TOKENS } from "../support/proxyHarness";
import { invalidCase, toAlbEvent, validCase, withInjection, type FuzzCase } from "../fuzz/arbitraries";

/** Secrets with characters that change when encoded, so an encoded leak is caught too. */
const HIPCHAT_ADMIN = "hc-Admin+Tok/en=0123%456";
const HIPCHAT_ROOM = "hc-room-only-token-98765";
const SLACK_TOKEN = "xoxb-audit-1111-aaaaSECRET";
const SLACK_ROTATED = "xoxb-audit-2222-bbbbSECRET";
/** Every message body sent in this file carries a sentinel; none may appear in a log. */
let sentinelSeq = 0;
const bodies: string[] = [];
const body = (what = "") => {
  const text = `BODY-SENTINEL-${++sentinelSeq}-${what}`;
  bodies.push(text);
  return text;
};

/** The spellings a value could take in a log line. */
const spellings = (s: string) => [
  s,
  encodeURIComponent(s),
  JSON.stringify(s).slice(1, -1),
  encodeURIComponent(s).replace(/%20/g, "+"),
];

const q = (token: string) => `auth_token=${encodeURIComponent(token)}`;
/** The longest log line CloudWatch Logs Insights is asked to parse. */
const MAX_LINE_BYTES = 8 * 1024;
const oversized = (lines: string[]) =>
  lines
    .filter((l) => Buffer.byteLength(l, "utf8") > MAX_LINE_BYTES)
    .map((l) => `${Buffer.byteLength(l, "utf8")} bytes: ${l.slice(0, 200)}`);
const ctx = () => lambdaContext(20_000);

let rig: LambdaRig;
let out: StdoutCapture;
const other: string[] = [];

beforeAll(async () => {
  rig = await startLambdaRig({
    slackToken: SLACK_TOKEN,
    hipchatTokens: [{ token: HIPCHAT_ADMIN }, { token: HIPCHAT_ROOM, rooms: ["Ops"] }],
    slack: { channels: ["#ops", "#deploys", "U0ALICE01", "#gone-missing"] },
    env: {
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "42": "#deploys", Missing: "#nowhere" }),
      USER_MAP: JSON.stringify({ "alice@example.com": "U0ALICE01" }),
      SLACK_TIMEOUT_MS: "300",
    },
  });
  out = captureStdout();
  // stderr and the console too: nothing the process prints may leak.
  const original = process.stderr.write.bind(process.stderr);
  jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    other.push(String(chunk));
    return true;
  });
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void other.push(args.map(String).join(" ")));
  }
  void original;
});
afterAll(async () => {
  out.restore();
  jest.restoreAllMocks();
  await rig.close();
});

describe("a broad run through the Lambda handler", () => {
  it("success on every route", async () => {
    const h = rig.coldStart();
    const cases = [
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        json: { message: `<b>${body("html")}</b>`, color: "red", from: "CI", notify: true },
      }),
      albEvent({
        url: "/v2/room/Ops/notification",
        headers: { Authorization: `Bearer ${HIPCHAT_ROOM}` },
        json: { message: body("bearer"), message_format: "text" },
        headerForm: "multi",
      }),
      albEvent({
        url: "/v2/room/42/notification",
        json: { message: body("in-body-token"), auth_token: HIPCHAT_ADMIN },
      }),
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        json: {
          message: body("card"),
          card: {
            style: "application",
            title: body("card-title"),
            description: body("card-description"),
            url: "https://ci.example.com/1",
          },
        },
      }),
      albEvent({ url: `/v2/room/Ops/message?${q(HIPCHAT_ADMIN)}`, json: { message: body("room-message") } }),
      albEvent({
        url: `/v2/room/Ops/share/link?${q(HIPCHAT_ADMIN)}`,
        json: { link: "https://example.com/x", message: body("share") },
      }),
      albEvent({ url: `/v2/user/alice@example.com/message?${q(HIPCHAT_ADMIN)}`, json: { message: body("dm") } }),
      albEvent({
        url: `/v1/rooms/message?format=json&${q(HIPCHAT_ADMIN)}`,
        form: { room_id: "Ops", from: "Nagios", message: body("v1-form") },
      }),
      albEvent({
        url: `/v1/rooms/message?room_id=Ops&from=cron&message=${encodeURIComponent(body("v1-query"))}&${q(HIPCHAT_ADMIN)}`,
        method: "GET",
      }),
      albEvent({ url: `/v2/room?${q(HIPCHAT_ADMIN)}` }),
      albEvent({ url: `/v1/rooms/list?${q(HIPCHAT_ADMIN)}` }),
      albEvent({
        url: `/v2/room/Ops/notification?auth_test=true&${q(HIPCHAT_ROOM)}`,
        json: { message: body("auth-test") },
      }),
    ];
    for (const event of cases) expect((await h(event, ctx())).statusCode).toBeLessThan(300);
    expect(rig.slack.delivered.length).toBeGreaterThanOrEqual(9);
  });

  it("every error class the proxy answers", async () => {
    const h = rig.coldStart();
    const statuses: number[] = [];
    const send = async (event: Parameters<typeof h>[0]) => statuses.push((await h(event, ctx())).statusCode);
    await send(
      albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: `{"message":"${body("bad-json")}"` }),
    );
    await send(
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        json: { message: body("wrong-color"), color: "blue" },
      }),
    );
    await send(
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        json: { message: 42, from: body("wrong-type") },
      }),
    );
    await send(
      albEvent({
        url: `/v2/room/Ops/notification?auth_token=${body("guessed-token")}`,
        json: { message: body("401") },
      }),
    );
    await send(
      albEvent({
        url: "/v2/room/Ops/notification",
        headers: { Authorization: `Bearer ${body("guessed-bearer")}` },
        json: { message: body("401b") },
      }),
    );
    await send(albEvent({ url: `/v2/room/42/notification?${q(HIPCHAT_ROOM)}`, json: { message: body("403") } }));
    await send(albEvent({ url: `/v2/room/Nowhere/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("404") } }));
    await send(albEvent({ url: `/v2/room/Ops/history?${q(HIPCHAT_ADMIN)}`, json: { message: body("unsupported") } }));
    await send(
      albEvent({ method: "PUT", url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("405") } }),
    );
    await send(
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        json: { message: `${body("413")}${"x".repeat(1024 * 1024)}` },
      }),
    );
    await send(
      albEvent({
        url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
        body: `<message>${body("415")}</message>`,
        contentType: "application/xml",
      }),
    );
    // Slack faults: each message carries its own sentinel.
    // (Its own container: the 30 s limit would hold every later #ops message in this one.)
    rig.slack.failNext({ kind: "status", status: 429, headers: { "retry-after": "30" } });
    const limited = rig.coldStart();
    statuses.push(
      (
        await limited(
          albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("429") } }),
          ctx(),
        )
      ).statusCode,
    );
    rig.slack.failNext({ kind: "status", status: 500, body: `{"ok":false,"echo":"${SLACK_TOKEN}"}` });
    await send(albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("502") } }));
    rig.slack.failNext({ kind: "reset" });
    await send(albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("reset") } }));
    rig.slack.failNext({ kind: "hang" });
    await send(albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("504") } }));
    await send(
      albEvent({
        url: `/v2/room/Missing/notification?${q(HIPCHAT_ADMIN)}`,
        json: { message: body("channel-not-found") },
      }),
    );
    rig.slack.failNext({ kind: "error", error: "invalid_auth" });
    await send(
      albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("invalid-auth") } }),
    );
    // Secrets Manager down at a cold start.
    rig.secrets.setDown(true);
    const cold = rig.coldStart();
    statuses.push(
      (
        await cold(
          albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("503") } }),
          ctx(),
        )
      ).statusCode,
    );
    rig.secrets.setDown(false);
    // A misconfigured container: 503 for every request, and a cold-start log line naming the key.
    const broken = rig.coldStart({ ROOM_CHANNELS: "{not json" });
    statuses.push(
      (
        await broken(
          albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("misconfigured") } }),
          ctx(),
        )
      ).statusCode,
    );
    expect(new Set(statuses)).toEqual(new Set([400, 401, 403, 404, 405, 413, 415, 429, 502, 503, 504]));
  });

  it("a token rotation (Slack and HipChat)", async () => {
    const h = rig.coldStart({ SECRET_TTL_SECONDS: "0" });
    expect(
      (
        await h(
          albEvent({
            url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`,
            json: { message: body("before-rotation") },
          }),
          ctx(),
        )
      ).statusCode,
    ).toBe(204);
    rig.slack.setTokens([SLACK_ROTATED]);
    rig.secrets.setSecret(
      SECRET_ARN,
      JSON.stringify({
        slackToken: SLACK_ROTATED,
        hipchatTokens: [{ token: HIPCHAT_ADMIN }, { token: HIPCHAT_ROOM, rooms: ["Ops"] }],
      }),
    );
    expect(
      (
        await h(
          albEvent({ url: `/v2/room/Ops/notification?${q(HIPCHAT_ADMIN)}`, json: { message: body("after-rotation") } }),
          ctx(),
        )
      ).statusCode,
    ).toBe(204);
    expect(rig.slack.delivered.at(-1)?.token).toBe(SLACK_ROTATED);
  });

  it("tokens in the path of unsupported calls, in every spelling a client could send", async () => {
    const h = rig.coldStart();
    const paths = [
      `/v2/room/Ops/notification%3F${q(HIPCHAT_ADMIN).replace("=", "%3D")}`,
      `/v2/room/Ops/notification;auth_token=${HIPCHAT_ADMIN}`,
      `/v2/room/Ops/notification;${q(HIPCHAT_ADMIN)}`,
      `/v2/room/Ops/notification%3BAUTH_TOKEN%3D${encodeURIComponent(encodeURIComponent(HIPCHAT_ADMIN))}`,
      `/v2/room/Ops/history&auth_token=${encodeURIComponent(HIPCHAT_ROOM)}`,
      `/v2/room/Ops/notification/Bearer%20${HIPCHAT_ROOM}`,
      `/v2/room/${SLACK_TOKEN}/notification`,
    ];
    const statuses: number[] = [];
    for (const path of paths) {
      for (const headers of [{ Authorization: `Bearer ${HIPCHAT_ROOM}` }, {} as Record<string, string>]) {
        statuses.push(
          (await h(albEvent({ url: path, headers, json: { message: body("token-in-path") } }), ctx())).statusCode,
        );
      }
    }
    expect(statuses.every((s) => s >= 400 && s < 500)).toBe(true);
    expect(statuses).toContain(404); // the path was logged as an unsupported call
  });

  it("unbounded client text: a 900,000-character room_id, 60 KB trace id, path and method", async () => {
    const h = rig.coldStart();
    const v1 = await h(
      albEvent({
        url: `/v1/rooms/message?${q(HIPCHAT_ADMIN)}`,
        form: { room_id: "r".repeat(900_000), message: body("v1") },
      }),
      ctx(),
    );
    expect(v1.statusCode).toBe(400);
    await h(
      albEvent({
        url: `/${"p".repeat(60_000)}?${q(HIPCHAT_ADMIN)}`,
        method: "M".repeat(60_000),
        headers: { "x-amzn-trace-id": "t".repeat(60_000) },
        json: { message: body("huge-parts") },
      }),
      ctx(),
    );
  });

  it("a fuzz sample (300 generated requests, each body marked)", async () => {
    const h = rig.coldStart();
    // The fuzz generators use the harness tokens; this container accepts them too.
    rig.secrets.setSecret(
      SECRET_ARN,
      JSON.stringify({
        slackToken: SLACK_ROTATED,
        hipchatTokens: [{ token: TOKENS.admin }, { token: TOKENS.opsOnly, rooms: ["ops"] }, { token: HIPCHAT_ADMIN }],
      }),
    );
    const marked = (c: FuzzCase): FuzzCase => {
      const b = c.req.body;
      if (typeof b !== "string" || b === "") return c;
      // Prefix every JSON or form `message` with a sentinel; otherwise append one to the raw body.
      try {
        const doc = JSON.parse(b) as Record<string, unknown>;
        if (doc && typeof doc === "object" && typeof doc.message === "string")
          return {
            ...c,
            req: { ...c.req, body: JSON.stringify({ ...doc, message: `${body("fuzz")} ${doc.message}` }) },
          };
      } catch {
        /* not JSON */
      }
      const form = new URLSearchParams(b);
      if (form.has("message")) {
        form.set("message", `${body("fuzz-form")} ${form.get("message")}`);
        return { ...c, req: { ...c.req, body: form.toString() } };
      }
      return { ...c, req: { ...c.req, body: `${b}${body("fuzz-raw")}` } };
    };
    const sample = fc
      .sample(fc.oneof(validCase, invalidCase, withInjection(validCase)), { numRuns: 300, seed: 42 })
      .map(marked);
    for (const c of sample) {
      const res = await h(toAlbEvent(c.req), ctx());
      expect(res.statusCode).toBeLessThan(500);
    }
    // For the record: the sample logged one line per request.
    expect(out.lines().length).toBeGreaterThan(300);
  }, 60_000);
});

describe("npm start", () => {
  it("its console output carries no token and no message", async () => {
    const slack = await startSlackStandIn({ tokens: [SLACK_TOKEN] });
    const proxy = await npmStart({
      SLACK_TOKEN,
      SLACK_API_URL: slack.url,
      HIPCHAT_TOKENS: `${HIPCHAT_ADMIN},${HIPCHAT_ROOM}`,
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }),
    });
    try {
      const post = (path: string, payload: unknown, token = HIPCHAT_ADMIN) =>
        fetch(`${proxy.url}${path}?${q(token)}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(payload),
        });
      expect((await post("/v2/room/Ops/notification", { message: body("npm-ok") })).status).toBe(204);
      expect(
        (await post("/v2/room/Ops/notification", { message: body("npm-401") }, `wrong-${body("npm-guess")}`)).status,
      ).toBe(401);
      expect((await post("/v2/room/Ops/notification", { message: body("npm-400"), color: 7 })).status).toBe(400);
      expect((await post("/v2/room/Nowhere/notification", { message: body("npm-404") })).status).toBe(404);
      slack.failNext({ kind: "reset" });
      expect((await post("/v2/room/Ops/notification", { message: body("npm-502") })).status).toBe(502);
    } finally {
      await proxy.stop();
      await slack.close();
    }
    other.push(...proxy.output().split("\n"));
    expect(proxy.output()).toContain('"route":"room.notification"');
  }, 60_000);
});

describe("the audit", () => {
  it("no line contains a HipChat token, a Slack token or a message body", () => {
    const lines = [...out.lines(), ...other.join("\n").split("\n")].filter((l) => l.trim() !== "");
    // The capture worked: every request above logged a line.
    expect(out.lines().filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThan(330);
    const secrets = [HIPCHAT_ADMIN, HIPCHAT_ROOM, SLACK_TOKEN, SLACK_ROTATED, TOKENS.admin, TOKENS.opsOnly].flatMap(
      spellings,
    );
    const sentinels = bodies.flatMap((b) => spellings(b));
    const leaks = lines
      .map((line, i) => ({
        i,
        line,
        found: [...secrets, ...sentinels, "BODY-SENTINEL"].filter((s) => line.includes(s)),
      }))
      .filter((l) => l.found.length > 0)
      .map((l) => `line ${l.i}: ${l.found.join(", ")}: ${l.line.slice(0, 300)}`);
    expect(leaks).toEqual([]);
  });

  it("no line is over 8 KB", () => {
    expect(oversized([...out.lines(), ...other.join("\n").split("\n")])).toEqual([]);
  });

  it("every stdout line is one JSON object with a level and a message", () => {
    const bad = out.lines().filter((l) => {
      try {
        const doc = JSON.parse(l) as { level?: unknown; msg?: unknown };
        return typeof doc.level !== "string" || typeof doc.msg !== "string";
      } catch {
        return true;
      }
    });
    expect(bad).toEqual([]);
  });
});

describe("log line size under the fuzz corpus", () => {
  it("3,000 generated events through the in-process proxy: no log line over 8 KB, no token", async () => {
    const h = createHarness();
    const corpus = fc.sample(fc.oneof(invalidCase, validCase, withInjection(invalidCase), withInjection(validCase)), {
      numRuns: 3_000,
      seed: 0x8c8,
    });
    const lines: string[] = [];
    for (const c of corpus) {
      await h.invoke(toAlbEvent(c.req));
      lines.push(...h.logs.map((entry) => JSON.stringify(entry)));
      h.logs.length = 0;
      h.sent.length = 0;
    }
    expect(lines.length).toBeGreaterThanOrEqual(3_000);
    expect(oversized(lines)).toEqual([]);
    expect(lines.filter((l) => l.includes(TOKENS.admin) || l.includes(TOKENS.opsOnly))).toEqual([]);
  }, 60_000);
});
