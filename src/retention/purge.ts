import type { SqlEntityManager } from '@mikro-orm/sql';
import { AuditLog } from '../db/entities/audit-log.ts';
import { ConversationTurn } from '../db/entities/conversation-turn.ts';
import { PromptDraft } from '../db/entities/prompt-draft.ts';
import { Generation } from '../db/entities/generation.ts';
import { MediaAsset } from '../db/entities/media-asset.ts';
import { RateLimitWindow } from '../db/entities/rate-limit-window.ts';
import { User } from '../db/entities/user.ts';
import type { MediaStore } from '../media/media-store.ts';
import { pruneRevokedJwts } from '../auth/authenticate.ts';
import { createRetentionPolicy } from './policy.ts';
import type { JobContext, JobHandler, JobResult } from '../jobs/job.ts';
import { clearRollupExamples } from '../analytics/rollup.ts';

/** The `what` values reported through `ctx.progress` (and so the `what` label of `atelier_retention_deleted_total`). */
export const RETENTION_KINDS = [
  'media', 'orphan_media', 'prompt_text', 'rollup_examples', 'prompt_drafts', 'conversation_turns', 'rate_limit_windows', 'idle_users', 'audit', 'revoked_jwts',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

const HOUR_MS = 3_600_000;
/** Files of one batch are deleted this many at a time: enough to hide S3 round trips, few enough to stay polite. */
const FILE_DELETE_CONCURRENCY = 8;
/** Keys the media store writes (outcome.ts): `YYYY/MM/DD/<asset id>.<ext>`, or the temporary file of a write that died. */
const MEDIA_KEY = /^\d{4}\/\d{2}\/\d{2}\/([0-9a-f-]{36})\.[a-z0-9]+$/;
const TEMPORARY_MEDIA_KEY = /^\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}\.[a-z0-9]+\.\d+\.tmp$/;

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
  const policy = createRetentionPolicy(ctx.config);
  const textCutoff = policy.promptTextCutoff(now);
  const counts = Object.fromEntries(RETENTION_KINDS.map((kind) => [kind, 0])) as Record<RetentionKind, number>;
  const fileErrors = { count: 0 };
  const orphans = orphanScanner(ctx, policy.orphanMediaCutoff(now), fileErrors);

  const batches: Record<RetentionKind, Batch> = {
    media: (after) => purgeMediaBatch(ctx, now, size, after, fileErrors),
    orphan_media: () => orphans.next(),
    prompt_text: (after) => clearPromptTextBatch(ctx.em, textCutoff, size, after),
    // Clearing shrinks the set it selects from: every batch starts over.
    rollup_examples: async () => {
      const handled = await clearRollupExamples(ctx.em, { before: textCutoff }, size);
      return { handled, selected: handled, lastId: undefined };
    },
    prompt_drafts: (after) => deleteDraftsBatch(ctx.em, now, size, after),
    conversation_turns: (after) => deleteTurnsBatch(ctx.em, now, size, after),
    rate_limit_windows: (after) => deleteRateLimitWindowsBatch(ctx.em, policy.oldestLiveRateLimitMinute(now), size, after),
    idle_users: (after) => deleteIdleUsersBatch(ctx.em, policy.idleUserCutoff(now), ctx.config.tiers[0]!.id, size, after),
    // One statement removes every revocation past the longest token lifetime: a single pass.
    revoked_jwts: async () => {
      const handled = await pruneRevokedJwts(ctx.em, now);
      return { handled, selected: Math.min(handled, size - 1), lastId: undefined };
    },
    audit: (after) => deleteAuditBatch(ctx.em, new Date(now.getTime() - ctx.config.jobs.auditRetentionDays * 24 * HOUR_MS), size, after),
  };

  const result = (cancelled: boolean): JobResult => ({
    rowsAffected: RETENTION_KINDS.reduce((sum, kind) => sum + counts[kind], 0),
    ...(cancelled ? { cancelled: true } : {}),
    details: { ...counts, fileErrors: fileErrors.count, mediaWindowHours: windowHours, promptTextWindowHours: policy.promptTextHours },
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
  const compacted = ctx.config.database.driver === 'sqlite' ? await compactSqlite(ctx.em) : undefined;
  ctx.logger.info({ job: 'retention', ...counts, fileErrors: fileErrors.count, ...compacted }, 'retention done');
  const done = result(false);
  return compacted ? { ...done, details: { ...done.details, ...compacted } } : done;
};

/**
 * What was deleted or cleared must not stay readable in the SQLite files. `secure_delete` (set on
 * every connection, db/orm.ts) zeroes it in its page, but the page's older copy can still sit in the
 * WAL, and freed pages stay in the file. So: give free pages back (`auto_vacuum = incremental`),
 * then checkpoint the WAL into the database and truncate it. A checkpoint that readers keep from
 * finishing is reported (`walBusy`) and completed by the next run.
 */
async function compactSqlite(em: SqlEntityManager): Promise<{ freedPages: number; walBusy: boolean }> {
  const connection = em.getConnection();
  const [free] = await connection.execute<Array<{ freelist_count: number }>>('pragma freelist_count');
  await connection.execute('pragma incremental_vacuum');
  const [checkpoint] = await connection.execute<Array<{ busy: number }>>('pragma wal_checkpoint(truncate)');
  return { freedPages: Number(free?.freelist_count ?? 0), walBusy: Number(checkpoint?.busy ?? 0) === 1 };
}

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

/**
 * Media files no row accounts for, older than the grace period: a crash between writing the bytes
 * and committing their row, a temporary file of a write that died, or a file whose delete failed
 * after its row was erased. Pages come from the store's listing; each page's ids are looked up by
 * primary key. Stores that cannot list are skipped.
 */
function orphanScanner(ctx: JobContext, writtenBefore: Date, fileErrors: { count: number }): { next(): Promise<BatchOutcome> } {
  const pages = ctx.store.list?.(writtenBefore)[Symbol.asyncIterator]();
  return {
    async next() {
      const page = pages ? await pages.next() : { done: true as const, value: undefined };
      if (page.done) return { handled: 0, selected: 0, lastId: undefined };
      const ids = new Map<string, string>();
      const doomed: string[] = [];
      for (const key of page.value) {
        const match = MEDIA_KEY.exec(key);
        if (match) ids.set(key, match[1]!);
        else if (TEMPORARY_MEDIA_KEY.test(key)) doomed.push(key);
      }
      const rows = ids.size === 0 ? [] : (await ctx.em
        .createQueryBuilder(MediaAsset)
        .select(['id', 'storageKey'])
        .where({ id: { $in: [...new Set(ids.values())] }, deletedAt: null })
        .execute('all')) as Array<{ id: string; storageKey: string }>;
      const live = new Set(rows.map((row) => row.storageKey));
      for (const key of ids.keys()) if (!live.has(key)) doomed.push(key);
      const deleted = await deleteFiles(ctx.store, doomed.map((key) => ({ id: key, storageKey: key })), (row, error) => {
        fileErrors.count += 1;
        ctx.logger.warn({ err: error, storageKey: row.storageKey }, 'could not delete an orphaned media file; the next run retries');
      });
      if (deleted.length > 0) ctx.logger.info({ files: deleted.length }, 'deleted media files no row accounts for');
      // `selected` stands for "more pages may follow"; the listing itself is the cursor.
      return { handled: deleted.length, selected: Number.MAX_SAFE_INTEGER, lastId: undefined };
    },
  };
}

/** Per-minute windows that can no longer admit or refuse a request. */
async function deleteRateLimitWindowsBatch(em: SqlEntityManager, oldestLiveMinute: number, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, RateLimitWindow, { windowStart: { $lt: oldestLiveMinute } }, size, after);
  const handled = ids.length > 0 ? await em.nativeDelete(RateLimitWindow, { id: { $in: ids as number[] } }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

/**
 * Users not seen since the cutoff with nothing else stored: no generation, media, feedback,
 * payment, usage day, conversation turn or draft, on the default tier with no paid time running,
 * and not subscribed to broadcasts (a subscription is something they asked us to keep).
 * A read or a `/privacy` makes such a row; it holds a pseudonym and settings and nothing more.
 */
async function deleteIdleUsersBatch(em: SqlEntityManager, cutoff: Date, defaultTier: string, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const rows = await em.execute(
    `select u.id from users u
     where u.last_seen_at < ? and u.tier = ? and u.tier_expires_at is null and u.news_ref is null ${after === undefined ? '' : 'and u.id > ?'}
       and not exists (select 1 from generations g where g.user_id = u.id)
       and not exists (select 1 from media_assets m where m.user_id = u.id)
       and not exists (select 1 from feedback f where f.user_id = u.id)
       and not exists (select 1 from payments p where p.user_id = u.id)
       and not exists (select 1 from daily_usage d where d.user_id = u.id)
       and not exists (select 1 from conversation_turns c where c.user_id = u.id)
       and not exists (select 1 from prompt_drafts r where r.user_id = u.id)
     order by u.id limit ?`,
    [cutoff, defaultTier, ...(after === undefined ? [] : [after]), size],
  );
  const ids = rows.map((row) => String(row['id']));
  // Re-checked in the delete: a user who came back in the meantime stays.
  const handled = ids.length > 0 ? await em.nativeDelete(User, { id: { $in: ids }, lastSeenAt: { $lt: cutoff } }) : 0;
  return { handled, selected: ids.length, lastId: ids.at(-1) ?? after };
}

/**
 * Redacted prompt text past its window, with the negative prompt asked beside it; fingerprint, theme,
 * style and every number stay. A row has a negative prompt only while it has its prompt (both are
 * written together and cleared together), so the prompt alone selects the rows.
 */
async function clearPromptTextBatch(em: SqlEntityManager, cutoff: Date, size: number, after: string | number | undefined): Promise<BatchOutcome> {
  const ids = await selectIds(em, Generation, { promptRedacted: { $ne: null }, createdAt: { $lte: cutoff } }, size, after);
  const handled = ids.length > 0 ? await em.nativeUpdate(Generation, { id: { $in: ids as string[] } }, { promptRedacted: null, negativePromptRedacted: null }) : 0;
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
  entity: typeof Generation | typeof ConversationTurn | typeof AuditLog | typeof PromptDraft | typeof RateLimitWindow,
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
