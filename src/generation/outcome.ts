import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { MediaAsset, type IMediaAsset } from '../db/entities/media-asset.ts';
import { uuidv7, utcDay } from '../ids.ts';
import type { MediaStore } from '../media/media-store.ts';
import { InvalidPromptError, ProviderUnavailableError } from './errors.ts';
import { ProviderError, type ErrorClass, type GeneratedMedia } from './provider.ts';
import { mediaExpiresAt } from '../retention/policy.ts';

/** What finishing a generation writes, shared by text answered in the request and queued jobs. */

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif', 'video/mp4': 'mp4', 'video/webm': 'webm',
  'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/wav': 'wav',
};

/**
 * Bytes first, row second: a crash in between leaves an orphan file for retention, never a row
 * without bytes. The asset is created unpersisted; the caller persists it in its transaction.
 */
export async function storeMedia(
  em: SqlEntityManager,
  mediaStore: MediaStore,
  media: GeneratedMedia,
  owner: { userId: string; at: Date; retentionHours: number },
): Promise<IMediaAsset> {
  const assetId = uuidv7(owner.at.getTime());
  const storageKey = `${utcDay(owner.at).replaceAll('-', '/')}/${assetId}.${EXTENSIONS[media.mimeType] ?? 'bin'}`;
  await mediaStore.put(storageKey, media.bytes, media.mimeType);
  return em.create(MediaAsset, {
    id: assetId, user: owner.userId, storageKey, mimeType: media.mimeType, sizeBytes: media.bytes.byteLength,
    sha256: createHash('sha256').update(media.bytes).digest('hex'),
    width: media.width ?? null, height: media.height ?? null, keep: false,
    expiresAt: mediaExpiresAt(owner.at, owner.retentionHours), createdAt: owner.at,
  }, { persist: false });
}

export interface ClassifiedFailure {
  status: 'failed' | 'rejected';
  errorClass: ErrorClass;
  error: InvalidPromptError | ProviderUnavailableError;
  /** The provider of a fallback chain that gave the final answer, when it is not the chain's first. */
  provider?: string | undefined;
}

/** A provider's failure as the row records it and as the caller is told. */
export function classifyProviderFailure(error: unknown): ClassifiedFailure {
  const errorClass: ErrorClass = error instanceof ProviderError ? error.errorClass : 'internal';
  const provider = error instanceof ProviderError ? error.provider : undefined;
  if (errorClass === 'content_refused') return { status: 'rejected', errorClass, error: contentRefused(), provider };
  const retryAfter = error instanceof ProviderError ? error.retryAfterSeconds : undefined;
  return { status: 'failed', errorClass, error: new ProviderUnavailableError(errorClass, describeFailure(errorClass), retryAfter), provider };
}

export function contentRefused(): InvalidPromptError {
  return new InvalidPromptError('CONTENT_REFUSED', 'The provider refused this prompt under its content policy.');
}

export function describeFailure(errorClass: ErrorClass): string {
  switch (errorClass) {
    case 'provider_timeout':
      return 'The provider took too long to answer. Please try again.';
    case 'provider_rate_limited':
      return 'The provider is busy right now. Please try again shortly.';
    case 'malformed_response':
      return 'The provider sent an answer we could not read.';
    case 'provider_unavailable':
      return 'The provider cannot be reached right now.';
    case 'interrupted':
      return 'The generation was interrupted twice by a server restart. Please try again.';
    case 'internal':
      return 'Something went wrong on our side. Please try again.';
    default:
      return 'The provider failed to generate a result.';
  }
}
