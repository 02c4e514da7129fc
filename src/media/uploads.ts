import type { SqlEntityManager } from '@mikro-orm/sql';
import { MediaAsset, type IMediaAsset } from '../db/entities/media-asset.ts';
import { storeMedia } from '../generation/outcome.ts';
import { UUID_PATTERN } from '../ids.ts';
import { isMediaExpired } from '../retention/policy.ts';
import type { MediaStore } from './media-store.ts';
import { sniffMedia, type UploadKind } from './sniff.ts';

/**
 * A user's own photo or voice message, uploaded by the bot so a question, transcription or edit
 * can refer to it by id. It is a MediaAsset like a generated file: same retention window, same
 * erasure by /deleteme, never logged.
 */

export type UploadErrorCode = 'EMPTY' | 'TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';

export class UploadError extends Error {
  readonly code: UploadErrorCode;
  constructor(code: UploadErrorCode, message: string) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
  }
}

export interface UploadOptions {
  store: MediaStore;
  maxBytes: number;
  retentionHours: number;
  now: Date;
}

export async function storeUpload(em: SqlEntityManager, userId: string, bytes: Uint8Array, options: UploadOptions): Promise<IMediaAsset> {
  if (bytes.byteLength === 0) throw new UploadError('EMPTY', 'The upload is empty.');
  if (bytes.byteLength > options.maxBytes) throw new UploadError('TOO_LARGE', `The upload is over the ${options.maxBytes} byte limit.`);
  const sniffed = sniffMedia(bytes);
  if (!sniffed) throw new UploadError('UNSUPPORTED_MEDIA_TYPE', 'Only JPEG, PNG or WebP pictures and OGG, MP3, M4A or WAV audio can be uploaded.');
  const asset = await storeMedia(em, options.store, { bytes, mimeType: sniffed.mimeType, width: sniffed.width, height: sniffed.height }, {
    userId, at: options.now, retentionHours: options.retentionHours,
  });
  try {
    await em.persist(asset).flush();
  } catch (error) {
    // No row, no file: the bytes go too, rather than wait for the orphan sweep.
    await options.store.delete(asset.storageKey).catch(() => undefined);
    throw error;
  }
  return asset;
}

/** A user's media of the given kind (uploaded or generated) with its bytes, or null when it is not theirs or is gone. */
export async function loadOwnMedia(
  em: SqlEntityManager, store: MediaStore, userId: string, mediaId: string, kind: UploadKind,
  options: { retentionHours: number; now: Date },
): Promise<{ asset: IMediaAsset; bytes: Uint8Array } | null> {
  if (!UUID_PATTERN.test(mediaId)) return null;
  const asset = await em.findOne(MediaAsset, { id: mediaId, user: userId });
  if (!asset || asset.deletedAt || isMediaExpired(asset, options.retentionHours, options.now) || !asset.mimeType.startsWith(`${kind}/`)) return null;
  const bytes = await store.get(asset.storageKey);
  return bytes ? { asset, bytes } : null;
}
