import { expect } from 'vitest';
import { DailyRollup } from '../../src/db/entities/daily-rollup.ts';
import { DailyUsage } from '../../src/db/entities/daily-usage.ts';
import { Generation } from '../../src/db/entities/generation.ts';
import { User } from '../../src/db/entities/user.ts';
import type { TestApp } from '../helpers/test-app.ts';
import type { SeedGeneration } from '../jobs/helpers/generations.ts';

export async function seedUsers(app: TestApp, ids: readonly string[]): Promise<void> {
  const at = new Date('2026-01-01T00:00:00.000Z');
  await app.orm.em.fork().insertMany(User, ids.map((id) => ({ id, tier: 'free', firstSeenAt: at, lastSeenAt: at })) as never[]);
}

export async function seedGenerations(app: TestApp, rows: readonly SeedGeneration[]): Promise<void> {
  for (let index = 0; index < rows.length; index += 2000) {
    await app.orm.em.fork().insertMany(Generation, rows.slice(index, index + 2000) as never[]);
  }
}

export type RollupSeed = { day: string; dimension: string; value: string } & Partial<Record<string, unknown>>;

export async function seedRollups(app: TestApp, rows: readonly RollupSeed[]): Promise<void> {
  const defaults = {
    requests: 1, failures: 0, distinctUsers: 1, latencyP50Ms: 10, latencyP95Ms: 20, latencyP99Ms: 30, inputTokens: 0, outputTokens: 0,
    costUsd: 0, costUnknown: 0, ratingSum: 0, ratingCount: 0, example: null,
  };
  await app.orm.em.fork().insertMany(DailyRollup, rows.map((row) => ({ ...defaults, ...row })) as never[]);
}

type UsageCounters = 'requests' | 'images' | 'videos' | 'texts' | 'failures' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'costUnknown';

export async function seedUsage(app: TestApp, rows: ReadonlyArray<{ day: string; user: string } & Partial<Record<UsageCounters, number>>>): Promise<void> {
  const defaults = { requests: 1, images: 1, videos: 0, texts: 0, failures: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, costUnknown: 0 };
  await app.orm.em.fork().insertMany(DailyUsage, rows.map((row) => ({ ...defaults, ...row })) as never[]);
}

/** RFC 4180, strictly: quoted fields may hold commas, CRLF and doubled quotes. Records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 1;
    } else field += char;
  }
  if (field !== '' || record.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}

/** CSV records as objects keyed by the header row. */
export function csvObjects(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index]!])));
}

export function ndjson(text: string): Array<Record<string, unknown>> {
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}
