import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonProperty, raw } from '@mikro-orm/core';
import { SqlitePlatform } from '@mikro-orm/sql';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { bindParameters, reuseStatements } from '../../src/db/bound-sqlite.ts';
import { User } from '../../src/db/entities/index.ts';
import { createOrm } from '../../src/db/orm.ts';

const dir = mkdtempSync(join(tmpdir(), 'atelier-bound-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const platform = new SqlitePlatform();
const tagged = Object.defineProperty(['a', 'b'], JsonProperty, { value: true });
// Every kind of value MikroORM hands the connection, as it would have written it into the text.
const VALUES: Array<[string, unknown]> = [
  ['null', null], ['undefined', undefined], ['true', true], ['false', false], ['zero', 0], ['negative zero', -0],
  ['integer', 42], ['negative integer', -7], ['large integer', 2 ** 60], ['fraction', 1.5], ['tiny fraction', 1e-7],
  ['bigint', 9007199254740993n], ['date', new Date('2026-12-03T10:00:00.123Z')],
  ['text', 'plain'], ['quotes', "it's \"quoted\""], ['question mark', 'why? what??'], ['unicode', 'дракон 🐉'], ['empty text', ''],
  ['buffer', Buffer.from([0, 1, 254, 255])], ['plain object', { a: 1, b: ['x'] }], ['array tagged as JSON', tagged],
];

describe('bound parameters', () => {
  const db = new Database(':memory:');
  const answer = (sql: string, parameters: unknown[] = []) => db.prepare(sql).all(...parameters) as Array<{ t: string; v: unknown }>;

  test.each(VALUES)('%s is stored and compared as the same SQLite type and value as when written into the text', (_name, value) => {
    const sql = 'select typeof(?) as t, ? as v';
    const inline = answer(platform.formatQuery(sql, [value, value]));
    const bound = bindParameters(platform, sql, [value, value]);
    expect(bound.sql).toBe('select typeof(?) as t, ? as v');
    expect(answer(bound.sql, bound.parameters)).toEqual(inline);
  });

  test('an array is one placeholder per element, a raw fragment its own SQL and values, ?? an identifier, \\? a literal', () => {
    const sql = 'select ?? as name, json_array(?) as list, ? as fragment, \'\\?\' as mark';
    const params = ['typeof', [1, 'two', [3.5, null]], raw('upper(?) || ?', ['a', 1])];
    const bound = bindParameters(platform, sql, params);
    expect(bound.sql).toBe('select `typeof` as name, json_array(?, ?, ?, ?) as list, upper(?) || ? as fragment, \'?\' as mark');
    const inline = db.prepare(platform.formatQuery(sql, params).replace('`typeof`', '1')).all();
    expect(db.prepare(bound.sql.replace('`typeof`', '1')).all(...bound.parameters)).toEqual(inline);
  });

  test('a leading placeholder is read as formatQuery reads it', () => {
    expect(bindParameters(platform, '? + 1', [2])).toEqual({ sql: '? + 1', parameters: [2n] });
    expect(bindParameters(platform, '?? is not null', ['id'])).toEqual({ sql: '`id` is not null', parameters: [] });
  });
});

describe('compiled statements', () => {
  test('a text used again gets its compiled statement back; one used once, still being read, or pushed out, a fresh one', () => {
    const db = new Database(':memory:');
    db.prepare('create table t (n integer)').run();
    db.prepare('insert into t values (1), (2), (3)').run();
    reuseStatements(db, 2);
    // Kept from the second use on: a migration's one-off statements take no room.
    const once = db.prepare('select n from t');
    const first = db.prepare('select n from t');
    expect(first).not.toBe(once);
    expect(db.prepare('select n from t')).toBe(first);

    const reading = first.iterate();
    reading.next();
    // Reading the same text while the first is mid-way must not reset it.
    const beside = db.prepare('select n from t');
    expect(beside).not.toBe(first);
    expect(beside.all()).toHaveLength(3);
    expect([...reading].length).toBe(2);

    for (const other of ['select 1', 'select 2']) {
      db.prepare(other);
      db.prepare(other);
    }
    expect(db.prepare('select n from t')).not.toBe(first);
  });

  test('through the ORM a repeated query is compiled once, whatever its values, and values with quotes and marks round-trip', async () => {
    const Native = createRequire(import.meta.url)('better-sqlite3') as { prototype: { prepare: (sql: string) => unknown } };
    const compiled: string[] = [];
    const prepare = Native.prototype.prepare;
    Native.prototype.prepare = function (this: unknown, sql: string) {
      compiled.push(sql);
      return prepare.call(this, sql);
    };
    const orm = await createOrm({ driver: 'sqlite', path: join(dir, 'orm.db') });
    try {
      const ids = ["o'brien ? and ?? `x`", 'second', 'третий', 'fourth'];
      const em = orm.em.fork();
      for (const id of ids) em.create(User, { id, tier: 'free', createdAt: new Date() } as never);
      await em.flush();
      // More values than SQLite takes bound (a bulk insert, a long list): written into the text instead.
      const many = Array.from({ length: 40_000 }, (_, index) => `missing-${index}`);
      expect(await orm.em.fork().count(User, { id: { $in: [...many, 'second'] } })).toBe(1);
      compiled.length = 0;
      for (const id of ids) expect((await orm.em.fork().findOne(User, { id }))?.id).toBe(id);
      // Compiled on its first two uses (kept from the second), then reused.
      expect(compiled.filter((sql) => sql.includes('from `users`'))).toHaveLength(2);
    } finally {
      Native.prototype.prepare = prepare;
      await orm.close();
    }
  });
});
