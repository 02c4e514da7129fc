// Bree runs this file in a worker thread; the harness supplies the database, store, logger and signal.
import { runJobInWorker } from '../src/jobs/worker-harness.ts';
import { rollup } from '../src/analytics/rollup.ts';

await runJobInWorker(rollup);
