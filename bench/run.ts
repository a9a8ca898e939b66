/**
 * `npm run bench`: the proxy's performance budget, measured on this machine against local stand-ins
 * on 127.0.0.1, each figure next to a baseline measured in the same run (bench/baseline.ts: a minimal
 * ALB handler doing one `fetch` POST of the text to the same Slack stand-in).
 *
 *   1. warm overhead per request       target: ratio ≤ 1.2 to the baseline
 *   2. cold start of the artefact       target: ratio ≤ 2.0 to the baseline's cold start
 *   3. connections / secret fetches     expected: 1 and 1 per container over N invocations
 *   4. package size (unpacked)          target: ≤ 3 MB
 *   5. conversion throughput            msgs/s, html and text, on the converter's corpus
 *
 * It prints a table and writes bench/results.json. It is a benchmark, not a test: it never fails on
 * a timing (exit code 0 whatever the figures), only when it cannot run at all. Settings:
 * BENCH_WARM_N (requests per side, default 2000), BENCH_COLD_RUNS (default 10), BENCH_CONNECTIONS_N
 * (default 200), BENCH_SKIP_ARTEFACT=1 (parts 2 and 4 need Pulumi's closure serialization, ~10 s).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createLambdaHandler } from "../handler";
import { toSlackPayload, type HipChatMessage } from "../handler/convert";
import { albEvent } from "../tests/support/albEvents";
import { betweenInvocations, lambdaContext, startLambdaRig, type LambdaRig } from "../tests/support/lambdaRig";
import { startSecretsExtensionStandIn } from "../tests/support/secretsExtensionStandIn";
import { startSecretsStandIn } from "../tests/support/secretsStandIn";
import { startSlackStandIn } from "../tests/support/slackStandIn";
import { BASELINE_MODULE, baselineHandler } from "./baseline";
import { buildArtefact, coldRun, type ColdRun } from "./coldStart";
import { msSince, round, summarize, type Summary } from "./stats";

const WARM_N = Number(process.env.BENCH_WARM_N ?? 2000);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10);
const CONNECTIONS_N = Number(process.env.BENCH_CONNECTIONS_N ?? 200);
const HIPCHAT_TOKEN = "bench-hipchat-token-0123456789";
/** For context only: roughly what a call to Slack's API takes from an AWS region. */
const SLOW_SLACK_MS = 20;

const TARGETS = { warmRatio: 1.2, coldRatio: 2.0, packageBytes: 3 * 1024 * 1024, connections: 1, secretFetches: 1 };

const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/**
 * The handler logs one JSON line per request to stdout, as in Lambda. During measurements those
 * lines are built (the cost stays in the figures) but dropped, so the table stays readable.
 */
