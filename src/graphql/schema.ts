import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.ts';
import './schema/index.ts';

export const schema = builder.toSchema();

/** The SDL checked in at schema/schema.graphql; sorted so the file only changes when the schema does. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
