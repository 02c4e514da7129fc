/**
 * `node scripts/bench/memory-flags.ts [total requests, default 50000] [configs, e.g. default,all]`:
 * the evidence behind npm start's memory settings (README: Memory). Starts the API as npm start
 * does under each configuration in turn (no flags, the V8 flag alone, the malloc settings alone,
 * all three, all three with the old generation's pacing flags, those with a 32 KiB mmap threshold, and those with the
 * old generation's collection at a fifth of its growth) and prints its resident memory idle, after 10 000 and after the total of a bot's reads,
 * with V8's own account of the requests' collections (`--trace-gc`, scripts/bench/trace-gc.ts).
 */
import { answerHelp } from '../../src/cli.ts';
import autocannon from 'autocannon';
import { startNpmStart } from './npm-start.ts';
import { BENCH_TOKEN } from './report.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeTraceGc } from './trace-gc.ts';
const tail = '--import ./src/env-file.ts --import ./src/telemetry/instrument.ts src/main.ts';
const configs: Array<[string, string]> = [
  ['default', `exec node ${tail}`],
  ['semi4', `exec node --max-semi-space-size=4 ${tail}`],
  ['malloc', `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 exec node ${tail}`],
  ['all', `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 exec node --max-semi-space-size=4 ${tail}`],
  // The old generation's pace: a full collection once it grows by half its live size, and a 32 MiB first limit.
  // As adopted before the mmap threshold went down to 32 KiB (mmap32, today's npm start).
  ['oldgen', `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=65536 exec node --max-semi-space-size=4 --heap-growing-percent=50 --initial-old-space-size=32 ${tail}`],
  // V8's compiler allocates its zones from malloc in segments of up to 32 KiB: from 32 KiB up they are
  // mmapped and returned when a compilation ends, instead of fragmenting the heap that startup leaves behind.
  ['mmap32', `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 exec node --max-semi-space-size=4 --heap-growing-percent=50 --initial-old-space-size=32 ${tail}`],
  // Every request promotes about 14 KiB that dies in the old generation (README: Memory); resident
  // memory keeps the highest the old generation reached before a full collection, so a full
  // collection once it grows by a fifth of its live size, not a half (today's npm start).
  ['grow20', `MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 exec node --max-semi-space-size=4 --heap-growing-percent=20 --initial-old-space-size=32 ${tail}`],
];
answerHelp(`
usage: node scripts/bench/memory-flags.ts [total requests] [default,semi4,malloc,all,oldgen,mmap32,grow20]

Resident memory of npm start's process with and without its memory settings.`);
const total = Number(process.argv[2] ?? 50000);
const json = { 'content-type': 'application/json' };
const bot = (n: number) => ({ ...json, authorization: `Bearer ${BENCH_TOKEN}`, 'x-telegram-user-id': String(1000000 + (n % 1000)) });
let n = 0;
const requests = [
  { body: '{"query":"{ viewer { id tier } }"}', bot: true }, { body: '{"query":"{ health { ok } }"}' }, { body: '{"query":"{ viewer { id tier } }"}', bot: true }, { body: '{"query":"{ styles { id } }"}' },
].map((r) => ({ method: 'POST' as const, path: '/graphql', setupRequest: (req: autocannon.Request) => ({ ...req, body: r.body, headers: r.bot ? bot(n++) : json }) }));
const load = (url: string, amount: number) => new Promise<autocannon.Result>((resolve, reject) => autocannon({ url: `${url}/graphql`, connections: 8, amount, requests }, (e, r) => (e ? reject(e) : resolve(r))));
const mib = (b: number) => (b / 1048576).toFixed(1);
for (const [name, script] of configs.filter(([name]) => !process.argv[3] || process.argv[3].split(',').includes(name))) {
  // V8's own account of each collection, to a file: what each request promoted and how high the old generation got.
  const traceDir = mkdtempSync(join(tmpdir(), 'atelier-trace-gc-'));
  const gcLog = join(traceDir, 'gc.log');
  const spawned = performance.now();
  const api = await startNpmStart({ script: `${script.replace('exec node ', 'exec node --trace-gc ')} > ${gcLog}` });
  const idle = await api.rss(4000);
  const t = performance.now();
  const a = await load(api.url, 10000);
  const early = await api.rss(2000);
  const b = await load(api.url, total - 10000);
  const late = await api.rss(2000);
  console.log(name.padEnd(8), 'idle', mib(idle), 'after 10k', mib(early), `after ${total}`, mib(late), 'MiB', 'non2xx', a.non2xx + b.non2xx, 'req/s', b.requests.average, 's', ((performance.now() - t) / 1000).toFixed(0));
  await api.stop();
  // Startup's collections (1 800 modules compiled) are not the requests'. The trace's clock starts with
  // the isolate, a few ms after the spawn (each script here is `exec node`), and node writes it to the
  // file in blocks, so the load's start is found by time, not by the file's length.
  const gc = summarizeTraceGc(readFileSync(gcLog, 'utf8'), t - spawned);
  console.log(' '.repeat(8), `promoted ${(gc.promotedMb * 1024 / total).toFixed(1)} KiB/request, ${gc.fullCollections} full collections (${gc.fullPauseMs.toFixed(0)} ms of pauses), highest heap ${gc.peakMb.toFixed(1)} MiB, ${gc.scavenges} scavenges`);
  rmSync(traceDir, { recursive: true, force: true });
}
