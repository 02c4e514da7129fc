import type { Config } from '../config.ts';
import { createLocalMediaStore } from './local-store.ts';
import type { MediaStore } from './media-store.ts';
import { createS3MediaStore } from './s3-store.ts';

/** The configured media store: a local directory by default, or an S3-compatible bucket. */
export function createMediaStore(media: Config['media']): MediaStore {
  return media.store.kind === 's3' ? createS3MediaStore(media.store) : createLocalMediaStore(media.dir);
}
