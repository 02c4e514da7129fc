import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createPseudonymizer, pseudonymize } from '../src/privacy/pseudonym.ts';

const SECRET = 'test-secret-0123456789';
const ids = [5_123_456_789, 123_456_789, 777_000, 1_087_968_824, 6_543_210_987];

describe('pseudonymize', () => {
  test('matches the HMAC-SHA256 reference vector', () => {
    expect(pseudonymize('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  test.each(ids)('id %i: 64 hex chars, deterministic, raw id not contained', (id) => {
    const pseudonym = pseudonymize(SECRET, id);
    expect(pseudonym).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymize(SECRET, id)).toBe(pseudonym);
    expect(pseudonym).not.toContain(String(id));
    expect(pseudonym).toBe(createHmac('sha256', SECRET).update(String(id)).digest('hex'));
  });

  test.each(ids)('id %i: number, string and bigint forms are the same user', (id) => {
    const expected = pseudonymize(SECRET, id);
    expect(pseudonymize(SECRET, String(id))).toBe(expected);
    expect(pseudonymize(SECRET, BigInt(id))).toBe(expected);
  });

  test.each(ids)('id %i: a different secret gives a different pseudonym', (id) => {
    expect(pseudonymize('other-secret', id)).not.toBe(pseudonymize(SECRET, id));
  });

  test('different ids give different pseudonyms', () => {
    const pseudonyms = new Set(ids.map((id) => pseudonymize(SECRET, id)));
    expect(pseudonyms.size).toBe(ids.length);
  });

  test('refuses an empty secret', () => {
    expect(() => pseudonymize('', 42)).toThrow();
    expect(() => createPseudonymizer('')).toThrow();
  });
});

describe('createPseudonymizer', () => {
  test.each(ids)('id %i: same result as pseudonymize', (id) => {
    const pseudonymizeUser = createPseudonymizer(SECRET);
    expect(pseudonymizeUser(id)).toBe(pseudonymize(SECRET, id));
    expect(pseudonymizeUser(BigInt(id))).toBe(pseudonymize(SECRET, id));
  });
});
