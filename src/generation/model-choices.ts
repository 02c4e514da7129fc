/**
 * `/model` (issue 15): the image models a user can put first. They are exactly the members of the
 * configured image chain (IMAGE_PROVIDER), so a pick never reaches a provider the operator did not
 * configure, and the chain's order (with every member's circuit breaker) still applies behind it.
 */
import { membersOf } from './fallback.ts';
import type { Provider } from './provider.ts';

export interface ModelChoice {
  /** The provider id a user stores as their pick. */
  provider: string;
  /** Its configured image model. */
  model: string;
  /** False for the offline procedural renderer, which is not AI. */
  ai: boolean;
}

export function imageModelChoices(image: Provider): ModelChoice[] {
  return membersOf(image).filter((member) => member.kinds.has('image')).map((member) => ({
    provider: member.name, model: member.models.image ?? member.name, ai: member.name !== 'procedural',
  }));
}

export function isImageModelChoice(image: Provider, provider: string): boolean {
  return imageModelChoices(image).some((choice) => choice.provider === provider);
}
