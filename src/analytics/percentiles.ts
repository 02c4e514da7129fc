/**
 * Nearest-rank percentiles computed by the database, the same way on SQLite and PostgreSQL:
 * number the rows of each group by latency, keep only the rows at the wanted ranks. Only
 * integer arithmetic and standard window functions, so both drivers give identical figures,
 * and at most three rows per group travel to the job instead of every latency of the day.
 */
export const PERCENTILES = [50, 95, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];

/** 1-based rank of the p-th percentile among n sorted values: ceil(p/100 · n). */
export function nearestRank(p: number, n: number): number {
  return Math.floor((p * n + 99) / 100);
}

/** The same rank as an SQL expression over an integer count (integer division on both drivers). */
function rankSql(p: number, count: string): string {
  return `(${p} * ${count} + 99) / 100`;
}

/**
 * A query returning `(dim_value, latency_ms, rn, cnt)` for the rows at percentile ranks.
 * `value` is the grouping expression, or null for one group over everything; `from` is the
 * `from … where …` part, whose rows are aliased `g`.
 */
export function percentileRowsSql(value: string | null, from: string): string {
  const partition = value === null ? '' : `partition by ${value} `;
  const ranks = PERCENTILES.map((p) => `ranked.rn = ${rankSql(p, 'ranked.cnt')}`).join(' or ');
  return `select ranked.dim_value, ranked.latency_ms, ranked.rn, ranked.cnt from (
    select ${value ?? `'all'`} as dim_value, g.latency_ms as latency_ms,
      row_number() over (${partition}order by g.latency_ms) as rn,
      count(*) over (${partition.trimEnd()}) as cnt
    ${from}
  ) ranked where ${ranks}`;
}

export type LatencyPercentiles = Record<Percentile, number | null>;

/** Folds the rows of `percentileRowsSql` into p50/p95/p99 per group value. */
export function collectPercentiles(rows: Array<Record<string, unknown>>): Map<string, LatencyPercentiles> {
  const byValue = new Map<string, LatencyPercentiles>();
  for (const row of rows) {
    const value = String(row['dim_value']);
    const rank = Number(row['rn']);
    const count = Number(row['cnt']);
    let entry = byValue.get(value);
    if (!entry) {
      entry = { 50: null, 95: null, 99: null };
      byValue.set(value, entry);
    }
    // Several percentiles can land on the same rank (small groups): one row serves them all.
    for (const p of PERCENTILES) if (nearestRank(p, count) === rank) entry[p] = Number(row['latency_ms']);
  }
  return byValue;
}
