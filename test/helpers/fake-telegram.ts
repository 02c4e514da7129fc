/**
 * A loopback fake of the Telegram Bot API (https://core.telegram.org/bots/api) that a real grammY
 * bot runs against via `new Bot(fake.token, { client: { apiRoot: fake.apiRoot } })`.
 *
 * It speaks the documented wire protocol: `GET|POST {apiRoot}/bot{token}/{method}` with query
 * parameters and JSON, urlencoded or multipart bodies; every answer is `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the matching HTTP status. State is
 * kept in memory per fake: chats, the messages in them, uploaded files, the update queue, the
 * webhook and the bot commands.
 *
 * Deliberate behaviour (mirrors the real server unless noted):
 * - Chats must be known before the bot can write to them: a user becomes known by `sendText`,
 *   `sendUserPhoto` or `pressButton`, any chat by `addChat`. Otherwise `400 chat not found`
 *   (a missing `chat_id` is `400 chat_id is empty`). `blockBot(userId)` makes sends `403`.
 * - `parse_mode` HTML (the one mode the bot uses) is parsed: the returned Message has the plain
 *   text and `entities`, and malformed markup fails with `400 can't parse entities: ...` (an
 *   unknown tag, say). Markdown modes are not faked: a call with one fails the test loudly.
 * - Photos must be decodable images (PNG, JPEG, GIF, WebP, BMP) else `400 IMAGE_PROCESS_FAILED`.
 *   Files are stored byte for byte and can be re-sent by file_id (the real server re-encodes
 *   photos; the fake does not), every PhotoSize of one upload points at the same bytes.
 * - Only the methods the bot calls (and grammY calls for it) are implemented; any other is `404`.
 * - URL inputs are not downloaded: they are stored as empty files with guessed dimensions.
 * - `getUpdates` holds a long poll for at most `maxPollSeconds` (default 1 s) instead of
 *   `timeout` seconds, and answers at once when updates are pending.
 * - Payments: `sendInvoice` is validated as for Telegram Stars (`XTR` needs an empty or absent
 *   `provider_token` and exactly one price, other currencies need a token) and the invoice is
 *   echoed in the Message. The user's side of a payment is driven by `preCheckout`, `payInvoice`
 *   and `refundPayment`; nothing checks that a payment follows an answered pre-checkout query.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BotCommand, BotCommandScope, Chat, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';

export interface FakeUploadedFile {
  /** File name from the multipart part (grammY: the InputFile's filename). */
  name: string;
  /** Content type of the multipart part as sent (grammY always sends application/octet-stream). */
  type: string;
  bytes: Uint8Array;
}

export interface FakeTelegramError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface FakeTelegramCall {
  /** Index of this call in `calls`. */
  seq: number;
  /** When the request arrived (ms since the epoch): paced senders are checked against it. */
  at: number;
  /** Method name in its documented spelling (`sendMessage`), whatever case the client used. */
  method: string;
  /** Parameters from the query string and body. Fields that arrived as strings (query,
   * urlencoded, multipart) are decoded: JSON fields (`reply_markup`, `entities`, `commands`,
   * `scope`, `allowed_updates`, `media`, ...) to objects, integer fields to numbers, boolean
   * fields to booleans. Uploaded files stay as the `attach://<id>` string they were sent as. */
  params: Record<string, unknown>;
  /** Uploaded files, keyed by the parameter that references them (`photo`, `document`, ...) or,
   * for references nested in JSON (`media` of sendMediaGroup), by the attach id. */
  files: Record<string, FakeUploadedFile>;
  /** Token from the URL (differs from `fake.token` for the 401 case). */
  token: string;
  httpMethod: string;
  /** Set once the call has been answered. */
  status?: number;
  ok?: boolean;
  /** The `result` the bot received (a Message for send and edit methods). */
  result?: any;
  error?: FakeTelegramError;
}

export interface FakeUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
}

export interface WaitForOptions {
  timeoutMs?: number;
  /** Also match calls that were answered with `ok: false` (injected or validation errors). */
  includeFailed?: boolean;
}

export interface FakeWebhook {
  url: string;
  secret_token?: string;
  max_connections?: number;
  allowed_updates?: string[];
  ip_address?: string;
}

export interface FakeTelegramOptions {
  /** Bot token; its numeric prefix is the bot's user id. */
  token?: string;
  /** Overrides for the getMe result. */
  botUser?: Partial<User>;
  /** Upper bound for how long getUpdates holds a long poll (seconds, default 1). */
  maxPollSeconds?: number;
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;

const DEFAULT_TOKEN = '7000000001:AAFakeTokenAtelierTestBot_0123456789';
const DEFAULT_ALLOWED_UPDATES_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);
const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';
const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a content and reply markup of the current message';

/** Parameters that carry JSON when they arrive as strings. */
const JSON_FIELDS = new Set([
  'reply_markup', 'entities', 'caption_entities', 'allowed_updates', 'commands', 'scope', 'menu_button',
  'link_preview_options', 'reply_parameters', 'media', 'results', 'options', 'reaction', 'message_ids',
  'button', 'rights', 'permissions', 'suggested_post_parameters', 'prices', 'suggested_tip_amounts',
]);
const INT_FIELDS = new Set([
  'chat_id', 'from_chat_id', 'message_id', 'offset', 'limit', 'timeout', 'user_id', 'message_thread_id',
  'reply_to_message_id', 'max_connections', 'cache_time', 'duration', 'width', 'height', 'business_connection_id_int',
  'max_tip_amount', 'photo_size', 'photo_width', 'photo_height', 'subscription_period',
]);
const BOOL_FIELDS = new Set([
  'disable_notification', 'protect_content', 'show_alert', 'drop_pending_updates', 'has_spoiler',
  'disable_web_page_preview', 'show_caption_above_media', 'allow_sending_without_reply', 'supports_streaming',
  'disable_content_type_detection', 'is_personal', 'allow_paid_broadcast', 'for_channels', 'ok',
  'need_name', 'need_phone_number', 'need_email', 'need_shipping_address', 'send_phone_number_to_provider',
  'send_email_to_provider', 'is_flexible',
]);

type Json = Record<string, any>;

class TelegramError extends Error {
  readonly error_code: number;
  readonly parameters: FakeTelegramError['parameters'];
  constructor(error_code: number, description: string, parameters?: FakeTelegramError['parameters']) {
    super(description);
    this.error_code = error_code;
    this.parameters = parameters;
  }
}

function bad(description: string): never {
  throw new TelegramError(400, `Bad Request: ${description}`);
}

/** A successful result that also carries the `description` the real server adds (setWebhook, ...). */
class Described {
  readonly result: unknown;
  readonly description: string;
  constructor(result: unknown, description: string) {
    this.result = result;
    this.description = description;
  }
}

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  kind: 'photo' | 'animation' | 'video' | 'document' | 'voice';
  bytes: Uint8Array;
  mime_type: string;
  file_name?: string;
}

interface MediaInfo {
  mime: string;
  ext: string;
  width?: number;
  height?: number;
  durationMs?: number;
  image?: boolean;
}

interface CallbackState {
  answered: boolean;
}

/** How the bot answered a pre-checkout query (`answerPreCheckoutQuery`). */
export interface FakePreCheckoutAnswer {
  ok: boolean;
  error_message?: string;
}

/** What the paying user's client shows and pays: the invoice's payload and total. */
export interface FakePaymentDetails {
  payload: string;
  total_amount: number;
  /** Defaults to `XTR`. */
  currency?: string;
}

interface StarCharge {
  userId: number;
  refunded: boolean;
}

interface PollWaiter {
  wake: () => void;
  fail: (error: TelegramError) => void;
}

