import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './wal-checkpoint-worker.ts';

export interface WalCheckpointer {
  /** Whether the worker thread has taken checkpoints over from the commits. */
  readonly active: boolean;
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  path: string;
  /**
   * Runs a statement on the application's own connection, queued behind its open transaction if
   * there is one: switches its automatic checkpoints off and on, and copies the rest of a full log.
   */
  pragma: (sql: string) => Promise<unknown>;
  /** The thread starts once the WAL file first grows past this many bytes: an idle process never pays for it. */
  startAtBytes?: number;
  /** How often the thread checkpoints, and how often the WAL's size is looked at until then. */
  intervalMs?: number;
  /** SQLite's own threshold, put back if the thread is lost. */
  autoCheckpointPages?: number;
  /** Once the log holds this many bytes after the thread's copy, the application's connection copies the rest so that it starts over: the file's bound under steady writes. */
  restartAtBytes?: number;
  onError?: (message: string) => void;
  /** Called each time the log was copied whole (the next commit starts it over), with the bytes it held. */
  onRestart?: (bytes: number) => void;
}

/**
 * The parent's `--import` of src/typescript-cache.js, when it has one (npm start, the image's CMD): a
 * thread given it loads its modules' type-stripped text from the cache; without it, Node loads its
 * TypeScript stripper into the thread, which cost a checkpoint thread 30-42 MiB instead of 19-22.
 */
export function typescriptCacheImport(execArgv: readonly string[] = process.execArgv): string[] {
  for (const [index, arg] of execArgv.entries()) {
    const next = execArgv[index + 1];
    if (arg === '--import' && next?.endsWith('typescript-cache.js')) return ['--import', next];
    if (arg.startsWith('--import=') && arg.endsWith('typescript-cache.js')) return [arg];
  }
  return [];
}

/**
 * The WAL's bound under steady writes. A larger log costs disk and a longer recovery after a crash;
 * a smaller one is started over more often, each time holding the event loop for the frames
 * written since the thread's last pass and their fsync (10–35 ms measured, README: Benchmarks).
 */
export const DEFAULT_WAL_RESTART_BYTES = 64 * 1024 * 1024;

/**
 * SQLite checkpoints a WAL database inside the commit that crosses `wal_autocheckpoint` pages:
 * that commit copies the log into the file and fsyncs it, on the event loop (measured: commits
 * p50 0.12 ms, p99 7.1 ms, max 20 ms while jobs were accepted and run). Here a worker thread with
 * its own connection checkpoints instead, and the application's connection stops doing it. If the
 * thread dies, automatic checkpoints are switched back on.
 *
 * The thread's copies never empty the log under steady writes: SQLite starts the log over only
 * when a write begins after every frame was copied, and new frames arrive while the copy runs (the
 * file grew to 1.3 GB in 80 s of accepted jobs, beside a 14 MB database). So once a copy leaves
 * more than `restartAtBytes` in the log, the application's own connection copies the rest, between
 * its transactions: the frames written since the thread's last pass. With nothing written during
 * that copy (this connection is the writer), every frame is then in the file, and SQLite starts the
 * log over at the next commit, so the file stays near the bound. The copy is PASSIVE too: it never
 * waits, so a job thread's long read (a backup, a rollup) only puts the restart off to the next
 * round instead of holding the event loop. RESTART or TRUNCATE from the thread would hold the write
 * lock, and a transaction that read before it wrote gets SQLITE_BUSY at once (the busy timeout does
 * not apply) when another connection holds that lock; TRUNCATE would also shrink the file, but
 * truncating costs about 1 ms per MB on the event loop (400–480 ms for 460 MB), so the file is reused
 * instead and retention's nightly checkpoint truncates it.
 * Durability is unchanged: a commit is durable in the WAL either way.
 */
export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const startAtBytes = options.startAtBytes ?? 1 << 20;
  const intervalMs = options.intervalMs ?? 1_000;
  const autoCheckpointPages = options.autoCheckpointPages ?? 1_000;
  const restartAtBytes = options.restartAtBytes ?? DEFAULT_WAL_RESTART_BYTES;
  let worker: Worker | undefined;
  let active = false;
  let stopped = false;

  // A closed or failing connection is reported, never an unhandled rejection.
  const setAutoCheckpoint = (pages: number) =>
    void options.pragma(`pragma wal_autocheckpoint = ${pages}`).catch((error: unknown) => options.onError?.(error instanceof Error ? error.message : String(error)));

  const walBytes = () => {
    try {
      return statSync(`${options.path}-wal`).size;
    } catch {
      return 0;
    }
  };

  async function restart(thread: Worker, bytes: number): Promise<void> {
    try {
      const [result] = (await options.pragma('pragma wal_checkpoint(passive)')) as Array<{ log: number; checkpointed: number }>;
      // Every frame copied: the next commit starts the log over (unless a reader still uses it; the next round tries again).
      if (result && Number(result.checkpointed) === Number(result.log)) options.onRestart?.(bytes);
    } catch (error) {
      options.onError?.(error instanceof Error ? error.message : String(error));
    }
    if (worker === thread) thread.postMessage({ type: 'resume' } satisfies CheckpointRequest);
  }

  function start(): void {
    clearInterval(watch);
    const thread = new Worker(new URL('./wal-checkpoint-worker.ts', import.meta.url), {
      workerData: { path: options.path, intervalMs, restartAtBytes } satisfies CheckpointWorkerData,
      // Not the parent's --import of the tracing bootstrap: the thread opens no spans. Its TypeScript cache, though.
      execArgv: typescriptCacheImport(),
    });
    worker = thread;
    thread.unref();
    thread.on('message', (reply: CheckpointReply) => {
      if (reply.type === 'ready' && !stopped) {
        active = true;
        setAutoCheckpoint(0);
      } else if (reply.type === 'failed') options.onError?.(reply.message);
      else if (reply.type === 'full') void restart(thread, reply.bytes);
    });
    const lost = (error?: unknown) => {
      if (worker !== thread) return;
      worker = undefined;
      active = false;
      if (stopped) return;
      if (error) options.onError?.(error instanceof Error ? error.message : String(error));
      setAutoCheckpoint(autoCheckpointPages);
    };
    thread.on('error', lost);
    thread.on('exit', () => lost(new Error('the WAL checkpoint thread exited')));
  }

  const watch = setInterval(() => {
    if (walBytes() >= startAtBytes) start();
  }, intervalMs);
  watch.unref();

  return {
    get active() {
      return active;
    },
    async stop() {
      stopped = true;
      clearInterval(watch);
      const thread = worker;
      worker = undefined;
      active = false;
      if (!thread) return;
      // Held until it has closed its connection (an unref'd thread would not keep the process waiting).
      thread.ref();
      const exited = new Promise((resolve) => thread.once('exit', resolve));
      thread.postMessage({ type: 'stop' } satisfies CheckpointRequest);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 2_000)))]);
      clearTimeout(timer);
      await thread.terminate();
    },
  };
}
