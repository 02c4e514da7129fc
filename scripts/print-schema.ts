/**
 * `npm run schema` writes schema/schema.graphql from the Pothos schema;
 * `npm run schema -- --check` exits 1 when the committed file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { printedSchema } from '../src/graphql/schema.ts';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run schema -- [--check]

Writes schema/schema.graphql from the Pothos schema; --check only compares and exits 1 when the
committed file is out of date.`);

const target = new URL('../schema/schema.graphql', import.meta.url);
const printed = printedSchema();
if (process.argv.includes('--check')) {
  const committed = readFileSync(target, 'utf8');
  if (committed !== printed) {
    console.error('schema/schema.graphql is out of date: run `npm run schema` and commit the result');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date');
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${target.pathname}`);
}
