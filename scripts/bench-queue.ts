/**
 * `npm run bench:queue [-- --users 50 --probes 20 --provider-ms 2000 --jobs 300 --base <git rev> --quick]`
 *
 * The asynchronous pipeline, measured against baselines taken in the same run:
 * - time to the bot's first reply (p50, p99) for newcomers while `users` people wait for slow images
 *   (`provider-ms` each, two at a time), this checkout against `--base` (default: the commit before
 *   the job queue), checked out beside it with `git worktree` and run the same way
 *   (scripts/bench/bot-reply.ts);
 * - queue drain rate on PostgreSQL: `jobs` queued images (the procedural renderer, CPU-bound) drained
 *   by one API process, then by two, as jobs per second and the ratio.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOrm } from '../src/db/orm.ts';
import { BENCH_TOKEN, option, parseBenchJson, reportJson } from './bench/report.ts';
import { freePort } from '../test/helpers/spawn-api.ts';
import { answerHelp, createCleanup } from '../src/cli.ts';

answerHelp(`
usage: npm run bench:queue -- [--users 50] [--probes 20] [--provider-ms 2000] [--jobs 300] [--base <git rev>] [--quick] [--only bot,drain]

The bot's first reply under slow generations against --base (checked out with git worktree in
$TMPDIR), and queue drain on PostgreSQL (ATELIER_TEST_PG_URL) with one and two replicas. The
worktree and data dirs are removed at the end, or on Ctrl-C.`);
// Temp data goes even when the run is interrupted (Ctrl-C, SIGTERM).
const cleanup = createCleanup();

const quick = process.argv.includes('--quick');
const users = option('users', quick ? 10 : 50);
const probes = option('probes', quick ? 5 : 20);
const providerMs = option('provider-ms', quick ? 500 : 2000);
const jobs = option('jobs', quick ? 60 : 300);
const baseIndex = process.argv.indexOf('--base');
const base = baseIndex > 0 ? process.argv[baseIndex + 1]! : '0b7d11d';
const onlyIndex = process.argv.indexOf('--only');
const phases = new Set(onlyIndex > 0 ? process.argv[onlyIndex + 1]!.split(',') : ['bot', 'drain']);
const root = fileURLToPath(new URL('..', import.meta.url));
const pgUrl = process.env['ATELIER_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const figures: Record<string, number> = {};

function runProbe(tree: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(root, 'scripts/bench/bot-reply.ts'), tree, String(users), String(probes), String(providerMs), '--json'], { cwd: tree, maxBuffer: 64 << 20, timeout: 1_200_000 }, (error, stdout) => {
      process.stdout.write(stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => `${line}\n`).join(''));
      if (error) reject(new Error(`bot-reply in ${tree} failed: ${error.message}\n${stdout}`));
      else resolve(parseBenchJson(stdout));
    });
  });
}

async function botReply(): Promise<void> {
  const baseTree = join(tmpdir(), `atelier-bench-base-${base}`);
  if (!existsSync(baseTree)) {
    execFileSync('git', ['worktree', 'add', '--detach', baseTree, base], { cwd: root, stdio: 'ignore' });
    // A worktree this run made goes with it, interrupted or not (git's record of it too).
    cleanup.onExit(() => execFileSync('git', ['worktree', 'remove', '--force', baseTree], { cwd: root, stdio: 'ignore' }));
    // Same dependencies (the base needs a subset of ours), so the comparison is of our code alone.
    symlinkSync(join(root, 'node_modules'), join(baseTree, 'node_modules'));
  }
  console.log(`bot first reply under ${users} slow generations (${providerMs} ms each), base ${base}:`);
  const before = await runProbe(baseTree);
  console.log('this checkout:');
  const now = await runProbe(root);
  Object.assign(figures, { baseP50Ms: before['p50Ms']!, baseP99Ms: before['p99Ms']!, p50Ms: now['p50Ms']!, p99Ms: now['p99Ms']!, baseAllDoneSeconds: before['allDoneSeconds']!, allDoneSeconds: now['allDoneSeconds']! });
  console.log(`  first reply p50 ${now['p50Ms']!.toFixed(0)} vs ${before['p50Ms']!.toFixed(0)} ms (${(before["p50Ms"]! / now["p50Ms"]!).toFixed(1)}×), p99 ${now['p99Ms']!.toFixed(0)} vs ${before['p99Ms']!.toFixed(0)} ms (${(before["p99Ms"]! / now["p99Ms"]!).toFixed(1)}×)`);
}

async function startApi(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: cleanup.removeOnExit(join(tmpdir(), `atelier-bench-${port}`)), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/graphql?query=%7Bhealth%7Bok%7D%7D`)).ok) break;
    } catch {
      if (tries > 300) throw new Error('the API did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function drain(replicas: number): Promise<number> {
  const schema = `bench_${Date.now()}`;
  const admin = await createOrm({ driver: 'postgresql', url: pgUrl }, { migrate: false });
  await admin.em.getConnection().execute(`create schema "${schema}"`);
  const common = {
    DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema, BOT_API_TOKEN: BENCH_TOKEN, SCHEDULER: 'false', IMAGE_CONCURRENCY: '4', GENERATION_QUEUE_MAX: '100000', TOKEN_MAX_ACTIVE_GENERATIONS: '0', TOKEN_DAILY_COST_USD: '0', TOKEN_NEW_USERS_PER_MINUTE: '0',
    TIERS_JSON: JSON.stringify([{ id: 'free', requestsPerMinute: 100_000, daily: { images: 100_000, videos: 100_000, textTokens: 100_000 }, dailyCostUsd: null, priceStars: 0 }]),
  };
  try {
    // Queue everything first through an API that runs no workers, then let the workers loose.
    const intake = await startApi({ ...common, WORKERS: 'false' });
    for (let done = 0; done < jobs; done += 20) {
      await Promise.all(Array.from({ length: Math.min(20, jobs - done) }, (_, index) => fetch(intake.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}`, 'x-telegram-user-id': String(7_000_000 + ((done + index) % 97)) },
        body: JSON.stringify({ query: `mutation { generate(input: { kind: IMAGE, prompt: "a harbour ${done + index}", style: "photo" }) { __typename } }` }),
      })));
    }
    await intake.stop();
    const workers = await Promise.all(Array.from({ length: replicas }, () => startApi(common)));
    const left = async () => Number((await admin.em.getConnection().execute(`select count(*) as n from "${schema}".generations where status in ('queued', 'running')`))[0].n);
    while ((await left()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(workers.map((worker) => worker.stop()));
    // From the first claim to the last finish, as the rows record it: process start-up is not drain time.
    const [span] = await admin.em.getConnection().execute(`select min(started_at) as first, max(finished_at) as last, count(*) filter (where status = 'succeeded') as ok from "${schema}".generations`);
    if (Number(span.ok) !== jobs) throw new Error(`${span.ok} of ${jobs} jobs succeeded`);
    const split = await admin.em.getConnection().execute(`select count(*) as n from "${schema}".generations group by lease_owner order by n desc`);
    console.log(`  ${replicas} replica${replicas > 1 ? 's' : ''}: jobs per replica ${split.map((row: { n: string }) => row.n).join(' / ')}`);
    return jobs / ((new Date(span.last).getTime() - new Date(span.first).getTime()) / 1000);
  } finally {
    await admin.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
    await admin.close();
  }
}

if (phases.has('bot')) await botReply();
if (phases.has('drain')) {
  console.log(`queue drain, ${jobs} images on PostgreSQL (IMAGE_CONCURRENCY=4, procedural renderer):`);
  const one = await drain(1);
  const two = await drain(2);
  Object.assign(figures, { drainOnePerSecond: one, drainTwoPerSecond: two });
  console.log(`  1 replica ${one.toFixed(1)} jobs/s, 2 replicas ${two.toFixed(1)} jobs/s (${(two / one).toFixed(2)}×)`);
}
reportJson(figures);
