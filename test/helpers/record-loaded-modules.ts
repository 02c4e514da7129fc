/**
 * Preloaded with `--import` (through NODE_OPTIONS) by tests that ask which modules a real process
 * loads: appends the URL of every module it loads to $LOADED_MODULES_FILE, one a line, and after
 * each, Node's own modules loaded since (process.moduleLoadList, as `node:internal/...` lines), such
 * as the TypeScript stripper a start loads when a module is not in the compile cache.
 */
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env['LOADED_MODULES_FILE'];
if (file) {
  let internals = 0;
  const recordInternals = () => {
    // Undocumented in the types, stable since Node 0.x: what `process.moduleLoadList` prints.
    const list = (process as unknown as { moduleLoadList: readonly string[] }).moduleLoadList;
    const added = list.slice(internals).filter((entry) => entry.startsWith('NativeModule ')).map((entry) => `node:${entry.slice('NativeModule '.length)}\n`);
    internals = list.length;
    if (added.length > 0) appendFileSync(file, added.join(''));
  };
  recordInternals();
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      const loaded = nextLoad(url, context);
      recordInternals();
      return loaded;
    },
  });
}
