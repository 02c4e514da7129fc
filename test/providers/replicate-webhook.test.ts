import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { SECRET, NOW, signed } from '../helpers/replicate-signing.ts';
import { createPredictionWakeups, verifyReplicateWebhook } from '../../src/generation/providers/replicate-webhook.ts';

/**
 * Issue 15: Replicate webhooks, signed as Replicate documents them (webhook-id, webhook-timestamp,
 * webhook-signature = `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the whsec_ secret).
 */

describe('verifyReplicateWebhook', () => {
  const body = JSON.stringify({ id: 'p1', status: 'succeeded', output: ['https://replicate.delivery/x.png'] });

  test('a delivery signed with the secret is accepted, also among other signatures (key rotation)', () => {
    expect(verifyReplicateWebhook(signed(body), body, SECRET, NOW)).toEqual({ ok: true, predictionId: 'p1', status: 'succeeded' });
    const rotated = signed(body);
    rotated.set('webhook-signature', `v1,${randomBytes(32).toString('base64')} ${rotated.get('webhook-signature')}`);
    expect(verifyReplicateWebhook(rotated, body, SECRET, NOW).ok).toBe(true);
  });

  test('a changed body, another key, an old timestamp or missing headers are refused', () => {
    expect(verifyReplicateWebhook(signed(body), body.replace('succeeded', 'failed'), SECRET, NOW)).toMatchObject({ ok: false, status: 401, reason: 'bad_signature' });
    expect(verifyReplicateWebhook(signed(body, { key: randomBytes(24) }), body, SECRET, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyReplicateWebhook(signed(body, { at: new Date(NOW.getTime() - 6 * 60_000) }), body, SECRET, NOW)).toMatchObject({ ok: false, reason: 'stale' });
    expect(verifyReplicateWebhook(new Headers(), body, SECRET, NOW)).toMatchObject({ ok: false, status: 400, reason: 'missing_headers' });
  });
});

test('a delivery that overtakes the create call still wakes the poll loop when it starts listening', async () => {
  const wakeups = createPredictionWakeups();
  expect(wakeups.wake('p9')).toBe(false);
  let woken = 0;
  wakeups.listen('p9', () => woken++);
  await Promise.resolve();
  expect(woken).toBe(1);
  expect(wakeups.wake('p9')).toBe(true);
  expect(woken).toBe(2);
});
