import { describe, expect, test } from 'vitest';
import { createCircuitBreaker, judgeOutcome, withCircuitBreaker, type CircuitState } from '../src/generation/circuit-breaker.ts';
import { ProviderError, type Provider, type ProviderRequest } from '../src/generation/provider.ts';

function setup(options: { failureThreshold?: number; openMs?: number; halfOpenProbes?: number } = {}) {
  let clock = 1_000;
  const changes: Array<[CircuitState, CircuitState]> = [];
  let rejections = 0;
  const breaker = createCircuitBreaker({
    failureThreshold: options.failureThreshold ?? 3,
    openMs: options.openMs ?? 10_000,
    ...(options.halfOpenProbes ? { halfOpenProbes: options.halfOpenProbes } : {}),
    now: () => clock,
    onStateChange: ({ from, to }) => changes.push([from, to]),
    onRejected: () => (rejections += 1),
  });
  let calls = 0;
  const succeed = () => breaker.run(async () => ((calls += 1), 'ok'));
  const fail = (error: unknown = new ProviderError('provider_timeout', 'slow')) =>
    breaker.run(async () => {
      calls += 1;
      throw error;
    });
  return {
    breaker, changes, succeed, fail,
    advance: (ms: number) => (clock += ms),
    calls: () => calls,
    rejections: () => rejections,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => expect.fail('expected a rejection'), (error: unknown) => error);
}

