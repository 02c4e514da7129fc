/**
 * `npm run bench [-- --rounds 5 --seconds 10 --connections 8 --memory-requests 1000000 --quick]`:
 * the whole benchmark in one process tree on loopback, printed as one table. Every speed is
 * also a ratio against a baseline measured in the same run, so the targets hold on any machine.
 *
 *   servers (each its own process, scripts/bench/server.ts): plain node:http (the floor); bare
 *   graphql-yoga (the baseline); Atelier with full telemetry and with telemetry off, each as an
 *   API-only replica (WORKERS=false: `generate` is accepting a job); Atelier accepting and running
 *   the jobs in one process (end to end: jobs finished per second, counted until the queue is
 *   empty). Load (scripts/bench/load.ts, autocannon in its own process, fixed concurrency) goes to
 *   one server at a time, in alternating rounds; each figure is the median of the rounds.
 *   analytics over 1 000 000 generations (scripts/bench-analytics.ts) and rollup + purge with the
 *   API's p99 during the purge (scripts/bench-jobs.ts) run as child scripts and report JSON.
 *
 *   the generation queue (scripts/bench-queue.ts): the bot's first reply under slow generations
 *   against the code before the job queue, and queue drain with one and two replicas.
 *
 *   memory: the API as the container image's command starts it (its ENV and CMD, read from the
 *   Dockerfile), then as `npm start` does (scripts/bench/npm-start.ts, runtime flags included):
 *   resident memory idle, after 10 000 and after --image-requests / --memory-requests requests of a
 *   bot-like read mix, against the idle plain node:http and bare yoga processes of the throughput
 *   phase, then /metrics.
 *
 * Each phase prints the load average when it starts (the machine may be shared: ratios against
 * baselines of the same phase are what to compare across runs).
 *
 * `--only throughput,memory,analytics,jobs,queue` runs some of the phases (memory reads the idle
 * baselines of the throughput phase's servers, so it brings that phase along). `--quick` scales the data sets and request counts down 10–100× to try the script out; its
 * figures are not the ones the targets are about.
 */
import { execFile, fork } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './bench/load.ts';
import { nextMessage, startLoadGenerator } from './bench/load-client.ts';
import { startOtlpSink } from './bench/otlp-sink.ts';
import type { MemoryFigures, ServerMode } from './bench/server.ts';
import { BENCH_TOKEN, median, option, parseBenchJson } from './bench/report.ts';
import { cpuMicros, residentBytes, startNpmStart } from './bench/npm-start.ts';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run bench -- [--quick] [--only throughput,memory,analytics,jobs,queue] [--rounds 5] [--seconds 10] [--connections 8] [--memory-requests 1000000] [--image-requests 1000000]

The whole benchmark (about 40 minutes; --quick about 3) in one process tree on loopback, printed as
one table with its targets. Temp data goes to $TMPDIR and is removed at the end, or on Ctrl-C.`);

const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
/** `--only throughput,memory,analytics,jobs` runs some phases (e.g. to compare two commits); default all. */
const phases = new Set(onlyIndex > 0 ? process.argv[onlyIndex + 1]!.split(',') : ['throughput', 'memory', 'analytics', 'jobs', 'queue']);
const rounds = option('rounds', quick ? 2 : 5);
const seconds = option('seconds', quick ? 3 : 10);
const connections = option('connections', 8);
const memoryRequests = option('memory-requests', quick ? 20_000 : 1_000_000);
const memoryBaseline = option('memory-baseline', 10_000);
const imageRequests = option('image-requests', memoryRequests);
const scrapes = option('scrapes', 200);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const load1 = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const phaseLoads: string[] = [];
function phase(name: string): void {
  phaseLoads.push(`${name} ${load1()}`);
  console.log(`[${name}] load average ${load1()}`);
}

interface Row {
  figure: string;
  value: string;
  ratio?: string;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];
let failures = 0;
function row(entry: Row): void {
  rows.push(entry);
  if (entry.met === false) failures += 1;
  console.log(`  ${entry.figure}: ${entry.value}${entry.ratio ? ` (${entry.ratio})` : ''}${entry.target ? ` target ${entry.target}: ${entry.met ? 'met' : 'MISSED'}` : ''}`);
}

async function startServer(mode: ServerMode, otlpEndpoint: string, options: { workers?: boolean } = {}) {
  const child = fork(here('./bench/server.ts'), [mode, otlpEndpoint, options.workers ? 'workers' : 'api'], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await nextMessage<{ port: number }>(child, 'listening');
  return {
    url: `http://127.0.0.1:${port}`,
    /** Resident memory now, without a forced GC (as the idle figure of `npm start` is read). */
    rss: () => residentBytes(child.pid!),
    cpu: () => cpuMicros(child.pid!),
    async memory(): Promise<MemoryFigures> {
      const answer = nextMessage<{ figures: MemoryFigures }>(child, 'memory');
      child.send({ type: 'memory' });
      return (await answer).figures;
    },
    /** Resolves once every job the server accepted has finished. */
    async drained(): Promise<void> {
      const answer = nextMessage(child, 'drained');
      child.send({ type: 'drain' });
      await answer;
    },
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

