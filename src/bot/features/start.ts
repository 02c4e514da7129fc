import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';

/** /start and /help: what the bot does, with examples. */
export const startFeature = new Composer<BotContext>();

startFeature.command('start', (ctx) => ctx.reply(ctx.t('start-text')));
startFeature.command('help', (ctx) => ctx.reply(ctx.t('help-text')));
