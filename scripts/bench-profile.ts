/**
 * `npm run bench:profile [-- --jobs 1000 --checkpoint-thread false --accept-only --inline-values]`
 *
 * Where a generation's CPU goes: one process accepts `jobs` image jobs over real HTTP (one request
 * at a time, so nothing else runs beside it) and runs them with an instant provider, as the
 * single-process SQLite deployment does; bare graphql-yoga answers `{ hello }` the same way
 * first, as the baseline. Prints CPU per request for both, every SQL statement the jobs ran
 * (counted and timed at the driver), how long commits held the event loop, and a CPU profile
 * of the Atelier half grouped by package. The client's own CPU (fetch) is in both figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type RequestListener } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerHelp } from '../src/cli.ts';
import { BENCH_SECRETS, BENCH_TOKEN, UNLIMITED_TIERS, createFixedImageProvider, option } from './bench/report.ts';

answerHelp(`
usage: npm run bench:profile -- [--jobs 1000] [--checkpoint-thread false] [--accept-only] [--inline-values]

Accepts and runs --jobs image jobs in one process with an instant provider, against bare yoga in
the same run, and prints CPU per request, the SQL statements per job and a CPU profile by package.
--accept-only profiles an API-only replica (WORKERS=false): accepting jobs, none run.
--inline-values lets MikroORM write values into each statement's text, as before bound-sqlite.ts.`);

const jobs = option('jobs', 1_000);
const checkpointThread = !process.argv.includes('false');
const acceptOnly = process.argv.includes('--accept-only');
const boundParameters = !process.argv.includes('--inline-values');

// Statements counted and timed where they run: better-sqlite3's prepared statements.
interface StatementFigures { count: number; ms: number }
const statements = new Map<string, StatementFigures>();
const commits: number[] = [];
const Database = createRequire(import.meta.url)('better-sqlite3') as { prototype: { prepare: (sql: string) => Record<string, (...args: unknown[]) => unknown> } };
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: unknown, sql: string) {
  const statement = prepare.call(this, sql);
  // Values are inlined by the ORM, so the shape of a statement is its text without them.
  const shape = sql.replace(/\s+/g, ' ').replace(/'(?:[^']|'')*'/g, '?').replace(/\b\d+(\.\d+)?\b/g, 'N').slice(0, 110);
  for (const method of ['all', 'get', 'run'] as const) {
    const original = statement[method]!;
    statement[method] = function sqliteStatement(this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const ms = performance.now() - started;
        const entry = statements.get(shape) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += ms;
        statements.set(shape, entry);
        if (shape === 'commit') commits.push(ms);
      }
    };
  }
  return statement;
};

async function listen(handler: RequestListener): Promise<{ url: string; close: () => void }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`, close: () => server.close() };
}

/** CPU microseconds (user + system) this process spends per request, after a warm-up of half as many. */
async function cpuPerRequest(count: number, send: (index: number) => Promise<void>): Promise<number> {
  for (let index = 0; index < count / 2; index += 1) await send(-1 - index);
  const before = process.cpuUsage();
  for (let index = 0; index < count; index += 1) await send(index);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

async function post(url: string, body: string, headers: Record<string, string>, expect: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await response.text();
  if (!text.includes(expect)) throw new Error(`unexpected answer: ${text.slice(0, 300)}`);
}

// The baseline.
const { createSchema, createYoga } = await import('graphql-yoga');
const bare = await listen(createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }), logging: false, landingPage: false, graphiql: false }));
const bareCpu = await cpuPerRequest(Math.max(2_000, jobs), () => post(bare.url, '{"query":"{ hello }"}', {}, 'world'));
bare.close();

