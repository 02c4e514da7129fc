/**
 * Preloaded with `--import` (through NODE_OPTIONS) by tests that ask which modules a real process
 * loads: appends the URL of every module it loads to $LOADED_MODULES_FILE, one a line.
 */
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const file = process.env['LOADED_MODULES_FILE'];
if (file) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
