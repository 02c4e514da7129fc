import { expect, test } from 'vitest';
import { summarizeTraceGc } from '../../scripts/bench/trace-gc.ts';

// Lines as Node 24's --trace-gc prints them (a run of npm start under the bench's read mix).
const TRACE = `
[6354:0x4283e000]     8530 ms: Scavenge 60.6 (88.1) -> 57.1 (88.1) MB, pooled: 10 MB, 1.00 / 0.01 ms  (average mu = 0.991, current mu = 0.988) allocation failure;
[6354:0x4283e000]     8543 ms: Scavenge 60.8 (88.1) -> 57.4 (88.1) MB, pooled: 10 MB, 1.21 / 0.01 ms  (average mu = 0.991, current mu = 0.988) allocation failure;
[6354:0x4283e000]     8556 ms: Scavenge 61.1 (88.1) -> 57.6 (88.1) MB, pooled: 10 MB, 1.19 / 0.01 ms  (average mu = 0.991, current mu = 0.988) allocation failure;
[6354:0x4283e000]     9873 ms: Mark-Compact 98.0 (103.9) -> 56.8 (89.9) MB, pooled: 14 MB, 12.81 / 0.02 ms  (+ 9.8 ms in 291 steps since start of marking, biggest step 0.7 ms, walltime since start of marking 108 ms) (average mu = 0.988, current mu = 0.986) finalize incremental marking via task; GC in old space requested
[6354:0x4283e000]     9885 ms: Scavenge 60.3 (89.9) -> 56.9 (89.9) MB, pooled: 14 MB, 0.90 / 0.01 ms  (average mu = 0.991, current mu = 0.988) allocation failure;
[6354:0x4283e000]    11287 ms: Mark-Compact 95.0 (101.9) -> 52.1 (92.6) MB, pooled: 11 MB, 12.30 / 2.71 ms  (+ 2.4 ms in 144 steps) finalize incremental marking via task; GC in old space requested
[6354:0x4283e000]    12001 ms: Mark-Compact (reduce) 60.2 (70.1) -> 50.0 (60.3) MB, pooled: 0 MB, 4.00 / 0.00 ms  (+ 1.0 ms in 10 steps) memory reducer
a line that is not a collection
`;

test('sums what scavenges left behind, the full collections, their highest start and their pauses', () => {
  const summary = summarizeTraceGc(TRACE);
  expect(summary.scavenges).toBe(4);
  expect(summary.fullCollections).toBe(3);
  // 57.1 -> 57.4 -> 57.6 (+0.5), then 56.8 -> 56.9 after the full collection (+0.1).
  expect(summary.promotedMb).toBeCloseTo(0.6, 5);
  expect(summary.peakMb).toBe(98);
  expect(summary.fullPauseMs).toBeCloseTo(29.11, 5);
});

test('leaves out what came before a time in the isolate\'s life (its startup)', () => {
  const summary = summarizeTraceGc(TRACE, 9000);
  expect(summary.scavenges).toBe(1);
  expect(summary.fullCollections).toBe(3);
  // Only 56.8 -> 56.9 counts: the scavenges at 8 530–8 556 ms are startup's.
  expect(summary.promotedMb).toBeCloseTo(0.1, 5);
  expect(summary.fullPauseMs).toBeCloseTo(29.11, 5);
});

test('a trace without collections sums to zero', () => {
  expect(summarizeTraceGc('')).toEqual({ scavenges: 0, fullCollections: 0, promotedMb: 0, peakMb: 0, fullPauseMs: 0 });
});
