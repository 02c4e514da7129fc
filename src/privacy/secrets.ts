import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  pseudonymSecret: string;
  mediaUrlSecret: string;
}

/**
 * Outside production a missing secret is generated once and kept in the data dir (mode 0600), so
 * `npm start` works on a fresh machine and pseudonyms stay stable across restarts. A fixed
 * default would be public, and with ~10^10 Telegram ids an HMAC under a public key is reversible.
 */
export function resolveSecrets(given: Partial<Secrets>, dataDir: string): Secrets {
  if (given.pseudonymSecret && given.mediaUrlSecret) return given as Secrets;
  const file = join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  const secrets: Secrets = {
    pseudonymSecret: given.pseudonymSecret ?? stored.pseudonymSecret ?? randomBytes(32).toString('hex'),
    mediaUrlSecret: given.mediaUrlSecret ?? stored.mediaUrlSecret ?? randomBytes(32).toString('hex'),
  };
  // Only generated values are written: a secret that came from the environment never lands on disk.
  const toStore: Partial<Secrets> = { ...stored };
  if (!given.pseudonymSecret) toStore.pseudonymSecret = secrets.pseudonymSecret;
  if (!given.mediaUrlSecret) toStore.mediaUrlSecret = secrets.mediaUrlSecret;
  if (toStore.pseudonymSecret !== stored.pseudonymSecret || toStore.mediaUrlSecret !== stored.mediaUrlSecret) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(toStore, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}

/** A sub-key for one purpose, so one configured secret never keys two different things directly. */
export function deriveKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`atelier/${purpose}`).digest('hex');
}
