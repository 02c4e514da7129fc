import { utcDay } from '../ids.ts';
import { DATASETS, FORMATS, type DatasetName, type DayRange, type ExportFormat } from './layout.ts';

export interface ExportRequest {
  dataset: DatasetName;
  format: ExportFormat;
  range: DayRange;
}

/** Without from/to: the last seven UTC days, today included (what the admin CLI defaults to as well). */
export const DEFAULT_DAYS = 7;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function isDay(text: string): boolean {
  return DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && utcDay(new Date(`${text}T00:00:00Z`)) === text;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}

/** Reads `?dataset=&format=&from=&to=`; every problem in one message, for a 400. */
export function parseExportRequest(params: URLSearchParams, now: Date): { ok: true; request: ExportRequest } | { ok: false; message: string } {
  const problems: string[] = [];
  const dataset = params.get('dataset');
  const format = params.get('format') ?? 'csv';
  const fromParam = params.get('from');
  const toParam = params.get('to');
  if (!dataset || !(DATASETS as readonly string[]).includes(dataset)) problems.push(`dataset must be one of ${DATASETS.join(', ')}`);
  if (!(FORMATS as readonly string[]).includes(format)) problems.push(`format must be one of ${FORMATS.join(', ')}`);
  if (fromParam !== null && !isDay(fromParam)) problems.push('from must be a date, YYYY-MM-DD');
  if (toParam !== null && !isDay(toParam)) problems.push('to must be a date, YYYY-MM-DD');
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  const to = toParam ?? utcDay(now);
  const from = fromParam ?? addDays(to, -(DEFAULT_DAYS - 1));
  if (from > to) return { ok: false, message: 'from must not be after to' };
  return { ok: true, request: { dataset: dataset as DatasetName, format: format as ExportFormat, range: { from, to } } };
}
