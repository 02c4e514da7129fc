import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { printedSchema } from '../src/graphql/schema.ts';

test('schema/schema.graphql matches the Pothos schema (run `npm run schema` to update it)', () => {
  const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
  expect(committed).toBe(printedSchema());
});
