import type { Api } from 'grammy';
import { MediaGoneError } from './media-download.ts';

/** Telegram's own cap on what a bot may download (getFile). */
const TELEGRAM_DOWNLOAD_MAX_BYTES = 20 * 1024 * 1024;

/** Fetches a file a user sent (photo, voice) from Telegram, by file_id. */
export type TelegramFiles = (api: Api, fileId: string) => Promise<Uint8Array>;

/** The file is over Telegram's download limit (or the bot's own): it cannot be fetched at all. */
export class FileTooLargeError extends Error {
  constructor() {
    super('the file is too large to download');
    this.name = 'FileTooLargeError';
  }
}

/**
 * getFile, then `GET {apiRoot}/file/bot<token>/<file_path>`. The URL holds the bot token: it is
 * never logged, and a failure is reported without it.
 */
export function createTelegramFiles(options: { apiRoot: string; token: string; fetch?: typeof fetch; timeoutMs?: number; maxBytes?: number }): TelegramFiles {
  const fetchImpl = options.fetch ?? fetch;
  const maxBytes = Math.min(options.maxBytes ?? TELEGRAM_DOWNLOAD_MAX_BYTES, TELEGRAM_DOWNLOAD_MAX_BYTES);
  return async (api, fileId) => {
    const file = await api.getFile(fileId);
    if (!file.file_path) throw new MediaGoneError();
    if ((file.file_size ?? 0) > maxBytes) throw new FileTooLargeError();
    let response: Response;
    try {
      response = await fetchImpl(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`, { signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch {
      throw new Error('downloading a file from Telegram failed');
    }
    if (response.status === 404) throw new MediaGoneError();
    if (!response.ok) throw new Error(`Telegram's file download answered ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new FileTooLargeError();
    return bytes;
  };
}
