import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createCircuitBreaker, withCircuitBreaker } from './circuit-breaker.ts';
import type { ProviderSet } from './generate.ts';
import type { MediaKind, Provider } from './provider.ts';
import type { HttpRetryOptions } from './providers/http-client.ts';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.ts';
import { createProceduralProvider } from './providers/procedural.ts';
import { createSdWebUiProvider } from './providers/sd-webui.ts';

export interface ProviderRegistryDeps {
  logger?: Logger | undefined;
  /** A getter: the metrics registry is built after the providers, since it labels their models. */
  metrics?: (() => Metrics | undefined) | undefined;
  /** Monotonic milliseconds for the breakers; injected by tests. */
  now?: () => number;
}

/** Builds the configured provider for each kind; each HTTP provider sits behind a breaker of its own. */
export function createProviders(config: Config['providers'], deps: ProviderRegistryDeps & { proceduralDelayMs?: number } = {}): ProviderSet {
  const http: HttpRetryOptions = {
    timeoutMs: config.http.timeoutMs, maxRetries: config.http.maxRetries, deadlineMs: config.http.deadlineMs, baseDelayMs: 500, maxDelayMs: 8_000,
  };
  const procedural = createProceduralProvider({ delayMs: deps.proceduralDelayMs ?? 0 });
  const image = config.image;
  const text = config.text;

  // One breaker per kind, even when both kinds use the same server: a broken image endpoint must not stop text.
  function guarded(provider: Provider, kind: MediaKind): Provider {
    const labels = { provider: provider.name, kind };
    const breaker = createCircuitBreaker({
      failureThreshold: config.breaker.failureThreshold,
      openMs: config.breaker.openMs,
      ...(deps.now ? { now: deps.now } : {}),
      onStateChange: ({ from, to, consecutiveFailures }) => {
        deps.metrics?.()?.observeCircuitState(provider.name, kind, to);
        const fields = { ...labels, from, to, consecutiveFailures, openMs: config.breaker.openMs };
        if (to === 'open') deps.logger?.warn(fields, 'provider circuit opened: failing calls at once');
        else deps.logger?.info(fields, `provider circuit ${to === 'closed' ? 'closed' : 'half-open: probing'}`);
      },
      onRejected: () => deps.metrics?.()?.observeCircuitRejection(provider.name, kind),
    });
    return withCircuitBreaker(provider, breaker);
  }

  return {
    image:
      image.kind === 'openai'
        ? guarded(createOpenAiCompatibleProvider({ baseUrl: image.baseUrl, apiKey: image.apiKey, imageModel: image.model, imageSize: image.size, http }), 'image')
        : image.kind === 'sdwebui'
          ? guarded(createSdWebUiProvider({ baseUrl: image.baseUrl, steps: image.steps, http }), 'image')
          : procedural,
    video: procedural,
    text:
      text.kind === 'openai'
        ? guarded(createOpenAiCompatibleProvider({ baseUrl: text.baseUrl, apiKey: text.apiKey, textModel: text.model, http }), 'text')
        : undefined,
  };
}
