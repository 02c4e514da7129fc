import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * GraphiQL's browser bundle, from the `@graphql-yoga/graphiql` package in node_modules. Yoga's
 * own page loads it from a CDN, which fails offline and sends every operator's browser to a
 * third party; serving it ourselves makes GraphiQL work wherever the API does.
 */
const packageJson = createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json');
const DIST = join(dirname(packageJson), 'dist');

export const GRAPHIQL_VERSION = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** Versioned, so browsers may cache the files for good. */
export const GRAPHIQL_ASSET_BASE = `/graphiql/${GRAPHIQL_VERSION}/`;

/** The files the page needs, by URL path under the base (the double dot is the package's own name). */
export const GRAPHIQL_ASSETS: Readonly<Record<string, string>> = {
  'graphiql.css': 'text/css; charset=utf-8',
  'yoga-graphiql.umd.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/editor.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/json.worker.bundle.js': 'text/javascript; charset=utf-8',
  'monacoeditorwork/graphql.worker..bundle.js': 'text/javascript; charset=utf-8',
};

export function readGraphiqlAsset(name: string): Buffer {
  return readFileSync(join(DIST, name));
}
