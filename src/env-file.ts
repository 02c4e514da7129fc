/**
 * Loaded first with `node --import` by the npm scripts: reads `./.env` into the environment when
 * the file exists, and says nothing when it does not. (Node's own `--env-file-if-exists` prints
 * ".env not found. Continuing without it." on every start without one.) Like `--env-file`, a
 * variable already set in the environment wins over the file.
 */
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
