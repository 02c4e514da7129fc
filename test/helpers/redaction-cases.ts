/**
 * The redaction table: contact details and identifiers in English, Russian and Persian prompts, each written
 * plainly and with the tricks that used to get past the redactor (invisible and format characters inside the
 * token, other digit scripts, look-alike separators), plus written-out forms and ordinary prompts that must
 * survive untouched. Shared by the table test and the property test.
 */

export type Language = 'en' | 'ru' | 'fa';
type Label = '[email]' | '[phone]' | '[link]' | '[handle]' | '[number]';

export interface RedactionCase {
  name: string;
  language: Language;
  input: string;
  expected: string;
  redactions: number;
  /** Must not appear in the output, compared with squash(): letters and digits only, digits in ASCII. */
  secrets: string[];
}

interface Pii {
  value: string;
  label: Label;
  secrets: string[];
}

const PII: readonly Pii[] = [
  // Phones: Russian, Iranian, US, UK, written every usual way.
  { value: '+7 912 345-67-89', label: '[phone]', secrets: ['9123456789'] },
  { value: '8 (916) 123-45-67', label: '[phone]', secrets: ['9161234567'] },
  { value: '8-800-555-35-35', label: '[phone]', secrets: ['8005553535'] },
  { value: '+98 912 345 6789', label: '[phone]', secrets: ['9123456789'] },
  { value: '09121234567', label: '[phone]', secrets: ['9121234567'] },
  { value: '0912 345 6789', label: '[phone]', secrets: ['9123456789'] },
  { value: '0098 21 8888 7777', label: '[phone]', secrets: ['2188887777'] },
  { value: '+1 (415) 555-0134', label: '[phone]', secrets: ['4155550134'] },
  { value: '555.123.4567', label: '[phone]', secrets: ['5551234567'] },
  { value: '+44 20 7946 0958', label: '[phone]', secrets: ['2079460958'] },
  // Cards and account numbers.
  { value: '4111 1111 1111 1111', label: '[number]', secrets: ['4111111111111111'] },
  { value: '5536-9137-1234-5678', label: '[number]', secrets: ['5536913712345678'] },
  { value: '6037 9975 9959 1234', label: '[number]', secrets: ['6037997599591234'] },
  { value: '2202/2063/1234/5678', label: '[number]', secrets: ['2202206312345678'] },
  { value: '378282246310005', label: '[number]', secrets: ['378282246310005'] },
  // Telegram user ids.
  { value: '5550123456', label: '[number]', secrets: ['5550123456'] },
  { value: '987654321', label: '[number]', secrets: ['987654321'] },
  { value: '7012345678', label: '[number]', secrets: ['7012345678'] },
  // Emails.
  { value: 'ivan.petrov@gmail.com', label: '[email]', secrets: ['ivanpetrov', 'gmail'] },
  { value: 'maryam_art+2024@yahoo.co.uk', label: '[email]', secrets: ['maryamart', 'yahoo'] },
  { value: 'masha@yandex.ru', label: '[email]', secrets: ['masha', 'yandex'] },
  { value: 'ali.rezaei@chmail.ir', label: '[email]', secrets: ['alirezaei', 'chmail'] },
  // Handles.
  { value: '@ivan_petrov', label: '[handle]', secrets: ['ivanpetrov'] },
  { value: '@masha_art', label: '[handle]', secrets: ['mashaart'] },
  { value: '@ali_reza_92', label: '[handle]', secrets: ['alireza92'] },
  // Links, with and without a scheme, on TLDs of any country.
  { value: 'https://example.com/gallery?id=42', label: '[link]', secrets: ['example', 'gallery'] },
  { value: 't.me/my_channel', label: '[link]', secrets: ['mychannel'] },
  { value: 'www.artstation.com/artist', label: '[link]', secrets: ['artstation'] },
  { value: 'myportfolio.it/works', label: '[link]', secrets: ['myportfolio'] },
  { value: 'studio-shop.com.tr', label: '[link]', secrets: ['studioshop'] },
  { value: 'instagram.com/my.art.page', label: '[link]', secrets: ['myartpage'] },
  { value: 'rezaart.ir', label: '[link]', secrets: ['rezaart'] },
  { value: 'gallery.photography', label: '[link]', secrets: ['galleryphotography'] },
  // IP addresses.
  { value: '192.168.10.20', label: '[link]', secrets: ['1921681020'] },
  { value: '203.0.113.45:8080', label: '[link]', secrets: ['203011345'] },
];

