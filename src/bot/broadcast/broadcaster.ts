import { GrammyError, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { GraphqlClient } from '../graphql-client.ts';
import { CLAIM_BROADCASTS, COMPLETE_BROADCAST } from '../operations.ts';
import type { NewsRefSealer } from './news-ref.ts';

export interface BroadcasterDeps {
  api: Api;
  client: GraphqlClient;
  sealer: NewsRefSealer;
  logger: Logger;
  /** Messages per second; Telegram allows about 30 a second to different chats. */
  perSecond: number;
  /** How often to look for waiting broadcasts (default 15 s). */
  everyMs?: number;
}

export interface Broadcaster {
  start(): void;
  stop(): Promise<void>;
}

const BATCH = 20;

/**
 * Sends the operator's broadcasts to subscribers: claims a batch from the API, sends each message at
 * most `perSecond` a second, and reports each as sent or refused (blocked, chat gone). Anything else
 * (Telegram or the API unreachable) leaves the message claimed, and it is tried again when the claim runs out.
 */
export function createBroadcaster(deps: BroadcasterDeps): Broadcaster {
  const gapMs = 1000 / deps.perSecond;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let lastSentAt = 0;

  async function pace(): Promise<void> {
    const waitMs = lastSentAt + gapMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    lastSentAt = Date.now();
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      const { claimBroadcastMessages: batch } = await deps.client.request(CLAIM_BROADCASTS, { limit: BATCH }, {});
      if (batch.length === 0) return;
      for (const message of batch) {
        if (stopped) return;
        const ref = deps.sealer.open(message.ref);
        let sent = false;
        if (ref) {
          await pace();
          try {
            await deps.api.sendMessage(ref.chat, message.text, { link_preview_options: { is_disabled: true } });
            sent = true;
          } catch (error) {
            // 403: blocked by the user; 400: the chat is gone. Neither gets better by retrying.
            if (!(error instanceof GrammyError && (error.error_code === 403 || error.error_code === 400))) throw error;
          }
        }
        await deps.client.request(COMPLETE_BROADCAST, { id: message.id, sent }, {});
      }
    }
  }

  function sweep(): void {
    if (running || stopped) return;
    running = drain()
      .catch((error: unknown) => deps.logger.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'broadcast sending paused; the claim runs out and it is retried'))
      .finally(() => {
        running = undefined;
      });
  }

  return {
    start() {
      stopped = false;
      sweep();
      timer = setInterval(sweep, deps.everyMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
