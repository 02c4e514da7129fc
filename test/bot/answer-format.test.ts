import { describe, expect, test } from 'vitest';
import { formatAnswer, TELEGRAM_TEXT_LIMIT } from '../../src/bot/answer-format.ts';

describe('a Markdown answer as Telegram messages', () => {
  test('Markdown becomes the HTML Telegram accepts, and the plain fallback shows no markup', () => {
    const [part] = formatAnswer('# Rainbows\n\nLight is **refracted** and *reflected* in `drops`.\n\n- red\n- violet\n\n> seen [here](https://example.org/a?b=1&c=2)');
    expect(part!.html).toBe('<b>Rainbows</b>\n\nLight is <b>refracted</b> and <i>reflected</i> in <code>drops</code>.\n\n• red\n• violet\n\n<blockquote>seen <a href="https://example.org/a?b=1&amp;c=2">here</a></blockquote>');
    expect(part!.plain).toBe('Rainbows\n\nLight is refracted and reflected in drops.\n\n• red\n• violet\n\nseen here');
  });

  test('what the model writes cannot become markup: <, > and & are escaped, unsafe links stay text', () => {
    const [part] = formatAnswer('if a < b && c > d then <script>alert(1)</script> [x](javascript:alert(1))\n\n```js\nif (a < b) {}\n```');
    expect(part!.html).not.toMatch(/<script|href="javascript/);
    expect(part!.html).toContain('a &lt; b &amp;&amp; c &gt; d');
    expect(part!.html).toContain('<pre><code class="language-js">if (a &lt; b) {}</code></pre>');
  });

  test('a long answer is cut between paragraphs, each part within Telegram\'s limit', () => {
    const paragraphs = Array.from({ length: 6 }, (_, index) => `${String(index).repeat(1500)}`);
    const parts = formatAnswer(paragraphs.join('\n\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.plain.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    // Nothing lost, nothing cut inside a paragraph.
    expect(parts.map((part) => part.plain).join('\n\n')).toBe(paragraphs.join('\n\n'));
  });

  test('a code block longer than a message stays code in every part', () => {
    const lines = Array.from({ length: 400 }, (_, index) => `let value${index} = ${index} * 2; // <keep>`);
    const parts = formatAnswer(`Here:\n\n\`\`\`ts\n${lines.join('\n')}\n\`\`\``);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.html).toMatch(/<pre><code class="language-ts">[^<]*(?:&lt;keep&gt;[^<]*)*<\/code><\/pre>$/);
      expect(part.plain.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    }
    expect(parts.map((part) => part.plain).join('\n')).toBe(`Here:\n\n${lines.join('\n')}`);
  });

  test('one line longer than a message is cut between words, or anywhere if it has no spaces', () => {
    const words = formatAnswer('word '.repeat(2000).trim());
    expect(words.length).toBe(3);
    for (const part of words) {
      expect(part.plain.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      expect(part.plain).toMatch(/^word( word)*$/);
    }
    expect(formatAnswer('c'.repeat(9000)).map((part) => part.plain.length)).toEqual([4096, 4096, 808]);
  });
});