const FRAMES: Readonly<Record<Language, readonly ((pii: string) => string)[]>> = {
  en: [
    (pii) => `please reach me via ${pii} tonight`,
    (pii) => `draw a red fox, my contact: ${pii}.`,
    (pii) => pii,
    (pii) => `a castle at dusk (details ${pii})`,
  ],
  ru: [
    (pii) => `нарисуй кота, мой контакт ${pii}, спасибо`,
    (pii) => `Пиши сюда: ${pii}!`,
    (pii) => `дракон над замком — ${pii}`,
  ],
  fa: [
    (pii) => `اطلاعات تماس من ${pii} است`,
    (pii) => `یک گربه بکش و بفرست به ${pii} لطفا`,
    (pii) => `سلام، ${pii}`,
  ],
};

/** Inserts `char` after every `every`-th character of `value` (never at either end). */
function inside(char: string, every = 2): (value: string) => string {
  return (value) => {
    const chars = [...value];
    return chars.map((c, index) => (index > 0 && index % every === 0 ? char + c : c)).join('');
  };
}

function digitsFrom(zero: number): (value: string) => string {
  return (value) => value.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)));
}

function replaceEach(from: string, to: string): (value: string) => string {
  return (value) => value.split(from).join(to);
}

interface Transform {
  name: string;
  apply: (value: string) => string;
}

const TRANSFORMS: readonly Transform[] = [
  { name: 'plain', apply: (value) => value },
  // Invisible and format characters, including the ones Persian keyboards type on their own.
  { name: 'ZWNJ', apply: inside('\u200C') },
  { name: 'ZWJ', apply: inside('\u200D', 3) },
  { name: 'LRM', apply: inside('\u200E', 3) },
  { name: 'RLM', apply: inside('\u200F') },
  { name: 'ALM', apply: inside('\u061C', 4) },
  { name: 'tatweel', apply: inside('\u0640', 3) },
  { name: 'ZWSP', apply: inside('\u200B', 2) },
  { name: 'soft hyphen', apply: inside('\u00AD', 3) },
  { name: 'word joiner', apply: inside('\u2060', 3) },
  { name: 'BOM', apply: inside('\uFEFF', 4) },
  { name: 'RLO', apply: inside('\u202E', 5) },
  { name: 'LRI', apply: inside('\u2066', 5) },
  { name: 'variation selector', apply: inside('\uFE0F', 3) },
  { name: 'CGJ', apply: inside('\u034F', 3) },
  { name: 'Mongolian vowel separator', apply: inside('\u180E', 4) },
  { name: 'invisible separator', apply: inside('\u2063', 3) },
  { name: 'tag space', apply: inside('\u{E0020}', 4) },
  { name: 'combining mark after digits', apply: (value) => value.replace(/(\d)(?=\d)/g, '$1\u0301') },
  // Other digit scripts.
  { name: 'Persian digits', apply: digitsFrom(0x06f0) },
  { name: 'Arabic-Indic digits', apply: digitsFrom(0x0660) },
  { name: 'Devanagari digits', apply: digitsFrom(0x0966) },
  { name: 'Bengali digits', apply: digitsFrom(0x09e6) },
  { name: 'Thai digits', apply: digitsFrom(0x0e50) },
  { name: 'Mathematical bold digits', apply: digitsFrom(0x1d7ce) },
  { name: 'Adlam digits', apply: digitsFrom(0x1e950) },
  { name: 'full-width', apply: (value) => value.replace(/[!-~]/g, (char) => String.fromCodePoint(char.charCodeAt(0) + 0xfee0)) },
  // Look-alike separators.
  { name: 'narrow no-break spaces', apply: replaceEach(' ', '\u202F') },
  { name: 'braille blank spaces', apply: replaceEach(' ', '\u2800') },
  { name: 'en dashes', apply: replaceEach('-', '\u2013') },
  { name: 'minus signs', apply: replaceEach('-', '\u2212') },
  { name: 'ideographic full stops', apply: replaceEach('.', '\u3002') },
  { name: 'middle dots', apply: replaceEach('.', '\u00B7') },
  { name: 'small commercial at', apply: replaceEach('@', '\uFE6B') },
  { name: 'division slashes', apply: replaceEach('/', '\u2215') },
];

const LANGUAGES: readonly Language[] = ['en', 'ru', 'fa'];

