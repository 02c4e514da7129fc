/**
 * A fallback chain (`IMAGE_PROVIDER=replicate,pollinations,procedural`): providers are tried in
 * order; when one cannot serve (unreachable, open circuit, timeout, 5xx, out of credit, rate
 * limited, unreadable answer) the next one is asked. The result names the provider that served it,
 * which is what the row records.
 */
import { acceptsSourceImage, ProviderError, type MediaKind, type Provider, type ProviderRequest, type ProviderResult } from './provider.ts';

/**
 * Failures that say nothing about whether the next provider could serve the request are final:
 * a content refusal (shopping a refused prompt around other providers would defeat the refusal),
 * bad input, and our own bugs. Every other provider failure moves on down the chain.
 */
export function fallsThrough(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  return error.errorClass !== 'content_refused' && error.errorClass !== 'invalid_input' && error.errorClass !== 'internal';
}

export interface FallbackEvent {
  kind: MediaKind;
  from: string;
  to: string;
  errorClass: string;
}

export function createFallbackProvider(members: readonly Provider[], onFallback?: (event: FallbackEvent) => void): Provider {
  const [first] = members;
  if (!first) throw new RangeError('a fallback chain needs at least one provider');
  if (members.length === 1) return first;
  const kinds = new Set<MediaKind>(members.flatMap((member) => [...member.kinds]));
  const models: Partial<Record<MediaKind, string>> = {};
  for (const kind of kinds) {
    const model = members.find((member) => member.kinds.has(kind))?.models[kind];
    if (model) models[kind] = model;
  }
  const chain: Provider = {
    // The preferred provider names the chain in queued rows and labels; the served one replaces it on success.
    name: first.name,
    kinds,
    models,
    members,
    ...(members.some((member) => member.edits) ? { edits: true } : {}),
    ...(members.some((member) => member.vision) ? { vision: true } : {}),
    async generate(request: ProviderRequest): Promise<ProviderResult> {
      // A request with an image goes only to members that can take it (an edit is not a new picture).
      const able = members.filter((member) => member.kinds.has(request.kind) && (!request.sourceImage || acceptsSourceImage(member, request.kind)));
      let lastError: unknown = new ProviderError('invalid_input', `no provider in the chain serves ${request.kind}`);
      for (const [index, member] of able.entries()) {
        request.signal?.throwIfAborted();
        try {
          return await member.generate(request);
        } catch (error) {
          lastError = attribute(error, member.name);
          // The caller left (cancelled, lease lost): never start another provider for nobody.
          if (request.signal?.aborted || !fallsThrough(error)) throw lastError;
          const next = able[index + 1];
          if (next) onFallback?.({ kind: request.kind, from: member.name, to: next.name, errorClass: (error as ProviderError).errorClass });
        }
      }
      throw lastError;
    },
    prefer(name) {
      const member = members.find((candidate) => candidate.name === name);
      // The same member objects, so each keeps its own circuit breaker whatever the order.
      return !member || member === first ? chain : createFallbackProvider([member, ...members.filter((candidate) => candidate !== member)], onFallback);
    },
  };
  return chain;
}

/**
 * The chain with `name` tried first (a user's `/model` pick, or the provider a queued row names),
 * then the others in their configured order. A name outside the chain changes nothing.
 */
export function preferring(provider: Provider, name: string | null | undefined): Provider {
  return name && provider.prefer ? provider.prefer(name) : provider;
}

/** The row of a failed generation records which provider of the chain gave the final answer. */
function attribute(error: unknown, provider: string): unknown {
  if (!(error instanceof ProviderError) || error.provider) return error;
  return new ProviderError(error.errorClass, error.message, { status: error.status, retryAfterSeconds: error.retryAfterSeconds, cause: error.cause, provider });
}

/** Every provider behind `provider`: itself, or the members of its chain. */
export function membersOf(provider: Provider): readonly Provider[] {
  return provider.members ?? [provider];
}

/** The configured model of the provider that served (bounded, unlike a model name an API reports). */
export function servedModel(provider: Provider, servedBy: string, kind: MediaKind): string {
  const member = membersOf(provider).find((candidate) => candidate.name === servedBy) ?? provider;
  return member.models[kind] ?? member.name;
}
