/** `npm run schema`: writes schema/schema.graphql from the Pothos schema. */
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/schema.ts';

const target = new URL('../schema/schema.graphql', import.meta.url);
writeFileSync(target, printedSchema());
console.log(`wrote ${target.pathname}`);
