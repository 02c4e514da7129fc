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
}
export type CheckpointReply = { type: 'ready' } | { type: 'failed'; message: string };

const { path, intervalMs } = workerData as CheckpointWorkerData;
const db = new Database(path, { fileMustExist: true });
// PASSIVE never waits for readers or the writer: it copies what it can now and tries again later.
const checkpoint = db.prepare('pragma wal_checkpoint(passive)');
parentPort!.postMessage({ type: 'ready' } satisfies CheckpointReply);

const timer = setInterval(() => {
  try {
    checkpoint.all();
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
