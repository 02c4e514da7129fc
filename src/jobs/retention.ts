import type { SqlEntityManager } from '@mikro-orm/sql';
import { AuditLog } from '../db/entities/audit-log.ts';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { PromptDraft } from '../db/entities/prompt-draft.ts';
import { Generation } from '../db/entities/generation.ts';
import { MediaAsset } from '../db/entities/media-asset.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { JobContext, JobHandler, JobResult } from './job.ts';

/** The `what` values reported through `ctx.progress` (and so the `what` label of `atelier_retention_deleted_total`). */
export const RETENTION_KINDS = ['media', 'prompt_text', 'prompt_drafts', 'conversation_turns', 'audit'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

const HOUR_MS = 3_600_000;
/** Files of one batch are deleted this many at a time: enough to hide S3 round trips, few enough to stay polite. */
const FILE_DELETE_CONCURRENCY = 8;

/**
 * How long redacted prompt text is kept. It follows the media window, except that a window of 0
 * ("delete media right after delivery") keeps text for 24 h: media and prompt text are separate
 * promises, and `generateVariant` needs the text for a while after the picture has gone.
 */
export function promptTextWindowHours(mediaRetentionHours: number): number {
  return mediaRetentionHours === 0 ? 24 : mediaRetentionHours;
}

/** One batch of one kind: how many rows it changed, how many it looked at, and where the next batch starts. */
interface BatchOutcome {
  handled: number;
  selected: number;
  lastId: string | number | undefined;
}

const MAX_REST_MS = 250;

/** Resolves after `ms`, or at once when the job is asked to stop. */
function rest(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

type Batch = (after: string | number | undefined) => Promise<BatchOutcome>;

/**
 * Deletes what must not be kept, in batches of `retentionBatchSize` rows, each its own short
 * statement, so the API's writes slip in between (SQLite has a single writer). Batches walk the
 * primary key upwards (keyset pagination), so rows that cannot be handled — a file the store
 * refused to delete — are skipped for this run instead of being selected again forever.
 */
export const retention: JobHandler = async (ctx) => {
  const now = ctx.now();
  const size = ctx.config.jobs.retentionBatchSize;
  const windowHours = ctx.config.media.retentionHours;
  const textHours = promptTextWindowHours(windowHours);
  const counts: Record<RetentionKind, number> = { media: 0, prompt_text: 0, prompt_drafts: 0, conversation_turns: 0, audit: 0 };
  const fileErrors = { count: 0 };

  const batches: Record<RetentionKind, Batch> = {
    media: (after) => purgeMediaBatch(ctx, now, size, after, fileErrors),
    prompt_text: (after) => clearPromptTextBatch(ctx.em, new Date(now.getTime() - textHours * HOUR_MS), size, after),
    prompt_drafts: (after) => deleteDraftsBatch(ctx.em, now, size, after),
    conversation_turns: (after) => deleteTurnsBatch(ctx.em, now, size, after),
    audit: (after) => deleteAuditBatch(ctx.em, new Date(now.getTime() - ctx.config.jobs.auditRetentionDays * 24 * HOUR_MS), size, after),
  };

  const result = (cancelled: boolean): JobResult => ({
    rowsAffected: RETENTION_KINDS.reduce((sum, kind) => sum + counts[kind], 0),
    ...(cancelled ? { cancelled: true } : {}),
    details: { ...counts, fileErrors: fileErrors.count, mediaWindowHours: windowHours, promptTextWindowHours: textHours },
  });

  for (const kind of RETENTION_KINDS) {
    let after: string | number | undefined;
    for (;;) {
      const batchStarted = performance.now();
      const outcome = await batches[kind](after);
      // Rest as long as the batch took (at most MAX_REST_MS): the purge then uses at most about half a core and
      // half the write lock, so the API's requests keep their latency while it runs (see `npm run bench`).
      if (outcome.selected >= size) await rest(Math.min(MAX_REST_MS, performance.now() - batchStarted), ctx.signal);
      counts[kind] += outcome.handled;
      if (outcome.selected > 0) ctx.progress(kind, outcome.handled);
      // Asked to stop: the batch just done is committed, so stopping here leaves nothing half-done.
      if (ctx.signal.aborted) {
        ctx.logger.info({ job: 'retention', ...counts }, 'retention cancelled after a batch');
        return result(true);
      }
      if (outcome.selected < size) break;
      after = outcome.lastId;
    }
  }
  ctx.logger.info({ job: 'retention', ...counts, fileErrors: fileErrors.count }, 'retention done');
  return result(false);
};

/**
 * Expired, non-kept media: bytes first, then the row is marked deleted. A crash in between leaves
 * a row whose file is already gone, which the next run marks (deleting a missing file is a no-op);
 * the opposite order could leave files that no row knows about. Rows are kept, not deleted:
 * generations point at them and analytics count them.
 */
async function purgeMediaBatch(ctx: JobContext, now: Date, size: number, after: string | number | undefined, fileErrors: { count: number }): Promise<BatchOutcome> {
  const rows = (await ctx.em
    .createQueryBuilder(MediaAsset)
    .select(['id', 'storageKey'])
    .where({ keep: false, deletedAt: null, expiresAt: { $lte: now }, ...(after === undefined ? {} : { id: { $gt: String(after) } }) })
    .orderBy({ id: 'asc' })
    .limit(size)
    .execute('all')) as Array<{ id: string; storageKey: string }>;
  if (rows.length === 0) return { handled: 0, selected: 0, lastId: after };

  const deleted = await deleteFiles(ctx.store, rows, (row, error) => {
    fileErrors.count += 1;
    // The key is a date and a random id: it says nothing about the user.
    ctx.logger.warn({ err: error, storageKey: row.storageKey }, 'could not delete an expired media file; the next run retries');
  });
  let handled = 0;
  if (deleted.length > 0) {
    // Re-checked in the update: media kept in the meantime is not marked deleted.
    handled = await ctx.em.nativeUpdate(MediaAsset, { id: { $in: deleted }, keep: false, deletedAt: null }, { deletedAt: now });
    if (handled < deleted.length) {
      ctx.logger.warn({ files: deleted.length, rows: handled }, 'media was kept while its expired file was being deleted');
    }
  }
  return { handled, selected: rows.length, lastId: rows.at(-1)!.id };
}

async function deleteFiles<T extends { id: string; storageKey: string }>(store: MediaStore, rows: T[], onError: (row: T, error: unknown) => void): Promise<string[]> {
  const deleted: string[] = [];
  for (let index = 0; index < rows.length; index += FILE_DELETE_CONCURRENCY) {
    const slice = rows.slice(index, index + FILE_DELETE_CONCURRENCY);
    await Promise.all(slice.map(async (row) => {
      try {
        await store.delete(row.storageKey);
        deleted.push(row.id);
      } catch (error) {
        onError(row, error);
      }
    }));
  }
  return deleted;
}

/** Redacted prompt text past its window; fingerprint, theme, style and every number stay. */
async function clearPromptTextBatch(em: SqlEntityManager, cutoff: Date, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, Generation, { promptRedacted: { $ne: null }, createdAt: { $lte: cutoff } }, size, after);
  const handled = ids.length > 0 ? await em.nativeUpdate(Generation, { id: { $in: ids as string[] } }, { promptRedacted: null }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

async function deleteTurnsBatch(em: SqlEntityManager, now: Date, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, ConversationTurn, { expiresAt: { $lte: now } }, size, after);
  const handled = ids.length > 0 ? await em.nativeDelete(ConversationTurn, { id: { $in: ids as string[] } }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

/** Prompts that waited for a style pick that never came. */
async function deleteDraftsBatch(em: SqlEntityManager, now: Date, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, PromptDraft, { expiresAt: { $lte: now } }, size, after);
  const handled = ids.length > 0 ? await em.nativeDelete(PromptDraft, { id: { $in: ids as string[] } }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

async function deleteAuditBatch(em: SqlEntityManager, cutoff: Date, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, AuditLog, { at: { $lt: cutoff } }, size, after);
  const handled = ids.length > 0 ? await em.nativeDelete(AuditLog, { id: { $in: ids as number[] } }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

/** The next `size` primary keys matching `where`, above `after`, in key order. */
async function selectIds(
  em: SqlEntityManager,
  entity: typeof Generation | typeof ConversationTurn | typeof AuditLog | typeof PromptDraft,
  where: Record<string, unknown>,
  size: number,
  after: string | number | undefined,
): Promise<Array<string | number>> {
  const rows = (await em
    .createQueryBuilder(entity as typeof Generation)
    .select(['id'])
    .where({ ...where, ...(after === undefined ? {} : { id: { $gt: after } }) } as never)
    .orderBy({ id: 'asc' })
    .limit(size)
    .execute('all')) as Array<{ id: string | number }>;
  return rows.map((row) => row.id);
}

/**
 * Age of the oldest media that retention will eventually delete (0 when there is none): the
 * `atelier_media_oldest_age_seconds` gauge, read at every scrape. No index covers `deleted_at`,
 * so this reads the media rows (about 15 ms per 100 000 on SQLite); a partial index on
 * `created_at where deleted_at is null and keep = false` would turn it into a seek.
 */
export async function oldestTemporaryMediaAgeSeconds(em: SqlEntityManager, now: Date): Promise<number> {
  const oldest = await em.fork().findOne(
    MediaAsset,
    { keep: false, deletedAt: null },
    { orderBy: { createdAt: 'asc' }, fields: ['createdAt'], disableIdentityMap: true },
  );
  if (!oldest) return 0;
  return Math.max(0, (now.getTime() - oldest.createdAt.getTime()) / 1000);
}
