import { describe, expect, test } from 'vitest';
import { normalizeWhitespace, redactPrompt } from '../src/privacy/redact.ts';

interface Case {
  input: string;
  expected: string;
  redactions: number;
  /** Substrings that must not survive redaction. */
  secrets: string[];
}

const cases: Case[] = [
  // Emails
  { input: 'write me at ivan.petrov@gmail.com please', expected: 'write me at [email] please', redactions: 1, secrets: ['ivan.petrov', 'gmail.com'] },
  { input: 'Contact: anna_smith+art@studio.co.uk.', expected: 'Contact: [email].', redactions: 1, secrets: ['anna_smith', 'studio.co.uk'] },
  { input: 'напиши на почту masha@yandex.ru, жду', expected: 'напиши на почту [email], жду', redactions: 1, secrets: ['masha', 'yandex.ru'] },
  { input: 'ایمیل من ali.rezaei@yahoo.com است', expected: 'ایمیل من [email] است', redactions: 1, secrets: ['ali.rezaei', 'yahoo.com'] },
  { input: 'ivan@mail.ru', expected: '[email]', redactions: 1, secrets: ['ivan', 'mail.ru'] },
  // Links
  { input: 'see https://example.com/gallery?id=42 for refs', expected: 'see [link] for refs', redactions: 1, secrets: ['example.com', 'gallery'] },
  { input: 'refs: http://my-site.org/a/b.', expected: 'refs: [link].', redactions: 1, secrets: ['my-site.org'] },
  { input: 'www.pinterest.com/pin/123 like this', expected: '[link] like this', redactions: 1, secrets: ['pinterest', '/pin/123'] },
  { input: 'like on example.com/path', expected: 'like on [link]', redactions: 1, secrets: ['example.com', 'path'] },
  { input: 'join t.me/my_channel now', expected: 'join [link] now', redactions: 1, secrets: ['t.me', 'my_channel'] },
  { input: 'мой канал t.me/art_channel, подпишись', expected: 'мой канал [link], подпишись', redactions: 1, secrets: ['art_channel'] },
  { input: 'کانال من t.me/persian_art است', expected: 'کانال من [link] است', redactions: 1, secrets: ['persian_art'] },
  { input: 'link in bio: instagram.com/my.art.page!', expected: 'link in bio: [link]!', redactions: 1, secrets: ['instagram.com', 'my.art.page'] },
  { input: 'ссылка https://vk.com/id12345678', expected: 'ссылка [link]', redactions: 1, secrets: ['vk.com', '12345678'] },
  { input: 'https://example.com/?mail=a@b.com', expected: '[link]', redactions: 1, secrets: ['a@b.com', 'example.com'] },
  { input: 'https://t.me/joinchat/AAAAAE and @someone', expected: '[link] and [handle]', redactions: 2, secrets: ['joinchat', 'someone'] },
  { input: 'сайт пример.рф', expected: 'сайт [link]', redactions: 1, secrets: ['пример'] },
  { input: 'tg://resolve?domain=artbot', expected: '[link]', redactions: 1, secrets: ['artbot'] },
  // Handles
  { input: 'follow @ivan_petrov for more', expected: 'follow [handle] for more', redactions: 1, secrets: ['ivan_petrov'] },
  { input: 'нарисуй кота как у @masha_art', expected: 'нарисуй кота как у [handle]', redactions: 1, secrets: ['masha_art'] },
  { input: 'یک گربه مثل پروفایل @ali_reza بکش', expected: 'یک گربه مثل پروفایل [handle] بکش', redactions: 1, secrets: ['ali_reza'] },
  // Phones
  { input: 'call me +7 912 345-67-89 tonight', expected: 'call me [phone] tonight', redactions: 1, secrets: ['912 345', '67-89'] },
  { input: 'мой номер +7 (912) 345-67-89, звони', expected: 'мой номер [phone], звони', redactions: 1, secrets: ['912', '345-67-89'] },
  { input: 'позвони 8-800-555-35-35 после обеда', expected: 'позвони [phone] после обеда', redactions: 1, secrets: ['800-555', '35-35'] },
  { input: 'US office (555) 123-4567 ok', expected: 'US office [phone] ok', redactions: 1, secrets: ['555', '123-4567'] },
  { input: 'phone: 555-123-4567.', expected: 'phone: [phone].', redactions: 1, secrets: ['555-123-4567'] },
  { input: '(call +7 912 345 67 89)', expected: '(call [phone])', redactions: 1, secrets: ['912 345'] },
  { input: 'شماره من +98 912 345 6789 است', expected: 'شماره من [phone] است', redactions: 1, secrets: ['912 345 6789'] },
  { input: 'شماره‌ام ۰۹۱۲ ۳۴۵ ۶۷۸۹ هست', expected: 'شماره‌ام [phone] هست', redactions: 1, secrets: ['۰۹۱۲', '۶۷۸۹'] },
  { input: 'شماره +۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹', expected: 'شماره [phone]', redactions: 1, secrets: ['۹۱۲', '۶۷۸۹'] },
  { input: 'موبایلم ۰۹۱۲۳۴۵۶۷۸۹ است', expected: 'موبایلم [phone] است', redactions: 1, secrets: ['۰۹۱۲۳۴۵۶۷۸۹'] },
  { input: 'رقم هاتفي ٠٥٠١٢٣٤٥٦٧', expected: 'رقم هاتفي [phone]', redactions: 1, secrets: ['٠٥٠١٢٣٤٥٦٧'] },
  { input: 'international 0098 912 345 6789', expected: 'international [phone]', redactions: 1, secrets: ['0098', '6789'] },
  { input: 'Привет! Я Иван, мой телефон 89161234567, почта ivan@mail.ru', expected: 'Привет! Я Иван, мой телефон [phone], почта [email]', redactions: 2, secrets: ['89161234567', 'ivan@mail.ru'] },
  // Long numbers
  { input: 'my card 4111 1111 1111 1111 expires soon', expected: 'my card [number] expires soon', redactions: 1, secrets: ['4111', '1111 1111'] },
  { input: 'карта 5536-9137-1234-5678', expected: 'карта [number]', redactions: 1, secrets: ['5536', '5678'] },
  { input: 'order id 123456789', expected: 'order id [number]', redactions: 1, secrets: ['123456789'] },
  { input: 'user id123456 in db', expected: 'user id[number] in db', redactions: 1, secrets: ['123456'] },
  { input: 'کد ملی ۱۲۳۴۵۶۷۸۹۰', expected: 'کد ملی [number]', redactions: 1, secrets: ['۱۲۳۴۵۶۷۸۹۰'] },
  { input: 'паспорт 4510 123456', expected: 'паспорт [number]', redactions: 1, secrets: ['123456', '4510'] },
  // Mixed
  { input: 'email a@b.io or call +1 415 555 0134, tg @artist_1', expected: 'email [email] or call [phone], tg [handle]', redactions: 3, secrets: ['a@b.io', '415 555', 'artist_1'] },
  {
    input: 'سلام، من مریم هستم. ایمیل: maryam@gmail.com و تلگرام @maryam_art',
    expected: 'سلام، من مریم هستم. ایمیل: [email] و تلگرام [handle]',
    redactions: 2,
    secrets: ['maryam@', 'maryam_art'],
  },
  {
    input: 'Нарисуй дракона для канала @dragon_art (t.me/dragon_art), заказы: +7 999 123-45-67',
    expected: 'Нарисуй дракона для канала [handle] ([link]), заказы: [phone]',
    redactions: 3,
    secrets: ['dragon_art', '999 123', '45-67'],
  },
];

