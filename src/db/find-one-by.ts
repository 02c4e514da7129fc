import type { EntityDictionary, EntityKey, EntityName } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { execute } from './sql.ts';

/**
 * `em.findOne(entity, { [property]: value })` for the lookups nearly every request makes (its
 * credential, its user, the access lists): one plain statement, hydrated by `em.map` into the same
 * managed entity, so changing it and flushing still writes it. MikroORM 7's findOne builds and
 * renders its query anew on every call: 200–410 µs of CPU per lookup in a micro-benchmark, against
 * 20–86 µs this way (three alternating rounds of 20 000 lookups each, README: Benchmarks).
 * For entities without filters (none of ours has any); the row goes through em.map's own type
 * conversion, so dates come back as dates on both drivers.
 */
export async function findOneBy<T extends object>(em: SqlEntityManager, entity: EntityName<T>, property: EntityKey<T>, value: string): Promise<T | null> {
  const meta = em.getMetadata().get(entity);
  const platform = em.getPlatform();
  const column = meta.properties[property]!.fieldNames[0]!;
  const [row] = await execute<Array<EntityDictionary<T>>>(em, `select * from ${platform.quoteIdentifier(meta.tableName)} where ${platform.quoteIdentifier(column)} = ? limit 1`, [value]);
  return row ? em.map(entity, row) : null;
}
