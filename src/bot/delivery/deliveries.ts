import { GrammyError, InputFile, InputMediaBuilder, type Api } from 'grammy';
import type { Logger } from 'pino';
import type { Speaker } from '../context.ts';
import type { GraphqlClient } from '../graphql-client.ts';
import { cancelKeyboard, resultKeyboard } from '../keyboards.ts';
import { styleName, themeName } from '../labels.ts';
import { MediaGoneError, type FetchMedia } from '../media-download.ts';
import { CLAIM_DELIVERY, CLAIM_PENDING_DELIVERIES, COMPLETE_DELIVERY, WATCH, type DeliveryItem, type GenerationFields, type JobUpdate } from '../operations.ts';
import { problemText } from '../problems.ts';
import type { ChatRef, ChatRefSealer } from './chat-ref.ts';

/**
 * Brings results to chats. `follow` watches one job live (editing its progress message as it
 * moves) and delivers it when it ends; the sweep, at start and then periodically, delivers every
 * finished job nobody delivered: those that finished while the bot was down, or whose live watch
 * broke. Both go through the API's delivery claim, so a result is sent once even with two bots.
 */

export interface DeliveriesDeps {
  api: Api;
  client: GraphqlClient;
  sealer: ChatRefSealer;
  speakerFor: (locale: string) => Speaker;
  fetchMedia: FetchMedia;
  logger: Logger;
  sweepEveryMs?: number;
  /** Progress edits of one message are at least this far apart (Telegram limits edits). */
  editEveryMs?: number;
  /** The bot's @username (known once it has started): an inline result points users to it. */
  botUsername: () => string;
}

export interface Deliveries {
  seal(ref: ChatRef): string;
  /** Follows a job in the background: the update that queued it is done at once. */
  follow(id: string, ref: ChatRef): void;
  /** Delivers what is pending now, then every `sweepEveryMs`. */
  start(): void;
  stop(): Promise<void>;
  readonly following: number;
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'REJECTED', 'CANCELLED', 'RATE_LIMITED']);
const PHOTO_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export function progressText(speaker: Speaker, update: Pick<JobUpdate, 'status' | 'progress' | 'queuePosition'>): string {
  if (update.status === 'QUEUED') return speaker.t('progress-queued', { position: update.queuePosition ?? 1 });
  if (update.progress === null || update.progress <= 0) return speaker.t('progress-running');
  return speaker.t('progress-percent', { percent: Math.min(99, Math.round(update.progress * 100)) });
}

