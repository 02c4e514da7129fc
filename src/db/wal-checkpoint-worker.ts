/**
 * Worker-thread entry of the WAL checkpointer (wal-checkpointer.ts): its own connection to the
 * SQLite file copies committed WAL pages into the database and fsyncs it, so that work never runs
 * on the event loop inside a request's commit.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
  /** Once the log holds this many bytes of frames after a copy, the thread asks for it to be started over. */
  restartAtBytes: number;
}
export type CheckpointReply = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'full'; bytes: number };
export type CheckpointRequest = { type: 'stop' } | { type: 'resume' };

/** The thread's whole life: one connection, a pass every interval, until asked to stop. */
function serve({ path, intervalMs, restartAtBytes }: CheckpointWorkerData): void {
  const db = new Database(path, { fileMustExist: true });
  const pageBytes = Number((db.prepare('pragma page_size').all()[0] as { page_size: number }).page_size);
  // PASSIVE never waits for readers or the writer: it copies what it can now and tries again later.
  const checkpoint = db.prepare('pragma wal_checkpoint(passive)');
  parentPort!.postMessage({ type: 'ready' } satisfies CheckpointReply);

  // While the application copies the rest of a full log, this thread copies nothing (it would only contend for the checkpoint lock).
  let paused = false;
  const timer = setInterval(() => {
    if (paused) return;
    try {
      const [state] = checkpoint.all() as Array<{ busy: number; log: number }>;
      const bytes = (state?.log ?? 0) * pageBytes;
      if (bytes < restartAtBytes) return;
      // The application's connection copies what is left on the event loop: first catch up here with
      // the frames written during the pass above, and those written during that catch-up, until a
      // pass is short (each pass copies what arrived during the one before, so they shrink fast).
      for (let pass = 0; pass < 8; pass += 1) {
        const started = performance.now();
        checkpoint.all();
        if (performance.now() - started < 2) break;
      }
      paused = true;
      parentPort!.postMessage({ type: 'full', bytes } satisfies CheckpointReply);
    } catch (error) {
      parentPort!.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies CheckpointReply);
    }
  }, intervalMs);

  parentPort!.on('message', (message: CheckpointRequest) => {
    if (message.type === 'resume') {
      paused = false;
      return;
    }
    clearInterval(timer);
    db.close();
    parentPort!.close();
  });
}

serve(workerData as CheckpointWorkerData);