// Atelier: production settings, telemetry off (its cost is measured by npm run bench), one roomy tier.
const [{ default: pino }, { createApp }, { parseConfig }, { createOrm }, { createLogger }] = await Promise.all([
  import('pino'), import('../src/app.ts'), import('../src/config.ts'), import('../src/db/orm.ts'), import('../src/telemetry/logger.ts'),
]);
const dir = mkdtempSync(join(tmpdir(), 'atelier-bench-profile-'));
const config = parseConfig({
  NODE_ENV: 'production', DATA_DIR: dir, BOT_API_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'silent', SCHEDULER: 'false', GRAPHIQL: 'false',
  PSEUDONYM_SECRET: BENCH_SECRETS.pseudonymSecret, MEDIA_URL_SECRET: BENCH_SECRETS.mediaUrlSecret, BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey,
  TIERS_JSON: UNLIMITED_TIERS,
  TOKEN_NEW_USERS_PER_MINUTE: '0', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', GENERATION_QUEUE_MAX: '1000000', IMAGE_CONCURRENCY: '8', WORKERS: acceptOnly ? 'false' : 'true',
});
const orm = await createOrm(config.database, { checkpointThread, boundParameters });
const fixed = await createFixedImageProvider();
const { http, jobs: jobRunner, stopGeneration } = await createApp({
  config, orm, logger: createLogger({ level: 'silent', destination: pino.destination({ dest: '/dev/null', sync: true }) }),
  secrets: BENCH_SECRETS, version: 'bench', providers: { image: fixed, video: fixed, text: undefined }, metrics: null,
});
const atelier = await listen((request, response) => void http(request, response));
const GENERATE = 'mutation ($p: String!) { generate(input: { kind: IMAGE, prompt: $p, style: "photo" }) { __typename ... on Generation { id } } }';
const drained = async () => {
  if (acceptOnly) return;
  const connection = orm.em.fork().getConnection();
  for (;;) {
    const [row] = await connection.execute<Array<{ n: number }>>(`select count(*) as n from generations where status in ('queued', 'running')`);
    if (Number(row?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const send = (index: number) =>
  post(atelier.url, JSON.stringify({ query: GENERATE, variables: { p: `a dragon over a castle number ${index}` } }), { authorization: `Bearer ${BENCH_TOKEN}`, 'x-telegram-user-id': String(1_000_000 + (Math.abs(index) % 1_000)) }, '"Generation"');

for (let index = 0; index < jobs / 2; index += 1) await send(-1 - index);
await drained();
statements.clear();
commits.length = 0;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const before = process.cpuUsage();
for (let index = 0; index < jobs; index += 1) await send(index);
await drained();
const used = process.cpuUsage(before);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
const jobCpu = (used.user + used.system) / jobs;
atelier.close();
await stopGeneration(5_000);
await jobRunner.stop();
await orm.close();
rmSync(dir, { recursive: true, force: true });

console.log(`CPU per request, this process (client included), one request at a time, ${jobs} jobs:`);
console.log(`  bare yoga { hello }                         ${bareCpu.toFixed(0).padStart(6)} µs`);
console.log(`  Atelier generate, ${acceptOnly ? 'accepted (none run)' : 'accepted and run   '}         ${jobCpu.toFixed(0).padStart(6)} µs   ${(jobCpu / bareCpu).toFixed(1)}× bare yoga (bare yoga is ${(bareCpu / jobCpu).toFixed(2)}× of it)`);
const sqlMs = [...statements.values()].reduce((sum, entry) => sum + entry.ms, 0);
const perJob = [...statements.values()].reduce((sum, entry) => sum + entry.count, 0) / jobs;
console.log(`\nSQL: ${perJob.toFixed(1)} statements per job, ${(sqlMs * 1000 / jobs).toFixed(0)} µs per job inside SQLite (${((sqlMs * 1000 / jobs / jobCpu) * 100).toFixed(0)} % of the job's CPU):`);
for (const [shape, entry] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16)) {
  console.log(`  ${(entry.count / jobs).toFixed(2).padStart(5)}/job ${((entry.ms * 1000) / entry.count).toFixed(0).padStart(5)} µs  ${shape}`);
}
commits.sort((a, b) => a - b);
const slow = commits.filter((ms) => ms > 1.5);
console.log(`commits: p50 ${commits[Math.floor(commits.length / 2)]?.toFixed(2)} ms, p99 ${commits[Math.floor(commits.length * 0.99)]?.toFixed(2)} ms, max ${commits.at(-1)?.toFixed(2)} ms; ${slow.length} over 1.5 ms held the event loop ${slow.reduce((sum, ms) => sum + ms, 0).toFixed(0)} ms in all (WAL checkpoint thread ${checkpointThread ? 'on' : 'off'})`);

// The profile's self time, grouped by where the code lives. Native code (SQLite's C, a system call)
// has no frame of its own here: it is counted where the JavaScript that called it lives.
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
function placeOf(id: number): string {
  const frame = nodes.get(id)!.callFrame;
  if (!frame.url && !frame.functionName && parents.has(id)) return placeOf(parents.get(id)!);
  if (frame.functionName === 'sqliteStatement') return '(sqlite run)';
  if (frame.functionName === 'Database.prepare' || (frame.functionName === 'prepare' && frame.url.includes('better-sqlite3'))) return '(sqlite prepare)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  if (pkg) return pkg;
  if (frame.url.includes('/src/')) return `src/${frame.url.split('/src/')[1]!.split('/')[0]}`;
  if (frame.url.startsWith('node:')) return 'node internals';
  return frame.functionName.startsWith('(') ? frame.functionName : `(${frame.functionName || 'native'})`;
}
const byPlace = new Map<string, number>();
let total = 0;
profile.samples!.forEach((id, index) => {
  const delta = profile.timeDeltas![index] ?? 0;
  total += delta;
  const place = placeOf(id);
  byPlace.set(place, (byPlace.get(place) ?? 0) + delta);
});
const groups: Array<[string, RegExp]> = [
  ['idle (waiting for I/O and timers; left out of the shares)', /^\(idle\)$/],
  ['SQLite compiling statements (each text not yet kept by the statement cache, src/db/bound-sqlite.ts)', /^\(sqlite prepare\)$/],
  ['SQLite running statements (and its kysely driver)', /^(kysely|better-sqlite3|\(sqlite run\))$/],
  ['media files (open, write, fsync, rename, close)', /^\((openFileHandle|fsync|rename|close|writeBuffer|open)\)$/],
  ['MikroORM (entity manager, unit of work, query building)', /^@mikro-orm\//],
  ['garbage collection', /^\(garbage collector\)$/],
  ['node internals (HTTP server, fetch client, streams) and other system calls', /^(node internals|undici|\(.*\))$/],
  ['GraphQL (graphql-js, yoga, envelop, Pothos, whatwg-node)', /^(graphql|graphql-yoga|@graphql-tools\/.*|@envelop\/.*|@pothos\/.*|@whatwg-node\/.*|@escape\.tech\/.*)$/],
  ['Atelier (src/)', /^src\//],
];
const grouped = new Map<string, number>();
for (const [place, time] of byPlace) {
  const group = groups.find(([, pattern]) => pattern.test(place))?.[0] ?? 'other';
  grouped.set(group, (grouped.get(group) ?? 0) + time);
}
const busy = total - (grouped.get(groups[0]![0]) ?? 0);
grouped.delete(groups[0]![0]);
console.log('\nCPU profile of the Atelier half, self time by place (idle left out):');
for (const [group, time] of [...grouped].sort((a, b) => b[1] - a[1])) console.log(`  ${((time / busy) * 100).toFixed(1).padStart(5)} %  ${group}`);
process.exit(0);
