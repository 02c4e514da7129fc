/**
 * Queue APIs (Replicate, fal) answer with URLs to the generated files, not the bytes. Fetching a URL
 * an answer chooses is a server-side request forgery risk, so only hosts the adapter trusts (the
 * API's own host and its documented delivery hosts) are fetched, without redirects and with a
 * size cap; the bytes are identified by their magic numbers, never by the declared type.
 */
import { ProviderError, type GeneratedMedia, type MediaKind } from '../provider.ts';
import { request, sniffImage, sniffVideo } from './http-client.ts';
import type { HttpRetryOptions } from './http-client.ts';

export interface OutputSource {
  provider: string;
  /** Exact host names, or `.example.com` for any subdomain of example.com. */
  trustedHosts: readonly string[];
  http: HttpRetryOptions;
}

const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

export function isTrustedHost(host: string, trusted: readonly string[]): boolean {
  const name = host.toLowerCase();
  return trusted.some((entry) => (entry.startsWith('.') ? name.endsWith(entry) && name.length > entry.length : name === entry.toLowerCase()));
}

export async function downloadOutput(source: OutputSource, url: string, kind: MediaKind, signal: AbortSignal | undefined): Promise<GeneratedMedia> {
  const parsed = URL.parse(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !isTrustedHost(parsed.host, source.trustedHosts)) {
    // The URL itself is not quoted: it is the provider's, but it may carry signed parameters.
    throw new ProviderError('malformed_response', `${source.provider} pointed at an output on a host it does not deliver from`);
  }
  const answer = await request(url, {
    ...source.http, method: 'GET', signal, maxBytes: kind === 'video' ? MAX_VIDEO_BYTES : MAX_IMAGE_BYTES,
    target: `${parsed.host} (${source.provider} output)`,
  });
  if (kind === 'video') {
    const video = sniffVideo(answer.bytes);
    if (!video) throw new ProviderError('malformed_response', `${source.provider} delivered an output that is not an MP4 or WebM video`);
    return { bytes: answer.bytes, ...video };
  }
  const image = sniffImage(answer.bytes);
  if (!image) throw new ProviderError('malformed_response', `${source.provider} delivered an output that is not a PNG, JPEG or WebP image`);
  return { bytes: answer.bytes, ...image };
}
