import { describe, expect, test } from 'vitest';
import { schema } from '../../src/graphql/schema.ts';

/**
 * Walks the schema: every root field either names the scopes it needs, or is public; and nothing
 * reachable from a public field is a type that carries user or analytics data.
 */

const PUBLIC_ROOT_FIELDS = new Set(['Query.health', 'Query.styles', 'Query.tiers']);
const PUBLIC_TYPES = new Set(['Health', 'ConfiguredProviders', 'Style', 'TierInfo', 'String', 'Boolean', 'ID', 'Int', 'Float', 'DateTime']);

// By name and shape rather than graphql's type guards: vitest may load a second copy of graphql.
const namedType = (type: { toString(): string }) => type.toString().replace(/[[\]!]/g, '');

function reachableTypes(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name) || name.startsWith('__')) return seen;
  seen.add(name);
  const type = schema.getType(name) as unknown as { getFields?: () => Record<string, { type: { toString(): string } }>; getTypes?: () => Array<{ name: string }> };
  const children = [
    ...Object.values(type.getFields?.() ?? {}).map((field) => namedType(field.type)),
    ...(type.getTypes?.() ?? []).map((member) => member.name),
  ];
  for (const child of children) reachableTypes(child, seen);
  return seen;
}

describe('scope checks cover the schema', () => {
  const roots = [schema.getQueryType()!, schema.getMutationType()!];
  const fields = roots.flatMap((root) => Object.values(root.getFields()).map((field) => ({ id: `${root.name}.${field.name}`, field })));

  test('every root field that is not public declares auth scopes', () => {
    const unguarded = fields
      .filter(({ id }) => !PUBLIC_ROOT_FIELDS.has(id))
      .filter(({ field }) => {
        const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions;
        return !options?.authScopes;
      })
      .map(({ id }) => id);
    expect(unguarded).toEqual([]);
    expect(fields.length).toBeGreaterThan(10);
  });

  test('public fields reach only public types', () => {
    for (const { id, field } of fields.filter(({ id }) => PUBLIC_ROOT_FIELDS.has(id))) {
      const reached = [...reachableTypes(namedType(field.type))];
      expect(reached.filter((name) => !PUBLIC_TYPES.has(name)), id).toEqual([]);
    }
  });
});
