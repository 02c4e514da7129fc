/**
 * The one list of provider ids, by the kinds each can serve. Configuration validates against it,
 * the registry must build every id in it (its factory table is typed by it), and telemetry takes
 * its bounded `provider` label values from it: a new adapter added here is labelled, never `other`.
 */
export const PROVIDERS_BY_KIND = {
  image: ['procedural', 'openai', 'sdwebui', 'pollinations', 'replicate', 'huggingface', 'stability', 'fal'],
  video: ['procedural', 'replicate', 'fal', 'openai'],
  text: ['openai', 'pollinations'],
} as const;

export type ImageProviderId = (typeof PROVIDERS_BY_KIND.image)[number];
export type VideoProviderId = (typeof PROVIDERS_BY_KIND.video)[number];
export type TextProviderId = (typeof PROVIDERS_BY_KIND.text)[number];
export type ProviderId = ImageProviderId | VideoProviderId | TextProviderId;

export const PROVIDER_IDS: readonly ProviderId[] = [...new Set<ProviderId>([...PROVIDERS_BY_KIND.image, ...PROVIDERS_BY_KIND.video, ...PROVIDERS_BY_KIND.text])];
