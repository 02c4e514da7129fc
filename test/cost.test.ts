import { describe, expect, it } from 'vitest';
import { createCostTable, estimateCost } from '../src/generation/cost.ts';

describe('estimateCost', () => {
  it('prices local providers at exactly 0', () => {
    expect(estimateCost({ provider: 'procedural', model: 'procedural-v1', kind: 'image' })).toEqual({ usd: 0 });
    expect(estimateCost({ provider: 'procedural', model: 'anything', kind: 'text' })).toEqual({ usd: 0 });
    expect(estimateCost({ provider: 'sdwebui', model: 'v1-5-pruned-emaonly', kind: 'image', size: '512x512' })).toEqual({ usd: 0 });
  });

  it('prices DALL-E per image by size', () => {
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1024x1024' }).usd).toBe(0.04);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1792x1024' }).usd).toBe(0.08);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1024x1792' }).usd).toBe(0.08);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-2', kind: 'image', size: '256x256' }).usd).toBe(0.016);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-2', kind: 'image', size: '512x512' }).usd).toBe(0.018);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-2', kind: 'image', size: '1024x1024' }).usd).toBe(0.02);
  });

  it('is unknown, not free, for a size or model it has no price for', () => {
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '512x512' }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image' }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'sora-2', kind: 'video' }).usd).toBeNull();
    expect(estimateCost({ provider: 'someone-else', model: 'gpt-4o', kind: 'text', inputTokens: 1, outputTokens: 1 }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o', kind: 'image', inputTokens: 1, outputTokens: 1 }).usd).toBeNull();
  });

  it('prices gpt-image-1 by tokens, falling back to the per-size price without usage', () => {
    // 50 text tokens at $5/M + 4160 image tokens at $40/M.
    expect(estimateCost({ provider: 'openai', model: 'gpt-image-1', kind: 'image', size: '1024x1024', inputTokens: 50, outputTokens: 4160 }).usd).toBeCloseTo(0.16665, 10);
    expect(estimateCost({ provider: 'openai', model: 'gpt-image-1', kind: 'image', size: '1024x1024' }).usd).toBe(0.167);
    expect(estimateCost({ provider: 'openai', model: 'gpt-image-1', kind: 'image', size: '1536x1024' }).usd).toBe(0.25);
    expect(estimateCost({ provider: 'openai', model: 'gpt-image-1', kind: 'image' }).usd).toBeNull();
  });

  it('prices chat models per million tokens', () => {
    const price = (model: string): number | null =>
      estimateCost({ provider: 'openai', model, kind: 'text', inputTokens: 1_000_000, outputTokens: 1_000_000 }).usd;
    expect(price('gpt-4o-mini')).toBeCloseTo(0.75, 10);
    expect(price('gpt-4o')).toBeCloseTo(12.5, 10);
    expect(price('gpt-4.1-mini')).toBeCloseTo(2, 10);
    expect(price('gpt-4.1')).toBeCloseTo(10, 10);
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-mini', kind: 'text', inputTokens: 31, outputTokens: 4 }).usd).toBeCloseTo(0.00000705, 12);
  });

  it('matches dated snapshots to the longest listed name', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', kind: 'text', ...usage }).usd).toBeCloseTo(0.15, 10);
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-2024-08-06', kind: 'text', ...usage }).usd).toBeCloseTo(2.5, 10);
    expect(estimateCost({ provider: 'openai', model: 'gpt-4.1-mini-2025-04-14', kind: 'text', ...usage }).usd).toBeCloseTo(0.4, 10);
    expect(estimateCost({ provider: 'OpenAI', model: 'GPT-4o-Mini', kind: 'text', ...usage }).usd).toBeCloseTo(0.15, 10);
  });

  it('does not price a different model that merely shares a prefix', () => {
    const usage = { inputTokens: 1000, outputTokens: 1000 };
    expect(estimateCost({ provider: 'openai', model: 'gpt-4.1-nano', kind: 'text', ...usage }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-audio-preview', kind: 'text', ...usage }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'gpt-image-1-mini', kind: 'image', size: '1024x1024' }).usd).toBeNull();
  });

  it('is unknown for a token-priced model without usage', () => {
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-mini', kind: 'text' }).usd).toBeNull();
    expect(estimateCost({ provider: 'openai', model: 'gpt-4o-mini', kind: 'text', inputTokens: 10 }).usd).toBeNull();
  });
});

describe('createCostTable', () => {
  it('adds prices for other providers and models', () => {
    const table = createCostTable([
      { provider: 'openrouter', model: 'meta-llama/llama-3.1-8b-instruct', kind: 'text', inputPerMillion: 0.02, outputPerMillion: 0.05 },
      { provider: 'fal', model: '*', kind: 'video', perUnit: 0.5 },
    ]);
    expect(table.estimate({ provider: 'openrouter', model: 'meta-llama/llama-3.1-8b-instruct', kind: 'text', inputTokens: 1_000_000, outputTokens: 1_000_000 }).usd).toBeCloseTo(0.07, 10);
    expect(table.estimate({ provider: 'fal', model: 'kling', kind: 'video' }).usd).toBe(0.5);
    // Defaults still apply.
    expect(table.estimate({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1024x1024' }).usd).toBe(0.04);
  });

  it('lets an extra entry override a default price', () => {
    const table = createCostTable([{ provider: 'openai', model: 'dall-e-3', kind: 'image', perImageBySize: { '1024x1024': 0.05 } }]);
    expect(table.estimate({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1024x1024' }).usd).toBe(0.05);
    expect(estimateCost({ provider: 'openai', model: 'dall-e-3', kind: 'image', size: '1024x1024' }).usd).toBe(0.04);
  });

  it('uses a provider-wide wildcard only when no named entry matches', () => {
    const table = createCostTable([{ provider: 'openai', model: '*', kind: 'text', perUnit: 0.01 }]);
    expect(table.estimate({ provider: 'openai', model: 'o3', kind: 'text' }).usd).toBe(0.01);
    expect(table.estimate({ provider: 'openai', model: 'gpt-4o', kind: 'text', inputTokens: 1_000_000, outputTokens: 0 }).usd).toBeCloseTo(2.5, 10);
  });

  it('rejects entries with no price or an invalid one', () => {
    expect(() => createCostTable([{ provider: 'x', model: 'y' }])).toThrow(RangeError);
    expect(() => createCostTable([{ provider: 'x', model: 'y', perUnit: -1 }])).toThrow(RangeError);
    expect(() => createCostTable([{ provider: 'x', model: 'y', inputPerMillion: Number.NaN }])).toThrow(RangeError);
    expect(() => createCostTable([{ provider: '', model: 'y', perUnit: 1 }])).toThrow(RangeError);
  });
});
