import { open, rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { DATASETS, FORMATS, type ExportFormat } from '../../export/layout.ts';
import type { Command } from '../command.ts';
import { unreachableError, usageError } from '../errors.ts';
import { bytes, int } from '../format.ts';
import { choice, stringOption } from '../options.ts';
import { createProgress } from '../progress.ts';
import { parseRange, RANGE_HELP, RANGE_OPTIONS } from '../range.ts';
import { createRecordCounter } from '../record-counter.ts';

/** Without --format, the file name decides: .ndjson, .jsonl or .json mean NDJSON; anything else CSV. */
function formatFor(out: string, given: string | undefined): ExportFormat {
  if (given !== undefined) return choice(given, '--format', FORMATS);
  return /\.(ndjson|jsonl|json)$/i.test(out) ? 'json' : 'csv';
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'download a dataset as CSV or NDJSON (layout atelier-export-v1), streamed to a file',
  usage: '--out FILE [--dataset generations|rollups|usage] [--format csv|json] [--from DAY] [--to DAY]',
  details: [
    '--out FILE   where to write; written as FILE.partial and renamed when complete',
    '--dataset    generations (no prompt text; default), rollups or usage',
    '--format     csv or json (NDJSON); default from the file name, else csv',
    RANGE_HELP,
    'A progress bar is drawn on stderr when it is a terminal; otherwise one line at the end.',
  ],
  options: { ...RANGE_OPTIONS, dataset: { type: 'string' }, format: { type: 'string' }, out: { type: 'string', short: 'o' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const out = stringOption(ctx.values, 'out');
    if (!out) throw usageError('Say where to write the export: --out FILE.');
    const dataset = choice(stringOption(ctx.values, 'dataset') ?? 'generations', '--dataset', DATASETS);
    const format = formatFor(out, stringOption(ctx.values, 'format'));
    const range = parseRange(ctx.values, ctx.now);
    const api = ctx.api();
    const partial = `${out}.partial`;
    // Open the file before asking the API, so a bad path fails before any work is done.
    const file = await open(partial, 'w').catch((error: NodeJS.ErrnoException) => {
      throw usageError(`Cannot write ${partial}: ${error.code ?? error.message}.`);
    });
    const started = Date.now();
    const counter = createRecordCounter(format);
    let received = 0;
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const params = new URLSearchParams({ dataset, format, from: range.from, to: range.to });
      const response = await api.download(`/export?${params}`);
      const expected = Number(response.headers.get('x-atelier-export-rows'));
      progress = createProgress(ctx.stderr, Number.isFinite(expected) && expected > 0 ? expected : null);
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          counter.add(chunk);
          received += chunk.byteLength;
          progress!.update(counter.records, received);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), meter, file.createWriteStream());
      } catch (error) {
        // The writer failing is a local problem; the body failing means the API cut it off or the line dropped.
        if ((error as NodeJS.ErrnoException).syscall) throw error;
        throw unreachableError(`The download stopped after ${int(counter.records)} rows (the API aborted it or the connection dropped); ${out} was not written.`);
      }
      await rename(partial, out);
      const seconds = (Date.now() - started) / 1000;
      const summary = {
        out, dataset, format, from: range.from, to: range.to, rows: counter.records, bytes: received,
        layout: response.headers.get('x-atelier-export-layout'), seconds: Number(seconds.toFixed(3)),
      };
      const line = `Exported ${int(summary.rows)} ${dataset} rows (${bytes(received)}, ${summary.layout}, ${range.from} to ${range.to}) to ${out} in ${seconds.toFixed(1)} s`;
      if (ctx.json) progress.fail();
      else progress.done(line);
      return { json: summary, text: '' };
    } catch (error) {
      progress?.fail();
      await file.close().catch(() => {});
      await rm(partial, { force: true });
      throw error;
    }
  },
};