interface CallWaiter {
  method: string;
  predicate: ((call: FakeTelegramCall) => boolean) | undefined;
  includeFailed: boolean;
  resolve: (call: FakeTelegramCall) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Starts the fake on 127.0.0.1 with an ephemeral port.
 *
 * `waitFor` semantics: every call is logged in `calls` when it has been answered. `waitFor(method,
 * predicate?, timeout)` resolves with the EARLIEST answered, successful (`ok: true`) call to
 * `method` that matches `predicate` and has not been returned by an earlier `waitFor`, looking at
 * calls made before and after `waitFor` was called, so there is no race between triggering the
 * bot and starting to wait. Each call is handed out at most once, so two consecutive
 * `waitFor('sendMessage')` resolve with the first and the second message, in order. Failed calls
 * only match with `{ includeFailed: true }`. On timeout it rejects with an error that lists the
 * calls seen so far.
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}) {
  const token = options.token ?? DEFAULT_TOKEN;
  const botId = Number(/^(\d+):/.exec(token)?.[1] ?? 7000000001);
  const maxPollMs = Math.max(0, (options.maxPollSeconds ?? 1) * 1000);
  const me: UserFromGetMe = {
    id: botId,
    is_bot: true,
    first_name: 'Atelier Test Bot',
    username: 'atelier_test_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...(options.botUser as Partial<UserFromGetMe>),
  };
  const botAsSender = (): User => ({ id: me.id, is_bot: true, first_name: me.first_name, username: me.username });

  const calls: FakeTelegramCall[] = [];
  const consumed = new Set<FakeTelegramCall>();
  const callWaiters: CallWaiter[] = [];
  const failures = new Map<string, { response: FakeTelegramError; remaining: number }[]>();

  const chats = new Map<number, Chat>();
  const users = new Map<number, User>();
  const blocked = new Set<number>();
  const messages = new Map<string, Json>();
  const lastMessageId = new Map<number, number>();
  const callbackQueries = new Map<string, CallbackState>();
  const preCheckoutQueries = new Map<string, { answer: FakePreCheckoutAnswer | undefined }>();
  const starCharges = new Map<string, StarCharge>();
  const storedFiles = new Map<string, StoredFile>();
  const filesByPath = new Map<string, StoredFile>();
  const commands = new Map<string, BotCommand[]>();
  // Inline mode: the queries users typed (with the bot's one answer) and the messages sent from a chosen result.
  const inlineQueries = new Map<string, { from: User; query: string; answer: Json | undefined }>();
  const inlineMessages = new Map<string, Json>();
  // Group membership as tests set it (`setMemberStatus`); anyone else seen in a group is a plain member.
  const memberStatus = new Map<string, 'creator' | 'administrator' | 'member' | 'left'>();
  let inlineCounter = 0;
  let fileCounter = 0;
  let callbackCounter = 0;

  const queue: Update[] = [];
  let lastUpdateId = 10_000;
  let allowedUpdates: string[] | null = null;
  const pollWaiters = new Set<PollWaiter>();
  let webhook: FakeWebhook | null = null;
  let closed = false;

  const now = () => Math.floor(Date.now() / 1000);
  const messageKey = (chatId: number, messageId: number) => `${chatId}:${messageId}`;
  const nextMessageId = (chatId: number) => {
    const id = (lastMessageId.get(chatId) ?? 0) + 1;
    lastMessageId.set(chatId, id);
    return id;
  };

  // ---------------------------------------------------------------- users, chats, updates

  function toUser(from: FakeUser): User {
    const user: User = { id: from.id, is_bot: false, first_name: from.first_name ?? `User ${from.id}` };
    if (from.last_name !== undefined) user.last_name = from.last_name;
    if (from.username !== undefined) user.username = from.username;
    if (from.language_code !== undefined) user.language_code = from.language_code;
    if (from.is_premium) user.is_premium = true;
    users.set(user.id, user);
    return user;
  }

  function privateChatOf(user: User): Chat {
    const chat: Json = { id: user.id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat['last_name'] = user.last_name;
    if (user.username !== undefined) chat['username'] = user.username;
    chats.set(user.id, chat as Chat);
    return chat as Chat;
  }

  function enqueueUpdate(partial: Omit<Update, 'update_id'>): Update {
    const update = { update_id: ++lastUpdateId, ...partial } as Update;
    queue.push(update);
    for (const waiter of pollWaiters) waiter.wake();
    return update;
  }

  function userMessage(from: FakeUser, chatOverride: Chat | undefined, fields: Json): { user: User; message: Json } {
    const user = toUser(from);
    const chat = chatOverride ?? privateChatOf(user);
    if (chatOverride) chats.set(chatOverride.id, chatOverride);
    const message: Json = { message_id: nextMessageId(chat.id), from: user, chat, date: now(), ...fields };
    messages.set(messageKey(chat.id, message['message_id']), message);
    return { user, message };
  }

  // ---------------------------------------------------------------- files

  function storeFile(kind: StoredFile['kind'], bytes: Uint8Array, info: MediaInfo, fileName?: string): StoredFile {
    const n = ++fileCounter;
    const prefix = { photo: 'AgACAgIAAxkBAAI', animation: 'CgACAgIAAxkBAAI', video: 'BAACAgIAAxkBAAI', document: 'BQACAgIAAxkBAAI', voice: 'AwACAgIAAxkBAAI' }[kind];
    const folder = { photo: 'photos', animation: 'animations', video: 'videos', document: 'documents', voice: 'voice' }[kind];
    const file: StoredFile = {
      file_id: `${prefix}${Buffer.from(`atelier-fake-${kind}-${n}`).toString('base64url')}`,
      file_unique_id: `AQAD${Buffer.from(`u${n}`).toString('base64url')}`,
      file_path: `${folder}/file_${n}.${info.ext}`,
      kind,
      bytes,
      mime_type: info.mime,
    };
    if (fileName !== undefined) file.file_name = fileName;
    storedFiles.set(file.file_id, file);
    filesByPath.set(file.file_path, file);
    return file;
  }

  interface ResolvedInput {
    file: StoredFile;
    info: MediaInfo;
    fresh: boolean;
  }

  /** Resolves an InputFile parameter: an upload (`attach://` or a part named like the field), a
   * known file_id or an HTTP URL. */
  function resolveInput(field: string, value: unknown, files: Record<string, FakeUploadedFile>, kind: StoredFile['kind'], attachKey?: string): ResolvedInput {
    const upload = attachKey !== undefined ? files[attachKey] : files[field];
    if (upload) {
      const info = sniff(upload.bytes, upload.name);
      if (kind === 'photo') validatePhoto(info);
      return { file: storeFile(kind, upload.bytes, info, upload.name), info, fresh: true };
    }
    if (typeof value !== 'string' || value === '') bad(`there is no ${field} in the request`);
    if (value.startsWith('attach://')) bad(`there is no ${field} in the request`);
    const known = storedFiles.get(value);
    if (known) {
      if ((known.kind === 'photo') !== (kind === 'photo')) bad(`can't use file of type ${capitalise(known.kind)} as ${capitalise(kind)}`);
      return { file: known, info: sniff(known.bytes, known.file_name ?? known.file_path), fresh: false };
    }
    if (/^https?:\/\/\S+$/i.test(value)) {
      const name = decodeURIComponent(new URL(value).pathname.split('/').pop() ?? '') || `${field}.dat`;
      const info: MediaInfo = { ...mimeFromName(name), width: 800, height: 600 };
      return { file: storeFile(kind, new Uint8Array(), info, name), info, fresh: true };
    }
    bad('wrong file identifier/HTTP URL specified');
  }

  function photoSizes(resolved: ResolvedInput): Json[] {
    const width = resolved.info.width ?? 800;
    const height = resolved.info.height ?? 600;
    const longest = Math.max(width, height);
    const size = resolved.file.bytes.length;
    const sizes: Json[] = [];
    const sizeFor = (w: number, h: number, file: StoredFile) => ({
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: Math.max(1, Math.round((size * w * h) / (width * height))),
      width: w,
      height: h,
    });
    for (const bound of [90, 320, 800, 1280]) {
      if (bound >= longest) break;
      const scale = bound / longest;
      const w = Math.max(1, Math.round(width * scale));
      const h = Math.max(1, Math.round(height * scale));
      // Each thumbnail is its own file (served with the original bytes).
      const thumb = resolved.fresh ? storeFile('photo', resolved.file.bytes, resolved.info) : resolved.file;
      sizes.push(sizeFor(w, h, thumb));
    }
    sizes.push({ ...sizeFor(width, height, resolved.file), file_size: size });
    return sizes;
  }

  function fileObject(resolved: ResolvedInput, withDims: boolean): Json {
    const out: Json = { file_id: resolved.file.file_id, file_unique_id: resolved.file.file_unique_id };
    if (withDims) {
      out['width'] = resolved.info.width ?? 0;
      out['height'] = resolved.info.height ?? 0;
      out['duration'] = Math.round((resolved.info.durationMs ?? 0) / 1000);
    }
    if (resolved.file.file_name !== undefined) out['file_name'] = resolved.file.file_name;
    out['mime_type'] = resolved.file.mime_type;
    out['file_size'] = resolved.file.bytes.length;
    return out;
  }

  // ---------------------------------------------------------------- chats and messages

  function resolveChat(value: unknown): Chat {
    if (value === undefined || value === null || value === '') bad('chat_id is empty');
    let chat: Chat | undefined;
    if (typeof value === 'number') chat = chats.get(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) chat = chats.get(Number(value));
    else if (typeof value === 'string' && value.startsWith('@')) {
      const username = value.slice(1).toLowerCase();
      chat = [...chats.values()].find((c) => 'username' in c && c.username?.toLowerCase() === username);
    }
    if (!chat) bad('chat not found');
    if (blocked.has(chat.id)) throw new TelegramError(403, 'Forbidden: bot was blocked by the user');
    return chat;
  }

  function storedMessage(chatId: number, messageId: unknown, missing: string): Json {
    if (messageId === undefined || messageId === null || messageId === '') bad('message identifier is not specified');
    const message = messages.get(messageKey(chatId, Number(messageId)));
    if (!message) bad(missing);
    return message;
  }

  /** Validates `reply_markup` and returns what the real server echoes in the Message (only
   * non-empty inline keyboards). */
  function replyMarkup(value: unknown): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object') bad("can't parse reply keyboard markup JSON object");
    const markup = value as Json;
    if ('inline_keyboard' in markup) {
      const rows = markup['inline_keyboard'];
      if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      for (const row of rows as Json[][]) {
        for (const button of row) {
          if (typeof button?.['text'] !== 'string' || button['text'] === '') bad('text buttons are unallowed in the inline keyboard');
          const actions = Object.keys(button).filter((key) => key !== 'text' && key !== 'style' && key !== 'icon_custom_emoji_id');
          if (actions.length === 0) bad('text buttons are unallowed in the inline keyboard');
          if ('callback_data' in button) {
            const data = button['callback_data'];
            if (typeof data !== 'string' || data === '' || Buffer.byteLength(data) > 64) bad('BUTTON_DATA_INVALID');
          }
          if ('url' in button && (typeof button['url'] !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(button['url']))) {
            bad(`inline keyboard button URL '${String(button['url'])}' is invalid: Wrong HTTP URL`);
          }
        }
      }
      return rows.length > 0 && (rows as Json[][]).some((row) => row.length > 0) ? { inline_keyboard: rows } : undefined;
    }
    return undefined;
  }

  function formatted(p: Json, field: 'text' | 'caption', entitiesField: 'entities' | 'caption_entities'): { text: string; entities?: MessageEntity[] } {
    const raw = p[field];
    const source = raw === undefined || raw === null ? '' : String(raw);
    let result: { text: string; entities: MessageEntity[] };
    if (Array.isArray(p[entitiesField])) result = { text: source, entities: p[entitiesField] as MessageEntity[] };
    else result = parseFormatted(source, p['parse_mode']);
    return result.entities.length > 0 ? result : { text: result.text };
  }

  function sendMessageObject(chat: Chat, p: Json, fields: Json): Json {
    const message: Json = { message_id: nextMessageId(chat.id), from: botAsSender(), chat, date: now() };
    const replyTo = (p['reply_parameters'] as Json | undefined)?.['message_id'] ?? p['reply_to_message_id'];
    if (replyTo !== undefined) {
      const original = messages.get(messageKey(chat.id, Number(replyTo)));
      if (original) message['reply_to_message'] = withoutReply(original);
      else if (!(p['reply_parameters'] as Json | undefined)?.['allow_sending_without_reply'] && !p['allow_sending_without_reply']) bad('message to be replied not found');
    }
    if (p['has_spoiler']) message['has_media_spoiler'] = true;
    Object.assign(message, fields);
    const markup = replyMarkup(p['reply_markup']);
    if (markup) message['reply_markup'] = markup;
    messages.set(messageKey(chat.id, message['message_id']), message);
    return message;
  }

  function caption(p: Json): Json {
    const { text, entities } = formatted(p, 'caption', 'caption_entities');
    if (text.length > 1024) bad('message caption is too long');
    const out: Json = {};
    if (text !== '') out['caption'] = text;
    if (entities) out['caption_entities'] = entities;
    if (p['show_caption_above_media']) out['show_caption_above_media'] = true;
    return out;
  }

  /** Edits a message sent via the bot from an inline result: Telegram answers `true`, not a Message. */
  function editInline(p: Json, changes: Json, markup: Json | undefined): true {
    const id = p['inline_message_id'];
    const message = typeof id === 'string' ? inlineMessages.get(id) : undefined;
    if (!message) bad('MESSAGE_ID_INVALID');
    const next: Json = { ...message, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    if (markup) next['reply_markup'] = markup;
    else delete next['reply_markup'];
    const comparable = (m: Json) => JSON.stringify([m['text'], m['caption'], m['photo'], m['animation'], m['video'], m['reply_markup']]);
    if (comparable(next) === comparable(message)) bad(NOT_MODIFIED);
    inlineMessages.set(id as string, next);
    return true;
  }

  function editTarget(p: Json): Json | undefined {
    if (p['inline_message_id'] !== undefined) return undefined;
    const chat = resolveChat(p['chat_id']);
    const message = storedMessage(chat.id, p['message_id'], 'message to edit not found');
    if (message['from']?.['id'] !== me.id) bad("message can't be edited");
    return message;
  }

  function commitEdit(message: Json, changes: Json, markup: Json | undefined): Json {
    const next: Json = { ...message, ...changes };
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    if (markup) next['reply_markup'] = markup;
    else delete next['reply_markup'];
    const comparable = (m: Json) => JSON.stringify([m['text'], m['entities'], m['caption'], m['caption_entities'], m['reply_markup']]);
    if (comparable(next) === comparable(message)) bad(NOT_MODIFIED);
    next['edit_date'] = now();
    messages.set(messageKey(next['chat']['id'], next['message_id']), next);
    return next;
  }

  /** Validates sendInvoice's parameters like the Bot API and returns the Message's `invoice`. */
  function invoiceOf(p: Json): Json {
    const text = (field: string) => (typeof p[field] === 'string' ? (p[field] as string) : '');
    const title = text('title');
    const description = text('description');
    const payload = text('payload');
    const currency = text('currency');
    if (title.length < 1 || title.length > 32) bad('INVOICE_TITLE_INVALID');
    if (description.length < 1 || description.length > 255) bad('INVOICE_DESCRIPTION_INVALID');
    const payloadBytes = Buffer.byteLength(payload);
    if (payloadBytes < 1 || payloadBytes > 128) bad('INVOICE_PAYLOAD_INVALID');
    if (!/^[A-Z]{3}$/.test(currency)) bad('CURRENCY_INVALID');
    const prices = p['prices'];
    if (!Array.isArray(prices) || prices.length === 0) bad('PRICES_EMPTY');
    for (const price of prices as Json[]) {
      if (typeof price?.['label'] !== 'string' || price['label'] === '') bad('PRICE_LABEL_INVALID');
      if (!Number.isInteger(price['amount'])) bad("can't parse prices JSON object");
    }
    const total = (prices as Json[]).reduce((sum, price) => sum + (price['amount'] as number), 0);
    const token = p['provider_token'];
    if (currency === 'XTR') {
      // Stars: no payment provider, one price, no tips.
      if (token !== undefined && token !== '') bad('STARS_INVOICE_INVALID');
      if (prices.length !== 1 || p['max_tip_amount'] !== undefined || p['suggested_tip_amounts'] !== undefined) bad('STARS_INVOICE_INVALID');
      if (total < 1 || total > 100_000) bad('CURRENCY_TOTAL_AMOUNT_INVALID');
    } else {
      if (typeof token !== 'string' || token === '') bad('PAYMENT_PROVIDER_INVALID');
      if (total < 1) bad('CURRENCY_TOTAL_AMOUNT_INVALID');
    }
    return { title, description, start_parameter: text('start_parameter'), currency, total_amount: total };
  }

  function commandKey(p: Json): string {
    const scope = (p['scope'] as Json | undefined) ?? { type: 'default' };
    const parts = [String(scope['type'] ?? 'default')];
    if (scope['chat_id'] !== undefined) parts.push(String(scope['chat_id']));
    if (scope['user_id'] !== undefined) parts.push(String(scope['user_id']));
    return `${parts.join(':')}|${typeof p['language_code'] === 'string' ? p['language_code'] : ''}`;
  }

  // ---------------------------------------------------------------- getUpdates

  function isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    if (allowedUpdates === null || allowedUpdates.length === 0) return !DEFAULT_ALLOWED_UPDATES_EXCLUDED.has(type);
    return allowedUpdates.includes(type);
  }

  function takeUpdates(limit: number): Update[] {
    for (let index = queue.length - 1; index >= 0; index--) if (!isAllowed(queue[index]!)) queue.splice(index, 1);
    return structuredClone(queue.slice(0, limit));
  }

  function terminatePolls(description: string) {
    for (const waiter of pollWaiters) waiter.fail(new TelegramError(409, description));
    pollWaiters.clear();
  }

  async function getUpdates(p: Json, onClose: (listener: () => void) => void): Promise<Update[]> {
    if (webhook) throw new TelegramError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = Number(p['offset'] ?? 0);
    if (offset > 0) {
      while (queue.length > 0 && queue[0]!.update_id < offset) queue.shift();
    } else if (offset < 0) {
      queue.splice(0, Math.max(0, queue.length + offset));
    }
    if (Array.isArray(p['allowed_updates'])) allowedUpdates = p['allowed_updates'] as string[];
    const limit = Math.min(100, Math.max(1, Number(p['limit'] ?? 100) || 100));
    const timeoutMs = Math.max(0, Number(p['timeout'] ?? 0) || 0) * 1000;
    terminatePolls('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    const ready = takeUpdates(limit);
    if (ready.length > 0 || timeoutMs === 0) return ready;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        pollWaiters.delete(waiter);
        resolve();
      };
      const waiter: PollWaiter = {
        wake: done,
        fail: (error) => {
          clearTimeout(timer);
          pollWaiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(done, Math.min(timeoutMs, maxPollMs));
      pollWaiters.add(waiter);
      onClose(done);
    });
    return takeUpdates(limit);
  }

  // ---------------------------------------------------------------- methods

  type Handler = (p: Json, files: Record<string, FakeUploadedFile>, onClose: (listener: () => void) => void) => unknown;

  function sendMedia(kind: 'photo' | 'animation' | 'video' | 'document' | 'voice'): Handler {
    return (p, files) => {
      const chat = resolveChat(p['chat_id']);
      const resolved = resolveInput(kind, p[kind], files, kind);
      const fields = caption(p);
      if (kind === 'photo') fields['photo'] = photoSizes(resolved);
      else if (kind === 'voice') {
        // A voice message must be OGG/Opus to play as one (the fake refuses anything else outright).
        const bytes = resolved.file.bytes;
        if (bytes.length < 4 || Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== 'OggS') bad('VOICE_MESSAGES_FORBIDDEN: the file is not an OGG/Opus voice message');
        fields['voice'] = { file_id: resolved.file.file_id, file_unique_id: resolved.file.file_unique_id, duration: 1, mime_type: 'audio/ogg', file_size: bytes.length };
      }
      else if (kind === 'animation') {
        fields['animation'] = fileObject(resolved, true);
        fields['document'] = fileObject(resolved, false);
      } else if (kind === 'video') fields['video'] = fileObject(resolved, true);
      else fields['document'] = fileObject(resolved, false);
      return sendMessageObject(chat, p, fields);
    };
  }

  const handlers: Record<string, Handler> = {
    getMe: () => me,
    getUpdates: (p, _files, onClose) => getUpdates(p, onClose),
    setWebhook: (p) => {
      const url = typeof p['url'] === 'string' ? p['url'].trim() : '';
      if (url === '') {
        const had = webhook !== null;
        webhook = null;
        return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        bad('invalid webhook URL specified');
      }
      if (parsed.protocol !== 'https:') bad('bad webhook: An HTTPS URL must be provided for webhook');
      if (parsed.port !== '' && !['80', '88', '443', '8443'].includes(parsed.port)) bad('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
      const secret = p['secret_token'];
      if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) bad('secret token contains unallowed characters');
      if (p['drop_pending_updates']) queue.length = 0;
      const next: FakeWebhook = { url };
      if (typeof secret === 'string') next.secret_token = secret;
      if (p['max_connections'] !== undefined) next.max_connections = Number(p['max_connections']);
      if (Array.isArray(p['allowed_updates'])) {
        next.allowed_updates = p['allowed_updates'] as string[];
        allowedUpdates = next.allowed_updates;
      }
      if (typeof p['ip_address'] === 'string') next.ip_address = p['ip_address'];
      const same = webhook?.url === url;
      webhook = next;
      terminatePolls('Conflict: terminated by setWebhook request');
      return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
    },
    deleteWebhook: (p) => {
      if (p['drop_pending_updates']) queue.length = 0;
      const had = webhook !== null;
      webhook = null;
      return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
    },
    sendMessage: (p) => {
      const { text, entities } = formatted(p, 'text', 'entities');
      if (text.trim() === '') bad('message text is empty');
      const chat = resolveChat(p['chat_id']);
      if (text.length > 4096) bad('message is too long');
      const fields: Json = { text };
      if (entities) fields['entities'] = entities;
      if (p['link_preview_options'] !== undefined) fields['link_preview_options'] = p['link_preview_options'];
      return sendMessageObject(chat, p, fields);
    },
    sendPhoto: sendMedia('photo'),
    sendVoice: sendMedia('voice'),
    sendAnimation: sendMedia('animation'),
    sendVideo: sendMedia('video'),
    sendDocument: sendMedia('document'),
    sendMediaGroup: (p, files) => {
      const chat = resolveChat(p['chat_id']);
      const media = p['media'];
      if (!Array.isArray(media) || media.length < 2 || media.length > 10) bad('wrong number of media in the media group: must be between 2 and 10');
      const groupId = String(BigInt(Date.now()) * 1000n + BigInt(++callbackCounter));
      const kinds = (media as Json[]).map((item) => item['type']);
      const documents = kinds.filter((type) => type === 'document').length;
      if (documents > 0 && documents !== kinds.length) bad("document can't be mixed with other media types");
      return (media as Json[]).map((item) => {
        const type = item['type'];
        if (type !== 'photo' && type !== 'video' && type !== 'document') bad(`unsupported media type "${String(type)}" in the media group`);
        const resolved = resolveInput(type, item['media'], files, type, attachId(item['media']));
        const fields = caption(item);
        fields['media_group_id'] = groupId;
        if (type === 'photo') fields['photo'] = photoSizes(resolved);
        else if (type === 'video') fields['video'] = fileObject(resolved, true);
        else fields['document'] = fileObject(resolved, false);
        return sendMessageObject(chat, { ...p, reply_markup: undefined }, fields);
      });
    },
    sendChatAction: (p) => {
      resolveChat(p['chat_id']);
      if (typeof p['action'] !== 'string' || !CHAT_ACTIONS.has(p['action'])) bad('wrong parameter action in request');
      return true;
    },
    editMessageText: (p) => {
      const { text, entities } = formatted(p, 'text', 'entities');
      if (text.trim() === '') bad('message text is empty');
      if (text.length > 4096) bad('MESSAGE_TOO_LONG');
      const markup = replyMarkup(p['reply_markup']);
      if (p['inline_message_id'] !== undefined) return editInline(p, { text, entities, caption: undefined, photo: undefined, animation: undefined, video: undefined }, markup);
      const message = editTarget(p);
      if (!message) return true;
      if (message['text'] === undefined) bad('there is no text in the message to edit');
      return commitEdit(message, { text, entities }, markup);
    },
    editMessageReplyMarkup: (p) => {
      const markup = replyMarkup(p['reply_markup']);
      const message = editTarget(p);
      if (!message) return true;
      return commitEdit(message, {}, markup);
    },
    editMessageMedia: (p) => {
      const media = p['media'] as Json | undefined;
      const type = media?.['type'];
      if (type !== 'photo' && type !== 'video' && type !== 'animation' && type !== 'document') bad('wrong type of the web page content');
      const markup = replyMarkup(p['reply_markup']);
      const fields = caption(media as Json);
      if (p['inline_message_id'] === undefined) bad('this fake edits the media of inline messages only');
      // "When an inline message is edited, a new file can't be uploaded; use a previously uploaded
      // file via its file_id or specify a URL" (Bot API, editMessageMedia).
      if (typeof media?.['media'] === 'string' && (media['media'] as string).startsWith('attach://')) bad("can't upload a new file to an inline message");
      const resolved = resolveInput('media', media?.['media'], {}, type);
      const content: Json = { text: undefined, ...fields, photo: undefined, animation: undefined, video: undefined };
      if (type === 'photo') content['photo'] = photoSizes(resolved);
      else content[type] = fileObject(resolved, type !== 'document');
      return editInline(p, content, markup);
    },
    getFile: (p) => {
      const file = typeof p['file_id'] === 'string' ? storedFiles.get(p['file_id']) : undefined;
      if (!file) bad('invalid file_id');
      if (file.bytes.length > 20 * 1024 * 1024) bad('file is too big');
      return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
    },
    getChatMember: (p) => {
      const chat = resolveChat(p['chat_id']);
      const user = users.get(Number(p['user_id']));
      if (!user) bad('PARTICIPANT_ID_INVALID');
      const status = memberStatus.get(`${chat.id}:${user.id}`) ?? (chat.type === 'private' && chat.id !== user.id ? 'left' : 'member');
      if (status === 'administrator') {
        return { status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: false, can_restrict_members: true, can_promote_members: false, can_change_info: true, can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false };
      }
      return status === 'creator' ? { status, user, is_anonymous: false } : { status, user };
    },
    answerInlineQuery: (p) => {
      const id = p['inline_query_id'];
      const state = typeof id === 'string' ? inlineQueries.get(id) : undefined;
      if (!state || state.answer) bad(QUERY_INVALID);
      const results = p['results'];
      if (!Array.isArray(results)) bad("can't parse inline query results JSON object");
      if (results.length > 50) bad('RESULTS_TOO_MUCH');
      const seen = new Set<string>();
      for (const result of results as Json[]) {
        const resultId = result['id'];
        if (typeof resultId !== 'string' || resultId === '' || Buffer.byteLength(resultId) > 64) bad('RESULT_ID_INVALID');
        if (seen.has(resultId)) bad('RESULT_ID_DUPLICATE');
        seen.add(resultId);
        // Articles are all this fake knows; the bot offers nothing else.
        if (result['type'] !== 'article') bad(`unsupported inline query result type "${String(result['type'])}"`);
        if (typeof result['title'] !== 'string' || result['title'] === '') bad('RESULT_TITLE_EMPTY');
        const text = result['input_message_content']?.['message_text'];
        if (typeof text !== 'string' || text.trim() === '') bad('MESSAGE_EMPTY');
        if (text.length > 4096) bad('MESSAGE_TOO_LONG');
        replyMarkup(result['reply_markup']);
      }
      const button = p['button'] as Json | undefined;
      if (button !== undefined) {
        if (typeof button['text'] !== 'string' || button['text'] === '') bad('BUTTON_TEXT_INVALID');
        if (button['web_app'] === undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(String(button['start_parameter'] ?? ''))) bad('START_PARAM_INVALID');
      }
      state.answer = { results, button, cache_time: p['cache_time'], is_personal: p['is_personal'] };
      return true;
    },
    deleteMessage: (p) => {
      const chat = resolveChat(p['chat_id']);
      const message = storedMessage(chat.id, p['message_id'], 'message to delete not found');
      messages.delete(messageKey(chat.id, message['message_id']));
      return true;
    },
    answerCallbackQuery: (p) => {
      const id = p['callback_query_id'];
      const state = typeof id === 'string' ? callbackQueries.get(id) : undefined;
      if (!state || state.answered) bad(QUERY_INVALID);
      if (typeof p['text'] === 'string' && p['text'].length > 200) bad('MESSAGE_TOO_LONG');
      state.answered = true;
      return true;
    },
    sendInvoice: (p) => {
      const chat = resolveChat(p['chat_id']);
      return sendMessageObject(chat, p, { invoice: invoiceOf(p) });
    },
    answerPreCheckoutQuery: (p) => {
      const id = p['pre_checkout_query_id'];
      const state = typeof id === 'string' ? preCheckoutQueries.get(id) : undefined;
      if (!state || state.answer) bad('QUERY_ID_INVALID');
      if (typeof p['ok'] !== 'boolean') bad('parameter "ok" is required');
      const message = p['error_message'];
      if (!p['ok'] && (typeof message !== 'string' || message.trim() === '')) bad('ERROR_MESSAGE_EMPTY');
      if (typeof message === 'string' && message.length > 255) bad('ERROR_MESSAGE_TOO_LONG');
      state.answer = p['ok'] ? { ok: true } : { ok: false, error_message: message as string };
      return true;
    },
    refundStarPayment: (p) => {
      const charge = typeof p['telegram_payment_charge_id'] === 'string' ? starCharges.get(p['telegram_payment_charge_id']) : undefined;
      if (p['user_id'] === undefined) bad('user_id is empty');
      if (!charge || charge.userId !== Number(p['user_id'])) bad('CHARGE_NOT_FOUND');
      if (charge.refunded) bad('CHARGE_ALREADY_REFUNDED');
      charge.refunded = true;
      return true;
    },
    setMyCommands: (p) => {
      const list = p['commands'];
      if (!Array.isArray(list)) bad("can't parse commands JSON object");
      if (list.length > 100) bad('too many commands specified');
      for (const command of list as Json[]) {
        if (typeof command['command'] !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command['command'])) bad('BOT_COMMAND_INVALID');
        if (typeof command['description'] !== 'string' || command['description'].length < 1 || command['description'].length > 256) bad('BOT_COMMAND_DESCRIPTION_INVALID');
      }
      const stored = (list as Json[]).map((c) => ({ command: c['command'] as string, description: c['description'] as string }));
      if (stored.length === 0) commands.delete(commandKey(p));
      else commands.set(commandKey(p), stored);
      return true;
    },
  };
  const canonical = new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name]));


  // ---------------------------------------------------------------- call log and waiters

  function describeCall(call: FakeTelegramCall): string {
    const interesting = ['chat_id', 'text', 'caption', 'callback_query_id', 'message_id', 'url', 'payload', 'pre_checkout_query_id', 'ok', 'error_message'].filter((key) => call.params[key] !== undefined);
    const args = interesting.map((key) => `${key}=${JSON.stringify(call.params[key])?.slice(0, 60)}`).join(', ');
    return `${call.method}(${args}) -> ${call.ok ? 'ok' : `${call.error?.error_code} ${call.error?.description}`}`;
  }

  function matches(waiter: Pick<CallWaiter, 'method' | 'predicate' | 'includeFailed'>, call: FakeTelegramCall): boolean {
    if (consumed.has(call) || call.method !== waiter.method) return false;
    if (!call.ok && !waiter.includeFailed) return false;
    return waiter.predicate ? waiter.predicate(call) : true;
  }

  function answered(call: FakeTelegramCall) {
    for (const waiter of [...callWaiters]) {
      let hit: boolean;
      try {
        hit = matches(waiter, call);
      } catch (error) {
        callWaiters.splice(callWaiters.indexOf(waiter), 1);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (!hit) continue;
      consumed.add(call);
      callWaiters.splice(callWaiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(call);
      return;
    }
  }

  function waitFor(method: string, predicate?: (call: FakeTelegramCall) => boolean, timeout: number | WaitForOptions = 10_000): Promise<FakeTelegramCall> {
    const opts = typeof timeout === 'number' ? { timeoutMs: timeout } : timeout;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const spec = { method: canonical.get(method.toLowerCase()) ?? method, predicate, includeFailed: opts.includeFailed ?? false };
    let hit: FakeTelegramCall | undefined;
    try {
      hit = calls.find((call) => call.status !== undefined && matches(spec, call));
    } catch (error) {
      return Promise.reject(error);
    }
    if (hit) {
      consumed.add(hit);
      return Promise.resolve(hit);
    }
    if (closed) return Promise.reject(new Error('fake Telegram is closed'));
    return new Promise((resolve, reject) => {
      const waiter: CallWaiter = {
        ...spec,
        resolve,
        reject,
        timer: setTimeout(() => {
          callWaiters.splice(callWaiters.indexOf(waiter), 1);
          const seen = calls.filter((call) => call.method !== 'getUpdates').map(describeCall);
          reject(new Error(`waitFor('${spec.method}') timed out after ${timeoutMs} ms; calls so far (getUpdates omitted):\n  ${seen.join('\n  ') || '(none)'}`));
        }, timeoutMs),
      };
      callWaiters.push(waiter);
    });
  }

  // ---------------------------------------------------------------- HTTP

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    // File downloads (getFile's file_path): the bot reads users' photos and voice messages this way.
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      if (file[1] !== token) return send(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const stored = filesByPath.get(decodeURIComponent(file[2]!));
      if (!stored) return send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      response.writeHead(200, { 'content-type': stored.mime_type, 'content-length': String(stored.bytes.length) });
      response.end(stored.bytes);
      return;
    }
    const route = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!route) return send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const requestToken = decodeURIComponent(route[1]!);
    const rawMethod = route[2]!;
    const method = canonical.get(rawMethod.toLowerCase());
    const call: FakeTelegramCall = { seq: calls.length, at: Date.now(), method: method ?? rawMethod, params: {}, files: {}, token: requestToken, httpMethod: request.method ?? 'GET' };
    calls.push(call);
    let status = 200;
    let payload: Json;
    let parseError: unknown;
    try {
      const parsed = parseParams(url, request.headers['content-type'] ?? '', body);
      call.params = parsed.params;
      call.files = parsed.files;
    } catch (error) {
      parseError = error;
    }
    try {
      if (requestToken !== token) throw new TelegramError(401, 'Unauthorized');
      if (!method) throw new TelegramError(404, 'Not Found');
      if (parseError !== undefined) throw parseError;
      const injected = failures.get(method);
      const failure = injected?.[0];
      if (failure) {
        if (--failure.remaining <= 0) injected!.shift();
        throw new TelegramError(failure.response.error_code, failure.response.description, failure.response.parameters);
      }
      const listeners: (() => void)[] = [];
      const onAbort = () => {
        if (!response.writableEnded) for (const listener of listeners) listener();
      };
      response.once('close', onAbort);
      const result = await handlers[method]!(call.params, call.files, (listener) => listeners.push(listener));
      response.off('close', onAbort);
      if (result instanceof Described) payload = { ok: true, result: result.result, description: result.description };
      else payload = { ok: true, result };
      call.ok = true;
      call.result = payload['result'];
    } catch (error) {
      const failure = error instanceof TelegramError ? error : new TelegramError(500, `Internal Server Error: ${String(error)}`);
      status = failure.error_code >= 400 && failure.error_code <= 599 ? failure.error_code : 400;
      call.ok = false;
      call.error = { error_code: failure.error_code, description: failure.message };
      if (failure.parameters) call.error.parameters = failure.parameters;
      payload = { ok: false, ...call.error };
    }
    call.status = status;
    send(response, status, payload);
    answered(call);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiRoot = `http://127.0.0.1:${port}`;

  return {
    apiRoot,
    token,
    /** The getMe result. */
    botInfo: me,
    /** Every request to `/bot<token>/<method>`, in arrival order, filled in when answered. */
    calls,

    /** A user writes `text` to the bot in their private chat (or in `extra.chat`). Texts starting
     * with `/command` (optionally `@botname`) get a `bot_command` entity, `@username`s a `mention`
     * entity. Returns the Update. */
    sendText(from: FakeUser, text: string, extra: { chat?: Chat; reply_to_message?: Message } = {}): Update {
      const fields: Json = { text };
      const entities: MessageEntity[] = [];
      const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(text);
      if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
      // Telegram marks @usernames (5–32 characters) as mention entities; offsets count UTF-16 units, as JS strings do.
      for (const mention of text.matchAll(/(?<![\w/])@[A-Za-z0-9_]{5,32}\b/g)) entities.push({ type: 'mention', offset: mention.index, length: mention[0].length });
      if (entities.length > 0) fields['entities'] = entities;
      if (extra.reply_to_message) fields['reply_to_message'] = withoutReply(extra.reply_to_message as unknown as Json);
      const { message } = userMessage(from, extra.chat, fields);
      return enqueueUpdate({ message: message as NonNullable<Update['message']> });
    },

    /** A user sends a photo (stored, so the bot can getFile and download it). A caption starting
     * with a `/command` gets a `bot_command` caption entity, as Telegram marks it. */
    sendUserPhoto(from: FakeUser, bytes: Uint8Array, extra: { caption?: string; chat?: Chat; reply_to_message?: Message } = {}): Update {
      const info = sniff(bytes, 'photo.jpg');
      validatePhoto(info);
      const file = storeFile('photo', bytes, info);
      const fields: Json = { photo: photoSizes({ file, info, fresh: true }) };
      if (extra.caption !== undefined) {
        fields['caption'] = extra.caption;
        const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?/.exec(extra.caption);
        if (command) fields['caption_entities'] = [{ type: 'bot_command', offset: 0, length: command[0].length }];
      }
      if (extra.reply_to_message) fields['reply_to_message'] = withoutReply(extra.reply_to_message as unknown as Json);
      const { message } = userMessage(from, extra.chat, fields);
      return enqueueUpdate({ message: message as NonNullable<Update['message']> });
    },

    /** A user sends a voice message (OGG/Opus bytes, stored so the bot can getFile and download it). */
    sendUserVoice(from: FakeUser, bytes: Uint8Array, extra: { duration?: number; chat?: Chat } = {}): Update {
      const file = storeFile('voice', bytes, { mime: 'audio/ogg', ext: 'oga' });
      const fields: Json = {
        voice: { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: extra.duration ?? 2, mime_type: 'audio/ogg', file_size: bytes.length },
      };
      const { message } = userMessage(from, extra.chat, fields);
      return enqueueUpdate({ message: message as NonNullable<Update['message']> });
    },

    /** A user presses the inline button with `data` under `message` (a Message the bot sent, or
     * the call that sent it). Uses the current version of the message (after edits) and throws if
     * it has no such button, since a real user could not press it. Returns the Update; the
     * query id is `update.callback_query.id`. */
    pressButton(from: FakeUser, message: Message | FakeTelegramCall, data: string): Update {
      const sent = ('seq' in message && 'method' in message ? message.result : message) as Json | undefined;
      if (!sent || typeof sent['message_id'] !== 'number') throw new Error('pressButton: pass the Message the bot sent, or the call that sent it');
      const current = messages.get(messageKey(sent['chat']['id'], sent['message_id']));
      if (!current) throw new Error(`pressButton: message ${sent['message_id']} in chat ${sent['chat']['id']} does not exist (deleted?)`);
      const buttons = ((current['reply_markup']?.['inline_keyboard'] ?? []) as Json[][]).flat();
      if (!buttons.some((button) => button['callback_data'] === data)) {
        throw new Error(`pressButton: message ${sent['message_id']} has no button with callback_data ${JSON.stringify(data)}; it has ${JSON.stringify(buttons.map((b) => b['callback_data'] ?? b['text']))}`);
      }
      const user = toUser(from);
      const id = `${BigInt(user.id) * 1000n + BigInt(++callbackCounter)}`;
      callbackQueries.set(id, { answered: false });
      return enqueueUpdate({
        callback_query: {
          id,
          from: user,
          message: structuredClone(current) as Message,
          chat_instance: `-${String(Math.abs(user.id * 7919 + me.id) % 1e18)}`,
          data,
        },
      });
    },

    /** A user types `@bot <query>` in any chat: enqueues an `inline_query`. Returns the Update; the
     * query id is `update.inline_query.id`. */
    sendInlineQuery(from: FakeUser, query: string, extra: { chat_type?: 'sender' | 'private' | 'group' | 'supergroup' | 'channel' } = {}): Update {
      const user = toUser(from);
      const id = `${BigInt(user.id) * 1000n + BigInt(++inlineCounter)}`;
      inlineQueries.set(id, { from: user, query, answer: undefined });
      return enqueueUpdate({ inline_query: { id, from: user, query, offset: '', chat_type: extra.chat_type ?? 'sender' } });
    },

    /** The bot's answer to an inline query (results, button, ...), or undefined while it has none. */
    inlineAnswer(queryId: string): Json | undefined {
      const answer = inlineQueries.get(queryId)?.answer;
      return answer ? structuredClone(answer) : undefined;
    },

    /** The user taps one of the bot's results: Telegram sends its message to the chat and, with
     * inline feedback on, enqueues a `chosen_inline_result`. The message gets an
     * `inline_message_id` only when it carries an inline keyboard, as in the real API. Throws if
     * the bot offered no such result. Returns the Update. */
    chooseInlineResult(from: FakeUser, queryId: string, resultId: string): Update {
      const state = inlineQueries.get(queryId);
      const result = ((state?.answer?.['results'] ?? []) as Json[]).find((item) => item['id'] === resultId);
      if (!state || !result) throw new Error(`chooseInlineResult: the bot offered no result ${JSON.stringify(resultId)} for query ${queryId}`);
      const chosen: Json = { result_id: resultId, from: toUser(from), query: state.query };
      if (result['reply_markup']) {
        const inlineMessageId = Buffer.from(`inline-${++inlineCounter}-${queryId}`).toString('base64url');
        inlineMessages.set(inlineMessageId, { text: result['input_message_content']['message_text'], reply_markup: result['reply_markup'] });
        chosen['inline_message_id'] = inlineMessageId;
      }
      return enqueueUpdate({ chosen_inline_result: chosen as NonNullable<Update['chosen_inline_result']> });
    },

    /** What a message sent from an inline result shows now (after the bot's edits). */
    inlineMessage(inlineMessageId: string): Json | undefined {
      const message = inlineMessages.get(inlineMessageId);
      return message ? structuredClone(message) : undefined;
    },

    /** The user confirms an invoice in their app: enqueues a `pre_checkout_query` the bot must
     * answer with answerPreCheckoutQuery (see `preCheckoutAnswer`). Returns the Update. */
    preCheckout(from: FakeUser, details: FakePaymentDetails): Update {
      const user = toUser(from);
      const id = `${BigInt(user.id) * 1000n + BigInt(++callbackCounter)}`;
      preCheckoutQueries.set(id, { answer: undefined });
      return enqueueUpdate({
        pre_checkout_query: { id, from: user, currency: details.currency ?? 'XTR', total_amount: details.total_amount, invoice_payload: details.payload },
      });
    },

    /** The bot's answer to a pre-checkout query, or undefined while it has none. */
    preCheckoutAnswer(queryId: string): FakePreCheckoutAnswer | undefined {
      const answer = preCheckoutQueries.get(queryId)?.answer;
      return answer ? { ...answer } : undefined;
    },

    /** The payment went through: enqueues a message with `successful_payment` in Stars in the
     * user's private chat; the charge can then be refunded with refundStarPayment. Returns the Update. */
    payInvoice(from: FakeUser, details: { payload: string; total_amount: number; charge_id?: string }): Update {
      const charge = details.charge_id ?? `stxfake${randomBytes(12).toString('hex')}`;
      starCharges.set(charge, { userId: from.id, refunded: starCharges.get(charge)?.refunded ?? false });
      const { message } = userMessage(from, undefined, {
        successful_payment: {
          currency: 'XTR',
          total_amount: details.total_amount,
          invoice_payload: details.payload,
          telegram_payment_charge_id: charge,
          provider_payment_charge_id: '',
        },
      });
      return enqueueUpdate({ message: message as NonNullable<Update['message']> });
    },

    /** A payment was refunded (by Telegram, or after refundStarPayment): enqueues a message with
     * `refunded_payment` (Bot API 7.10) in the user's private chat. Returns the Update. */
    refundPayment(from: FakeUser, details: { charge_id: string; total_amount: number; payload: string }): Update {
      const charge = starCharges.get(details.charge_id);
      if (charge) charge.refunded = true;
      const { message } = userMessage(from, undefined, {
        refunded_payment: { currency: 'XTR', total_amount: details.total_amount, invoice_payload: details.payload, telegram_payment_charge_id: details.charge_id },
      });
      return enqueueUpdate({ message: message as NonNullable<Update['message']> });
    },

    /** Enqueues any Update (the update_id is assigned). */
    enqueueUpdate,

    /** Makes `user` the group's creator, an administrator, a plain member or someone who left (for getChatMember). */
    setMemberStatus(chatId: number, from: FakeUser, status: 'creator' | 'administrator' | 'member' | 'left') {
      toUser(from);
      memberStatus.set(`${chatId}:${from.id}`, status);
    },

    /** Makes a chat known so the bot may write to it. */
    addChat(chat: Chat) {
      chats.set(chat.id, chat);
    },

    /** The user blocks the bot: sends to their chat fail with 403. */
    blockBot(userId: number) {
      blocked.add(userId);
    },

    /** Current version of a message (after edits), or undefined when deleted/unknown. */
    getMessage(chatId: number, messageId: number): Message | undefined {
      return messages.get(messageKey(chatId, messageId)) as Message | undefined;
    },

    waitFor,

    /** Calls to `method` so far (answered or not), without consuming them. */
    callsTo(method: string): FakeTelegramCall[] {
      const name = canonical.get(method.toLowerCase()) ?? method;
      return calls.filter((call) => call.method === name);
    },

    /** The next `times` calls to `method` (with the right token) fail with `response`; the HTTP
     * status is `error_code`. */
    failNext(method: string, response: FakeTelegramError, times = 1) {
      const name = canonical.get(method.toLowerCase()) ?? method;
      const list = failures.get(name) ?? [];
      list.push({ response, remaining: times });
      failures.set(name, list);
    },

    /** The webhook set by setWebhook, or null. */
    get webhook(): FakeWebhook | null {
      return webhook ? { ...webhook } : null;
    },

    /** Updates not yet confirmed through getUpdates `offset`. */
    get pendingUpdates(): Update[] {
      return structuredClone(queue);
    },

    /** Commands stored by setMyCommands for exactly this scope and language (as getMyCommands). */
    getCommands(options: { scope?: BotCommandScope; language_code?: string } = {}): BotCommand[] {
      return structuredClone(commands.get(commandKey(options)) ?? []);
    },

    /** POSTs `update` to a bot's webhook (see the exported function). When the update is still in
     * this fake's queue it is removed, as delivering it would. */
    async postWebhookUpdate(url: string, update: Update, secret?: string): Promise<number> {
      const index = queue.findIndex((queued) => queued.update_id === update.update_id);
      if (index >= 0) queue.splice(index, 1);
      return postWebhookUpdate(url, update, secret);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const waiter of callWaiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('fake Telegram was closed'));
      }
      for (const waiter of [...pollWaiters]) waiter.wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** POSTs an Update as JSON to a webhook URL like Telegram does, with the
 * `X-Telegram-Bot-Api-Secret-Token` header when `secret` is given. Returns the HTTP status. */
export async function postWebhookUpdate(url: string, update: Update, secret?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(update) });
  await response.arrayBuffer();
  return response.status;
}

