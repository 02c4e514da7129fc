import { InvalidPromptError } from './errors.ts';

// C0/C1 controls other than tab and newlines, and the bidi overrides that can disguise text.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/u;

/** Checks what a user typed before anything else happens; returns the normalized text. */
export function checkPrompt(raw: string, maxLength: number): string {
  if (!raw.isWellFormed()) throw new InvalidPromptError('CONTROL_CHARACTERS', 'The prompt contains broken characters.');
  const text = raw.normalize('NFC').trim();
  if (text.length === 0) throw new InvalidPromptError('EMPTY', 'The prompt is empty: describe what you want to see.');
  if (FORBIDDEN.test(text)) throw new InvalidPromptError('CONTROL_CHARACTERS', 'The prompt contains control characters.');
  const length = [...text].length;
  if (length > maxLength) {
    throw new InvalidPromptError('TOO_LONG', `The prompt is ${length} characters long; the limit is ${maxLength}.`, maxLength);
  }
  return text;
}
