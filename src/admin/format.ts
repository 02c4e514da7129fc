/** Plain-text output: aligned tables and compact numbers, no colours (output is often piped). */

export type Align = 'left' | 'right';

export interface TableColumn<Row> {
  header: string;
  value: (row: Row) => string;
  align?: Align;
}

/** Columns padded to their widest cell; numbers right-aligned; an empty table says so. */
export function table<Row>(rows: readonly Row[], columns: readonly TableColumn<Row>[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((row) => columns.map((column) => oneLine(column.value(row))));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => line[index]!.length)));
  const render = (line: readonly string[]) =>
    line.map((cell, index) => (columns[index]!.align === 'right' ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join('  ').trimEnd();
  return [render(columns.map((column) => column.header)), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].join('\n') + '\n';
}

/** Cells are single lines: a newline in a redacted prompt must not break the table. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

export function int(value: number | null | undefined): string {
  return value == null ? '-' : Math.round(value).toLocaleString('en-US');
}

export function percent(value: number | null | undefined): string {
  return value == null ? '-' : `${(value * 100).toFixed(1)}%`;
}

export function usd(value: number | null | undefined): string {
  return value == null ? '-' : `$${value.toFixed(4)}`;
}

/** Ratings and z scores: signed, two places. */
export function signed(value: number | null | undefined): string {
  return value == null ? '-' : `${value > 0 ? '+' : ''}${value.toFixed(2)}`;
}

export function ms(value: number | null | undefined): string {
  return value == null ? '-' : `${Math.round(value)} ms`;
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `2026-03-01T10:00:00.000Z` as `2026-03-01 10:00:00Z`: UTC, to the second. */
export function timestamp(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : '-';
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
