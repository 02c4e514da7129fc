import { describe, expect, test } from 'vitest';
import { detectRequestedStyles } from '../src/generation/requested-styles.ts';
import { STYLES } from '../src/generation/styles.ts';

describe('detectRequestedStyles', () => {
  test.each([
    // Known names, anywhere in the prompt
    ['a cat in the style of ukiyo-e', ['ukiyo-e']],
    ['Ukiyo-E wave', ['ukiyo-e']],
    ['art nouveau poster of a woman', ['art-nouveau']],
    ['claymation dragon', ['claymation']],
    ['vaporwave sunset', ['vaporwave']],
    ['a steampunk airship', ['steampunk']],
    ['impressionist garden', ['impressionism']],
    ['graffiti on a brick wall', ['graffiti']],
    ['stained-glass window with a saint', ['stained-glass']],
    ['an origami crane', ['origami']],
    ['isometric room', ['isometric']],
    ['chibi girl', ['chibi']],
    ['film noir detective', ['noir']],
    ['synthwave city', ['synthwave']],
    ['mosaic of a fish', ['mosaic']],
    ['comic book hero', ['comic-book']],
    ['3D render of a cute robot', ['3d-render']],
    ['charcoal portrait', ['charcoal']],
    ['pop art banana', ['pop-art']],
    ['baroque palace interior', ['baroque']],
    ['minimalist mountain logo', ['minimalist']],
    // Russian and Persian names
    ['кот в стиле укиё-э', ['ukiyo-e']],
    ['город в стиле стимпанк', ['steampunk']],
    ['пейзаж в стиле импрессионизма', ['impressionism']],
    ['граффити на стене', ['graffiti']],
    ['витражное окно', ['stained-glass']],
    ['дракон из пластилина', ['claymation']],
    ['героиня комикса', ['comic-book']],
    ['поп-арт портрет', ['pop-art']],
    ['گربه به سبک استیم پانک', ['steampunk']],
    ['نقاشی امپرسیونیستی از باغ', ['impressionism']],
    ['دیوار با گرافیتی', ['graffiti']],
    ['اوریگامی پرنده', ['origami']],
    ['طراحی مینیمال کوه', ['minimalist']],
    // Generic lead-ins with names outside every list
    ['in the style of Van Gogh, with stars', ['van-gogh']],
    ['portrait in the style of Studio Ghibli', ['studio-ghibli']],
    ['a cat in a Wes Anderson style', ['wes-anderson']],
    ['a poster in the style of the 1920s', ['1920s']],
    ['пейзаж в стиле Шишкина', ['шишкина']],
    ['город в стиле Ван Гога и Моне', ['ван-гога']],
    ['автомобиль в стиле ретро', ['retro']],
    ['в стиле ретро автомобиль', ['retro']],
    ['گربه به سبک ون گوگ', ['ون-گوگ']],
    ['منظره به سبک مینیاتور ایرانی', ['مینیاتور-ایرانی']],
    // Several at once: prompt order, capped at three
    ['steampunk robot, art nouveau frame, vaporwave colors', ['steampunk', 'art-nouveau', 'vaporwave']],
    ['claymation, origami, mosaic and graffiti', ['claymation', 'origami', 'mosaic']],
    ['in the style of Monet, impressionist, baroque', ['monet', 'impressionism', 'baroque']],
    // Deduplicated
    ['steampunk city, steampunk train, в стиле стимпанк', ['steampunk']],
    ['noir, film noir, нуар', ['noir']],
  ])('%s -> %j', (prompt, expected) => {
    expect(detectRequestedStyles(prompt)).toEqual(expected);
  });

  test.each([
    'a cat',
    'in anime style',
    'in the style of watercolor painting',
    'pixel art knight',
    'a cyberpunk street in the rain',
    'в стиле аниме',
    'в стиле киберпанк',
    'акварельный пейзаж, в стиле акварель',
    'به سبک انیمه',
    'به سبک سایبرپانک',
    'oil painting of a ship',
    'in a low-poly style',
    'in the style of a pencil drawing',
    'in the style of',
    'в стиле',
    'lifestyle photo of a family',
    '',
  ])('nothing new requested: %s', (prompt) => {
    expect(detectRequestedStyles(prompt)).toEqual([]);
  });

  test('catalog styles never come back, whatever the phrasing', () => {
    for (const style of STYLES) {
      for (const name of [style.id, style.label, ...style.aliases]) {
        const found = detectRequestedStyles(`in the style of ${name}, in ${name} style, в стиле ${name}, به سبک ${name}`);
        expect(found).not.toContain(style.id);
        expect(found).toEqual([]);
      }
    }
  });

  test('contact details in a style name are redacted away, not stored', () => {
    expect(detectRequestedStyles('in the style of @ivan_petrov')).toEqual([]);
    expect(detectRequestedStyles('in the style of https://example.com/art')).toEqual([]);
    expect(detectRequestedStyles('в стиле ivan@mail.ru')).toEqual([]);
  });

  test.each([
    'in the style of Supercalifragilisticexpialidocious Wonderfulness',
    'in the style of ÉCOLE DE PARIS!!!',
    'в стиле Айвазовского-Шишкина-Левитана',
    'به سبک «استاد فرشچیان»',
    'in the style of x/y_z*w',
  ])('slugs are short and clean: %s', (prompt) => {
    const found = detectRequestedStyles(prompt);
    expect(found.length).toBeGreaterThan(0);
    for (const slug of found) {
      expect(Array.from(slug).length).toBeLessThanOrEqual(32);
      expect(slug).toMatch(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u);
    }
  });
});
