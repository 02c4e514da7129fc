import type { Config } from '../config.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * When a media file stored (or returned to its window) at `at` expires under MEDIA_RETENTION_HOURS:
 * generated images and videos, uploads, every image of an album. Kept files have no expiry.
 */
export function mediaExpiresAt(at: Date, retentionHours: number): Date {
  return new Date(at.getTime() + retentionHours * HOUR_MS);
}

/**
 * Past its retention window, a non-kept file counts as gone even before the retention job has
 * deleted the bytes. With a window of 0 the file lives until retention removes it right after
 * delivery, so it is never "expired" here.
 */
export function isMediaExpired(asset: { keep: boolean; expiresAt?: Date | null | undefined }, retentionHours: number, now: Date): boolean {
  return retentionHours > 0 && !asset.keep && asset.expiresAt != null && asset.expiresAt.getTime() <= now.getTime();
}

/**
 * A media file with no row is only an orphan once it is this old: the worker writes the bytes
 * before the transaction that records them, so a young file may belong to a job still committing.
 */
export const ORPHAN_MEDIA_GRACE_MS = HOUR_MS;

/**
 * The home of the retention windows: how long redacted prompt text, conversation turns and
 * rollup examples live, when idle records go, and (above) when media expires. Everything else
 * derives from these.
 */
export interface RetentionPolicy {
  /** PROMPT_RETENTION_HOURS: one window for every piece of stored text a user typed or was answered. */
  promptTextHours: number;
  promptTextMs: number;
  /** Text stored at or before this instant is past its window. */
  promptTextCutoff(now: Date): Date;
  /** When a conversation turn stored at `at` expires. */
  conversationTurnExpiresAt(at: Date): Date;
  /** Users last seen before this, with nothing else stored, are removed. */
  idleUserCutoff(now: Date): Date;
  /** Rate-limit windows (unix minutes) before this one can no longer admit or refuse anything. */
  oldestLiveRateLimitMinute(now: Date): number;
  /** Media files written before this with no row are orphans. */
  orphanMediaCutoff(now: Date): Date;
}

export function createRetentionPolicy(config: Pick<Config, 'retention'>): RetentionPolicy {
  const promptTextMs = config.retention.promptTextHours * HOUR_MS;
  return {
    promptTextHours: config.retention.promptTextHours,
    promptTextMs,
    promptTextCutoff: (now) => new Date(now.getTime() - promptTextMs),
    conversationTurnExpiresAt: (at) => new Date(at.getTime() + promptTextMs),
    idleUserCutoff: (now) => new Date(now.getTime() - config.retention.idleUserDays * DAY_MS),
    // The limiter counts the current minute only; the one before is kept for a request straddling it.
    oldestLiveRateLimitMinute: (now) => Math.floor(now.getTime() / 60_000) - 1,
    orphanMediaCutoff: (now) => new Date(now.getTime() - ORPHAN_MEDIA_GRACE_MS),
  };
}
