import type { SqlEntityManager } from '@mikro-orm/sql';
import { utcDay } from '../ids.ts';

export interface NamedCount {
  name: string;
  count: number;
}

export interface UserStats {
  byKind: NamedCount[];
  topStyles: NamedCount[];
  topThemes: NamedCount[];
  total: { requests: number; inputTokens: number; outputTokens: number; costUsd: number };
  /** The last STATS_DAYS UTC days, oldest first, today last; days without requests are zeros. */
  daily: UserDay[];
}

export interface UserDay {
  day: string;
  images: number;
  videos: number;
  texts: number;
}

/** How many days `/stats` charts. */
export const STATS_DAYS = 14;

/** One person's own numbers: successful generations by kind, favourite styles and themes, and totals. */
export async function userStats(em: SqlEntityManager, userId: string, now: Date): Promise<UserStats> {
  const connection = em.getConnection();
  const grouped = async (column: 'kind' | 'style' | 'theme', limit: number) => {
    const rows = await connection.execute<Array<{ name: string; n: number | string }>>(
      `select ${column} as name, count(*) as n from generations where user_id = ? and status = 'succeeded'${column === 'style' ? " and style <> 'none'" : ''} group by ${column} order by count(*) desc, ${column} asc limit ${limit}`,
      [userId],
    );
    return rows.map((row) => ({ name: row.name, count: Number(row.n) }));
  };
  const [totals] = await connection.execute<Array<Record<string, number | string | null>>>(
    'select coalesce(sum(requests), 0) as requests, coalesce(sum(input_tokens), 0) as input_tokens, coalesce(sum(output_tokens), 0) as output_tokens, coalesce(sum(cost_usd), 0) as cost_usd from daily_usage where user_id = ?',
    [userId],
  );
  const days = Array.from({ length: STATS_DAYS }, (_, index) => utcDay(new Date(now.getTime() - (STATS_DAYS - 1 - index) * 86_400_000)));
  const usage = await connection.execute<Array<{ day: string; images: number | string; videos: number | string; texts: number | string }>>(
    'select day, images, videos, texts from daily_usage where user_id = ? and day >= ? and day <= ?',
    [userId, days[0], days[days.length - 1]],
  );
  const byDay = new Map(usage.map((row) => [row.day, row]));
  return {
    daily: days.map((day) => {
      const row = byDay.get(day);
      return { day, images: Number(row?.images ?? 0), videos: Number(row?.videos ?? 0), texts: Number(row?.texts ?? 0) };
    }),
    byKind: await grouped('kind', 3),
    topStyles: await grouped('style', 3),
    topThemes: await grouped('theme', 3),
    total: {
      requests: Number(totals?.['requests'] ?? 0),
      inputTokens: Number(totals?.['input_tokens'] ?? 0),
      outputTokens: Number(totals?.['output_tokens'] ?? 0),
      costUsd: Number(totals?.['cost_usd'] ?? 0),
    },
  };
}