export function createDeliveries(deps: DeliveriesDeps): Deliveries {
  const watching = new Map<string, AbortController>();
  const running = new Set<Promise<void>>();
  // Telegram allows about 30 messages a second per bot: a queue position or percentage is refreshed
  // at most every 5 s per job, while a change of state (queued → working) shows at once.
  const editEveryMs = deps.editEveryMs ?? 5000;
  let timer: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  let sweeping: Promise<void> | undefined;

  function track(work: Promise<void>): void {
    running.add(work);
    void work.finally(() => running.delete(work));
  }

  const describe = (error: unknown) => ({ err_name: error instanceof Error ? error.name : typeof error, error_code: (error as { error_code?: unknown }).error_code });

  async function watch(id: string, ref: ChatRef, signal: AbortSignal): Promise<void> {
    const speaker = deps.speakerFor(ref.locale);
    let shown = '';
    let shownStatus = '';
    let editedAt = 0;
    await deps.client.subscribe(WATCH, { id }, { telegramUserId: ref.user, signal }, async ({ generationUpdated: update }) => {
      if (FINISHED.has(update.status)) return;
      const text = progressText(speaker, update);
      // A new state is shown at once; progress within a state at most every editEveryMs.
      if (text === shown || (update.status === shownStatus && Date.now() - editedAt < editEveryMs)) return;
      shown = text;
      shownStatus = update.status;
      editedAt = Date.now();
      const edit = ref.inline === undefined
        ? deps.api.editMessageText(ref.chat, ref.message, text, { reply_markup: cancelKeyboard(speaker, id) })
        : deps.api.editMessageTextInline(ref.inline, text);
      await edit.catch((error: unknown) => deps.logger.debug(describe(error), 'progress edit failed'));
    });
  }

  async function deliver(item: DeliveryItem): Promise<void> {
    const generation = item.generation;
    const ref = deps.sealer.open(item.ref);
    if (!ref) {
      // Sealed by another bot token (rotated, or another bot on this API): nobody here can read it.
      deps.logger.warn({ generation_id: generation.id }, 'a delivery reference this bot cannot open was dropped');
      await complete(generation.id);
      return;
    }
    try {
      await send(generation, ref);
    } catch (error) {
      // Telegram refused for good (blocked, chat gone): give up. Otherwise the claim lapses and a later sweep retries.
      if (!(error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403))) throw error;
      deps.logger.info({ generation_id: generation.id, ...describe(error) }, 'a result could not be delivered: Telegram refused');
    }
    await complete(generation.id);
  }

  async function send(generation: GenerationFields, ref: ChatRef): Promise<void> {
    const speaker = deps.speakerFor(ref.locale);
    const replaceProgress = (text: string) => ref.inline !== undefined
      ? deps.api.editMessageTextInline(ref.inline, text)
      : deps.api.editMessageText(ref.chat, ref.message, text).catch(() => deps.api.sendMessage(ref.chat, text));
    if (generation.status === 'CANCELLED') return void (await replaceProgress(speaker.t('cancelled')));
    if (generation.status !== 'SUCCEEDED') return void (await replaceProgress(problemText(speaker, failureOf(generation), ref.kind)));
    if (!generation.media?.url) return void (await replaceProgress(speaker.t('media-gone')));
    await deps.api.sendChatAction(ref.chat, ref.kind === 'VIDEO' ? 'upload_video' : 'upload_photo').catch(() => undefined);
    let bytes: Uint8Array;
    try {
      bytes = await deps.fetchMedia(generation.media.url);
    } catch (error) {
      if (error instanceof MediaGoneError) return void (await replaceProgress(speaker.t('media-gone')));
      throw error;
    }
    const caption = speaker.t('caption-result', { style: styleName(speaker, generation.style), theme: themeName(speaker, generation.theme), seconds: generation.latencyMs / 1000 });
    const options = { caption, reply_markup: resultKeyboard(speaker, generation.id) };
    const mimeType = generation.media.mimeType;
    // Inline mode offers one image per pick: an inline message holds one.
    if (ref.inline !== undefined) return sendInline(ref.inline, bytes, mimeType, ref, speaker, options);
    const album = generation.images.filter((image) => image.url && PHOTO_EXTENSIONS[image.mimeType]);
    if (ref.kind === 'IMAGE' && album.length > 1) {
      await sendAlbum(generation, ref, album, bytes, caption);
    } else if (mimeType === 'video/mp4') {
      // A real video (an AI provider's MP4): Telegram's player, playable while it downloads.
      await deps.api.sendVideo(ref.chat, new InputFile(bytes, 'atelier.mp4'), { ...options, supports_streaming: true });
    } else if (mimeType.startsWith('video/')) {
      // Telegram plays only MP4 inline; anything else (WebM) arrives as a file.
      await deps.api.sendDocument(ref.chat, new InputFile(bytes, `atelier.${mimeType.slice('video/'.length).replace(/[^a-z0-9]/g, '') || 'bin'}`), options);
    } else if (ref.kind === 'VIDEO' || mimeType === 'image/gif') {
      // The offline procedural GIF: a silent loop, sent as an animation.
      await deps.api.sendAnimation(ref.chat, new InputFile(bytes, 'atelier.gif'), options);
    } else {
      await deps.api.sendPhoto(ref.chat, new InputFile(bytes, `atelier.${PHOTO_EXTENSIONS[mimeType] ?? 'png'}`), options);
    }
    // The result takes the progress message's place.
    await deps.api.deleteMessage(ref.chat, ref.message).catch(() => undefined);
  }

  /**
   * An inline message cannot take an uploaded file, only one Telegram already has (Bot API,
   * editMessageMedia). So the image goes first to the user's private chat with the bot, where it
   * keeps its rating and variant buttons, and the inline message then shows the same file. A user
   * who never started the bot has no such chat: the inline message says how to get one.
   */
  async function sendInline(inline: string, bytes: Uint8Array, mimeType: string, ref: ChatRef, speaker: Speaker, options: { caption: string; reply_markup: ReturnType<typeof resultKeyboard> }): Promise<void> {
    // Inline mode offers images only (inline.ts queues IMAGE jobs), so the result is a photo.
    let fileId: string;
    try {
      fileId = (await deps.api.sendPhoto(ref.chat, new InputFile(bytes, `atelier.${PHOTO_EXTENSIONS[mimeType] ?? 'png'}`), options)).photo.at(-1)!.file_id;
    } catch (error) {
      if (!(error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403))) throw error;
      await deps.api.editMessageTextInline(inline, speaker.t('inline-start-first', { bot: `@${deps.botUsername()}` }));
      return;
    }
    await deps.api.editMessageMediaInline(inline, { type: 'photo', media: fileId, caption: options.caption });
  }

  /**
   * Several images arrive as one album (sendMediaGroup), the caption on the first. An album takes
   * no buttons, so rate / keep / variant follow in a message of their own. An image already gone is
   * left out; the first one's bytes are already here.
   */
  async function sendAlbum(generation: GenerationFields, ref: ChatRef, album: GenerationFields['images'], first: Uint8Array, caption: string): Promise<void> {
    const speaker = deps.speakerFor(ref.locale);
    const files: Array<{ bytes: Uint8Array; mimeType: string }> = [{ bytes: first, mimeType: album[0]!.mimeType }];
    for (const image of album.slice(1)) {
      try {
        files.push({ bytes: await deps.fetchMedia(image.url!), mimeType: image.mimeType });
      } catch (error) {
        if (!(error instanceof MediaGoneError)) throw error;
      }
    }
    const keyboard = resultKeyboard(speaker, generation.id);
    if (files.length === 1) {
      await deps.api.sendPhoto(ref.chat, new InputFile(first, `atelier.${PHOTO_EXTENSIONS[files[0]!.mimeType] ?? 'png'}`), { caption, reply_markup: keyboard });
      return;
    }
    await deps.api.sendMediaGroup(ref.chat, files.map((file, index) =>
      InputMediaBuilder.photo(new InputFile(file.bytes, `atelier-${index + 1}.${PHOTO_EXTENSIONS[file.mimeType] ?? 'png'}`), index === 0 ? { caption } : {})));
    await deps.api.sendMessage(ref.chat, speaker.t('album-actions', { count: files.length }), { reply_markup: keyboard });
  }

  async function complete(id: string): Promise<void> {
    await deps.client.request(COMPLETE_DELIVERY, { id }, {});
  }

  async function claimAndDeliver(id: string): Promise<void> {
    const { claimDelivery } = await deps.client.request(CLAIM_DELIVERY, { id }, {});
    if (claimDelivery) await deliver(claimDelivery);
  }

  async function sweep(): Promise<void> {
    for (;;) {
      const { claimPendingDeliveries: items } = await deps.client.request(CLAIM_PENDING_DELIVERIES, { limit: 20 }, {});
      // Side by side: each chat has its own pace at Telegram (about one message a second), so one at a time would take minutes.
      await Promise.all(items.map((item) => deliver(item).catch((error: unknown) => deps.logger.warn({ generation_id: item.generation.id, ...describe(error) }, 'delivery failed; it will be retried'))));
      if (items.length < 20 || stopped) return;
    }
  }

  function sweepNow(): void {
    if (sweeping || stopped) return;
    sweeping = sweep()
      .catch((error: unknown) => deps.logger.warn(describe(error), 'could not sweep pending deliveries'))
      .finally(() => (sweeping = undefined));
    track(sweeping);
  }

  return {
    seal: (ref) => deps.sealer.seal(ref),
    follow(id, ref) {
      if (stopped || watching.has(id)) return;
      const controller = new AbortController();
      watching.set(id, controller);
      track(
        watch(id, ref, controller.signal)
          .catch((error: unknown) => {
            if (!controller.signal.aborted) deps.logger.debug(describe(error), 'lost the live watch of a job; delivering from its row');
          })
          .then(() => (controller.signal.aborted ? undefined : claimAndDeliver(id)))
          .catch((error: unknown) => deps.logger.warn({ generation_id: id, ...describe(error) }, 'delivery failed; the sweep will retry it'))
          .finally(() => watching.delete(id)),
      );
    },
    start() {
      stopped = false;
      sweepNow();
      timer = setInterval(sweepNow, deps.sweepEveryMs ?? 15_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const controller of watching.values()) controller.abort();
      await Promise.allSettled([...running]);
    },
    get following() {
      return watching.size;
    },
  };
}

/** A finished job's failure in the shape the problem messages take. */
function failureOf(generation: GenerationFields): Parameters<typeof problemText>[1] {
  const cause = generation.errorClass ?? 'INTERNAL';
  if (cause === 'CONTENT_REFUSED') return { __typename: 'InvalidPrompt', message: '', reason: 'CONTENT_REFUSED', maxLength: null };
  return { __typename: 'ProviderUnavailable', message: '', cause, retryAfterSeconds: null };
}
