import { describe, expect, test } from 'vitest';
import { redactPrompt } from '../src/privacy/redact.ts';
import { GENERATED_CASES, ORDINARY, POSITIVE_CASES, WRITTEN_CASES, allDigits, squash, type RedactionCase } from './helpers/redaction-cases.ts';

function expectRedacted({ input, expected, redactions, secrets }: RedactionCase): void {
  const result = redactPrompt(input);
  expect(result.text).toBe(expected);
  expect(result.redactions).toBe(redactions);
  const visible = squash(result.text);
  for (const secret of secrets) expect(visible).not.toContain(squash(secret));
}

describe('redaction table', () => {
  test('has several hundred cases in English, Russian and Persian', () => {
    const total = POSITIVE_CASES.length + ORDINARY.length;
    expect(total).toBeGreaterThanOrEqual(300);
    for (const language of ['en', 'ru', 'fa'] as const) {
      expect(POSITIVE_CASES.filter((row) => row.language === language).length).toBeGreaterThanOrEqual(100);
    }
  });

  test.each(GENERATED_CASES)('$name', (row) => expectRedacted(row));

  test.each(WRITTEN_CASES)('written: $name', (row) => expectRedacted(row));

  test.each(ORDINARY)('keeps an ordinary prompt: %s', (input) => {
    expect(redactPrompt(input)).toEqual({ text: input, redactions: 0 });
  });

  test('is idempotent on every row', () => {
    for (const row of POSITIVE_CASES) {
      const once = redactPrompt(row.input).text;
      expect(redactPrompt(once), row.name).toEqual({ text: once, redactions: 0 });
    }
  });
});

describe('every Unicode decimal digit script', () => {
  // Zeros of every run of ten \p{Nd} digits this Node knows (ASCII, Persian, Devanagari, Adlam, …).
  const zeros = [...allDigits()].filter(([, value]) => value === 0).map(([code]) => code);
  const inScript = (zero: number, ascii: string) => ascii.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)));

  test('covers all the scripts', () => {
    expect(zeros.length).toBeGreaterThanOrEqual(60);
  });

  test.each(zeros.map((zero) => [zero.toString(16).padStart(4, '0'), zero] as const))('U+%s', (_hex, zero) => {
    expect(redactPrompt(`call ${inScript(zero, '0912 345 6789')} now`).text).toBe('call [phone] now');
    expect(redactPrompt(`شماره ${inScript(zero, '09121234567')} است`).text).toBe('شماره [phone] است');
    expect(redactPrompt(`карта ${inScript(zero, '4111-1111-1111-1111')}`).text).toBe('карта [number]');
    expect(redactPrompt(`tg id ${inScript(zero, '5550123456')}`).text).toBe('tg id [number]');
    // Short numbers in any script stay what they were.
    const three = inScript(zero, '3');
    expect(redactPrompt(`${three} cats`).text).toBe(`${three.normalize('NFKC')} cats`);
  });
});
