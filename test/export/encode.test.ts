import { describe, expect, test } from 'vitest';
import { csvCell, encoderFor } from '../../src/export/encode.ts';
import { parseExportRequest } from '../../src/export/export-request.ts';
import type { Column } from '../../src/export/layout.ts';

describe('CSV cells', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    ['=1+2', "'=1+2"],
    ['+49 30', "'+49 30"],
    ['-x', "'-x"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindent', "'\tindent"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['a=b', 'a=b'],
    ['', ''],
  ])('text %j is written as %j', (value, cell) => {
    expect(csvCell('text', value)).toBe(cell);
  });

  test('numbers, booleans, timestamps and nulls are never quoted or prefixed', () => {
    expect(csvCell('integer', -1)).toBe('-1');
    expect(csvCell('integer', 0)).toBe('0');
    expect(csvCell('decimal', 0.1 + 0.2)).toBe('0.300000');
    expect(csvCell('decimal', 0.000001)).toBe('0.000001');
    expect(csvCell('decimal', -2.5)).toBe('-2.500000');
    expect(csvCell('boolean', false)).toBe('false');
    expect(csvCell('timestamp', new Date('2026-01-02T03:04:05.006Z'))).toBe('2026-01-02T03:04:05.006Z');
    for (const type of ['text', 'integer', 'decimal', 'boolean', 'timestamp'] as const) expect(csvCell(type, null)).toBe('');
  });

  test('rows end in CRLF (CSV) or LF (NDJSON); JSON keeps types and skips the formula guard', () => {
    const columns: Column<{ a: string; b: number | null }>[] = [
      { name: 'a', type: 'text', value: (row) => row.a },
      { name: 'b', type: 'decimal', value: (row) => row.b },
    ];
    const csv = encoderFor('csv', columns);
    expect(csv.preamble).toBe('a,b\r\n');
    expect(csv.rows([{ a: '=x', b: 1 }, { a: 'y', b: null }])).toBe("'=x,1.000000\r\ny,\r\n");
    const json = encoderFor('json', columns);
    expect(json.preamble).toBe('');
    expect(json.rows([{ a: '=x', b: 0.1 + 0.2 }, { a: 'y', b: null }])).toBe('{"a":"=x","b":0.3}\n{"a":"y","b":null}\n');
  });
});

describe('export parameters', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  const parse = (query: string) => parseExportRequest(new URLSearchParams(query), now);

  test('defaults: CSV over the last seven days, today included', () => {
    expect(parse('dataset=rollups')).toEqual({ ok: true, request: { dataset: 'rollups', format: 'csv', range: { from: '2026-06-09', to: '2026-06-15' } } });
    expect(parse('dataset=usage&to=2026-01-03')).toMatchObject({ request: { range: { from: '2025-12-28', to: '2026-01-03' } } });
    expect(parse('dataset=usage&from=2026-06-01')).toMatchObject({ request: { range: { from: '2026-06-01', to: '2026-06-15' } } });
    expect(parse('dataset=generations&format=json&from=2024-02-29&to=2024-02-29')).toMatchObject({ ok: true, request: { format: 'json' } });
  });

  test('invalid days and unknown names are refused', () => {
    for (const query of ['', 'dataset=GENERATIONS', 'dataset=usage&format=ndjson', 'dataset=usage&from=2026-13-01', 'dataset=usage&to=2025-02-29', 'dataset=usage&from=2026-6-1', 'dataset=usage&from=2026-06-10&to=2026-06-09']) {
      expect(parse(query).ok, query).toBe(false);
    }
  });
});