function generated(): RedactionCase[] {
  const cases: RedactionCase[] = [];
  PII.forEach((pii, piiIndex) => {
    TRANSFORMS.forEach((transform, transformIndex) => {
      const value = transform.apply(pii.value);
      if (transform.name !== 'plain' && value === pii.value) return;
      const language = LANGUAGES[(piiIndex + transformIndex) % LANGUAGES.length] ?? 'en';
      const frames = FRAMES[language];
      const frame = frames[(piiIndex * 7 + transformIndex) % frames.length] ?? ((text: string) => text);
      cases.push({
        name: `${transform.name}: ${pii.value} (${language})`,
        language,
        input: frame(value),
        expected: frame(pii.label),
        redactions: 1,
        secrets: pii.secrets,
      });
    });
  });
  return cases;
}

const written = (
  language: Language,
  input: string,
  expected: string,
  secrets: string[],
  redactions = (expected.match(/\[(?:email|phone|link|handle|number)\]/g) ?? []).length,
): RedactionCase => ({ name: input, language, input, expected, redactions, secrets });

/** Written-out forms and shapes the audit found getting through, in the words people actually use. */
const WRITTEN: readonly RedactionCase[] = [
  // Spelled-out emails.
  written('en', 'write to ivan at mail dot ru about the dragon', 'write to [email] about the dragon', ['ivan', 'mailru']),
  written('en', 'name at example dot com', '[email]', ['name', 'example']),
  written('en', 'my email: ivan [at] gmail [dot] com', 'my email: [email]', ['ivan', 'gmail']),
  written('en', 'ivan(at)gmail(dot)com', '[email]', ['ivan', 'gmail']),
  written('en', 'ivan{at}gmail{dot}com please', '[email] please', ['ivan', 'gmail']),
  written('en', 'ivan <at> gmail <dot> com', '[email]', ['ivan', 'gmail']),
  written('en', 'mail ivan [ at ] gmail [ dot ] com now', 'mail [email] now', ['ivan', 'gmail']),
  written('en', 'write ivan AT gmail DOT com', 'write [email]', ['ivan', 'gmail']),
  written('en', 'contact: ivan.petrov at gmail.com', 'contact: [email]', ['ivanpetrov', 'gmail']),
  written('en', 'ivan@gmail dot com', '[email]', ['ivan', 'gmail']),
  written('en', 'ivan at mail dot co dot uk', '[email]', ['ivan', 'mailco']),
  written('en', 'art (at) studio (dot) photography', '[email]', ['studio']),
  written('en', 'ivan[at]studio[.]de', '[email]', ['ivan', 'studio']),
  written('en', 'ivan (@) studio.de', '[email]', ['ivan', 'studio']),
  written('en', 'ivan @ studio.de', '[email]', ['ivan', 'studio']),
  written('en', 'Ivan Petrov at Example dot com', 'Ivan [email]', ['petrov', 'example']),
  written('ru', 'пиши ivan собака mail точка ru', 'пиши [email]', ['ivan', 'mailru']),
  written('ru', 'почта: ivan (собака) mail (точка) ru, жду', 'почта: [email], жду', ['ivan', 'mailru']),
  written('ru', 'masha собачка yandex.ru', '[email]', ['masha', 'yandex']),
  written('ru', 'masha at yandex dot ru — мой ящик', '[email] — мой ящик', ['masha', 'yandex']),
  written('ru', 'адрес masha[собака]yandex[точка]ru', 'адрес [email]', ['masha', 'yandex']),
  written('fa', 'ایمیل من ali ات gmail دات com است', 'ایمیل من [email] است', ['ali', 'gmail']),
  written('fa', 'ایمیل: ali at gmail نقطه com', 'ایمیل: [email]', ['ali', 'gmail']),
  written('fa', 'ایمیلم ali.rezaei اَت yahoo دات com هست', 'ایمیلم [email] هست', ['alirezaei', 'yahoo']),
  written('fa', 'ایمیل ali[at]chmail[dot]ir', 'ایمیل [email]', ['ali', 'chmail']),
  // Hosts on any TLD, written out, IDN.
  written('en', 'see my work on rezaart.ir and myportfolio.it', 'see my work on [link] and [link]', ['rezaart', 'myportfolio']),
  written('en', 'portfolio: example.co.uk/works.', 'portfolio: [link].', ['example', 'works']),
  written('en', 'shop at studio-shop.com.tr today', 'shop at [link] today', ['studioshop']),
  written('en', 'visit example dot com', 'visit [link]', ['example']),
  written('en', 'visit example(dot)com/shop', 'visit [link]', ['example', 'shop']),
  written('en', 'visit example[.]com', 'visit [link]', ['example']),
  written('en', 'look at example.com', 'look at [link]', ['example']),
  written('en', 'I work at studio.design now', 'I work at [link] now', ['studio']),
  written('en', 'my site EXAMPLE.COM', 'my site [link]', ['example']),
  written('en', 'Visit example.com.Then draw a cat', 'Visit [link].Then draw a cat', ['example']),
  written('en', 'reference at www.example.gallery/x', 'reference at [link]', ['example']),
  written('en', 'server 10.0.0.15 and 2001:db8:85a3::8a2e:370:7334', 'server [link] and [link]', ['100015', '85a3', '8a2e']),
  written('en', 'defanged 192[.]168[.]1[.]10', 'defanged [link]', ['192168110']),
  written('en', 'ip 192.168.0.12/admin, thanks', 'ip [link], thanks', ['192168012', 'admin']),
  written('ru', 'сайт президент.рф, там всё', 'сайт [link], там всё', ['президент']),
  written('ru', 'мой сайт ivan-art.by', 'мой сайт [link]', ['ivanart']),
  written('ru', 'канал t.me/art_channel_ru', 'канал [link]', ['artchannelru']),
  written('ru', 'портфолио КОТ.РФ', 'портфолио [link]', ['кот']),
  written('fa', 'سایت من rezaart.ir است', 'سایت من [link] است', ['rezaart']),
  written('fa', 'سایت من نمونه.ایران است', 'سایت من [link] است', ['نمونه']),
  written('fa', 'کانال من t.me/persian_art است', 'کانال من [link] است', ['persianart']),
  // Digits grouped by commas, slashes, underscores, dots, brackets.
  written('en', 'call 0912,345,6789', 'call [phone]', ['9123456789']),
  written('en', 'call 0912/345/6789', 'call [phone]', ['9123456789']),
  written('en', 'call 0912_345_6789', 'call [phone]', ['9123456789']),
  written('en', 'call (0912) 345.6789', 'call [phone]', ['9123456789']),
  written('en', 'card 4111/1111/1111/1111', 'card [number]', ['4111111111111111']),
  written('en', 'card 4111_1111_1111_1111', 'card [number]', ['4111111111111111']),
  written('en', 'card 4111,1111,1111,1111', 'card [number]', ['4111111111111111']),
  written('en', 'card 4111.1111.1111.1111', 'card [number]', ['4111111111111111']),
  written('en', 'card 4111 - 1111 - 1111 - 1111', 'card [number]', ['4111111111111111']),
  written('en', 'dial 0 9 1 2 3 4 5 6 7 8 9', 'dial [phone]', ['09123456789']),
  written('en', 'my id is 1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣', 'my id is [number]', ['1234567']),
  written('en', 'user_id_5550123456', 'user_id_[number]', ['5550123456']),
  written('en', 'tg id: 5550123456', 'tg id: [number]', ['5550123456']),
  written('en', 'id 555 012 3456', 'id [phone]', ['5550123456']),
  written('en', 'cats,0912,345,6789', 'cats,[phone]', ['9123456789']),
  written('ru', 'карта 2202/2063/1234/5678, спасибо', 'карта [number], спасибо', ['2202206312345678']),
  written('ru', 'тел. +7 (912) 345 67 89', 'тел. [phone]', ['9123456789']),
  written('ru', 'звони 8(912)3456789', 'звони [phone]', ['9123456789']),
  written('fa', 'شماره‌ام ۰۹۱۲٬۳۴۵٬۶۷۸۹ است', 'شماره‌ام [phone] است', ['9123456789']),
  written('fa', 'کارت ۶۰۳۷-۹۹۷۵-۹۹۵۹-۱۲۳۴', 'کارت [number]', ['6037997599591234']),
  written('fa', 'شماره‌ام ۰۹۱۲۳۴۵۶۷۸۹‌ است', 'شماره‌ام [phone]\u200C است', ['9123456789']),
  written('fa', 'آیدی تلگرام ۵۵۵۰۱۲۳۴۵۶', 'آیدی تلگرام [number]', ['5550123456']),
  // Several at once.
  written(
    'en',
    'email a\u200C@b.io or call +1\u00A0415\u2009555\u20130134, tg @artist\u200D_1',
    'email [email] or call [phone], tg [handle]',
    ['4155550134', 'artist1'],
  ),
  written(
    'ru',
    'Нарисуй дракона для @dragon\u200C_art (t\u200B.me/dragon_art), заказы: +7\u202F999\u202F123\u201145\u201167',
    'Нарисуй дракона для [handle] ([link]), заказы: [phone]',
    ['dragonart', '9991234567'],
  ),
  written(
    'fa',
    'سلام، من مریم هستم. ایمیل: maryam ات gmail دات com و تلگرام @maryam\u200C_art و شماره ۰۹۱۲\u200C۳۴۵\u200C۶۷۸۹',
    'سلام، من مریم هستم. ایمیل: [email] و تلگرام [handle] و شماره [phone]',
    ['maryam@', 'maryamart', '9123456789', 'gmail'],
  ),
];

