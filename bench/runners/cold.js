// One cold start, as the Lambda runtime does it: load the handler module (init), then invoke it with
// one ALB event. At the first answer it writes one JSON line to fd 3, with its own clock and CPU time,
// and then waits to be killed by the benchmark (process.exit would first wait for V8's background
// threads). With "exit" as third argument it exits instead, so that `--cpu-prof` writes its profile.
//
// argv: <handler module> <event file> [exit]
const { performance } = require("node:perf_hooks");
const bootMs = performance.now();
const fs = require("node:fs");

const [moduleFile, eventFile, after] = process.argv.slice(2);
const event = JSON.parse(fs.readFileSync(eventFile, "utf8"));
const deadline = Date.now() + 30_000;
const context = {
  awsRequestId: "bench-cold-0",
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
const report = (fields) => fs.writeSync(3, `${JSON.stringify(fields)}\n`);

const t0 = performance.now();
new Promise((resolve, reject) => {
  const mod = require(moduleFile);
  const loadedMs = performance.now();
  const ret = mod.handler(event, context, (err, res) => (err ? reject(err) : resolve([res, loadedMs])));
  if (ret && typeof ret.then === "function") ret.then((res) => resolve([res, loadedMs]), reject);
}).then(
  ([res, loadedMs]) => {
    const answerMs = performance.now();
    const cpu = process.cpuUsage();
    report({
      status: res.statusCode,
      bootMs,
      initMs: loadedMs - t0,
      answerMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
    if (after === "exit") process.exit(0);
    setInterval(() => undefined, 60_000);
  },
  (err) => {
    report({ error: String(err?.stack ?? err) });
    process.exit(1);
  },
);
