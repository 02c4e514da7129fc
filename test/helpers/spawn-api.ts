import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface SpawnApiOptions {
  /** Reuse a data dir (a restart on the same SQLite file); it is then never removed by stop(). */
  dataDir?: string;
  /** Keep the fresh data dir on stop(), for a restart to open it again. */
  keepDataDir?: boolean;
}

/** Starts the API exactly as `npm start` does (tracing loaded with --import) in a fresh data dir. */
export async function spawnApi(env: Record<string, string> = {}, options: SpawnApiOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'atelier-e2e-'));
  const removeOnStop = options.dataDir === undefined && !options.keepDataDir;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', './src/typescript-cache.js', '--import', './src/telemetry/instrument.ts', 'src/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: baseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 30_000;
  while (!output.join('').includes('Atelier API listening')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      // Never leave a half-started API behind a failed test.
      child.kill('SIGKILL');
      throw new Error(`API did not start:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    dataDir,
    output,
    child,
    /** Resolves when the process has exited, with its code (null when a signal ended it). */
    exited,
    /** Waits until the process has printed `text`, or throws after `timeoutMs`. */
    async waitForOutput(text: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!output.join('').includes(text)) {
        if (Date.now() > deadline) throw new Error(`API never printed ${JSON.stringify(text)}:\n${output.join('')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** SIGTERM and wait: the API flushes its spans on the way out. */
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const { code } = await exited;
      if (removeOnStop) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