// -------------------------------------------------------------------- wire helpers

function send(response: ServerResponse, status: number, payload: unknown) {
  if (response.destroyed || response.writableEnded) return;
  const body = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  response.end(body);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function attachId(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : undefined;
}

function withoutReply(message: Json): Json {
  const copy = structuredClone(message);
  delete copy['reply_to_message'];
  return copy;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Decodes a string-transported parameter value. */
function decodeField(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      bad(`can't parse ${key} JSON object`);
    }
  }
  if (INT_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOL_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function parseParams(url: URL, contentType: string, body: Buffer): { params: Json; files: Record<string, FakeUploadedFile> } {
  const params: Json = {};
  const files: Record<string, FakeUploadedFile> = {};
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const fromStrings = (entries: Iterable<[string, string]>) => {
    for (const [key, value] of entries) params[key] = decodeField(key, value);
  };
  fromStrings(url.searchParams);
  if (body.length === 0) return { params, files };
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      bad("can't parse JSON encoded request body");
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
  } else if (type === 'application/x-www-form-urlencoded') {
    fromStrings(new URLSearchParams(body.toString('utf8')));
  } else if (type === 'multipart/form-data') {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
    if (!boundary) bad('multipart boundary is missing');
    const rawFiles: Record<string, FakeUploadedFile> = {};
    for (const part of parseMultipart(body, boundary[1] ?? boundary[2]!)) {
      if (part.filename === undefined) params[part.name] = decodeField(part.name, Buffer.from(part.data).toString('utf8'));
      else rawFiles[part.name] = { name: part.filename, type: part.contentType ?? 'application/octet-stream', bytes: part.data };
    }
    // Key top-level references (`photo: "attach://x"`) by the parameter; nested ones by their id.
    for (const [key, value] of Object.entries(params)) {
      const id = attachId(value);
      if (id !== undefined && rawFiles[id]) {
        files[key] = rawFiles[id];
        delete rawFiles[id];
      }
    }
    Object.assign(files, rawFiles);
  }
  return { params, files };
}

interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Uint8Array;
}

