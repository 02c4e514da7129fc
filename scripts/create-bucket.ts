/**
 * The compose `create-bucket` one-shot: creates the media bucket of MEDIA_STORE=s3 and exits 0;
 * a bucket that is already there (ours) is success too, so every `docker compose up` can run it.
 */
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: node scripts/create-bucket.ts

Creates S3_BUCKET on S3_ENDPOINT with S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (MEDIA_STORE=s3 and the
other settings as for the API; see README). Exits 0 when the bucket exists afterwards (created now or
before), 1 when the server refuses or cannot be reached after 10 tries 2 s apart, 2 when MEDIA_STORE
is not s3.`);

const { CreateBucketCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
const { parseConfigOrExit } = await import('../src/config.ts');
const { createS3Client } = await import('../src/media/s3-store.ts');

const config = parseConfigOrExit(process.env);
const store = config.media.store;
if (store.kind !== 's3') {
  console.error('MEDIA_STORE is not s3: there is no bucket to create');
  process.exit(2);
}
const client = await createS3Client(store);
const Bucket = store.bucket;

for (let attempt = 1; ; attempt++) {
  try {
    await client.send(new CreateBucketCommand({ Bucket }));
    console.log(`bucket ${Bucket} created`);
    break;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') {
      // BucketAlreadyExists may mean someone else's bucket on a shared service: only ours will do.
      await client.send(new HeadBucketCommand({ Bucket }));
      console.log(`bucket ${Bucket} already exists`);
      break;
    }
    if (attempt >= 10) {
      console.error(`could not create bucket ${Bucket}: ${name}: ${(error as Error).message}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
client.destroy();
