import { createHmac, randomBytes } from 'node:crypto';

/**
 * Replicate's webhook signing, as Replicate documents it: `webhook-signature` is
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64 part of the whsec_ secret.
 */
export const KEY = randomBytes(24);
export const SECRET = `whsec_${KEY.toString('base64')}`;
export const NOW = new Date('2026-03-01T10:00:00.000Z');

export function signed(body: string, options: { id?: string; at?: Date; key?: Buffer } = {}): Headers {
  const id = options.id ?? 'msg_2a8Rk1';
  const timestamp = String(Math.floor((options.at ?? NOW).getTime() / 1000));
  const signature = createHmac('sha256', options.key ?? KEY).update(`${id}.${timestamp}.${body}`).digest('base64');
  return new Headers({ 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` });
}
