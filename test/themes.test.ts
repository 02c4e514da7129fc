import { describe, expect, test } from 'vitest';
import { THEME_LEXICON } from '../src/generation/theme-lexicon.ts';
import { classifyTheme, THEME_PRIORITY, THEMES, wordForms } from '../src/generation/themes.ts';
import type { Theme } from '../src/generation/themes.ts';

const prompts: Record<Theme, string[]> = {
  fantasy: [
    'A majestic dragon breathing fire over a medieval village',
    'an elf archer with a glowing sword in an enchanted forest',
    "wizard's tower with floating spellbooks and potions",
    'Огромный дракон спит на горе золота',
    'эльфийская принцесса с волшебным мечом',
    'Ведьма варит зелье в котле',
    'یک اژدها در حال پرواز بر فراز کوه‌ها',
    'جادوگر پیر با شمشیر جادویی',
    'پری‌ها و اسب تک شاخ در جنگل',
  ],
  'sci-fi': [
    'a giant robot walking through a neon city',
    'Astronaut floating near a spaceship in outer space',
    'sci-fi space station orbiting a red planet',
    'Космический корабль у далёкой планеты',
    'робот-андроид в лаборатории будущего',
    'инопланетяне высаживаются на Марсе',
    'سفینه فضایی در کهکشان',
    'ربات‌ها در شهری آینده‌نگر',
    'بشقاب پرنده بر فراز بیابان',
  ],
  nature: [
    'sunset over the mountains with a calm lake',
    'a misty waterfall in the jungle',
    'snow covered trees and northern lights',
    'Закат над морем, волны и скалы',
    'Осенний лес и река в тумане',
    'Горы в облаках на рассвете',
    'غروب آفتاب در ساحل دریا',
    'درختان جنگل در پاییز',
    'آبشار و کوهستان زیر آسمان آبی',
  ],
  portrait: [
    'portrait of an old man with a grey beard',
    'close up of a young woman smiling, soft light',
    'headshot of a businessman in a suit',
    'Портрет девушки с веснушками',
    'Пожилая женщина у окна, лицо крупным планом',
    'Мальчик и его бабушка улыбаются',
    'پرتره یک دختر جوان با لبخند',
    'چهره پیرمرد با ریش سفید',
    'عکس خانوادگی از مادربزرگ و پدربزرگ',
  ],
  animals: [
    'a fluffy kitten playing with yarn',
    'two puppies running in the snow',
    'a majestic lion resting under a tree',
    'Рыжий кот спит на подоконнике',
    'Стая волков бежит по снегу',
    'Милые котята и щенок',
    'گربه‌ای که روی مبل خوابیده',
    'یک سگ و دو بچه گربه',
    'شیر در دشت آفریقا',
  ],
  food: [
    'a delicious pepperoni pizza on a wooden table',
    'stack of pancakes with strawberries and syrup',
    'a cup of coffee and a croissant for breakfast',
    'Тарелка борща со сметаной и хлебом',
    'Домашние пельмени на кухне',
    'Шоколадный торт с клубникой',
    'یک بشقاب کباب با برنج',
    'فنجان چای و شیرینی',
    'قورمه سبزی با نان',
  ],
  architecture: [
    'a gothic cathedral at night',
    'modern skyscrapers in downtown Tokyo',
    'old stone bridge in a small town',
    'Старинный замок на холме с башнями',
    'Улица старого города с домами',
    'Интерьер уютной комнаты с камином',
    'مسجد با گنبد فیروزه‌ای',
    'خیابان‌های شهر تهران در شب',
    'یک آسمان‌خراش شیشه‌ای در شهر',
  ],
  abstract: [
    'abstract geometric pattern in pastel colors',
    'colorful fractal swirl',
    'psychedelic kaleidoscope of shapes',
    'Абстрактный узор из линий и кругов',
    'Геометрическая абстракция в синих тонах',
    'Фрактальная спираль',
    'طرح انتزاعی با اشکال هندسی',
    'الگوی هندسی با دایره و مثلث',
    'نقاشی آبستره با خطوط رنگی',
  ],
  other: [
    'hello',
    'make it better',
    'something beautiful please',
    'сделай красиво',
    'что-нибудь интересное',
    'یک چیز قشنگ',
    'لطفا زیبا باشد',
    '',
    '[link] [phone]',
  ],
};

