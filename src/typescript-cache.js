// Plain JavaScript on purpose: loaded first (`node --import ./src/typescript-cache.js`), before any
// TypeScript module, it is what keeps Node from having to strip their types itself.
//
// Node strips a .ts module's types with amaro, a WebAssembly build of SWC: loading it once costs a
// process about 10 MiB of resident memory for good (its embedded source, V8's WebAssembly compiler
// and the instance's memory; README: Memory). This hook serves each module's type-stripped text from
// .cache/typescript/ instead: a directory per module (a hash of its URL), a file per version of its
// source (a hash of the text), so an edited file is never served stale. A miss strips the module
// here, as Node would (same text, same sourceURL), writes it for the next start and removes the
// module's older versions, so the cache holds one entry per module however often files are edited.
// `node src/typescript-cache.js <dir>...` fills the cache ahead (npm start runs it before node, the
// image's build once), so even a first start loads no amaro.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CACHE_DIR = fileURLToPath(new URL('../.cache/typescript/', import.meta.url));
const runAsScript = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

const hash = (/** @type {string} */ text) => createHash('sha256').update(text).digest('hex');
/** @param {string} url @param {string} source */
const cacheFile = (url, source) => join(CACHE_DIR, hash(url), `${hash(source)}.js`);

/**
 * What Node's loader would compile for this module: its text with types stripped, and its URL as
 * sourceURL. The public API warns once that it is experimental; the loader's own stripping (the
 * same function) does not, so neither does this.
 * @param {string} url @param {string} source
 */
function strip(url, source) {
  const emitWarning = process.emitWarning;
  process.emitWarning = /** @type {typeof process.emitWarning} */ ((warning, ...rest) => {
    if (!String(warning).includes('stripTypeScriptTypes')) emitWarning.call(process, warning, .../** @type {[]} */ (rest));
  });
  try {
    return stripTypeScriptTypes(source, { mode: 'strip', sourceUrl: url });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Writes atomically, so a concurrent start never reads half a file, then drops the module's other
 * versions (a start that still reads one just strips it again). A read-only cache is no error.
 * @param {string} file @param {string} text
 */
function save(file, text) {
  try {
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, text);
    renameSync(partial, file);
    for (const entry of readdirSync(dir)) {
      if (entry !== basename(file) && !entry.endsWith('.partial')) rmSync(join(dir, entry), { force: true });
    }
  } catch {
    // The module still loads; the next start strips it again.
  }
}

/** @param {string} url @returns {string | undefined} */
function stripped(url) {
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const file = cacheFile(url, source);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    let text;
    try {
      text = strip(url, source);
    } catch {
      return undefined; // Node's own loader reports the syntax error, as without the cache.
    }
    save(file, text);
    return text;
  }
}

// Only where Node itself would strip types (not with --experimental-transform-types or without TypeScript support).
if (process.features.typescript === 'strip' && !runAsScript) {
  registerHooks({
    load(url, context, nextLoad) {
      // Node resolves a .ts file of this ("type": "module") package as module-typescript; .d.ts and
      // node_modules never are (Node refuses to strip those).
      if (context.format === 'module-typescript' && url.startsWith('file:')) {
        const text = stripped(url);
        if (text !== undefined) return { format: 'module', source: text, shortCircuit: true };
      }
      return nextLoad(url, context);
    },
  });
}

/**
 * `node src/typescript-cache.js src jobs`: strips every .ts file under the directories that the cache
 * does not hold yet (npm start runs it first, the image's build once), saying how many it wrote.
 */
if (runAsScript) {
  // Entries of the first layout (one flat file per version, never removed) are not read any more.
  if (existsSync(CACHE_DIR)) {
    for (const entry of readdirSync(CACHE_DIR, { withFileTypes: true })) if (entry.isFile()) rmSync(join(CACHE_DIR, entry.name), { force: true });
  }
  let count = 0;
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path);
      else if (entry.isFile() && path.endsWith('.ts') && !path.endsWith('.d.ts')) {
        const url = pathToFileURL(resolve(path)).href;
        const source = readFileSync(path, 'utf8');
        const file = cacheFile(url, source);
        if (existsSync(file)) continue;
        save(file, strip(url, source));
        count += 1;
      }
    }
  };
  for (const dir of process.argv.slice(2)) walk(dir);
  if (count > 0) process.stdout.write(`typescript-cache: ${count} modules stripped into ${CACHE_DIR}\n`);
}
