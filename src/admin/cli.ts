/**
 * `npm run admin -- <command>`: the admin CLI. It only talks to the GraphQL API over HTTP
 * (ATELIER_API_URL, ATELIER_ADMIN_TOKEN); see run-cli.ts and `--help`.
 */
import { runCli } from './run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
});
