/**
 * What `node --trace-gc` printed, summed: how much each request left in the old generation and how
 * high the old generation got before a full collection took it back. Resident memory keeps that
 * highest point (V8 pools the pages a full collection frees), so it is the figure the memory
 * settings are chosen on (README: Memory).
 */
export interface TraceGcSummary {
  scavenges: number;
  fullCollections: number;
  /** MiB (V8's "MB" is 2^20 bytes) that survived into the old generation across scavenges. */
  promotedMb: number;
  /** The largest heap, in MiB, any full collection started from. */
  peakMb: number;
  /** Main-thread pause of all full collections, ms. */
  fullPauseMs: number;
}

// `[pid:0x…]   8530 ms: Scavenge 60.6 (88.1) -> 57.1 (88.1) MB, pooled: 10 MB, 1.00 / 0.01 ms …`
// A full collection the memory reducer starts prints `Mark-Compact (reduce)`.
const LINE = /(\d+) ms: (Scavenge|Mark-Compact)(?: \(reduce\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \//;

/** `fromMs`: collections before this many ms of the isolate's life (its startup) are left out. */
export function summarizeTraceGc(text: string, fromMs = 0): TraceGcSummary {
  const summary: TraceGcSummary = { scavenges: 0, fullCollections: 0, promotedMb: 0, peakMb: 0, fullPauseMs: 0 };
  // The heap after the last collection: a scavenge that ends above it left that much in the old generation.
  let after: number | undefined;
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match || Number(match[1]) < fromMs) continue;
    const [, , kind, from, to, pause] = match;
    if (kind === 'Scavenge') {
      summary.scavenges += 1;
      if (after !== undefined) summary.promotedMb += Math.max(0, Number(to) - after);
    } else {
      summary.fullCollections += 1;
      summary.peakMb = Math.max(summary.peakMb, Number(from));
      summary.fullPauseMs += Number(pause);
    }
    after = Number(to);
  }
  return summary;
}
