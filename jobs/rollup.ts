// Bree runs this file in a worker thread; the harness supplies the database, store, logger and signal.
import { runJobInWorker } from '../src/jobs/worker-harness.ts';
import { rollup } from '../src/jobs/rollup.ts';

await runJobInWorker(rollup);
