import { expect, test } from 'vitest';
import { knownModels } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';
import { membersOf } from '../../src/generation/fallback.ts';
import { PROVIDERS_BY_KIND } from '../../src/generation/provider-ids.ts';
import { createProviders } from '../../src/generation/provider-registry.ts';
import { createMetrics } from '../../src/telemetry/metrics.ts';

/**
 * Every provider the registry can build keeps its own `provider` label and its configured model's
 * `model` label: a new adapter whose name is missing from telemetry's list would silently become `other`.
 */
test('every configurable provider, in a chain of all of them, is labelled by its own name and model', async () => {
  const config = parseConfig({
    IMAGE_PROVIDER: PROVIDERS_BY_KIND.image.join(','), VIDEO_PROVIDER: PROVIDERS_BY_KIND.video.join(','), TEXT_PROVIDER: PROVIDERS_BY_KIND.text.join(','),
    SDWEBUI_URL: 'http://127.0.0.1:7860', OPENAI_API_KEY: 'sk-x', REPLICATE_API_TOKEN: 'r8_x', HUGGINGFACE_API_TOKEN: 'hf_x', STABILITY_API_KEY: 'sk-x', FAL_KEY: 'k:x',
  });
  const providers = createProviders(config.providers);
  const metrics = createMetrics({ knownModels: knownModels(providers), defaultMetrics: false });
  const seen: string[] = [];
  for (const kind of ['image', 'video', 'text'] as const) {
    const chain = providers[kind];
    expect(chain, kind).toBeDefined();
    for (const member of membersOf(chain!)) {
      if (!member.kinds.has(kind)) continue;
      seen.push(`${kind}:${member.name}`);
      metrics.observeGeneration({
        kind, style: 'photo', theme: 'other', status: 'succeeded', provider: member.name, model: member.models[kind] ?? member.name,
        operation: 'generate_content', durationSeconds: 1, costUsd: null,
      });
    }
  }
  expect(seen).toEqual([
    ...PROVIDERS_BY_KIND.image.map((id) => `image:${id}`), ...PROVIDERS_BY_KIND.video.map((id) => `video:${id}`), ...PROVIDERS_BY_KIND.text.map((id) => `text:${id}`),
  ]);
  const text = await metrics.registry.metrics();
  const durations = text.split('\n').filter((line) => line.startsWith('gen_ai_client_operation_duration_seconds_count'));
  expect(durations.length).toBeGreaterThan(0);
  for (const line of durations) {
    expect(line).not.toContain('gen_ai_provider_name="other"');
    expect(line).not.toContain('gen_ai_request_model="other"');
  }
  for (const id of new Set(seen.map((entry) => entry.split(':')[1]))) expect(text).toContain(`gen_ai_provider_name="${id}"`);
});