describe('redactPrompt', () => {
  test.each(cases)('$input', ({ input, expected, redactions, secrets }) => {
    const result = redactPrompt(input);
    expect(result.text).toBe(expected);
    expect(result.redactions).toBe(redactions);
    for (const secret of secrets) expect(result.text).not.toContain(secret);
  });

  test.each(cases)('is idempotent: $input', ({ input }) => {
    const once = redactPrompt(input).text;
    expect(redactPrompt(once)).toEqual({ text: once, redactions: 0 });
  });

  const untouched = [
    'a 4k photo of 3 cats in 1920s Paris',
    '16:9',
    'iPhone 15',
    'aspect ratio 16:9, 8k, 2024',
    'a 1920x1080 wallpaper',
    'born in 1990, painted in 2024',
    'top 10 castles of 2023',
    '3 котёнка и 2 щенка на диване',
    'сорок два кота, 42 собаки',
    'سه گربه در سال ۱۴۰۲',
    '۳ گربه و ۲ سگ',
    'on 2024-05-12 at 10:30',
    'дата 12.05.2024',
    '1 000 000 stars in the sky',
    'version 1.2.3 of the logo',
    'pi is 3.14',
    'e.g. a cat in a hat',
    'Mr.Smith and Dr.Who',
    'cats.Then dogs',
    'the node.js logo',
    'file.png as reference',
    'meet me @ 5pm',
    'C# and F# logos',
    '50% off sale poster',
    '#sunset #cats',
    'price $25.99',
    'Москва 2025, 35mm photo',
    'GPT-4o and RTX 4090',
    'history 1990-2000',
    'years 1939 1945',
    'archive photos 1941 1942 1943',
    'photo taken 2024-05-12 10:30',
    'فیلم‌های سال‌های ۱۴۰۰ ۱۴۰۱ ۱۴۰۲',
    'a ship at 59.9343 north',
    'портрет в стиле 90-х',
    'عکس با لنز ۵۰ میلی‌متری',
    'a @ab tag',
  ];

  test.each(untouched)('keeps ordinary text: %s', (input) => {
    expect(redactPrompt(input)).toEqual({ text: input, redactions: 0 });
  });

  test('keeps Russian and Persian text around the placeholders intact', () => {
    const result = redactPrompt('Котёнок в шляпе, пиши @kitten_fan — گربه‌ی کوچک ایران');
    expect(result.text).toBe('Котёнок в шляпе, пиши [handle] — گربه‌ی کوچک ایران');
  });

  test('normalizes whitespace before redacting', () => {
    expect(redactPrompt('  call\t+7 912 345 67 89\u00A0 now  ').text).toBe('call [phone] now');
  });

  test('zero-width characters cannot split an email past the pattern', () => {
    const result = redactPrompt('ivan\u200B@mail\u200B.ru');
    expect(result.text).toBe('[email]');
  });

  const adversarial = [
    'a.'.repeat(10_000),
    'a@'.repeat(10_000),
    '1 '.repeat(10_000),
    `${'1-'.repeat(10_000)}x`,
    `${'x'.repeat(10_000)}@`,
    `https://x.com/${'.'.repeat(10_000)}a`,
    `@${'a_'.repeat(5_000)}`,
    '+1 ('.repeat(3_000),
    `${'a-'.repeat(5_000)}.com`,
    '۱'.repeat(10_000),
    `${'a'.repeat(5_000)}@${'b.'.repeat(2_500)}`,
    'www.'.repeat(2_500),
    `${'(1) '.repeat(2_500)}`,
  ];

  // No timing assertion (it would flake on slow CI); a catastrophic pattern would hang the suite instead.
  test.each(adversarial.map((input, index) => [index, input] as const))('adversarial input %i finishes', (_index, input) => {
    const result = redactPrompt(input);
    expect(typeof result.text).toBe('string');
  });

  // Inputs shaped against each pattern (spelled-out forms, separators, invisible characters), at a prompt's length.
  const PROMPT_LENGTH = 4000;
  const fill = (unit: string, tail = '') => unit.repeat(Math.ceil((PROMPT_LENGTH - tail.length) / unit.length)).slice(0, PROMPT_LENGTH - tail.length) + tail;
  const shaped: Record<string, string> = {
    'spelled at': fill('a at '),
    'spelled dot': fill('a dot '),
    'one at, many dots, no TLD': `x at ${fill('a dot ', ' zzz9')}`.slice(0, PROMPT_LENGTH),
    'bracketed forms': fill('a[at]b[dot]'),
    'bracketed dots with spaces': fill('a (dot) '),
    'emails without TLD': fill('a@b dot '),
    'spelled email loop': fill('ivan at mail dot '),
    'commas': fill('1,'),
    'slashes': fill('1/'),
    'underscores': fill('1_'),
    'parentheses': fill('(1) '),
    'digits and ZWNJ': fill('0\u200C'),
    'ZWNJ and digits': fill('\u200C1'),
    'tatweel': fill('\u0640'),
    'marks on a digit': `1${fill('\u0301')}`.slice(0, PROMPT_LENGTH),
    'IPv4-ish': fill('1.1.'),
    'IPv6-ish': fill('a:'),
    'hex and double colons': fill('abcd::'),
    'handles with dots': fill('@a.'),
    'dotted labels': fill('a.'),
    'dotted labels, no TLD': fill('a1.', 'x'),
    'www': fill('www.'),
    'schemes': fill('a://'),
    'hyphenated host': fill('a-', '.com'),
    'invisible soup': fill('\u200B\u200C\u200D\u2060\uFEFF\u00AD'),
  };

  test.each(Object.entries(shaped))('adversarial %s: 4000 chars in well under 200 ms', (_name, input) => {
    redactPrompt('warm up ivan@mail.ru +7 912 345 67 89');
    const started = performance.now();
    redactPrompt(input);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('normalizeWhitespace', () => {
  test.each([
    ['  a   b  ', 'a b'],
    ['a\t\tb', 'a b'],
    ['a\u00A0\u00A0b', 'a b'],
    ['line one  \n   line two', 'line one\nline two'],
    ['a\r\nb', 'a\nb'],
    ['a\n\n\n\n\nb', 'a\n\nb'],
    ['a\u200Bb\uFEFF', 'ab'],
    ['گربه\u200Cها', 'گربه\u200Cها'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeWhitespace(input)).toBe(expected);
  });
});