/** Ordinary prompts with numbers, dots, "at" and "dot": they reach the providers unchanged. */
export const ORDINARY: readonly string[] = [
  'a dragon at sunset',
  'cats at the door dot painting style',
  '3 cats',
  'a 1920s car',
  '16:9',
  '4k',
  'version 2.0',
  'a polka dot dress',
  'a polka dot in the sky',
  'the dot com bubble as a poster',
  'look at the dot com bubble',
  'meet at noon dot matrix style',
  'he stared at the dot on the wall',
  'a cat at home',
  'a woman at the window, 35mm, f/1.8',
  'the node.js logo',
  'file.png as reference',
  'Mr.Smith and Dr.Who',
  'e.g. a cat, i.e. a dog',
  'U.S.A. flag at dawn',
  '1,250,000 stars',
  '1 000 000 stars',
  '10, 20, 30, 40 balloons',
  'count 1 2 3 4 5 6 7 8 9 on a clock',
  'archive photos 1941 1942 1943 1944',
  '3/4 view, 1/2 cup of sugar',
  'a 24/7 diner',
  'score 3-2',
  'room 101',
  'Apollo 11 launch',
  'the year 2077',
  'RTX 4090 and GPT-4o',
  'ISO 400, 8K, 16:9, 60fps',
  '12:30 pm',
  'on 12/05/2024',
  'photo taken 2024-05-12 10:30',
  'Web 3.0',
  'Windows 95',
  'model v1.2.3',
  'python 3.12',
  'a 1920x1080 wallpaper',
  'meet me @ 5pm',
  'cat @ home',
  '#art #cat',
  'C# logo',
  'Boeing 747-400',
  'F-16 jet',
  'price $25.99',
  'a ship at 59.9343 north',
  'dots and dashes — morse code',
  'кот в шляпе на закате',
  '3 котёнка и 2 щенка',
  'мода 1990-х',
  'дата 12.05.2024',
  'глава 3.2',
  'собака и кот на диване',
  'кот сидит у точки',
  'точка на карте',
  '25 000 рублей',
  'Москва 2025, 35mm photo',
  'соотношение 16:9',
  'танк Т-34',
  'ул. Ленина, и т.д.',
  'т.е. кот',
  'سه گربه در سال ۱۴۰۲',
  '۳ گربه و ۲ سگ',
  'عکس با لنز ۵۰ میلی‌متری',
  'نقطه‌ای روی دیوار',
  'یک نقطه قرمز',
  'ساعت ۱۰:۳۰',
  'تاریخ ۱۴۰۲/۰۵/۱۲',
  'گربه‌ها در باغ',
  'قیمت ۲۵٬۰۰۰ تومان',
  'نسخه ۲٫۵',
  'فیلم‌های دهه ۱۳۶۰',
  'فیلم‌های سال‌های ۱۴۰۰ ۱۴۰۱ ۱۴۰۲',
];

