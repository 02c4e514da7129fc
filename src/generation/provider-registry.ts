import type { Logger } from 'pino';
import type { Config, ImageProviderConfig, TextProviderConfig, VideoProviderConfig } from '../config.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { createCircuitBreaker, withCircuitBreaker } from './circuit-breaker.ts';
import { createFallbackProvider, type FallbackEvent } from './fallback.ts';
import type { ProviderSet } from './generate.ts';
import type { MediaKind, Provider } from './provider.ts';
import type { HttpRetryOptions } from './providers/http-client.ts';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.ts';
import { createOpenAiVideoProvider } from './providers/openai-video.ts';
import { createFalProvider } from './providers/fal.ts';
import { createHuggingFaceProvider } from './providers/huggingface.ts';
import { createPollinationsProvider } from './providers/pollinations.ts';
import { createStabilityProvider } from './providers/stability.ts';
import { createProceduralProvider } from './providers/procedural.ts';
import { createReplicateProvider } from './providers/replicate.ts';
import type { PredictionWakeups } from './providers/replicate-webhook.ts';
import type { PollingOptions } from './long-running.ts';
import { createSdWebUiProvider } from './providers/sd-webui.ts';

export interface ProviderRegistryDeps {
  logger?: Logger | undefined;
  /** A getter: the metrics registry is built after the providers, since it labels their models. */
  metrics?: (() => Metrics | undefined) | undefined;
  /** Monotonic milliseconds for the breakers; injected by tests. */
  now?: () => number;
  /** With REPLICATE_WEBHOOK: where Replicate's verified deliveries wake the waiting predictions. */
  replicateWakeups?: PredictionWakeups | undefined;
}

/** Builds the configured provider for each kind; each HTTP provider sits behind a breaker of its own. */
export function createProviders(config: Config['providers'], deps: ProviderRegistryDeps & { proceduralDelayMs?: number } = {}): ProviderSet {
  const http: HttpRetryOptions = {
    timeoutMs: config.http.timeoutMs, maxRetries: config.http.maxRetries, deadlineMs: config.http.deadlineMs, baseDelayMs: 500, maxDelayMs: 8_000,
  };
  const polling: PollingOptions = {
    initialDelayMs: config.longRunning.pollMs, maxDelayMs: config.longRunning.pollMs * 8, deadlineMs: config.longRunning.deadlineMs,
  };
  const procedural = createProceduralProvider({ delayMs: deps.proceduralDelayMs ?? 0 });
  const webhook = config.replicateWebhook && deps.replicateWakeups ? { url: config.replicateWebhook.url, wakeups: deps.replicateWakeups } : undefined;

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

  function imageProvider(entry: ImageProviderConfig): Provider {
    switch (entry.kind) {
      case 'openai':
        return guarded(createOpenAiCompatibleProvider({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, imageModel: entry.model, imageSize: entry.size, http }), 'image');
      case 'sdwebui':
        return guarded(createSdWebUiProvider({ baseUrl: entry.baseUrl, steps: entry.steps, http }), 'image');
      case 'pollinations':
        return guarded(createPollinationsProvider({ ...entry, http }), 'image');
      case 'replicate':
        return guarded(createReplicateProvider({ baseUrl: entry.baseUrl, apiToken: entry.apiToken, imageModel: entry.model, http, polling, webhook }), 'image');
      case 'huggingface':
        return guarded(createHuggingFaceProvider({ baseUrl: entry.baseUrl, apiToken: entry.apiToken, model: entry.model, http }), 'image');
      case 'stability':
        return guarded(createStabilityProvider({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, model: entry.model, http }), 'image');
      case 'fal':
        return guarded(createFalProvider({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, imageModel: entry.model, http, polling }), 'image');
      case 'procedural':
        return procedural;
    }
  }

  function videoProvider(entry: VideoProviderConfig): Provider {
    switch (entry.kind) {
      case 'replicate':
        return guarded(createReplicateProvider({ baseUrl: entry.baseUrl, apiToken: entry.apiToken, videoModel: entry.model, http, polling, webhook }), 'video');
      case 'fal':
        return guarded(createFalProvider({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, videoModel: entry.model, http, polling }), 'video');
      case 'openai':
        return guarded(createOpenAiVideoProvider({ ...entry, http, polling }), 'video');
      case 'procedural':
        return procedural;
    }
  }

  function textProvider(entry: TextProviderConfig): Provider {
    if (entry.kind === 'openai') return guarded(createOpenAiCompatibleProvider({ baseUrl: entry.baseUrl, apiKey: entry.apiKey, textModel: entry.model, http }), 'text');
    // Pollinations' OpenAI-compatible chat endpoint: free without a key; `private` keeps answers off its public feed.
    return guarded(createOpenAiCompatibleProvider({
      name: 'pollinations', baseUrl: entry.url, chatUrl: entry.url, apiKey: entry.apiKey, textModel: entry.model, http, extraChatBody: { private: true }, vision: false, unpriced: entry.apiKey !== undefined,
    }), 'text');
  }

  const onFallback = (event: FallbackEvent) => {
    deps.logger?.warn(event, 'provider could not serve; trying the next one in the chain');
    deps.metrics?.()?.observeFallback(event.kind, event.from, event.to, event.errorClass);
  };
  return {
    image: createFallbackProvider(config.image.map(imageProvider), onFallback),
    video: createFallbackProvider(config.video.map(videoProvider), onFallback),
    text: config.text.length > 0 ? createFallbackProvider(config.text.map(textProvider), onFallback) : undefined,
  };
}
