import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { MediaStore } from './media-store.ts';

export interface S3StoreOptions {
  /** Omit for AWS itself; set for MinIO, Cloudflare R2, Backblaze B2 and other S3-compatible services. */
  endpoint?: string | undefined;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `bucket` in the path instead of the host name: MinIO and most self-hosted servers need it. */
  forcePathStyle: boolean;
}

/** Media in an S3-compatible bucket. Links handed out are presigned GET URLs that expire. */
export function createS3MediaStore(options: S3StoreOptions): MediaStore & { client: S3Client } {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    maxAttempts: 3,
  });
  const Bucket = options.bucket;
  return {
    kind: 's3',
    client,
    async put(key, bytes, mimeType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: mimeType, ContentLength: bytes.byteLength }));
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : null;
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
      }
    },
    async delete(key) {
      // S3 deletes are idempotent: deleting a missing key succeeds, as the local store's does.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async *list(before) {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, ...(ContinuationToken ? { ContinuationToken } : {}) }));
        const keys = (page.Contents ?? []).filter((object) => object.Key && object.LastModified && object.LastModified.getTime() < before.getTime()).map((object) => object.Key!);
        if (keys.length > 0) yield keys;
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async presignedUrl(key, expiresInSeconds, mimeType) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket, Key: key, ResponseContentType: mimeType }), { expiresIn: expiresInSeconds });
    },
  };
}
