import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * The encrypted backup format, version 1: a 52-byte header, the AES-256-GCM ciphertext of the
 * gzipped database, and the 16-byte GCM tag.
 *
 *   magic "ATLBKP01" (8) | salt (16) | iv (12) | key check (16) | ciphertext … | tag (16)
 *
 * The AES key and a check key come from BACKUP_ENCRYPTION_KEY through HKDF-SHA256 with the file's
 * own random salt; the key check (HMAC of magic, salt and iv under the check key) tells a wrong key
 * apart from a damaged file before anything is decrypted. The whole header is authenticated too.
 */
export const BACKUP_MAGIC = Buffer.from('ATLBKP01', 'latin1');
const SALT_BYTES = 16;
const IV_BYTES = 12;
const CHECK_BYTES = 16;
const TAG_BYTES = 16;
export const BACKUP_HEADER_BYTES = BACKUP_MAGIC.length + SALT_BYTES + IV_BYTES + CHECK_BYTES;

/** A backup could not be decrypted: wrong or missing key, or a damaged or altered file. The message says which. */
export class BackupDecryptionError extends Error {
  override name = 'BackupDecryptionError';
}

function deriveKeys(secret: string, salt: Buffer): { aes: Buffer; check: Buffer } {
  const keys = Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, 'atelier-backup/v1', 64));
  return { aes: keys.subarray(0, 32), check: keys.subarray(32) };
}

function keyCheck(checkKey: Buffer, prefix: Buffer): Buffer {
  return createHmac('sha256', checkKey).update(prefix).digest().subarray(0, CHECK_BYTES);
}

/** A pipeline stage that encrypts whatever flows through it into the format above, chunk by chunk. */
export function encryptStream(secret: string): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* encrypt(source) {
    const salt = randomBytes(SALT_BYTES);
    const iv = randomBytes(IV_BYTES);
    const { aes, check } = deriveKeys(secret, salt);
    const prefix = Buffer.concat([BACKUP_MAGIC, salt, iv]);
    const header = Buffer.concat([prefix, keyCheck(check, prefix)]);
    const cipher = createCipheriv('aes-256-gcm', aes, iv);
    cipher.setAAD(header);
    yield header;
    for await (const chunk of source) {
      const encrypted = cipher.update(chunk);
      if (encrypted.length > 0) yield encrypted;
    }
    const last = cipher.final();
    if (last.length > 0) yield last;
    yield cipher.getAuthTag();
  };
}

/** Whether a file starts like an encrypted backup. */
export async function isEncryptedBackup(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const start = Buffer.alloc(BACKUP_MAGIC.length);
    const { bytesRead } = await handle.read(start, 0, start.length, 0);
    return bytesRead === start.length && start.equals(BACKUP_MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Checks the key against an encrypted backup and returns what a streaming decryption needs: the
 * byte range of the ciphertext and a decipher that fails at its end if anything was altered.
 */
export async function openEncryptedBackup(path: string, secret: string): Promise<{ start: number; end: number; decipher: ReturnType<typeof createDecipheriv> }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < BACKUP_HEADER_BYTES + TAG_BYTES) throw new BackupDecryptionError('the backup file is truncated');
    const header = Buffer.alloc(BACKUP_HEADER_BYTES);
    await handle.read(header, 0, BACKUP_HEADER_BYTES, 0);
    const tag = Buffer.alloc(TAG_BYTES);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
    const salt = header.subarray(BACKUP_MAGIC.length, BACKUP_MAGIC.length + SALT_BYTES);
    const iv = header.subarray(BACKUP_MAGIC.length + SALT_BYTES, BACKUP_MAGIC.length + SALT_BYTES + IV_BYTES);
    const prefix = header.subarray(0, BACKUP_MAGIC.length + SALT_BYTES + IV_BYTES);
    const { aes, check } = deriveKeys(secret, salt);
    if (!timingSafeEqual(keyCheck(check, prefix), header.subarray(prefix.length))) {
      throw new BackupDecryptionError('the backup was encrypted with a different BACKUP_ENCRYPTION_KEY');
    }
    const decipher = createDecipheriv('aes-256-gcm', aes, iv);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    // createReadStream's `end` is inclusive.
    return { start: BACKUP_HEADER_BYTES, end: size - TAG_BYTES - 1, decipher };
  } finally {
    await handle.close();
  }
}
