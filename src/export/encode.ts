import type { CellValue, Column, ColumnType, ExportFormat } from './layout.ts';

/** Cells a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, CR. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 line ending: what Excel and most CSV readers expect. */
const CSV_EOL = '\r\n';

function scalar(type: ColumnType, value: CellValue): string | number | boolean | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  // Sums of decimals can come back as 0.30000000000000004; the columns hold six places.
  if (type === 'decimal' && typeof value === 'number') return Number(value.toFixed(6));
  return value;
}

export function csvCell(type: ColumnType, value: CellValue): string {
  const plain = scalar(type, value);
  if (plain === null) return '';
  if (type === 'decimal' && typeof plain === 'number') return plain.toFixed(6);
  // Numbers, booleans and ISO timestamps never hold a quote, comma or line break.
  if (type !== 'text') return String(plain);
  let text = String(plain);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(columns: readonly Column<never>[]): string {
  return columns.map((column) => column.name).join(',') + CSV_EOL;
}

/** One row per line; values typed as in JSON (numbers, booleans, null), timestamps as ISO strings. */
function jsonLine<Row>(columns: readonly Column<Row>[], row: Row): string {
  const record: Record<string, string | number | boolean | null> = {};
  for (const column of columns) record[column.name] = scalar(column.type, column.value(row));
  return JSON.stringify(record) + '\n';
}

function csvLine<Row>(columns: readonly Column<Row>[], row: Row): string {
  return columns.map((column) => csvCell(column.type, column.value(row))).join(',') + CSV_EOL;
}

/** The text a page of rows becomes, and the preamble (the CSV header row) before the first page. */
export function encoderFor<Row>(format: ExportFormat, columns: readonly Column<Row>[]) {
  return {
    preamble: format === 'csv' ? csvHeader(columns as readonly Column<never>[]) : '',
    rows: (rows: readonly Row[]) => rows.map((row) => (format === 'csv' ? csvLine(columns, row) : jsonLine(columns, row))).join(''),
  };
}