describe('circuit breaker', () => {
  test('opens after the threshold of consecutive transient failures and then fails at once without calling', async () => {
    const b = setup({ failureThreshold: 3, openMs: 10_000 });
    for (let i = 0; i < 2; i++) await rejection(b.fail());
    expect(b.breaker.state()).toBe('closed');
    await rejection(b.fail(new ProviderError('provider_error', 'HTTP 503', { status: 503 })));
    expect(b.breaker.state()).toBe('open');
    expect(b.changes).toEqual([['closed', 'open']]);

    const error = await rejection(b.succeed());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ errorClass: 'provider_unavailable', retryAfterSeconds: 10 });
    expect(b.calls()).toBe(3);
    expect(b.rejections()).toBe(1);

    b.advance(7_500);
    expect(await rejection(b.succeed())).toMatchObject({ retryAfterSeconds: 3 });
    expect(b.calls()).toBe(3);
  });

  test('a success in between resets the count: only failures in a row open it', async () => {
    const b = setup({ failureThreshold: 3 });
    await rejection(b.fail());
    await rejection(b.fail());
    await b.succeed();
    await rejection(b.fail());
    await rejection(b.fail());
    expect(b.breaker.state()).toBe('closed');
    await rejection(b.fail());
    expect(b.breaker.state()).toBe('open');
  });

  test('refusals and 4xx answers are not failures of the provider, and count as it being up', async () => {
    const b = setup({ failureThreshold: 2 });
    await rejection(b.fail());
    for (const error of [
      new ProviderError('content_refused', 'policy', { status: 400 }),
      new ProviderError('provider_error', 'bad key', { status: 401 }),
      new ProviderError('provider_rate_limited', 'slow down', { status: 429, retryAfterSeconds: 2 }),
    ]) {
      await rejection(b.fail(error));
      await rejection(b.fail());
      expect(b.breaker.state()).toBe('closed');
    }
    expect(b.calls()).toBe(7);
  });

  test('an abort or an unexpected bug says nothing about the provider', async () => {
    const b = setup({ failureThreshold: 2 });
    await rejection(b.fail());
    await rejection(b.fail(new DOMException('caller left', 'AbortError')));
    await rejection(b.fail(new TypeError('our bug')));
    expect(b.breaker.state()).toBe('closed');
    await rejection(b.fail());
    expect(b.breaker.state()).toBe('open');
  });

  test('after openMs one probe goes through; its success closes the circuit', async () => {
    const b = setup({ failureThreshold: 1, openMs: 5_000 });
    await rejection(b.fail());
    b.advance(5_000);
    expect(await b.succeed()).toBe('ok');
    expect(b.breaker.state()).toBe('closed');
    expect(b.changes).toEqual([['closed', 'open'], ['open', 'half_open'], ['half_open', 'closed']]);
    await b.succeed();
    expect(b.calls()).toBe(3);
  });

  test('a failed probe re-opens the circuit for another openMs', async () => {
    const b = setup({ failureThreshold: 2, openMs: 5_000 });
    await rejection(b.fail());
    await rejection(b.fail());
    b.advance(5_000);
    await rejection(b.fail(new ProviderError('malformed_response', 'garbage')));
    expect(b.breaker.state()).toBe('open');
    expect(b.changes.at(-1)).toEqual(['half_open', 'open']);
    b.advance(4_999);
    expect(await rejection(b.succeed())).toMatchObject({ errorClass: 'provider_unavailable', retryAfterSeconds: 1 });
    expect(b.calls()).toBe(3);
    b.advance(1);
    await b.succeed();
    expect(b.breaker.state()).toBe('closed');
  });

  test('while a probe is in flight other calls are refused, and a late answer from before the trip decides nothing', async () => {
    const b = setup({ failureThreshold: 1, openMs: 1_000 });
    let releaseSlow!: () => void;
    const slow = b.breaker.run(() => new Promise<string>((resolve) => (releaseSlow = () => resolve('late'))));
    await rejection(b.fail());
    expect(b.breaker.state()).toBe('open');
    releaseSlow();
    expect(await slow).toBe('late');
    // Admitted while closed, answered while open: not a probe, so the circuit stays open.
    expect(b.breaker.state()).toBe('open');

    b.advance(1_000);
    let releaseProbe!: () => void;
    const probe = b.breaker.run(() => new Promise<string>((resolve) => (releaseProbe = () => resolve('probe'))));
    expect(b.breaker.state()).toBe('half_open');
    expect(await rejection(b.succeed())).toMatchObject({ errorClass: 'provider_unavailable', retryAfterSeconds: 1 });
    releaseProbe();
    expect(await probe).toBe('probe');
    expect(b.breaker.state()).toBe('closed');
  });

  test('halfOpenProbes lets that many probes through at once', async () => {
    const b = setup({ failureThreshold: 1, openMs: 1_000, halfOpenProbes: 2 });
    await rejection(b.fail());
    b.advance(1_000);
    const gates: Array<() => void> = [];
    const probes = [0, 1].map(() => b.breaker.run(() => new Promise<void>((resolve) => gates.push(resolve))));
    await rejection(b.succeed());
    expect(gates).toHaveLength(2);
    for (const open of gates) open();
    await Promise.all(probes);
    expect(b.breaker.state()).toBe('closed');
  });

  test('an aborted probe frees its slot for the next caller', async () => {
    const b = setup({ failureThreshold: 1, openMs: 1_000 });
    await rejection(b.fail());
    b.advance(1_000);
    await rejection(b.fail(new DOMException('caller left', 'AbortError')));
    expect(b.breaker.state()).toBe('half_open');
    await b.succeed();
    expect(b.breaker.state()).toBe('closed');
  });

  test('judgeOutcome classes', () => {
    expect(judgeOutcome(new ProviderError('provider_error', 'reset'))).toBe('failure');
    expect(judgeOutcome(new ProviderError('provider_error', '502', { status: 502 }))).toBe('failure');
    expect(judgeOutcome(new ProviderError('provider_unavailable', 'refused'))).toBe('failure');
    expect(judgeOutcome(new ProviderError('provider_error', '404', { status: 404 }))).toBe('healthy');
    expect(judgeOutcome(new ProviderError('invalid_input', 'wrong kind'))).toBe('neutral');
  });
});

describe('withCircuitBreaker', () => {
  test('keeps the provider identity and never calls it while open', async () => {
    let calls = 0;
    const inner: Provider = {
      name: 'openai', kinds: new Set(['image']), models: { image: 'gpt-image-1' },
      generate: async () => {
        calls += 1;
        throw new ProviderError('provider_timeout', 'slow');
      },
    };
    const guarded = withCircuitBreaker(inner, createCircuitBreaker({ failureThreshold: 1, openMs: 60_000, now: () => 0 }));
    expect(guarded).toMatchObject({ name: 'openai', models: { image: 'gpt-image-1' } });
    const request: ProviderRequest = { kind: 'image', prompt: 'a cat', style: 'photo', stylePrompt: '' };
    await expect(guarded.generate(request)).rejects.toMatchObject({ errorClass: 'provider_timeout' });
    await expect(guarded.generate(request)).rejects.toMatchObject({ errorClass: 'provider_unavailable', retryAfterSeconds: 60 });
    expect(calls).toBe(1);
  });
});
