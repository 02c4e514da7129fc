import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDatabaseProbe } from '../../src/db/database-probe.ts';

const silent = pino({ level: 'silent' });

describe('the database probe behind health', () => {
  it('asks the database once for every caller within a second, then again', async () => {
    let queries = 0;
    let clock = 0;
    const up = createDatabaseProbe({ check: async () => void (queries += 1), logger: silent, clock: () => clock });
    expect(await Promise.all(Array.from({ length: 50 }, () => up()))).toEqual(Array(50).fill(true));
    clock = 999;
    expect(await up()).toBe(true);
    expect(queries).toBe(1);
    clock = 1_000;
    expect(await up()).toBe(true);
    expect(queries).toBe(2);
  });

  it('reports a database that stops answering at the next probe, and one that comes back', async () => {
    let answering = true;
    let clock = 0;
    const up = createDatabaseProbe({ check: async () => { if (!answering) throw new Error('SQLITE_CANTOPEN'); }, logger: silent, clock: () => clock });
    expect(await up()).toBe(true);
    answering = false;
    clock = 1_000;
    expect(await up()).toBe(false);
    answering = true;
    clock = 2_000;
    expect(await up()).toBe(true);
  });
});
