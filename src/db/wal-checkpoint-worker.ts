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
  /** Once the log holds this many bytes of frames, it is emptied (see below). */
  truncateAtBytes: number;
}
export type CheckpointReply = { type: 'ready' } | { type: 'failed'; message: string } | { type: 'truncated'; bytes: number };

const { path, intervalMs, truncateAtBytes } = workerData as CheckpointWorkerData;
// No busy timeout: this connection never waits for a lock (see TRUNCATE below).
const db = new Database(path, { fileMustExist: true, timeout: 0 });
const pageBytes = Number((db.prepare('pragma page_size').all()[0] as { page_size: number }).page_size);
// PASSIVE never waits for readers or the writer: it copies what it can now and tries again later.
const passive = db.prepare('pragma wal_checkpoint(passive)');
// A PASSIVE checkpoint never empties the log: SQLite starts the log over only when a write begins
// after every frame was copied, and under steady writes new frames arrive while the copy runs, so
// the file grew without bound (1.3 GB in 80 s of accepted jobs, for a 14 MB database). TRUNCATE
// holds the write lock while it copies the frames the PASSIVE pass just missed (a few), then empties
// the file. Without a busy timeout it takes the lock only if no write is in progress and waits for
// no reader: if either is there it copies what it can and the next tick tries again. A commit that
// comes while it holds the lock waits in its busy handler for those few frames and one fsync.
const truncate = db.prepare('pragma wal_checkpoint(truncate)');
parentPort!.postMessage({ type: 'ready' } satisfies CheckpointReply);

const timer = setInterval(() => {
  try {
    const [state] = passive.all() as Array<{ busy: number; log: number; checkpointed: number }>;
    const bytes = (state?.log ?? 0) * pageBytes;
    if (bytes < truncateAtBytes) return;
    const [after] = truncate.all() as Array<{ busy: number; log: number }>;
    if (after?.busy === 0) parentPort!.postMessage({ type: 'truncated', bytes } satisfies CheckpointReply);
  } catch (error) {
    parentPort!.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies CheckpointReply);
  }
}, intervalMs);

parentPort!.on('message', (message: { type: 'stop' }) => {
  if (message.type !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
