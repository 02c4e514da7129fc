/**
 * The API as `npm start` starts it: package.json's start script run by a shell (npm itself only
 * adds a parent that `exec` replaces), with production settings and a fresh data directory, so the
 * memory phase measures the process operators run, runtime flags included. Resident memory is read
 * from /proc (VmRSS), no GC forced: what the host's accounting sees.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SECRETS, BENCH_TOKEN } from './report.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Resident memory of a process in bytes, as the kernel accounts it. */
export function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? 0) * 1024;
}

/**
 * CPU time (user + system, every thread) a process has used, in microseconds, from /proc. Kernel
 * ticks are 10 ms (USER_HZ 100 on Linux), fine for rounds of seconds.
 */
export function cpuMicros(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/**
 * The container image's command without a container (no Docker daemon is needed): the runtime
 * stage's `ENV` and `CMD` read from the Dockerfile, run here with the project's Node. What differs
 * from the image is only the file system and the cgroup, not the flags or the environment.
 */
export function imageCommand(): { argv: string[]; env: Record<string, string> } {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((entry) => entry.startsWith('ENV '))) {
    for (const [, name, value] of line.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[name!] = value!;
  }
  const cmd = runtime.split('\n').find((entry) => entry.startsWith('CMD ['));
  if (!cmd) throw new Error('no CMD [...] in the Dockerfile\'s last stage');
  return { argv: JSON.parse(cmd.slice(4)) as string[], env };
}

export async function startNpmStart(options: { script?: string; image?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-start-'));
  const port = await freePort();
  const script = options.script ?? (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const image = options.image ? imageCommand() : undefined;
  // The image's build writes every module's type-stripped text (Dockerfile): so here, before its command.
  if (image) execFileSync(join(ROOT, 'node_modules/.bin/node'), ['src/typescript-cache.js', 'src', 'jobs'], { cwd: ROOT, stdio: 'ignore' });
  const child = spawn(image ? join(ROOT, 'node_modules/.bin/node') : 'sh', image ? image.argv.slice(1) : ['-c', script], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...image?.env,
      PATH: [join(ROOT, 'node_modules/.bin'), process.env['PATH'] ?? ''].join(':'), HOME: process.env['HOME'] ?? tmpdir(),
      NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SCHEDULER: 'false',
      BOT_API_TOKEN: BENCH_TOKEN, PSEUDONYM_SECRET: BENCH_SECRETS.pseudonymSecret, MEDIA_URL_SECRET: BENCH_SECRETS.mediaUrlSecret,
      BACKUP_ENCRYPTION_KEY: BENCH_SECRETS.backupKey, TOKEN_NEW_USERS_PER_MINUTE: '0',
      TIERS_JSON: JSON.stringify([{ id: 'bench', requestsPerMinute: 100_000, daily: { images: 1e9, videos: 1e9, textTokens: 1e12 }, dailyCostUsd: null }]),
    },
  });
  let errors = '';
  child.stderr?.on('data', (chunk) => (errors += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${errors.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`npm start did not answer within 60 s: ${errors.slice(-2000)}`);
    const ok = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ health { ok } }"}' }).then((response) => response.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    /** After `settleMs` without requests. */
    async rss(settleMs = 3_000): Promise<number> {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      return residentBytes(child.pid!);
    },
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
