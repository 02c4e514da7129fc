import { ApiUnavailableError } from './graphql-client.ts';

/** Downloads a generated file from the signed link the API handed out. */
export type FetchMedia = (url: string) => Promise<Uint8Array>;

/** The link is valid but the file is gone (deleted by retention or by the user) or the link expired. */
export class MediaGoneError extends Error {
  constructor() {
    super('media is no longer available');
    this.name = 'MediaGoneError';
  }
}

/**
 * The bytes are fetched here and uploaded to Telegram, rather than handing Telegram the URL: the API
 * usually listens on a private address Telegram can't reach, and a byte buffer can be re-sent when
 * Telegram asks the bot to retry, where a stream could not.
 */
export function createMediaFetcher(options: { fetch?: typeof fetch; timeoutMs?: number; maxBytes?: number } = {}): FetchMedia {
  const fetchImpl = options.fetch ?? fetch;
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  return async (url) => {
    let response: Response;
    try {
      response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch (error) {
      throw new ApiUnavailableError('media download failed', { cause: error });
    }
    if (response.status === 403 || response.status === 404 || response.status === 410) throw new MediaGoneError();
    if (!response.ok) throw new ApiUnavailableError(`media download answered ${response.status}`, { status: response.status });
    const bytes = new Uint8Array(await response.arrayBuffer());
    // Telegram refuses uploads over 50 MB anyway; failing here gives a clearer log line.
    if (bytes.byteLength > maxBytes) throw new Error(`media is ${bytes.byteLength} bytes, over the ${maxBytes} byte upload limit`);
    return bytes;
  };
}
