import { mkdir, opendir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { MediaStore } from './media-store.ts';

const SAFE_KEY = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;
const LIST_PAGE = 500;

export function createLocalMediaStore(directory: string): MediaStore {
  const root = resolve(directory);
  // Keys share a few date folders; creating each once spares a syscall on every write.
  const madeDirectories = new Set<string>();

  function pathFor(key: string): string {
    const path = resolve(root, key);
    // Keys are ours, but a path outside the root must be impossible, not merely unlikely.
    if (!SAFE_KEY.test(key) || key.includes('..') || !path.startsWith(root + sep)) {
      throw new Error('invalid media key');
    }
    return path;
  }

  return {
    kind: 'local',
    async put(key, bytes) {
      const path = pathFor(key);
      const directory = dirname(path);
      if (!madeDirectories.has(directory)) {
        await mkdir(directory, { recursive: true });
        madeDirectories.add(directory);
      }
      // Write, fsync (flush), rename: a crash never leaves a half-written file under the final name.
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        await writeFile(temporary, bytes, { flush: true });
      } catch (error) {
        // Retention may have removed an emptied folder since: make it again, once.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await mkdir(directory, { recursive: true });
        await writeFile(temporary, bytes, { flush: true });
      }
      await rename(temporary, path);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathFor(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathFor(key), { force: true });
    },
    async *list(before) {
      let page: string[] = [];
      for await (const path of walk(root)) {
        const key = relative(root, path).split(sep).join('/');
        if (!SAFE_KEY.test(key)) continue;
        const written = await stat(path).catch(() => undefined);
        if (!written || written.mtime.getTime() >= before.getTime()) continue;
        page.push(key);
        if (page.length >= LIST_PAGE) {
          yield page;
          page = [];
        }
      }
      if (page.length > 0) yield page;
    },
  };
}

/** Files under `directory`, depth first; a folder removed meanwhile is skipped. */
async function* walk(directory: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await opendir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
