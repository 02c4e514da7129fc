import { Composer, InputFile } from 'grammy';
import type { PhotoSize } from 'grammy/types';
import { isAddressed } from '../addressed.ts';
import { withChatAction } from '../chat-action.ts';
import type { BotContext } from '../context.ts';
import { startJob } from '../jobs.ts';
import { MediaGoneError } from '../media-download.ts';
import { EDIT_IMAGE, SPEAK, TRANSCRIBE } from '../operations.ts';
import { replyWithProblem } from '../problems.ts';
import { FileTooLargeError } from '../telegram-files.ts';
import { answerQuestion } from './ask.ts';
import { offerStyles } from './imagine.ts';

/**
 * What users send besides text: a photo with a question (answered by a vision model), a photo or a
 * reply to a picture with `/edit <instruction>`, and voice messages (transcribed, then answered like
 * /ask, or drawn like /imagine when they start with the word for "draw"). The bytes go from
 * Telegram to the API's upload route and are referred to by id; the bot keeps nothing.
 */
export const mediaInputFeature = new Composer<BotContext>();

/** The largest photo size whose longer side is at most this: plenty for a vision model or an edit, small to upload. */
const PHOTO_SIDE = 1280;

function photoToUse(sizes: readonly PhotoSize[]): PhotoSize {
  const fitting = sizes.filter((size) => Math.max(size.width, size.height) <= PHOTO_SIDE);
  return fitting.at(-1) ?? sizes[0]!;
}

/** Downloads from Telegram and uploads to the API; null after telling the user why it could not. */
async function uploadFromTelegram(ctx: BotContext, fileId: string): Promise<string | null> {
  let bytes: Uint8Array;
  try {
    bytes = await ctx.services.telegramFiles(ctx.api, fileId);
  } catch (error) {
    if (!(error instanceof FileTooLargeError) && !(error instanceof MediaGoneError)) throw error;
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t(error instanceof FileTooLargeError ? 'media-too-large' : 'media-input-gone'));
    return null;
  }
  const uploaded = await ctx.services.graphql.upload(bytes, { telegramUserId: ctx.from!.id });
  if (uploaded.ok) return uploaded.id;
  ctx.state.outcome = 'user_error';
  await ctx.reply(ctx.t(uploaded.code === 'TOO_LARGE' ? 'media-too-large' : uploaded.code === 'RATE_LIMITED' ? 'error-rate-limited' : 'media-unsupported', { retry: 60 }));
  return null;
}

/** `/edit …` at the start of a text or caption: the instruction, or undefined when it is something else. */
function editInstruction(text: string | undefined, botName: string): string | undefined {
  const match = /^\/edit(?:@(\w+))?(?:\s+([\s\S]*))?$/i.exec(text?.trim() ?? '');
  if (!match || (match[1] !== undefined && match[1].toLowerCase() !== botName.toLowerCase())) return undefined;
  return (match[2] ?? '').trim();
}

async function editPicture(ctx: BotContext, photo: readonly PhotoSize[], instruction: string): Promise<void> {
  if (instruction === '') {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('edit-usage'));
    return;
  }
  const mediaId = await withChatAction(ctx, 'upload_photo', () => uploadFromTelegram(ctx, photoToUse(photo).file_id));
  if (!mediaId) return;
  await startJob(ctx, 'IMAGE', {
    queue: async (delivery) => (await ctx.gql(EDIT_IMAGE, { mediaId, instruction, delivery })).editImage,
    expired: async () => {
      ctx.state.outcome = 'user_error';
      await ctx.reply(ctx.t('media-input-gone'));
    },
  });
}

// `/edit <instruction>` as a reply to a picture (one the bot made, or a user's photo), or as the
// caption of a photo (Telegram marks a caption's command too, so grammY routes it here).
mediaInputFeature.command('edit', async (ctx) => {
  const photo = ctx.message?.photo ?? ctx.message?.reply_to_message?.photo;
  if (!photo || photo.length === 0) {
    ctx.state.outcome = 'user_error';
    await ctx.reply(ctx.t('edit-usage'));
    return;
  }
  await editPicture(ctx, photo, ctx.match.trim());
});

