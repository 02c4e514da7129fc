import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Rules of the layout that review keeps finding broken once they slip: resolvers stay thin (the
 * ORM is reached through the domain services on the context, never from a schema file), and no
 * module keeps mutable state of its own (caches and memos are built per app or per request).
 */

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** Every import statement of a file, whole (multi-line ones included). */
function imports(text: string): string[] {
  return [...text.matchAll(/^import\s[^;]*?from\s+'[^']+';/gms)].map((match) => match[0]);
}

describe('GraphQL resolvers are thin', () => {
  const files = sources('src/graphql/schema');

  it('finds the schema files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('no schema file reaches the database except through ctx.domain', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const statement of imports(text)) {
        if (/from '@mikro-orm\//.test(statement)) problems.push(`${file} imports MikroORM: ${statement}`);
        if (/from '[./]+\/db\/(orm|sql)\.ts'/.test(statement)) problems.push(`${file} imports the ORM setup: ${statement}`);
        // An entity interface may name a Pothos object's shape; the entity itself (for queries) may not be imported.
        if (/from '[./]+\/db\/entities\//.test(statement) && !/^import type\s/.test(statement)) problems.push(`${file} imports an entity for querying: ${statement}`);
      }
      for (const [index, line] of text.split('\n').entries()) {
        if (/\.em\b/.test(line)) problems.push(`${file}:${index + 1} uses an entity manager: ${line.trim()}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * Module-level collections that are filled once from constants and never written again. Anything
 * else at module level that can change (a `let`, a WeakMap, a cache) belongs to a factory.
 */
const CONSTANT_TABLES: Record<string, string> = {
  // Bounded (4,096 entries, cleared when full) memo of a pure function of one character: what it
  // holds never changes an answer, only how fast it comes. See the comment at its declaration.
  'src/privacy/text-view.ts': 'viewChars',
};

describe('no module-level mutable state in src/', () => {
  const files = sources('src');

  it('no module keeps a let, a WeakMap or an empty Map at its top level', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [index, line] of text.split('\n').entries()) {
        // Column 0 is module level in this code base's formatting.
        if (/^(export\s+)?(let|var)\s/.test(line)) problems.push(`${file}:${index + 1}: ${line.trim()}`);
        const collection = /^(?:export\s+)?const\s+(\w+)\b[^=]*=\s*new\s+(WeakMap|WeakSet|Map)\b/.exec(line);
        if (collection && CONSTANT_TABLES[file] !== collection[1] && !isFilledAtOnce(line)) problems.push(`${file}:${index + 1}: ${line.trim()}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** `new Map([...entries])` / `new Map(list.map(...))`: a lookup table built from constants, not a cache. */
function isFilledAtOnce(line: string): boolean {
  return /new\s+Map\b(<[^>]*>)?\(\S/.test(line) && !/new\s+Map\b(<[^>]*>)?\(\)/.test(line);
}
