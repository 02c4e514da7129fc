/**
 * A circuit breaker for one HTTP provider: after `failureThreshold` transient failures in a row it
 * opens and fails every call at once, without touching the network, so a provider that is down is
 * not hammered by every user's request (and users do not each wait a whole deadline to learn it).
 * After `openMs` it lets `halfOpenProbes` calls through: a success closes it, a failure re-opens it.
 */
import { ProviderError, type Provider, type ProviderRequest, type ProviderResult } from './provider.ts';

export type CircuitState = 'closed' | 'half_open' | 'open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  /** Calls let through at once while half-open; default 1. */
  halfOpenProbes?: number;
  /** Milliseconds on a monotonic clock; injected by tests. */
  now?: () => number;
  onStateChange?: (change: { from: CircuitState; to: CircuitState; consecutiveFailures: number }) => void;
  onRejected?: () => void;
}

export interface CircuitBreaker {
  state(): CircuitState;
  /** Runs `call` if the circuit allows it; otherwise throws ProviderError('provider_unavailable') with retryAfterSeconds. */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/** What an outcome says about the provider's health. */
export type Verdict = 'failure' | 'healthy' | 'neutral';

/**
 * Timeouts, 5xx, resets, unreachable hosts and unreadable answers say the provider is unwell.
 * A 4xx (a refusal, a rate limit, bad credentials) is an answer from a provider that is up.
 * Anything else (the caller left, a bug on our side) says nothing about the provider.
 */
export function judgeOutcome(error: unknown): Verdict {
  if (!(error instanceof ProviderError)) return 'neutral';
  switch (error.errorClass) {
    case 'provider_timeout':
    case 'provider_unavailable':
    case 'malformed_response':
      return 'failure';
    case 'provider_error':
      return error.status !== undefined && error.status < 500 ? 'healthy' : 'failure';
    case 'content_refused':
    case 'provider_rate_limited':
      return 'healthy';
    default:
      return 'neutral';
  }
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? (() => performance.now());
  const threshold = Math.max(1, Math.floor(options.failureThreshold));
  const probes = Math.max(1, Math.floor(options.halfOpenProbes ?? 1));
  let state: CircuitState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let probesInFlight = 0;
  // Bumped on every transition: a call admitted under an earlier state no longer decides anything.
  let epoch = 0;

  function moveTo(next: CircuitState): void {
    const from = state;
    state = next;
    epoch += 1;
    probesInFlight = 0;
    if (next === 'open') openedAt = now();
    options.onStateChange?.({ from, to: next, consecutiveFailures });
    if (next === 'closed') consecutiveFailures = 0;
  }

  function reject(retryAfterMs: number): never {
    options.onRejected?.();
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new ProviderError('provider_unavailable', `circuit open after ${consecutiveFailures} consecutive provider failures; not calling it for ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  function admit(): { epoch: number; probe: boolean } {
    if (state === 'open') {
      const waited = now() - openedAt;
      if (waited < options.openMs) reject(options.openMs - waited);
      moveTo('half_open');
    }
    if (state === 'half_open') {
      // The other probes' answers are pending; if they fail the circuit stays open another openMs.
      if (probesInFlight >= probes) reject(options.openMs);
      probesInFlight += 1;
      return { epoch, probe: true };
    }
    return { epoch, probe: false };
  }

  function settle(ticket: { epoch: number; probe: boolean }, verdict: Verdict): void {
    if (ticket.epoch !== epoch) return;
    if (ticket.probe) probesInFlight -= 1;
    if (verdict === 'neutral') return;
    if (verdict === 'healthy') {
      if (state === 'half_open') moveTo('closed');
      else consecutiveFailures = 0;
      return;
    }
    consecutiveFailures += 1;
    if (state === 'half_open' || consecutiveFailures >= threshold) moveTo('open');
  }

  return {
    state: () => state,
    async run(call) {
      const ticket = admit();
      try {
        const result = await call();
        settle(ticket, 'healthy');
        return result;
      } catch (error) {
        settle(ticket, judgeOutcome(error));
        throw error;
      }
    },
  };
}

/** The same provider behind a breaker; requests the breaker refuses never reach it. */
export function withCircuitBreaker(provider: Provider, breaker: CircuitBreaker): Provider {
  return {
    name: provider.name,
    kinds: provider.kinds,
    models: provider.models,
    ...(provider.edits ? { edits: true } : {}),
    ...(provider.vision ? { vision: true } : {}),
    generate: (request: ProviderRequest): Promise<ProviderResult> => breaker.run(() => provider.generate(request)),
  };
}

/** Gauge values of `atelier_provider_circuit_state`. */
export const CIRCUIT_STATE_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };
