import type { SeedGeneration } from './generations.ts';

/** The figures of one rollup row, computed the plain way from raw rows. */
export interface ExpectedRollup {
  requests: number;
  failures: number;
  distinctUsers: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  costUnknown: number;
  ratingSum: number;
  ratingCount: number;
  /** Every prompt text of the group: an example, when there is one, must be among them. */
  texts: Set<string>;
}

/** Which (dimension, value) groups a row belongs to. */
function memberships(row: SeedGeneration): Array<[string, string]> {
  const groups: Array<[string, string]> = [
    ['all', 'all'], ['kind', row.kind], ['style', row.style], ['theme', row.theme], ['provider', row.provider],
    ['status', row.status], ['command', row.command], ['fingerprint', row.promptFingerprint],
  ];
  if ((row.status === 'failed' || row.status === 'rejected') && row.errorClass) groups.push(['error_class', row.errorClass]);
  for (const style of new Set(row.requestedStyles?.split(',') ?? [])) groups.push(['requested_style', style]);
  return groups;
}

/** Nearest rank: the value at 1-based position ceil(p/100 · n) of the sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

/** Expected rollup rows keyed `day|dimension|value`. */
export function referenceRollup(rows: SeedGeneration[]): Map<string, ExpectedRollup> {
  const groups = new Map<string, SeedGeneration[]>();
  for (const row of rows) {
    const day = row.createdAt.toISOString().slice(0, 10);
    for (const [dimension, value] of memberships(row)) {
      const key = `${day}|${dimension}|${value}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
  }
  const expected = new Map<string, ExpectedRollup>();
  for (const [key, members] of groups) {
    const latencies = members.map((row) => row.latencyMs).sort((a, b) => a - b);
    let cost = 0;
    for (const row of members) if (row.costUsd !== null) cost += row.costUsd;
    expected.set(key, {
      requests: members.length,
      failures: members.filter((row) => row.status === 'failed').length,
      distinctUsers: new Set(members.map((row) => row.user)).size,
      latencyP50Ms: percentile(latencies, 50),
      latencyP95Ms: percentile(latencies, 95),
      latencyP99Ms: percentile(latencies, 99),
      inputTokens: members.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0),
      outputTokens: members.reduce((sum, row) => sum + (row.outputTokens ?? 0), 0),
      costUsd: Math.round(cost * 1_000_000) / 1_000_000,
      costUnknown: members.filter((row) => row.costUnknown).length,
      ratingSum: members.reduce((sum, row) => sum + (row.rating ?? 0), 0),
      ratingCount: members.filter((row) => row.rating !== null).length,
      texts: new Set(members.flatMap((row) => (row.promptRedacted === null ? [] : [row.promptRedacted]))),
    });
  }
  return expected;
}
