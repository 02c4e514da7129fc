import { describe, expect, test } from 'vitest';
import { createProgress, renderBar } from '../../src/admin/progress.ts';
import { createRecordCounter } from '../../src/admin/record-counter.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 100, write: (text: string) => writes.push(text) }, writes };
}

describe('the export progress bar', () => {
  test('on a terminal: redrawn in place at most every 100 ms, then replaced by the final line', () => {
    const { stream, writes } = fakeStream(true);
    let clock = 1_000;
    const progress = createProgress(stream, 50_000, () => clock);
    clock += 150;
    progress.update(1_000, 150_000);
    clock += 50;
    progress.update(2_000, 300_000); // too soon: not drawn
    clock += 100;
    progress.update(25_000, 3_750_000);
    progress.done('Exported 50,000 generations rows');
    expect(writes).toHaveLength(4);
    expect(writes[0]).toMatch(/^\r\[-{24}\]  2%  1,000\/50,000 rows  146\.5 KB  6,667 rows\/s$/);
    expect(writes[1]).toMatch(/^\r\[#{12}-{12}\] 50%  25,000\/50,000 rows  3\.6 MB/);
    expect(writes[2]).toMatch(/^\r {99}\r$/);
    expect(writes[3]).toBe('Exported 50,000 generations rows\n');
  });

  test('anywhere else: no bar, only the final line', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress(stream, 10, () => 0);
    progress.update(5, 500);
    progress.done('done');
    expect(writes).toEqual(['done\n']);
  });

  test('more rows than expected stays below 100% until done; no total shows counts only; long lines are cut to the terminal', () => {
    expect(renderBar(120, 1024, 100, 1, 200)).toMatch(/\] 99%  120\/100 rows/);
    expect(renderBar(120, 2048, null, 2, 200)).toBe('120 rows  2.0 KB  60 rows/s');
    expect(renderBar(1, 1, 100, 1, 20)).toHaveLength(19);
  });
});

describe('counting records as bytes arrive', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  test('CSV: line breaks inside quotes do not count, nor does the header; chunks may split anywhere', () => {
    const csv = 'id,model\r\n1,"a\r\nb"\r\n2,"say ""hi"""\r\n3,plain\r\n';
    for (let cut = 0; cut <= csv.length; cut += 1) {
      const counter = createRecordCounter('csv');
      counter.add(bytes(csv.slice(0, cut)));
      counter.add(bytes(csv.slice(cut)));
      expect(counter.records, `cut at ${cut}`).toBe(3);
    }
  });

  test('NDJSON: one record per line', () => {
    const counter = createRecordCounter('json');
    counter.add(bytes('{"a":"x\\ny"}\n{"a":'));
    expect(counter.records).toBe(1);
    counter.add(bytes('"\\""}\n'));
    expect(counter.records).toBe(2);
  });
});
