import { addDays, DEFAULT_DAYS } from '../export/export-request.ts';
import { utcDay } from '../ids.ts';
import { usageError } from './errors.ts';

export interface CliRange {
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(option: string, text: string): string {
  const parsed = new Date(`${text}T00:00:00.000Z`);
  if (!DAY.test(text) || Number.isNaN(parsed.getTime()) || utcDay(parsed) !== text) throw usageError(`--${option} must be a UTC day, YYYY-MM-DD (got "${text}").`);
  return text;
}

/** `--from`/`--to`, both inclusive UTC days; by default the last seven days, today included. */
export function parseRange(values: { from?: string | undefined; to?: string | undefined }, now: Date): CliRange {
  const to = values.to === undefined ? utcDay(now) : day('to', values.to);
  const from = values.from === undefined ? addDays(to, -(DEFAULT_DAYS - 1)) : day('from', values.from);
  if (from > to) throw usageError(`--from (${from}) is after --to (${to}).`);
  return { from, to };
}

export const RANGE_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

export const RANGE_HELP = '--from YYYY-MM-DD  --to YYYY-MM-DD   UTC days, both included (default: the last 7 days)';