function muteStdout(): () => void {
  const original = process.stdout.write;
  process.stdout.write = ((_chunk: unknown, ...rest: unknown[]) => {
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
  };
}

/** A typical CI notification, as legacy clients send it (HipChat's default format is html). */
const notifyEvent = (i: number) =>
  albEvent({
    url: "/v2/room/Ops/notification",
    headers: { authorization: `Bearer ${HIPCHAT_TOKEN}` },
    json: {
      message: `<b>api-master #${i}</b> passed in 2 min (<a href="https://ci.example.com/job/${i}/">Open</a>)`,
      color: "green",
      from: "Jenkins",
      notify: true,
    },
    headerForm: "multi",
  });

// ---------------------------------------------------------------------------------------------------

interface Warm {
  handler: Summary;
  baseline: Summary;
  ratioMedian: number;
  ratioP95: number;
  /** Slack's answer delayed by this much (0 for the target figure). */
  slackLatencyMs: number;
}

/**
 * 1. Sequential requests through the whole handler and through the baseline, in alternating blocks.
 * The target figure uses a Slack answering at once; `latencyMs` shows the same with a Slack that
 * takes as long as a real one might, for context.
 */
async function warmOverhead(n: number = WARM_N, latencyMs = 0): Promise<Warm> {
  const rig = await startLambdaRig({ hipchatTokens: [{ token: HIPCHAT_TOKEN }], slack: { latencyMs } });
  try {
    const handler = createLambdaHandler(rig.env());
    const baseline = baselineHandler(rig.slack.url, rig.slackToken, "#ops");
    const timed: Record<"handler" | "baseline", number[]> = { handler: [], baseline: [] };
    const once = async (which: "handler" | "baseline", i: number, record: boolean) => {
      const event = notifyEvent(i);
      const t = process.hrtime.bigint();
      const res = which === "handler" ? await handler(event, lambdaContext(30_000)) : await baseline(event);
      const ms = msSince(t);
      if (res.statusCode !== 204) throw new Error(`${which} answered ${res.statusCode}: ${res.body}`);
      if (record) timed[which].push(ms);
      // Between invocations, as in Lambda (and so the keep-alive socket is back in the pool).
      await betweenInvocations();
    };
    // Warm both paths (JIT, connection pool) before measuring.
    for (let i = 0; i < Math.min(300, n); i++) {
      await once("handler", i, false);
      await once("baseline", i, false);
    }
    const rounds = 10;
    const perRound = Math.max(1, Math.round(n / rounds));
    for (let r = 0; r < rounds; r++) {
      for (const which of r % 2 ? (["baseline", "handler"] as const) : (["handler", "baseline"] as const)) {
        for (let i = 0; i < perRound; i++) await once(which, i, true);
      }
    }
    const h = summarize(timed.handler);
    const b = summarize(timed.baseline);
    return {
      handler: h,
      baseline: b,
      ratioMedian: h.median / b.median,
      ratioP95: h.p95 / b.p95,
      slackLatencyMs: latencyMs,
    };
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------------

interface PerContainer {
  invocations: number;
  slackConnections: number;
  secretFetches: number;
  delivered: number;
}

/** 3. One container, N sequential invocations: TCP connections to Slack and secret fetches. */
async function perContainer(): Promise<PerContainer> {
  const rig: LambdaRig = await startLambdaRig({ hipchatTokens: [{ token: HIPCHAT_TOKEN }] });
  try {
    const handler = rig.coldStart();
    for (let i = 0; i < CONNECTIONS_N; i++) {
      const res = await handler(notifyEvent(i), lambdaContext(30_000));
      if (res.statusCode !== 204) throw new Error(`answered ${res.statusCode}`);
      await betweenInvocations();
    }
    return {
      invocations: CONNECTIONS_N,
      slackConnections: rig.slack.connections(),
      secretFetches: rig.secretFetches(),
      delivered: rig.slack.delivered.length,
    };
  } finally {
    await rig.close();
  }
}

// ---------------------------------------------------------------------------------------------------

interface Throughput {
  html: { messages: number; msgsPerSec: number };
  text: { messages: number; msgsPerSec: number };
  corpusSource: string;
}

/** 5. Messages per second through the converter (`toSlackPayload`), per format, on the corpus. */
async function conversionThroughput(): Promise<Throughput> {
  const { messages, source } = await loadCorpus();
  const options = { translateMentions: true, mentionUsers: { ann: "U0ANN0001", bob: "U0BOB0001" }, random: () => 0.5 };
  const rate = (set: HipChatMessage[]): number => {
    if (set.length === 0) return NaN;
    // Three timed runs of ~1 s each after a warm-up; the median rate is reported.
    for (let i = 0; i < 2000; i++) toSlackPayload(set[i % set.length], options);
    const rates: number[] = [];
    for (let run = 0; run < 3; run++) {
      let n = 0;
      const t = process.hrtime.bigint();
      while (msSince(t) < 1000) {
        for (const m of set) toSlackPayload(m, options);
        n += set.length;
      }
      rates.push(n / (msSince(t) / 1000));
    }
    return summarize(rates).median;
  };
  const html = messages.filter((m) => m.format === "html");
  const text = messages.filter((m) => m.format === "text");
  return {
    html: { messages: html.length, msgsPerSec: rate(html) },
    text: { messages: text.length, msgsPerSec: rate(text) },
    corpusSource: source,
  };
}

/** The converter's corpus (tests/handler/convert/corpus.ts); a few built-in messages if it is gone. */
async function loadCorpus(): Promise<{ messages: HipChatMessage[]; source: string }> {
  try {
    const mod = (await import("../tests/handler/convert/corpus")) as { corpus: readonly { message: HipChatMessage }[] };
    return { messages: mod.corpus.map((e) => e.message), source: "tests/handler/convert/corpus.ts" };
  } catch {
    const messages: HipChatMessage[] = [
      {
        format: "html",
        color: "red",
        from: "Jenkins",
        message: '<b>api #142</b> FAILED (<a href="https://ci.example.com/142/">Open</a>)<br>Changes: <i>fix</i>',
      },
      { format: "html", message: "<ul><li>web-1 <b>OK</b></li><li>web-2 <s>down</s></li></ul><pre>exit 1</pre>" },
      {
        format: "text",
        color: "green",
        from: "Bamboo",
        message: "(successful) API › Master › #77 passed @here https://bamboo.example.com/77",
      },
      { format: "text", message: "PROBLEM: disk /var 95% on db-1 & db-2 <critical> @all" },
    ];
    return { messages, source: "bench/run.ts built-in fallback (corpus.ts not found)" };
  }
}

// ---------------------------------------------------------------------------------------------------

type ColdSummary = Record<keyof Omit<ColdRun, "status">, Summary>;

interface Cold {
  /** The artefact as the stacks deploy it: the secret read with the AWS SDK. */
  artefact: ColdSummary;
  /** The same artefact with AWS's Parameters and Secrets extension (emulated on 127.0.0.1). */
  withExtension: ColdSummary;
  baseline: ColdSummary;
  ratioFirstResponse: number;
  ratioSinceProcessStart: number;
  ratioFirstResponseWithExtension: number;
  runs: number;
}

interface Package {
  bytes: number;
  files: number;
  largest: { name: string; bytes: number }[];
  /** Source maps, type declarations, TypeScript sources and markdown: never loaded by Node. */
  neverRunBytes: number;
}

/** 2 and 4. The serialized artefact: its unpacked size, and fresh processes answering one event. */
async function artefactFigures(): Promise<{ cold: Cold; pkg: Package }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hipchat-proxy-bench-"));
  try {
    progress("computing the Lambda artefact under Pulumi mocks (closure serialization)…");
    const artefact = await buildArtefact(work);
    const pkg = {
      bytes: artefact.size.bytes,
      files: artefact.size.files,
      largest: artefact.size.packages.slice(0, 8),
      neverRunBytes: artefact.size.neverRunBytes,
    };
    const slack = await startSlackStandIn({ tokens: [artefact.slackToken] });
    const secrets = await startSecretsStandIn({ [artefact.secretArn]: artefact.secretString });
    const extension = await startSecretsExtensionStandIn(
      { [artefact.secretArn]: artefact.secretString },
      "bench-session-token",
    );
    const baselineFile = path.join(work, "baseline", "index.js");
    fs.mkdirSync(path.dirname(baselineFile), { recursive: true });
    fs.writeFileSync(baselineFile, BASELINE_MODULE);
    const artefactEnv = {
      ...artefact.env,
      SLACK_API_URL: slack.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      NODE_PATH: artefact.sdkPath,
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "bench-secret-key",
      AWS_SESSION_TOKEN: "bench-session-token",
      AWS_LAMBDA_FUNCTION_NAME: "hipchat-proxy-fn",
      LAMBDA_TASK_ROOT: artefact.packageDir,
    };
    // With the extension layer the component would set its port; the stand-in plays the extension.
    const extensionEnv = { ...artefactEnv, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port) };
    const baselineEnv = { SLACK_API_URL: slack.url, SLACK_TOKEN: artefact.slackToken, SLACK_CHANNEL: "#deploys" };
    const runs: { artefact: ColdRun[]; withExtension: ColdRun[]; baseline: ColdRun[] } = {
      artefact: [],
      withExtension: [],
      baseline: [],
    };
    const index = path.join(artefact.packageDir, "__index.js");
    try {
      progress(`cold starts: ${COLD_RUNS} fresh processes each, interleaved…`);
      // One unmeasured run each first: the OS file cache, not our code, would dominate the first.
      await coldRun(work, index, artefact.event, artefactEnv);
      await coldRun(work, baselineFile, artefact.event, baselineEnv);
      for (let i = 0; i < COLD_RUNS; i++) {
        const a = await coldRun(work, index, artefact.event, artefactEnv);
        const e = await coldRun(work, index, artefact.event, extensionEnv);
        const b = await coldRun(work, baselineFile, artefact.event, baselineEnv);
        if (a.status !== 204 || e.status !== 204 || b.status !== 204)
          throw new Error(
            `cold run answered ${a.status} (artefact), ${e.status} (with extension), ${b.status} (baseline)`,
          );
        runs.artefact.push(a);
        runs.withExtension.push(e);
        runs.baseline.push(b);
      }
      if (extension.calls.length !== COLD_RUNS)
        throw new Error(`the extension was asked ${extension.calls.length} times for ${COLD_RUNS} runs`);
    } finally {
      await slack.close();
      await secrets.close();
      await extension.close();
    }
    const sum = (rs: ColdRun[]) => ({
      bootMs: summarize(rs.map((r) => r.bootMs)),
      loadMs: summarize(rs.map((r) => r.loadMs)),
      firstResponseMs: summarize(rs.map((r) => r.firstResponseMs)),
      sinceProcessStartMs: summarize(rs.map((r) => r.sinceProcessStartMs)),
    });
    const a = sum(runs.artefact);
    const e = sum(runs.withExtension);
    const b = sum(runs.baseline);
    return {
      cold: {
        artefact: a,
        withExtension: e,
        baseline: b,
        ratioFirstResponse: a.firstResponseMs.median / b.firstResponseMs.median,
        ratioSinceProcessStart: a.sinceProcessStartMs.median / b.sinceProcessStartMs.median,
        ratioFirstResponseWithExtension: e.firstResponseMs.median / b.firstResponseMs.median,
        runs: COLD_RUNS,
      },
      pkg,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------

const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a" : ok ? "met" : "MISSED");
const ms = (x: number) => `${round(x, 3)} ms`;
const mb = (bytes: number) => `${round(bytes / 1024 / 1024, 2)} MB`;

async function main(): Promise<void> {
  const started = Date.now();
  const results: Record<string, unknown> = {
    when: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model,
    },
    targets: TARGETS,
  };
  const errors: Record<string, string> = {};
  const restore = muteStdout();
  let warm: Warm | undefined;
  let warmSlow: Warm | undefined;
  let containers: PerContainer | undefined;
  let conversion: Throughput | undefined;
  let artefact: { cold: Cold; pkg: Package } | undefined;
  try {
    progress(`warm overhead: ${WARM_N} sequential requests each through the handler and the baseline…`);
    warm = await warmOverhead().catch((e: Error) => {
      errors.warm = e.message;
      return undefined;
    });
    progress(`the same with a Slack answering in ${SLOW_SLACK_MS} ms (200 requests each)…`);
    warmSlow = await warmOverhead(200, SLOW_SLACK_MS).catch((e: Error) => {
      errors.warmSlow = e.message;
      return undefined;
    });
    progress(`connections and secret fetches over ${CONNECTIONS_N} invocations of one container…`);
    containers = await perContainer().catch((e: Error) => {
      errors.perContainer = e.message;
      return undefined;
    });
    progress("conversion throughput…");
    conversion = await conversionThroughput().catch((e: Error) => {
      errors.conversion = e.message;
      return undefined;
    });
    if (process.env.BENCH_SKIP_ARTEFACT) errors.artefact = "skipped (BENCH_SKIP_ARTEFACT)";
    else
      artefact = await artefactFigures().catch((e: Error) => {
        errors.artefact = e.message.split("\n")[0];
        return undefined;
      });
  } finally {
    restore();
  }

  results.warm = warm;
  results.warmWithSlackLatency = warmSlow;
  results.perContainer = containers;
  results.conversion = conversion;
  results.coldStart = artefact?.cold;
  results.package = artefact?.pkg;
  results.errors = errors;
  results.durationSeconds = round((Date.now() - started) / 1000, 1);

  const rows: [string, string, string, string, string][] = [
    ["Figure", "Handler", "Baseline", "Ratio / value", "Target"],
  ];
  if (warm) {
    rows.push([
      "1. Warm request, median",
      ms(warm.handler.median),
      ms(warm.baseline.median),
      `${round(warm.ratioMedian, 2)}×`,
      `≤ ${TARGETS.warmRatio}× ${verdict(warm.ratioMedian <= TARGETS.warmRatio)}`,
    ]);
    rows.push(["   Warm request, p95", ms(warm.handler.p95), ms(warm.baseline.p95), `${round(warm.ratioP95, 2)}×`, ""]);
  } else rows.push(["1. Warm request", "n/a", "n/a", errors.warm ?? "", `≤ ${TARGETS.warmRatio}×`]);
  if (warmSlow) {
    rows.push([
      `   Warm, Slack answering in ${SLOW_SLACK_MS} ms`,
      ms(warmSlow.handler.median),
      ms(warmSlow.baseline.median),
      `${round(warmSlow.ratioMedian, 3)}×`,
      "(context)",
    ]);
  }
  if (artefact) {
    const c = artefact.cold;
    rows.push([
      "2. Cold start, load → 1st answer (median)",
      ms(c.artefact.firstResponseMs.median),
      ms(c.baseline.firstResponseMs.median),
      `${round(c.ratioFirstResponse, 2)}×`,
      `≤ ${TARGETS.coldRatio}× ${verdict(c.ratioFirstResponse <= TARGETS.coldRatio)}`,
    ]);
    rows.push(["   of which module load + init", ms(c.artefact.loadMs.median), ms(c.baseline.loadMs.median), "", ""]);
    rows.push([
      "   process start → 1st answer",
      ms(c.artefact.sinceProcessStartMs.median),
      ms(c.baseline.sinceProcessStartMs.median),
      `${round(c.ratioSinceProcessStart, 2)}×`,
      "(incl. Node boot)",
    ]);
    rows.push([
      "   with the Secrets extension layer",
      ms(c.withExtension.firstResponseMs.median),
      ms(c.baseline.firstResponseMs.median),
      `${round(c.ratioFirstResponseWithExtension, 2)}×`,
      `≤ ${TARGETS.coldRatio}× ${verdict(c.ratioFirstResponseWithExtension <= TARGETS.coldRatio)}`,
    ]);
  } else rows.push(["2. Cold start", "n/a", "n/a", errors.artefact ?? "", `≤ ${TARGETS.coldRatio}×`]);
  if (containers) {
    rows.push([
      "3. Slack connections / container",
      String(containers.slackConnections),
      "",
      `${containers.invocations} invocations`,
      `= 1 ${verdict(containers.slackConnections === 1)}`,
    ]);
    rows.push([
      "   Secret fetches / container",
      String(containers.secretFetches),
      "",
      `${containers.invocations} invocations`,
      `= 1 ${verdict(containers.secretFetches === 1)}`,
    ]);
  } else rows.push(["3. Connections / container", "n/a", "", errors.perContainer ?? "", "= 1"]);
  if (artefact) {
    rows.push([
      "4. Package, unpacked",
      mb(artefact.pkg.bytes),
      "",
      `${artefact.pkg.files} files`,
      `≤ 3 MB ${verdict(artefact.pkg.bytes <= TARGETS.packageBytes)}`,
    ]);
    const runnable = artefact.pkg.bytes - artefact.pkg.neverRunBytes;
    rows.push([
      "   without files Node never loads",
      mb(runnable),
      "",
      `.map/.d.ts/.ts/.md: ${mb(artefact.pkg.neverRunBytes)}`,
      `≤ 3 MB ${verdict(runnable <= TARGETS.packageBytes)}`,
    ]);
  } else rows.push(["4. Package, unpacked", "n/a", "", errors.artefact ?? "", "≤ 3 MB"]);
  if (conversion) {
    rows.push([
      "5. Conversion, html",
      `${Math.round(conversion.html.msgsPerSec).toLocaleString("en")} msgs/s`,
      "",
      `${conversion.html.messages} corpus msgs`,
      "",
    ]);
    rows.push([
      "   Conversion, text",
      `${Math.round(conversion.text.msgsPerSec).toLocaleString("en")} msgs/s`,
      "",
      `${conversion.text.messages} corpus msgs`,
      "",
    ]);
  } else rows.push(["5. Conversion", "n/a", "", errors.conversion ?? "", ""]);

  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const out = [
    `hipchat-proxy benchmark — ${results.when} — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}`,
    "",
    line(rows[0]),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.slice(1).map(line),
    "",
  ];
  if (artefact)
    out.push(
      `Largest packages in the artefact: ${artefact.pkg.largest.map((p) => `${p.name} ${mb(p.bytes)}`).join(", ")}`,
    );
  if (conversion) out.push(`Corpus: ${conversion.corpusSource}`);
  for (const [part, message] of Object.entries(errors)) out.push(`Not measured (${part}): ${message}`);
  const file = path.join(__dirname, "results.json");
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  out.push(`Written: ${path.relative(process.cwd(), file)} (${results.durationSeconds} s)`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: could not run: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
