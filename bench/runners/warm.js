// Warm requests in one Lambda container. Loads the handler modules once, as the runtime does, then
// invokes them sequentially (the runtime never starts the next invocation in the same tick).
//
//   compare:   sides `measured` and `reference`, a warm-up of single requests in turn, then blocks
//              of `blockSize` requests alternating between the sides (the order flips every pair).
//              Every request's wall time and every block's CPU time are reported.
//   container: side `measured` only, `n` requests; the benchmark counts connections and reads.
//   profile:   side `measured` only, a warm-up, then `n` requests under the V8 CPU profiler (through
//              the inspector, so that loading and warm-up stay out), written to `profileFile`.
//
// argv: <config file>. The result is one JSON line on fd 3; then it waits to be killed.
const fs = require("node:fs");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const template = JSON.parse(fs.readFileSync(config.eventFile, "utf8"));
const report = (fields) => fs.writeSync(3, `${JSON.stringify(fields)}\n`);

/** The template event with a different (HTML) message each time, so no answer can be cached. */
function eventFor(i) {
  const event = structuredClone(template);
  const body = JSON.parse(event.body);
  body.message = `deploy <b>#${i}</b> of api-master finished in ${i % 97} s (<a href="https://ci.example.com/${i}/">log</a>)`;
  event.body = JSON.stringify(body);
  return event;
}

function contextFor(i) {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: `bench-warm-${i}`,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    const ret = handler(event, context, (err, res) => (err ? reject(err) : resolve(res)));
    if (ret && typeof ret.then === "function") ret.then(resolve, reject);
  });
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));

async function block(handler, first, count) {
  const work = [];
  for (let i = 0; i < count; i++) work.push([eventFor(first + i), contextFor(first + i)]);
  const wallNs = [];
  const cpuStart = process.cpuUsage();
  const blockStart = process.hrtime.bigint();
  for (const [event, context] of work) {
    const t = process.hrtime.bigint();
    const res = await invoke(handler, event, context);
    wallNs.push(Number(process.hrtime.bigint() - t));
    if (res.statusCode !== 204) throw new Error(`answered ${res.statusCode}: ${res.body}`);
    await nextTick();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wallNs, blockNs: Number(process.hrtime.bigint() - blockStart), cpuUs: cpu.user + cpu.system };
}

async function main() {
  const measured = require(config.measured).handler;
  if (config.mode === "container") {
    const b = await block(measured, 0, config.n);
    return { requests: b.wallNs.length };
  }
  if (config.mode === "profile") {
    await block(measured, 0, config.warmup);
    const session = new (require("node:inspector").Session)();
    session.connect();
    const post = (method, params) =>
      new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 100 });
    await post("Profiler.start");
    const b = await block(measured, config.warmup, config.n);
    const { profile } = await post("Profiler.stop");
    fs.writeFileSync(config.profileFile, JSON.stringify(profile));
    return { requests: b.wallNs.length };
  }
  const reference = require(config.reference).handler;
  const sides = { measured, reference };
  let seq = 0;
  for (let i = 0; i < config.warmup; i++) {
    await block(measured, seq++, 1);
    await block(reference, seq++, 1);
  }
  const out = { measured: [], reference: [] };
  for (let b = 0; b < config.blocks; b++) {
    for (const name of b % 2 ? ["reference", "measured"] : ["measured", "reference"]) {
      out[name].push(await block(sides[name], seq, config.blockSize));
      seq += config.blockSize;
    }
  }
  return out;
}

main().then(
  (result) => {
    report({ result });
    setInterval(() => undefined, 60_000);
  },
  (err) => {
    report({ error: String(err?.stack ?? err) });
    process.exit(1);
  },
);
