import { bytes, int } from './format.ts';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  update(rows: number, byteCount: number): void;
  /** The last line, whether or not a bar was drawn: what scripts and logs keep. */
  done(line: string): void;
  /** Clears the bar before an error message is printed. */
  fail(): void;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

/**
 * A progress bar for terminals, redrawn in place at most ten times a second; for anything else
 * (a pipe, a CI log) nothing until the final line. `total` is the row count the API expected
 * when the export started (rows may still come and go), so the bar caps at 99% until done.
 */
export function createProgress(stream: ProgressStream, total: number | null, now: () => number = Date.now): Progress {
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write(`\r${' '.repeat(Math.max(0, (stream.columns || 80) - 1))}\r`);
    drawn = false;
  };
  return {
    update(rows, byteCount) {
      if (!stream.isTTY) return;
      const at = now();
      if (at - lastDraw < REDRAW_MS) return;
      lastDraw = at;
      stream.write(`\r${renderBar(rows, byteCount, total, (at - started) / 1000, stream.columns || 80)}`);
      drawn = true;
    },
    done(line) {
      clear();
      stream.write(`${line}\n`);
    },
    fail: clear,
  };
}

export function renderBar(rows: number, byteCount: number, total: number | null, seconds: number, columns: number): string {
  const rate = seconds > 0 ? `${int(rows / seconds)} rows/s` : '';
  let text: string;
  if (total && total > 0) {
    const ratio = Math.min(rows / total, 0.99);
    const filled = Math.round(ratio * BAR_WIDTH);
    text = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(2)}%  ${int(rows)}/${int(total)} rows  ${bytes(byteCount)}  ${rate}`;
  } else {
    text = `${int(rows)} rows  ${bytes(byteCount)}  ${rate}`;
  }
  return text.trimEnd().slice(0, Math.max(10, columns - 1));
}
