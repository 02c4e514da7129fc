import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Dataset } from './dataset.ts';
import { encoderFor } from './encode.ts';
import type { DayRange, ExportFormat } from './layout.ts';

export interface ExportStreamOptions<Row> {
  orm: MikroORM;
  dataset: Dataset<Row>;
  format: ExportFormat;
  range: DayRange;
  pageSize: number;
  /**
   * Called when a page fails part-way (the status line is long gone by then). It returns true
   * when it has cut the connection itself; otherwise the stream errors, for in-process readers.
   */
  onError: (error: unknown) => boolean;
}

/**
 * The export body. Pull-based: a page is read from the database only when the consumer (the
 * socket, through the server's backpressure) has taken the previous one, so memory holds about
 * one page whatever the size of the export. Rows come as plain objects, never as entities.
 * A failure mid-way aborts the response (see onError): a truncated file must not look complete.
 */
export function createExportStream<Row>(options: ExportStreamOptions<Row>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const encode = encoderFor(options.format, options.dataset.columns);
  let after: Row | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const em = options.orm.em.fork() as SqlEntityManager;
          const rows = await options.dataset.page(em, options.range, after, options.pageSize);
          const text = (started ? '' : encode.preamble) + encode.rows(rows);
          started = true;
          if (text) controller.enqueue(encoder.encode(text));
          if (rows.length < options.pageSize) controller.close();
          else after = rows.at(-1)!;
        } catch (error) {
          if (options.onError(error)) controller.close();
          else controller.error(error);
        }
      },
    },
    // No read-ahead beyond the page being sent.
    { highWaterMark: 0 },
  );
}
