import type { IncomingMessage, RequestListener } from 'node:http';
import { limitRequestBody } from './limit-request-body.ts';

export interface TelegramWebhook {
  /** A POST to the webhook's path once the bot has started; anything else goes on to the other routes. */
  handles(request: IncomingMessage): boolean;
  handle: RequestListener;
  /** Called once the bot has started in webhook mode; the bot itself checks the secret token. */
  attach(handler: RequestListener): void;
}

/**
 * Telegram's webhook on the API's port. grammY's handler is a plain Node one, so it is routed
 * before the fetch-style routes and gets GRAPHQL_MAX_BODY_BYTES from limitRequestBody instead.
 * The bot starts after the API listens: until then the path answers like any unknown one.
 */
export function createTelegramWebhook(options: { path: string | undefined; maxBodyBytes: number }): TelegramWebhook {
  let handler: RequestListener | undefined;
  return {
    handles: (request) => options.path !== undefined && handler !== undefined && request.method === 'POST' && request.url?.split('?')[0] === options.path,
    handle: (request, response) => handler?.(request, response),
    attach(webhookHandler) {
      handler = limitRequestBody(webhookHandler, options.maxBodyBytes);
    },
  };
}