const cases = Object.entries(prompts).flatMap(([theme, list]) => list.map((prompt) => [theme, prompt] as const));

describe('classifyTheme', () => {
  test.each(cases)('%s: %s', (theme, prompt) => {
    expect(classifyTheme(prompt)).toBe(theme);
  });

  test.each([
    ['дракон', 'fantasy'],
    ['драконы', 'fantasy'],
    ['драконом', 'fantasy'],
    ['драконами', 'fantasy'],
    ['кошками', 'animals'],
    ['котенок', 'animals'],
    ['котёнок', 'animals'],
    ['львы', 'animals'],
    ['левый берег', 'other'],
    ['который час', 'other'],
    ['рисую дом', 'architecture'],
    ['گربه', 'animals'],
    ['گربه‌ها', 'animals'],
    ['گربهها', 'animals'],
    ['گربه ها', 'animals'],
    ['پرندگان', 'animals'],
    ['درختان', 'nature'],
    ['ماه', 'nature'],
    ['ماهی', 'animals'],
    ['لباس صورتی', 'other'],
    ['كتابخانه', 'architecture'],
    ['dragons', 'fantasy'],
    ['wolves', 'animals'],
    ['cities', 'architecture'],
    ['hot dogs', 'food'],
    ['ice cream', 'food'],
  ])('morphology: %s -> %s', (prompt, theme) => {
    expect(classifyTheme(prompt)).toBe(theme);
  });

  test.each([
    // One hit each: the tie goes to the earlier theme in THEME_PRIORITY.
    ['a dragon in a forest', 'fantasy'],
    ['portrait of a cat', 'animals'],
    ['a robot eating pizza', 'sci-fi'],
    ['a castle on a mountain', 'architecture'],
    ['кот в лесу', 'animals'],
    ['Мужчина в костюме на фоне города', 'portrait'],
    ['a girl in front of a cathedral', 'portrait'],
    ['آدم فضایی', 'sci-fi'],
    // More hits beat priority.
    ['a dragon portrait: face, eyes, smile', 'portrait'],
    ['a cat among trees, flowers, mountains and a river', 'nature'],
  ])('scoring and ties: %s -> %s', (prompt, theme) => {
    expect(classifyTheme(prompt)).toBe(theme);
  });

  test('is case, punctuation and keyboard-variant insensitive', () => {
    expect(classifyTheme('DRAGON!!!')).toBe('fantasy');
    expect(classifyTheme('Дракон?')).toBe('fantasy');
    expect(classifyTheme('گربه')).toBe(classifyTheme('گربه'.replace('ی', 'ي')));
  });

  test('only returns known themes', () => {
    for (const [, prompt] of cases) expect(THEMES).toContain(classifyTheme(prompt));
  });
});

describe('theme lexicon', () => {
  test.each(THEME_PRIORITY)('%s has at least 15 words per language', (theme) => {
    const words = THEME_LEXICON[theme];
    expect(words.en.length).toBeGreaterThanOrEqual(15);
    expect(words.ru.length + words.ruWords.length).toBeGreaterThanOrEqual(15);
    expect(words.fa.length).toBeGreaterThanOrEqual(15);
  });

  test('priority covers every theme except other', () => {
    expect([...THEME_PRIORITY, 'other'].sort()).toEqual([...THEMES].sort());
  });

  test.each([
    ['дракон', 'stem', 'драконом'],
    ['гор', 'stem', 'горами'],
    ['دریا', 'word', 'دریاها'],
    ['پرنده', 'word', 'پرندگان'],
    ['wolf', 'word', 'wolves'],
    ['city', 'word', 'cities'],
  ] as const)('wordForms(%s, %s) includes %s', (word, kind, form) => {
    expect(wordForms(word, kind)).toContain(form);
  });
});