mediaInputFeature.on('message:photo', async (ctx, next) => {
  const caption = ctx.message.caption?.trim() ?? '';
  const instruction = editInstruction(caption, ctx.me.username);
  // In a group only a photo that mentions the bot, replies to it, or carries /edit is for the bot.
  if (instruction === undefined && !isAddressed(ctx)) return next();
  if (instruction !== undefined) return editPicture(ctx, ctx.message.photo, instruction);
  const question = caption.replace(new RegExp(`@${ctx.me.username}\\b`, 'gi'), ' ').trim();
  if (question === '') {
    if (ctx.chat.type === 'private') await ctx.reply(ctx.t('photo-hint'));
    return;
  }
  const imageId = await withChatAction(ctx, 'typing', () => uploadFromTelegram(ctx, photoToUse(ctx.message.photo).file_id));
  if (imageId) await answerQuestion(ctx, question, { command: 'photo', imageId });
});

mediaInputFeature.on('message:voice', async (ctx, next) => {
  if (!isAddressed(ctx)) return next();
  const heard = await withChatAction(ctx, 'typing', async () => {
    const mediaId = await uploadFromTelegram(ctx, ctx.message.voice.file_id);
    if (!mediaId) return undefined;
    const { transcribe } = await ctx.gql(TRANSCRIBE, { mediaId });
    if (transcribe.__typename !== 'Transcript') {
      await replyWithProblem(ctx, transcribe, 'TEXT');
      return undefined;
    }
    return transcribe.text;
  });
  if (heard === undefined) return;
  // The user sees what was understood, so a misheard word explains an odd answer.
  await ctx.reply(ctx.t('voice-heard', { text: heard }), { reply_parameters: { message_id: ctx.message.message_id } });
  const drawing = drawingPrompt(ctx, heard);
  if (drawing !== undefined) return offerStyles(ctx, 'IMAGE', drawing);
  const answer = await answerQuestion(ctx, heard, { command: 'voice' });
  if (answer) await speakAnswer(ctx, answer);
});

/**
 * A voice question also gets its answer as a voice message when the operator switched spoken
 * replies on (SPEECH_PROVIDER; off by default). The text answer is already in the chat, so a
 * failure here is only logged.
 */
async function speakAnswer(ctx: BotContext, answer: string): Promise<void> {
  try {
    const { speak } = await ctx.gql(SPEAK, { text: answer });
    if (speak.__typename !== 'Media' || !speak.url) return;
    const bytes = await withChatAction(ctx, 'upload_voice', () => ctx.services.fetchMedia(speak.url!));
    await ctx.replyWithVoice(new InputFile(bytes, 'answer.ogg'));
  } catch (error) {
    ctx.services.logger.warn({ err_name: error instanceof Error ? error.name : typeof error }, 'a spoken reply could not be sent');
  }
}

/**
 * A transcript that starts with the word for "draw" or "imagine" (voice-imagine-words, in the user's
 * language, and always the English ones) asks for a picture: the rest is the prompt.
 */
function drawingPrompt(ctx: BotContext, transcript: string): string | undefined {
  const words = `${ctx.t('voice-imagine-words')},imagine,draw`.split(',').map((word) => word.trim().toLowerCase()).filter(Boolean);
  const text = transcript.trim();
  const lower = text.toLowerCase();
  for (const word of words) {
    if (!lower.startsWith(word)) continue;
    const rest = text.slice(word.length);
    // A whole word only ("drawer" is not "draw"), then whatever punctuation the transcriber put after it.
    if (rest !== '' && /^[\p{L}\p{N}]/u.test(rest)) continue;
    return rest.replace(/^[\s\p{P}]+/u, '').trim();
  }
  return undefined;
}
