import { Lexer, type Token, type Tokens } from 'marked';

/**
 * A model's Markdown answer as Telegram messages: HTML for Telegram's `parse_mode: 'HTML'` (the
 * subset it accepts: b, i, s, code, pre, a, blockquote), and the same text without markup for when
 * Telegram refuses the HTML, so no one ever sees raw `**` or `#`. Long answers are cut between
 * blocks (paragraphs, lists, code blocks), never inside a tag.
 */

export interface AnswerPart {
  html: string;
  plain: string;
}

/** Telegram's limit on a message's text after its entities are parsed. */
export const TELEGRAM_TEXT_LIMIT = 4096;

type Mode = 'html' | 'plain';

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function wrap(mode: Mode, tag: string, inner: string, attributes = ''): string {
  return mode === 'html' ? `<${tag}${attributes}>${inner}</${tag}>` : inner;
}

function inline(tokens: readonly Token[] | undefined, mode: Mode): string {
  const text = (value: string) => (mode === 'html' ? escapeHtml(value) : value);
  return (tokens ?? []).map((token): string => {
    switch (token.type) {
      case 'strong': return wrap(mode, 'b', inline((token as Tokens.Strong).tokens, mode));
      case 'em': return wrap(mode, 'i', inline((token as Tokens.Em).tokens, mode));
      case 'del': return wrap(mode, 's', inline((token as Tokens.Del).tokens, mode));
      case 'codespan': return wrap(mode, 'code', text((token as Tokens.Codespan).text));
      case 'br': return '\n';
      case 'link': {
        const link = token as Tokens.Link;
        const label = inline(link.tokens, mode);
        // Only web links become links: a `javascript:` or relative href stays plain text.
        return /^https?:\/\//i.test(link.href) ? wrap(mode, 'a', label, ` href="${escapeHtml(link.href)}"`) : label;
      }
      case 'image': return text((token as Tokens.Image).text);
      case 'text': {
        const nested = (token as Tokens.Text).tokens;
        return nested ? inline(nested, mode) : text((token as Tokens.Text).text);
      }
      default: return text('text' in token && typeof token.text === 'string' ? token.text : token.raw);
    }
  }).join('');
}

function block(token: Token, mode: Mode): string {
  switch (token.type) {
    case 'space': return '';
    case 'paragraph': return inline((token as Tokens.Paragraph).tokens, mode);
    case 'heading': return wrap(mode, 'b', inline((token as Tokens.Heading).tokens, mode));
    case 'code': {
      const code = token as Tokens.Code;
      const body = mode === 'html' ? escapeHtml(code.text) : code.text;
      const language = code.lang && /^[\w+#-]{1,20}$/.test(code.lang) ? ` class="language-${code.lang}"` : '';
      return mode === 'html' ? `<pre><code${language}>${body}</code></pre>` : body;
    }
    case 'blockquote': return wrap(mode, 'blockquote', blocks((token as Tokens.Blockquote).tokens, mode));
    case 'list': {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      return list.items.map((item, index) => `${list.ordered ? `${start + index}.` : '•'} ${blocks(item.tokens, mode).replaceAll('\n\n', '\n')}`).join('\n');
    }
    case 'hr': return '———';
    case 'text': return inline((token as Tokens.Text).tokens ?? [token], mode);
    default: return mode === 'html' ? escapeHtml(token.raw.trim()) : token.raw.trim();
  }
}

function blocks(tokens: readonly Token[], mode: Mode): string {
  return tokens.map((token) => block(token, mode)).filter((part) => part !== '').join('\n\n');
}

/** `line` in slices of at most `limit`, each ending after a space when one is in its second half. */
function cutBetweenWords(line: string, limit: number): string[] {
  const slices: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(' ', limit - 1);
    const at = space >= limit / 2 ? space + 1 : limit;
    slices.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest !== '') slices.push(rest);
  return slices;
}

/** Splits `markdown` into pieces of at most `limit` source characters, between blocks where it can. */
function splitSource(markdown: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current !== '' && current.length + piece.length > limit) {
      pieces.push(current);
      current = '';
    }
    if (piece.length <= limit) {
      current += piece;
      return;
    }
    // One block longer than a message: cut it at line breaks, a longer line between words.
    for (const line of piece.split(/(?<=\n)/)) {
      for (const slice of cutBetweenWords(line, limit)) {
        if (current.length + slice.length > limit) {
          pieces.push(current);
          current = '';
        }
        current += slice;
      }
    }
  };
  for (const token of Lexer.lex(markdown)) {
    if (token.type !== 'code' || token.raw.length <= limit) {
      push(token.raw);
      continue;
    }
    // A long code block is cut between lines, each piece fenced again, so every part stays code.
    const { lang, text } = token as Tokens.Code;
    const fence = (body: string) => `\`\`\`${lang ?? ''}\n${body}\n\`\`\`\n`;
    const room = limit - fence('').length;
    let body = '';
    for (const line of text.split('\n')) {
      for (let at = 0; at === 0 || at < line.length; at += room) {
        const slice = line.slice(at, at + room);
        if (body !== '' && body.length + 1 + slice.length > room) {
          push(fence(body));
          body = '';
        }
        body = body === '' ? slice : `${body}\n${slice}`;
      }
    }
    if (body !== '') push(fence(body));
  }
  if (current.trim() !== '') pieces.push(current);
  return pieces.filter((piece) => piece.trim() !== '');
}

/**
 * The answer as messages. Each part's source is at most `limit` characters, so its visible text
 * (markup removed) fits one message.
 */
export function formatAnswer(markdown: string, limit = TELEGRAM_TEXT_LIMIT): AnswerPart[] {
  return splitSource(markdown, limit)
    .map((source) => {
      const tokens = Lexer.lex(source);
      return { html: blocks(tokens, 'html').trim(), plain: blocks(tokens, 'plain').trim() };
    })
    .filter((part) => part.plain !== '');
}
