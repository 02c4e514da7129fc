/**
 * `npm run token:issue -- <name> <scope>`: creates an API token in the configured database and
 * prints it once (only its hash is stored). Scopes: bot (acts for Telegram users), admin.
 */
import { issueApiToken, SCOPES, type Scope } from '../src/auth/api-tokens.ts';
import { parseConfig } from '../src/config.ts';
import { createOrm } from '../src/db/orm.ts';
import { answerHelp } from '../src/cli.ts';

answerHelp(`
usage: npm run token:issue -- <name> <bot|admin>

Creates an API token in the configured database (DATABASE_URL / DATA_DIR) and prints it once; only
its hash is stored.`);

const [name = 'cli', scope = 'bot'] = process.argv.slice(2);
if (!(SCOPES as readonly string[]).includes(scope)) {
  console.error(`unknown scope "${scope}"; use one of: ${SCOPES.join(', ')}`);
  process.exit(64);
}
const orm = await createOrm(parseConfig(process.env).database);
const { id, token } = await issueApiToken(orm.em.fork(), name, [scope as Scope]);
await orm.close();
console.log(`token ${id} (${scope}): ${token}`);
console.log('Store it now: it cannot be shown again.');
