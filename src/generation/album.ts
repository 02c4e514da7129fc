/**
 * The images of one generation (1–4, issue 15). Each is a media asset of its own, so the media
 * retention window and /deleteme (both of which go by asset) cover every one; `Generation.media`
 * points at the first, and each asset names its generation and place.
 */
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IGeneration } from '../db/entities/generation.ts';
import { MediaAsset, type IMediaAsset } from '../db/entities/media-asset.ts';
import { mediaExpiresAt } from '../retention/policy.ts';

/** The generation's images in order; a row from before albums has just its one `media`. */
export async function albumOf(em: SqlEntityManager, row: Pick<IGeneration, 'id' | 'media'>): Promise<IMediaAsset[]> {
  if (!row.media) return [];
  const album = await em.find(MediaAsset, { generationId: row.id }, { orderBy: { position: 'asc', id: 'asc' } });
  return album.length > 0 ? album : [await em.findOneOrFail(MediaAsset, { id: row.media.id })];
}

/**
 * Keeps every image of the generation (or returns them to the retention window). Returns the first,
 * or null when there is nothing left to keep.
 */
export async function keepAlbum(em: SqlEntityManager, row: Pick<IGeneration, 'id' | 'media'>, keep: boolean, retentionHours: number): Promise<IMediaAsset | null> {
  const album = (await albumOf(em, row)).filter((asset) => !asset.deletedAt);
  for (const asset of album) {
    asset.keep = keep;
    asset.expiresAt = keep ? null : mediaExpiresAt(asset.createdAt, retentionHours);
  }
  return album[0] ?? null;
}
