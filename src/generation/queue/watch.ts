import type { SqlEntityManager } from '@mikro-orm/sql';
import { Generation, type IGeneration } from '../../db/entities/generation.ts';
import type { GenerationEvents } from './events.ts';
import { TERMINAL_STATUSES } from './job-store.ts';

/** Events can be lost between replicas; a waiter re-reads the row at least this often. */
const RECHECK_MS = 2000;
const LEAVES_QUEUE = new Set(['running', 'cancelled']);

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Resolves on the next event about this job, or, while it waits in line, about another job of its
 * kind leaving the queue (its place moves); or after `ms`. Other jobs' progress is ignored: with
 * many waiting jobs, every watcher re-reading on every progress tick would load the database.
 */
function nextSignal(events: GenerationEvents, row: { id: string; kind: string; status: string }, ms: number, abort?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      abort?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = events.subscribe((event) => {
      if (event.id === row.id || (row.status === 'queued' && event.kind === row.kind && LEAVES_QUEUE.has(event.status))) done();
    });
    abort?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The job's row each time it changes (state, progress or place in the queue), starting with how it
 * is now, until it reaches a final state or `abort` fires. `describe` picks what counts as a change.
 */
export async function* watchGeneration(
  em: () => SqlEntityManager,
  events: GenerationEvents,
  first: IGeneration,
  describe: (row: IGeneration) => Promise<string>,
  abort?: AbortSignal,
): AsyncGenerator<IGeneration> {
  let row = first;
  let last = await describe(row);
  yield row;
  while (!isTerminal(row.status) && !abort?.aborted) {
    await nextSignal(events, row, RECHECK_MS, abort);
    if (abort?.aborted) return;
    const fresh = await em().findOne(Generation, { id: row.id });
    if (!fresh) return;
    row = fresh;
    const now = await describe(row);
    if (now !== last) {
      last = now;
      yield row;
    }
  }
}

/** The row once it is final, or as it is after `timeoutMs`. */
export async function waitForGeneration(em: () => SqlEntityManager, events: GenerationEvents, first: IGeneration, timeoutMs: number): Promise<IGeneration> {
  const deadline = AbortSignal.timeout(timeoutMs);
  let row = first;
  for await (const next of watchGeneration(em, events, first, async (r) => r.status, deadline)) row = next;
  return row;
}
