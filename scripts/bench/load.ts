/**
 * The load generator, in a process of its own (forked by scripts/bench.ts, spoken to over IPC) so
 * that it never shares an event loop with the server it measures. One autocannon run per
 * `run` message, fixed concurrency, every response body checked; latencies are kept from
 * autocannon's per-response event, which has sub-millisecond precision (its summary has 1 ms).
 */
import autocannon from 'autocannon';
import { answerHelp } from '../../src/cli.ts';

answerHelp(`
usage: node scripts/bench/load.ts

The load generator forked by npm run bench (it waits for run messages over IPC).`);

export interface RequestTemplate {
  body: string;
  headers: Record<string, string>;
}

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  duration?: number;
  /** Exactly this many requests. */
  amount?: number;
  /** Sent in turn on each connection. `%N%` in a body becomes a running number, `%USER%` in a header one of `users` Telegram ids. */
  requests: RequestTemplate[];
  users?: number;
  /** Every response body must contain this, or the run counts it as bad. */
  expect: string;
  /** Keep latency samples (costs memory on very long runs). */
  latencies?: boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Transport errors, timeouts, non-2xx answers and bodies without `expect`. */
  bad: number;
  firstBad: string | undefined;
}

export type LoadMessage = { type: 'run'; spec: LoadSpec } | { type: 'stop' };

let current: autocannon.Instance | undefined;

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  let counter = 0;
  let bad = 0;
  let firstBad: string | undefined;
  const users = spec.users ?? 1;
  const samples: number[] = [];
  const started = performance.now();
  let finish!: (result: autocannon.Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    timeout: 30,
    requests: spec.requests.map((template) => ({
      method: 'POST' as const,
      path: new URL(spec.url).pathname,
      setupRequest(request: autocannon.Request) {
        counter += 1;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(template.headers)) headers[name] = value.replace('%USER%', String(1_000_000 + (counter % users)));
        return { ...request, headers, body: template.body.replace('%N%', String(counter)) };
      },
      onResponse(status: number, body: string) {
        if (status >= 200 && status < 300 && body.includes(spec.expect)) return;
        bad += 1;
        firstBad ??= `HTTP ${status}: ${body.slice(0, 300)}`;
      },
    })),
  }, (error, result) => (error ? fail(error) : finish(result)));
  current = instance;
  if (spec.latencies !== false) instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => samples.push(responseTime));
  const result = await done;
  current = undefined;
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(samples).sort();
  bad += result.errors + result.timeouts;
  if (result.errors > 0) firstBad ??= `${result.errors} transport errors`;
  return {
    requests: result.requests.total,
    seconds,
    rate: result.requests.total / seconds,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    bad,
    firstBad,
  };
}

process.on('message', (message: LoadMessage) => {
  if (message.type === 'stop') {
    current?.stop();
    return;
  }
  run(message.spec).then(
    (result) => process.send!({ type: 'result', result }),
    (error: unknown) => process.send!({ type: 'error', message: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