/** A tolerant multipart/form-data parser: grammY writes `content-disposition:form-data;name="x"`
 * without spaces and unquoted filenames, which undici's `Request.formData()` rejects. */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const data = Buffer.concat([Buffer.from('\r\n'), body]);
  let position = data.indexOf(delimiter);
  while (position >= 0) {
    let start = position + delimiter.length;
    if (data[start] === 0x2d && data[start + 1] === 0x2d) break; // closing delimiter
    const lineEnd = data.indexOf('\r\n', start);
    if (lineEnd < 0) break;
    start = lineEnd + 2;
    const next = data.indexOf(delimiter, start);
    if (next < 0) bad('multipart body is truncated');
    const headerEnd = data.indexOf('\r\n\r\n', start);
    const headerText = headerEnd >= 0 && headerEnd < next ? data.subarray(start, headerEnd).toString('utf8') : '';
    const content = headerEnd >= 0 && headerEnd < next ? data.subarray(headerEnd + 4, next) : data.subarray(start, next);
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name !== undefined) {
      const part: MultipartPart = { name, data: new Uint8Array(content) };
      const filename = dispositionParam(disposition, 'filename');
      if (filename !== undefined) part.filename = filename;
      const contentType = headers.get('content-type');
      if (contentType !== undefined) part.contentType = contentType;
      parts.push(part);
    }
    position = next;
  }
  return parts;
}

