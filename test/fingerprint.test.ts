import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { fingerprintPrompt, normalizePrompt } from '../src/privacy/fingerprint.ts';

describe('normalizePrompt', () => {
  test.each([
    ['Hello,   World!', 'hello world'],
    ['  A  cat\n\tin a hat. ', 'a cat in a hat'],
    ['Sci-Fi city', 'sci fi city'],
    ['Ёжик в тумане', 'ежик в тумане'],
    ['ЁЛКА', 'елка'],
    ['Кот — «Барсик»!', 'кот барсик'],
    ['كتاب عربي', 'کتاب عربی'],
    ['گربه\u200Cها', 'گربه ها'],
    ['سلامـــ دنیا', 'سلام دنیا'],
    ['مُحَمَّد', 'محمد'],
    ['خانهٔ من', 'خانه من'],
    ['پائیز', 'پاییز'],
    ['۱۲۳ گربه', '123 گربه'],
    ['٣ قطط', '3 قطط'],
    ['१२३ बिल्लियाँ', '123 बिल्लियाँ'],
    ['𞥑𞥒 cats', '12 cats'],
    ['a\u3164b c\u034Fd e\u00ADf', 'ab cd ef'],
    ['a\u2066b\u2069 c\u{E0041}d', 'ab cd'],
    ['ｆｕｌｌｗｉｄｔｈ １２', 'fullwidth 12'],
    ['ﬁne art', 'fine art'],
    ['call [phone] or [email]', 'call phone or email'],
    ['a\u200Bb', 'ab'],
    ['cat 🐱 + dog = ❤️', 'cat dog'],
    ['سلام، دنیا؟', 'سلام دنیا'],
    ['', ''],
    ['...!!!', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizePrompt(input)).toBe(expected);
  });
});

const KEY = 'test-fingerprint-key';
const fingerprint = (text: string) => fingerprintPrompt(text, KEY);

describe('fingerprintPrompt', () => {
  test('is the first 32 hex chars of HMAC-SHA256 over the normalized prompt, and depends on the key', () => {
    const expected = createHmac('sha256', KEY).update('a cat in a hat').digest('hex').slice(0, 32);
    expect(fingerprint('A cat, in a hat!')).toBe(expected);
    expect(fingerprintPrompt('A cat, in a hat!', 'another-key')).not.toBe(expected);
    expect(() => fingerprintPrompt('a cat', '')).toThrow();
  });

  test.each([
    ['a cat in a hat'],
    ['Дракон над замком'],
    ['گربه در باغ'],
  ])('is 32 lowercase hex chars: %s', (input) => {
    expect(fingerprint(input)).toMatch(/^[0-9a-f]{32}$/);
  });

  test.each([
    [['A cat in a hat', 'a  cat in a hat!', 'A CAT, IN A HAT.', '  a cat — in a hat  ']],
    [['Дракон над замком', 'дракон   над замком!!', 'ДРАКОН, НАД ЗАМКОМ']],
    [['Ёлка в снегу', 'елка в снегу']],
    [['گربه‌ها در باغ', 'گربه ها در باغ', 'گربه‌ها  در باغ!']],
    [['كتاب قديمي', 'کتاب قدیمی']],
    [['۳ گربه', '3 گربه', '٣ گربه', '३ گربه', '৩ گربه', '๓ گربه']],
    [['sci-fi city', 'Sci Fi City', 'sci/fi city']],
    [['call [phone]', 'call phone']],
  ])('same fingerprint for %j', (variants) => {
    const fingerprints = new Set(variants.map(fingerprint));
    expect(fingerprints.size).toBe(1);
  });

  test.each([
    ['a cat', 'a dog'],
    ['cat', 'cats'],
    ['a cat in a hat', 'a hat in a cat'],
    ['кот', 'кит'],
    ['гора', 'горы'],
    ['گربه', 'سگ'],
    ['scifi city', 'sci fi city'],
    ['3 cats', '4 cats'],
  ])('different fingerprints for %j and %j', (a, b) => {
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});
