import type { IMediaAsset } from '../db/entities/media-asset.ts';

/**
 * Past its retention window, a non-kept file counts as gone even before the retention job has
 * deleted the bytes. With a window of 0 the file lives until retention removes it right after
 * delivery, so it is never "expired" here.
 */
export function isExpired(asset: Pick<IMediaAsset, 'keep' | 'expiresAt'>, retentionHours: number, now: Date): boolean {
  return retentionHours > 0 && !asset.keep && asset.expiresAt != null && asset.expiresAt.getTime() <= now.getTime();
}
