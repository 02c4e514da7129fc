import type { ExportFormat } from '../export/layout.ts';

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Counts the records of a download as its bytes go by, for the progress bar: NDJSON has one per
 * line; CSV may hold line breaks inside quoted cells, so only line ends outside quotes count,
 * minus the header row. A doubled quote ("") toggles twice, which leaves the state as it was.
 */
export function createRecordCounter(format: ExportFormat) {
  let lines = 0;
  let quoted = false;
  return {
    add(chunk: Uint8Array): void {
      for (const byte of chunk) {
        if (byte === QUOTE && format === 'csv') quoted = !quoted;
        else if (byte === LF && !quoted) lines += 1;
      }
    },
    get records(): number {
      return format === 'csv' ? Math.max(0, lines - 1) : lines;
    },
  };
}
