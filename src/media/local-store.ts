import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { MediaStore } from './media-store.ts';

const SAFE_KEY = /^[a-z0-9][a-z0-9/_.-]{0,200}$/;

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
  };
}