export const GENERATED_CASES: readonly RedactionCase[] = generated();
export const WRITTEN_CASES: readonly RedactionCase[] = WRITTEN;
export const POSITIVE_CASES: readonly RedactionCase[] = [...GENERATED_CASES, ...WRITTEN_CASES];

/* Test-side folding, independent of the implementation: what a reader of the output could recover. */

const ND = /^\p{Nd}$/u;
let digitValues: Map<number, number> | undefined;

/** Every \p{Nd} code point with its value, from a scan of the planes that have digits. */
export function allDigits(): Map<number, number> {
  if (digitValues) return digitValues;
  digitValues = new Map();
  let run = 0;
  for (let code = 0; code < 0x20000; code += 1) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    if (ND.test(String.fromCodePoint(code))) {
      digitValues.set(code, run % 10);
      run += 1;
    } else {
      run = 0;
    }
  }
  return digitValues;
}

/** Output as a reader sees it: NFKC, invisible characters and marks gone, every digit ASCII. */
export function fold(text: string): string {
  const digits = allDigits();
  return [...text.normalize('NFKC').replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}\p{M}\u0640]/gu, '')]
    .map((char) => {
      const value = digits.get(char.codePointAt(0) ?? 0);
      return value === undefined ? char : String(value);
    })
    .join('');
}

/** Letters and digits only, lowercase: "+7 912 345-67-89" and "7912 3456789" both become "79123456789". */
export function squash(text: string): string {
  return fold(text).toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}
