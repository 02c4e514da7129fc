/**
 * The export column layout. Its name travels with every export (response header and file name)
 * so a consumer can tell which layout it parses. Changing a column's name, order, type or
 * meaning needs a new layout name; the README documents this one column by column.
 */
export const EXPORT_LAYOUT = 'atelier-export-v1';

export const DATASETS = ['generations', 'rollups', 'usage'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof FORMATS)[number];

/**
 * How a value is written: `text` is the only kind guarded against spreadsheet formulas in CSV;
 * numbers never are, so `-1` stays a number. `decimal` is money with six places.
 */
export type ColumnType = 'text' | 'integer' | 'decimal' | 'boolean' | 'timestamp';

export type CellValue = string | number | boolean | Date | null;

export interface Column<Row> {
  name: string;
  type: ColumnType;
  value: (row: Row) => CellValue;
}

/** Inclusive UTC days, `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}