const load = startLoadGenerator();
const runLoad = load.run;

const json = { 'content-type': 'application/json' };
const botHeaders = { ...json, authorization: `Bearer ${BENCH_TOKEN}`, 'x-telegram-user-id': '%USER%' };
const HELLO = { body: JSON.stringify({ query: '{ hello }' }), headers: json };
const HEALTH = { body: JSON.stringify({ query: '{ health { ok } }' }), headers: json };
const GENERATE = {
  body: JSON.stringify({
    query: 'mutation ($p: String!) { generate(input: { kind: IMAGE, prompt: $p, style: "photo" }) { __typename ... on Generation { id media { url } } } }',
    variables: { p: 'a dragon over a castle number %N%' },
  }),
  headers: botHeaders,
};
const STYLES = { body: JSON.stringify({ query: '{ styles { id } }' }), headers: json };
const VIEWER = { body: JSON.stringify({ query: '{ viewer { id tier limits { requestsPerMinute } } }' }), headers: botHeaders };

function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}× ${value / base >= 1 ? '' : 'of '}baseline`.replace('  ', ' ');
}

async function throughput() {
  phase('throughput');
  const sink = await startOtlpSink();
  const plain = await startServer('plain', sink.endpoint);
  const bare = await startServer('bare', sink.endpoint);
  const on = await startServer('atelier-on', sink.endpoint);
  const off = await startServer('atelier-off', sink.endpoint);
  // One process that accepts and runs the jobs (the single-process SQLite deployment), full telemetry.
  const whole = await startServer('atelier-on', sink.endpoint, { workers: true });
  // Idle, before any request: the memory phase compares `npm start` with these.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const idle = { plain: plain.rss(), bare: bare.rss() };
  // `server` is the process measured: its CPU per request is read from /proc over each round, so
  // the figure does not depend on how the load generator shared the 2 cores with it.
  const scenarios: Array<{ name: string; server: { cpu: () => number }; spec: Omit<LoadSpec, 'connections'>; drained?: () => Promise<void> }> = [
    { name: 'plain node', server: plain, spec: { url: `${plain.url}/graphql`, requests: [HELLO], expect: '"hello":"world"' } },
    { name: 'bare yoga', server: bare, spec: { url: `${bare.url}/graphql`, requests: [HELLO], expect: '"hello":"world"' } },
    { name: 'health', server: on, spec: { url: `${on.url}/graphql`, requests: [HEALTH], expect: '"ok":true' } },
    { name: 'generate on', server: on, spec: { url: `${on.url}/graphql`, requests: [GENERATE], users: 1000, expect: '"__typename":"Generation"' } },
    { name: 'generate off', server: off, spec: { url: `${off.url}/graphql`, requests: [GENERATE], users: 1000, expect: '"__typename":"Generation"' } },
    // Its rate is jobs finished per second: the requests of the run over the time until the last job finished.
    { name: 'end to end', server: whole, spec: { url: `${whole.url}/graphql`, requests: [GENERATE], users: 1000, expect: '"__typename":"Generation"' }, drained: () => whole.drained() },
  ];
  console.log(`throughput: ${rounds} rounds × ${seconds} s per scenario, ${connections} connections`);
  for (const scenario of scenarios) {
    await runLoad({ ...scenario.spec, connections, duration: Math.min(3, seconds) });
    await scenario.drained?.();
  }
  const results = new Map<string, Array<LoadResult & { cpuMicros: number }>>(scenarios.map((scenario) => [scenario.name, []]));
  for (let round = 1; round <= rounds; round += 1) {
    for (const scenario of scenarios) {
      const started = performance.now();
      const cpuBefore = scenario.server.cpu();
      let result = await runLoad({ ...scenario.spec, connections, duration: seconds });
      if (scenario.drained) {
        await scenario.drained();
        result = { ...result, rate: result.requests / ((performance.now() - started) / 1000) };
      }
      const cpu = (scenario.server.cpu() - cpuBefore) / result.requests;
      results.get(scenario.name)!.push({ ...result, cpuMicros: cpu });
      console.log(`  round ${round} ${scenario.name.padEnd(13)} ${result.rate.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  server CPU ${cpu.toFixed(0).padStart(5)} µs/req`);
    }
  }
  const rate = (name: string) => median(results.get(name)!.map((result) => result.rate));
  const p99 = (name: string) => median(results.get(name)!.map((result) => result.p99));
  const cpu = (name: string) => median(results.get(name)!.map((result) => result.cpuMicros));
  const base = rate('bare yoga');
  // CPU per request against bare yoga's, as a throughput ratio (bare yoga's CPU over the scenario's):
  // what the rate would be if the server alone had a core, whatever the load generator took.
  const cpuRatio = (name: string) => `server CPU ${cpu(name).toFixed(0)} µs/req, ${(cpu('bare yoga') / cpu(name)).toFixed(2)}× by CPU`;
  row({ figure: 'plain node:http, fixed answer (floor)', value: `${rate('plain node').toFixed(0)} req/s, p99 ${p99('plain node').toFixed(2)} ms`, ratio: `bare yoga is ${(base / rate('plain node')).toFixed(2)}× of it` });
  row({ figure: 'bare graphql-yoga { hello } (baseline)', value: `${base.toFixed(0)} req/s, p99 ${p99('bare yoga').toFixed(2)} ms, server CPU ${cpu('bare yoga').toFixed(0)} µs/req` });
  const health = rate('health') / base;
  row({ figure: 'Atelier anonymous { health }, full telemetry', value: `${rate('health').toFixed(0)} req/s, p99 ${p99('health').toFixed(2)} ms; ${cpuRatio('health')}`, ratio: ratio(rate('health'), base), target: '≥ 0.90× bare yoga', met: health >= 0.9 });
  const generateOn = rate('generate on');
  const generateOff = rate('generate off');
  row({
    figure: 'generate accepted (admit + enqueue) by an API-only replica, full telemetry', value: `${generateOn.toFixed(0)} req/s, p99 ${p99('generate on').toFixed(2)} ms; ${cpuRatio('generate on')}`,
    ratio: ratio(generateOn, base), target: '≥ 0.50× bare yoga', met: generateOn / base >= 0.5,
  });
  const finished = rate('end to end');
  row({
    figure: 'generate end to end (accept, run with an instant provider, store the PNG), one process, full telemetry', value: `${finished.toFixed(0)} jobs/s, accept p99 ${p99('end to end').toFixed(2)} ms; ${cpuRatio('end to end')} (per job, workers included)`,
    ratio: ratio(finished, base), target: '≥ 0.25× bare yoga', met: finished / base >= 0.25,
  });
  row({ figure: 'generate accepted, telemetry off', value: `${generateOff.toFixed(0)} req/s, p99 ${p99('generate off').toFixed(2)} ms; ${cpuRatio('generate off')}`, ratio: ratio(generateOff, base) });
  const cost = 1 - generateOn / generateOff;
  row({ figure: 'cost of telemetry on generate throughput', value: `${(cost * 100).toFixed(1)} %`, target: '≤ 10 %', met: cost <= 0.1 });
  console.log(`  ${sink.spans()} spans received by the OTLP sink so far`);

  await Promise.all([plain.stop(), bare.stop(), on.stop(), off.stop(), whole.stop()]);
  sink.close();
  if (phases.has('memory')) await memoryAndScrape(idle);
}

async function memoryAndScrape(idle: { plain: number; bare: number }) {
  phase('memory');
  const mib = (bytes: number) => (bytes / 1_048_576).toFixed(1);
  row({ figure: 'idle resident memory: plain node:http / bare yoga (floor, baseline)', value: `${mib(idle.plain)} / ${mib(idle.bare)} MiB` });
  // The container image's command (its ENV and CMD, run here: no Docker daemon needed), then `npm start`.
  const image = await startNpmStart({ image: true });
  await residentOverTime(image, 'the image\'s command', imageRequests);
  await image.stop();
  const api = await startNpmStart();
  await residentOverTime(api, '`npm start`', memoryRequests);

  /** Idle, after `memoryBaseline` and after `requests` requests of a bot's reads. */
  async function residentOverTime(target: Awaited<ReturnType<typeof startNpmStart>>, name: string, requests: number): Promise<void> {
    const rest = await target.rss();
    row({ figure: `${name}: idle resident memory`, value: `${mib(rest)} MiB`, ratio: `${(rest / idle.bare).toFixed(2)}× bare yoga`, target: '≤ 1.3× bare yoga', met: rest / idle.bare <= 1.3 });
    // A bot's reads (viewer creates each user once), no generations: the procedural renderer's CPU would set the pace.
    const mix = { url: `${target.url}/graphql`, requests: [VIEWER, HEALTH, VIEWER, STYLES, VIEWER, HEALTH, VIEWER, STYLES], users: 1000, expect: '"data":{', connections, latencies: false };
    await runLoad({ ...mix, amount: memoryBaseline });
    const early = await target.rss();
    const started = performance.now();
    const long = await runLoad({ ...mix, amount: Math.max(0, requests - memoryBaseline) });
    const late = await target.rss();
    row({
      figure: `${name}: resident memory after ${memoryBaseline.toLocaleString('en')} / ${requests.toLocaleString('en')} requests`,
      value: `${mib(early)} → ${mib(late)} MiB (${long.rate.toFixed(0)} req/s over ${((performance.now() - started) / 1000).toFixed(0)} s)`,
      ratio: `${(late / early).toFixed(2)}×`, target: '≤ 256 MiB, ≤ 1.2× growth', met: late <= 256 * 1_048_576 && late / early <= 1.2,
    });
  }
  // A scrape of the registry after all of the above, the fullest it gets in this run.
  const samples: number[] = [];
  let size = 0;
  for (let index = 0; index < scrapes; index += 1) {
    const at = performance.now();
    const response = await fetch(`${api.url}/metrics`);
    size = (await response.text()).length;
    samples.push(performance.now() - at);
  }
  samples.sort((a, b) => a - b);
  const scrape = median(samples);
  const scrapeP99 = samples[Math.ceil(0.99 * samples.length) - 1]!;
  row({ figure: `/metrics scrape (${(size / 1024).toFixed(0)} KiB, ${scrapes} scrapes)`, value: `median ${scrape.toFixed(2)} ms, p99 ${scrapeP99.toFixed(2)} ms`, target: '≤ 10 ms', met: scrape <= 10 });
  await api.stop();
}

function runScript(script: string, args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [here(script), ...args, '--json'], { maxBuffer: 64 << 20 }, (error, stdout) => {
      if (error) reject(new Error(`${script} failed: ${error.message}\n${stdout}`));
      else resolve(parseBenchJson(stdout));
    });
    child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(String(chunk).replace(/^(?!BENCH_JSON)/gm, '    ').replace(/^ {4}BENCH_JSON.*\n?/gm, '')));
  });
}

async function analytics() {
  phase('analytics');
  console.log('analytics (scripts/bench-analytics.ts):');
  const result = await runScript('./bench-analytics.ts', quick ? ['--generations', '100000', '--users', '5000'] : ['--generations', '1000000', '--days', '90']);
  const speedup = result['rawP95Ms']! / result['rollupP95Ms']!;
  row({ figure: `analytics over ${result['generations']!.toLocaleString('en')} generations (${result['days']} days), p95 from rollups`, value: `${result['rollupP95Ms']!.toFixed(1)} ms (median ${result['rollupP50Ms']!.toFixed(1)} ms of ${result['runs']} runs)`, target: '≤ 20 ms', met: result['rollupP95Ms']! <= 20 });
  row({ figure: 'analytics p95 from raw rows', value: `${result['rawP95Ms']!.toFixed(0)} ms`, ratio: `rollups ${speedup.toFixed(0)}× faster`, target: '≥ 50×', met: speedup >= 50 });
}

async function jobs() {
  phase('jobs');
  console.log('jobs (scripts/bench-jobs.ts):');
  const result = await runScript('./bench-jobs.ts', quick ? ['--days', '1', '--per-day', '100000', '--media', '10000', '--turns', '5000', '--seconds', '3'] : ['--seconds', String(seconds)]);
  row({ figure: `rollup of one day of ${result['rollupGenerations']!.toLocaleString('en')} generations`, value: `${result['rollupSeconds']!.toFixed(2)} s (median of ${result['rollupRuns']})` });
  row({ figure: `purge of ${result['purgedRows']!.toLocaleString('en')} expired rows (worker thread)`, value: `${result['purgeSeconds']!.toFixed(1)} s, ${(result['purgedRows']! / result['purgeSeconds']!).toFixed(0)} rows/s` });
  const p99Ratio = result['duringP99Ms']! / result['withoutP99Ms']!;
  row({
    figure: `API p99 under load (${result['clients']} connections) during the purge vs without`, value: `${result['duringP99Ms']!.toFixed(2)} vs ${result['withoutP99Ms']!.toFixed(2)} ms`,
    ratio: `${p99Ratio.toFixed(2)}×`, target: '≤ 2×', met: p99Ratio <= 2,
  });
}

async function queue() {
  phase('queue');
  console.log('generation queue (scripts/bench-queue.ts):');
  const result = await runScript('./bench-queue.ts', quick ? ['--quick'] : []);
  row({
    figure: 'bot first reply under slow generations, p50 (this code vs the code before the job queue)', value: `${result['p50Ms']!.toFixed(0)} vs ${result['baseP50Ms']!.toFixed(0)} ms`,
    ratio: `${(result['baseP50Ms']! / result['p50Ms']!).toFixed(0)}× faster`,
  });
  row({ figure: 'bot first reply under slow generations, p99', value: `${result['p99Ms']!.toFixed(0)} vs ${result['baseP99Ms']!.toFixed(0)} ms`, ratio: `${(result['baseP99Ms']! / result['p99Ms']!).toFixed(0)}× faster` });
  row({
    figure: 'queue drain on PostgreSQL, 1 vs 2 replicas', value: `${result['drainOnePerSecond']!.toFixed(1)} vs ${result['drainTwoPerSecond']!.toFixed(1)} jobs/s`,
    ratio: `${(result['drainTwoPerSecond']! / result['drainOnePerSecond']!).toFixed(2)}×`,
  });
}

const startedAt = performance.now();
const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} free), Node ${process.version}, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`;
console.log(`Atelier benchmark${quick ? ' (--quick: scaled down)' : ''} on ${machine}\n`);
try {
  if (phases.has('throughput') || phases.has('memory')) await throughput();
  if (phases.has('analytics')) await analytics();
  if (phases.has('jobs')) await jobs();
  if (phases.has('queue')) await queue();
} finally {
  load.close();
}

const width = (key: keyof Row) => Math.max(key.length, ...rows.map((entry) => String(entry[key] ?? '').length));
const columns: Array<keyof Row> = ['figure', 'value', 'ratio', 'target'];
console.log(`\nAtelier benchmark${quick ? ' (--quick: scaled down, not the targets\' sizes)' : ''}, ${((performance.now() - startedAt) / 60_000).toFixed(1)} min, on ${machine}; load average now ${loadavg()[0]!.toFixed(2)}`);
console.log(`load average (1, 5, 15 min) as each phase started: ${phaseLoads.join('; ')}`);
console.log([...columns.map((key) => key.padEnd(width(key))), 'result'].join(' | '));
console.log([...columns.map((key) => '-'.repeat(width(key))), '------'].join('-|-'));
for (const entry of rows) {
  console.log([...columns.map((key) => String(entry[key] ?? '').padEnd(width(key))), entry.met === undefined ? '' : entry.met ? 'met' : 'MISSED'].join(' | '));
}
console.log(`\n${rows.filter((entry) => entry.met !== undefined).length - failures} targets met, ${failures} missed`);
