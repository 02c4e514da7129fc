import type { S3Client } from '@aws-sdk/client-s3';
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

/**
 * Media in an S3-compatible bucket. Links handed out are presigned GET URLs that expire.
 * The AWS SDK costs about 36 MiB of resident memory once imported, so it is loaded on the first
 * media operation, never by a process that keeps its media in a local directory.
 */
export function createS3MediaStore(options: S3StoreOptions): MediaStore {
  const Bucket = options.bucket;
  let sdk: Promise<{ client: S3Client; s3: typeof import('@aws-sdk/client-s3'); presigner: typeof import('@aws-sdk/s3-request-presigner') }> | undefined;
  const load = () => (sdk ??= (async () => {
    const [s3, presigner, client] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner'), createS3Client(options)]);
    return { client, s3, presigner };
  })());
  return {
    kind: 's3',
    async put(key, bytes, mimeType) {
      const { client, s3 } = await load();
      await client.send(new s3.PutObjectCommand({ Bucket, Key: key, Body: bytes, ContentType: mimeType, ContentLength: bytes.byteLength }));
    },
    async get(key) {
      const { client, s3 } = await load();
      try {
        const object = await client.send(new s3.GetObjectCommand({ Bucket, Key: key }));
        return object.Body ? await object.Body.transformToByteArray() : null;
      } catch (error) {
        if (error instanceof s3.NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
      }
    },
    async delete(key) {
      const { client, s3 } = await load();
      // S3 deletes are idempotent: deleting a missing key succeeds, as the local store's does.
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key: key }));
    },
    async *list(before) {
      const { client, s3 } = await load();
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new s3.ListObjectsV2Command({ Bucket, ...(ContinuationToken ? { ContinuationToken } : {}) }));
        const keys = (page.Contents ?? []).filter((object) => object.Key && object.LastModified && object.LastModified.getTime() < before.getTime()).map((object) => object.Key!);
        if (keys.length > 0) yield keys;
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
    async presignedUrl(key, expiresInSeconds, mimeType) {
      const { client, s3, presigner } = await load();
      return presigner.getSignedUrl(client, new s3.GetObjectCommand({ Bucket, Key: key, ResponseContentType: mimeType }), { expiresIn: expiresInSeconds });
    },
  };
}

/** A client for the configured bucket's server (the SDK is imported here, on first use). */
export async function createS3Client(options: S3StoreOptions): Promise<S3Client> {
  const { S3Client: Client } = await import('@aws-sdk/client-s3');
  return new Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    maxAttempts: 3,
  });
}
