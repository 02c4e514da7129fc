import type { Config } from '../config.ts';
import type { ProviderSet } from './generate.ts';
import type { HttpRetryOptions } from './providers/http-client.ts';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.ts';
import { createProceduralProvider } from './providers/procedural.ts';
import { createSdWebUiProvider } from './providers/sd-webui.ts';

/** Builds the configured provider for each kind. */
export function createProviders(config: Config['providers']): ProviderSet {
  const http: HttpRetryOptions = { timeoutMs: config.http.timeoutMs, maxRetries: config.http.maxRetries, baseDelayMs: 500, maxDelayMs: 8_000 };
  const procedural = createProceduralProvider();
  const image = config.image;
  const text = config.text;
  return {
    image:
      image.kind === 'openai'
        ? createOpenAiCompatibleProvider({ baseUrl: image.baseUrl, apiKey: image.apiKey, imageModel: image.model, imageSize: image.size, http })
        : image.kind === 'sdwebui'
          ? createSdWebUiProvider({ baseUrl: image.baseUrl, steps: image.steps, http })
          : procedural,
    video: procedural,
    text: text.kind === 'openai' ? createOpenAiCompatibleProvider({ baseUrl: text.baseUrl, apiKey: text.apiKey, textModel: text.model, http }) : undefined,
  };
}