function dispositionParam(header: string, key: string): string | undefined {
  const pattern = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const match = pattern.exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!.trim();
}

// -------------------------------------------------------------------- media sniffing

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', pdf: 'application/pdf', txt: 'text/plain',
  json: 'application/json', zip: 'application/zip', mp3: 'audio/mpeg', ogg: 'audio/ogg',
};

function mimeFromName(name: string): MediaInfo {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? 'dat';
  return { mime: MIME_BY_EXT[ext] ?? 'application/octet-stream', ext };
}

function validatePhoto(info: MediaInfo) {
  if (!info.image || !info.width || !info.height) bad('IMAGE_PROCESS_FAILED');
  if (info.width + info.height > 10_000 || Math.max(info.width, info.height) / Math.min(info.width, info.height) > 20) bad('PHOTO_INVALID_DIMENSIONS');
}

/** Recognises the common image and video containers and reads their dimensions. */
export function sniff(bytes: Uint8Array, name = ''): MediaInfo {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (start: number, end: number) => view.subarray(start, end).toString('latin1');
  if (view.length >= 24 && view.readUInt32BE(0) === 0x89504e47 && ascii(12, 16) === 'IHDR') {
    return { mime: 'image/png', ext: 'png', width: view.readUInt32BE(16), height: view.readUInt32BE(20), image: true };
  }
  if (view.length >= 4 && view[0] === 0xff && view[1] === 0xd8 && view[2] === 0xff) {
    let i = 2;
    while (i + 9 < view.length) {
      if (view[i] !== 0xff) {
        i++;
        continue;
      }
      const marker = view[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { mime: 'image/jpeg', ext: 'jpg', height: view.readUInt16BE(i + 5), width: view.readUInt16BE(i + 7), image: true };
      }
      i += 2 + view.readUInt16BE(i + 2);
    }
    return { mime: 'image/jpeg', ext: 'jpg' };
  }
  if (view.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    return { mime: 'image/gif', ext: 'gif', width: view.readUInt16LE(6), height: view.readUInt16LE(8), durationMs: gifDurationMs(view), image: true };
  }
  if (view.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') {
    const chunk = ascii(12, 16);
    let width = 0;
    let height = 0;
    if (chunk === 'VP8 ') {
      width = view.readUInt16LE(26) & 0x3fff;
      height = view.readUInt16LE(28) & 0x3fff;
    } else if (chunk === 'VP8L') {
      const b1 = view[22]!;
      const b2 = view[23]!;
      const b3 = view[24]!;
      width = 1 + (((b1 & 0x3f) << 8) | view[21]!);
      height = 1 + (((b3 & 0xf) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6));
    } else if (chunk === 'VP8X') {
      width = 1 + view.readUIntLE(24, 3);
      height = 1 + view.readUIntLE(27, 3);
    }
    return { mime: 'image/webp', ext: 'webp', width, height, image: width > 0 && height > 0 };
  }
  if (view.length >= 26 && ascii(0, 2) === 'BM') {
    return { mime: 'image/bmp', ext: 'bmp', width: view.readInt32LE(18), height: Math.abs(view.readInt32LE(22)), image: true };
  }
  if (view.length >= 12 && ascii(4, 8) === 'ftyp') {
    const info: MediaInfo = { mime: ascii(8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4', ext: ascii(8, 10) === 'qt' ? 'mov' : 'mp4' };
    for (let at = view.indexOf('tkhd'); at >= 4; at = view.indexOf('tkhd', at + 4)) {
      const size = view.readUInt32BE(at - 4);
      const end = at - 4 + size;
      if (size < 84 || end > view.length) continue;
      const width = view.readUInt32BE(end - 8) >>> 16;
      const height = view.readUInt32BE(end - 4) >>> 16;
      if (width > 0 && height > 0) {
        info.width = width;
        info.height = height;
        break;
      }
    }
    const mvhd = view.indexOf('mvhd');
    if (mvhd >= 4 && mvhd + 32 <= view.length) {
      const version = view[mvhd + 4];
      const timescale = version === 1 ? view.readUInt32BE(mvhd + 24) : view.readUInt32BE(mvhd + 16);
      const duration = version === 1 ? Number(view.readBigUInt64BE(mvhd + 28)) : view.readUInt32BE(mvhd + 20);
      if (timescale > 0) info.durationMs = (duration / timescale) * 1000;
    }
    return info;
  }
  if (view.length >= 4 && view.readUInt32BE(0) === 0x1a45dfa3) return { mime: 'video/webm', ext: 'webm' };
  if (ascii(0, 5) === '%PDF-') return { mime: 'application/pdf', ext: 'pdf' };
  return mimeFromName(name);
}

/** Sums the frame delays of a GIF by walking its blocks (0 when the stream is malformed). */
function gifDurationMs(view: Buffer): number {
  let i = 13;
  const flags = view[10] ?? 0;
  if (flags & 0x80) i += 3 * (1 << ((flags & 0x07) + 1));
  let totalCs = 0;
  const skipSubBlocks = () => {
    while (i < view.length && view[i] !== 0) i += view[i]! + 1;
    i++;
  };
  while (i < view.length) {
    const block = view[i];
    if (block === 0x3b) return totalCs * 10;
    if (block === 0x21) {
      if (view[i + 1] === 0xf9 && i + 6 < view.length) totalCs += view.readUInt16LE(i + 4);
      i += 2;
      skipSubBlocks();
    } else if (block === 0x2c) {
      const local = view[i + 9] ?? 0;
      i += 10;
      if (local & 0x80) i += 3 * (1 << ((local & 0x07) + 1));
      i++; // LZW minimum code size
      skipSubBlocks();
    } else {
      return 0;
    }
  }
  return totalCs * 10;
}

// -------------------------------------------------------------------- formatting (parse_mode)

function entitiesError(reason: string): never {
  bad(`can't parse entities: ${reason}`);
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index));
}

function finishEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.filter((entity) => entity.length > 0).sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/** Applies `parse_mode` like the Bot API: returns the plain text and its entities (UTF-16 offsets). */
export function parseFormatted(source: string, parseMode: unknown): { text: string; entities: MessageEntity[] } {
  if (parseMode === undefined || parseMode === null || parseMode === '') return { text: source, entities: [] };
  switch (String(parseMode).toLowerCase()) {
    case 'html':
      return parseHtml(source);
    default:
      // The bot formats with HTML only (src/bot/answer-format.ts); Markdown modes are not faked.
      throw new Error(`fake Telegram implements parse_mode HTML only, got ${String(parseMode)}`);
  }
}

const HTML_ENTITY_TYPES: Record<string, string> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler', span: 'spoiler',
  a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji',
};

function parseHtml(source: string): { text: string; entities: MessageEntity[] } {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: { tag: string; offset: number; attrs: Record<string, string>; language?: string }[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '&') {
      const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});/.exec(source.slice(i, i + 12));
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
      const code = match?.[1];
      if (code !== undefined && (code.startsWith('#') || named[code] !== undefined)) {
        text += code.startsWith('#x') ? String.fromCodePoint(parseInt(code.slice(2), 16)) : code.startsWith('#') ? String.fromCodePoint(Number(code.slice(1))) : named[code]!;
        i += match![0].length;
      } else {
        text += c;
        i++;
      }
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const at = byteOffset(source, i);
    const rest = source.slice(i);
    if (rest.startsWith('</')) {
      const end = /^<\/([^\s>]*)\s*>/.exec(rest);
      if (!end) entitiesError(`Unclosed end tag at byte offset ${at}`);
      const name = end[1]!.toLowerCase();
      const open = stack.pop();
      if (!open) entitiesError(`Unexpected end tag at byte offset ${at}`);
      if (name !== open.tag) entitiesError(`Unmatched end tag at byte offset ${at}, expected "</${open.tag}>", found "</${name}>"`);
      const length = text.length - open.offset;
      const type = HTML_ENTITY_TYPES[open.tag]!;
      const parent = stack.at(-1);
      const language = /^language-(.+)$/.exec(open.attrs['class'] ?? '')?.[1];
      if (open.tag === 'code' && parent?.tag === 'pre' && parent.offset === open.offset && language) {
        parent.language = language;
      } else if (type === 'text_link') {
        const href = open.attrs['href'];
        if (href) {
          const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
          entities.push(mention ? ({ type: 'text_mention', offset: open.offset, length, user: { id: Number(mention[1]), is_bot: false, first_name: '' } } as MessageEntity) : ({ type: 'text_link', offset: open.offset, length, url: href } as MessageEntity));
        }
      } else if (type === 'pre') {
        entities.push((open.language ? { type, offset: open.offset, length, language: open.language } : { type, offset: open.offset, length }) as MessageEntity);
      } else if (type === 'blockquote') {
        entities.push({ type: 'expandable' in open.attrs ? 'expandable_blockquote' : 'blockquote', offset: open.offset, length } as MessageEntity);
      } else if (type === 'custom_emoji') {
        entities.push({ type, offset: open.offset, length, custom_emoji_id: open.attrs['emoji-id'] ?? '' } as MessageEntity);
      } else {
        entities.push({ type, offset: open.offset, length } as MessageEntity);
      }
      i += end[0].length;
      continue;
    }
    const start = /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/.exec(rest);
    const tagName = (start?.[1] ?? /^<([^\s>]*)/.exec(rest)?.[1] ?? '').toLowerCase();
    if (!start || HTML_ENTITY_TYPES[tagName] === undefined) entitiesError(`Unsupported start tag "${tagName}" at byte offset ${at}`);
    const attrs: Record<string, string> = {};
    for (const attr of start[2]!.matchAll(/([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
      attrs[attr[1]!.toLowerCase()] = decodeHtmlAttr(attr[2] ?? attr[3] ?? attr[4] ?? '');
    }
    if (tagName === 'span' && attrs['class'] !== 'tg-spoiler') entitiesError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
    stack.push({ tag: tagName, offset: text.length, attrs });
    i += start[0].length;
  }
  const open = stack.at(-1);
  if (open) entitiesError(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return { text, entities: finishEntities(entities) };
}

function decodeHtmlAttr(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[name] ?? '');
}
