/**
 * Property: inserting invisible characters anywhere in a prompt never brings redacted details back.
 * Seeded, so a failure replays: set REDACT_PROPERTY_SEED to explore other seeds locally.
 */
import { describe, expect, test } from 'vitest';
import { redactPrompt } from '../src/privacy/redact.ts';
import { POSITIVE_CASES, squash, type RedactionCase } from './helpers/redaction-cases.ts';

const SEED = Number(process.env['REDACT_PROPERTY_SEED'] ?? 0x13c0ffee);
const RUNS = 4000;

/** mulberry32: small, fast, good enough to pick positions and characters. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function codePoints(pattern: RegExp, from: number, to: number): number[] {
  const found: number[] = [];
  for (let code = from; code <= to; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (pattern.test(String.fromCodePoint(code))) found.push(code);
  }
  return found;
}

/** Every default-ignorable code point (ZWNJ, ZWJ, bidi marks, soft hyphen, variation selectors, tags, …). */
const DEFAULT_IGNORABLE = codePoints(/^\p{Default_Ignorable_Code_Point}$/u, 0, 0x10ffff);
/** Format characters and tatweel, which Persian keyboards also type on their own. */
const OTHER_INVISIBLE = [...codePoints(/^\p{Cf}$/u, 0, 0x10ffff).filter((code) => !DEFAULT_IGNORABLE.includes(code)), 0x0640];
const COMBINING_MARKS = codePoints(/^\p{M}$/u, 0, 0x2ffff);

/** What a reader compares: invisible characters gone, whitespace collapsed. */
function canonical(text: string): string {
  return text
    .replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}\u0640]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

function insertAt(text: string, positions: readonly number[], chars: readonly string[]): string {
  const units = [...text];
  const inserted = new Map(positions.map((position, index) => [position, chars[index] ?? '']));
  return units.map((char, index) => (inserted.get(index) ?? '') + char).join('') + (inserted.get(units.length) ?? '');
}

interface Failure {
  seed: number;
  run: number;
  input: string;
  output: string;
  expected: string;
}

function check(row: RedactionCase, mutated: string, run: number, failures: Failure[]): void {
  const baseline = redactPrompt(row.input);
  const result = redactPrompt(mutated);
  const visible = squash(result.text);
  const leaked = row.secrets.some((secret) => visible.includes(squash(secret)));
  if (leaked || canonical(result.text) !== canonical(baseline.text) || result.redactions !== baseline.redactions) {
    failures.push({ seed: SEED, run, input: JSON.stringify(mutated), output: result.text, expected: baseline.text });
  }
}

describe('invisible characters never bring redacted details back', () => {
  test('the character pools are the whole Unicode classes', () => {
    expect(DEFAULT_IGNORABLE.length).toBeGreaterThan(4000);
    expect(DEFAULT_IGNORABLE).toEqual(expect.arrayContaining([0x00ad, 0x034f, 0x061c, 0x200c, 0x200d, 0x200e, 0x200f, 0xfe0f, 0xe0020]));
    expect(OTHER_INVISIBLE).toEqual(expect.arrayContaining([0x0600, 0x06dd, 0x0640]));
  });

  test(`any default-ignorable or format character, inserted anywhere (${RUNS} seeded runs, seed ${SEED})`, () => {
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const failures: Failure[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const row = pick(POSITIVE_CASES);
      const length = [...row.input].length;
      const count = 1 + Math.floor(random() * 4);
      const positions = Array.from({ length: count }, () => Math.floor(random() * (length + 1)));
      const chars = positions.map(() => String.fromCodePoint(random() < 0.85 ? pick(DEFAULT_IGNORABLE) : pick(OTHER_INVISIBLE)));
      check(row, insertAt(row.input, positions, chars), run, failures);
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test(`combining marks after any digit (${RUNS} seeded runs, seed ${SEED})`, () => {
    const random = prng(SEED ^ 0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const withDigits = POSITIVE_CASES.filter((row) => /\p{Nd}/u.test(row.input));
    const failures: Failure[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const row = pick(withDigits);
      const units = [...row.input];
      const digitPositions = units.flatMap((char, index) => (/\p{Nd}/u.test(char) ? [index + 1] : []));
      const positions = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(digitPositions)))];
      const chars = positions.map(() => String.fromCodePoint(pick(COMBINING_MARKS)));
      const mutated = insertAt(row.input, positions, chars);
      const result = redactPrompt(mutated);
      const visible = squash(result.text);
      if (row.secrets.some((secret) => visible.includes(squash(secret))) || result.redactions !== redactPrompt(row.input).redactions) {
        failures.push({ seed: SEED, run, input: JSON.stringify(mutated), output: result.text, expected: redactPrompt(row.input).text });
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test('every default-ignorable character, at every position of a Persian phone, an email and a link', () => {
    const targets = ['شماره من ۰۹۱۲۳۴۵۶۷۸۹ است', 'ivan.petrov@gmail.com', 'see t.me/my_channel'];
    const failures: string[] = [];
    for (const target of targets) {
      const baseline = canonical(redactPrompt(target).text);
      const units = [...target];
      for (const code of DEFAULT_IGNORABLE) {
        // Every position for the BMP characters; the 4,000 tags and variation selectors beyond it at one position each.
        const positions = code <= 0xffff ? units.map((_, index) => index) : [1 + (code % (units.length - 1))];
        for (const position of positions) {
          const mutated = insertAt(target, [position], [String.fromCodePoint(code)]);
          if (canonical(redactPrompt(mutated).text) !== baseline) failures.push(`U+${code.toString(16)} at ${position} in ${target}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
