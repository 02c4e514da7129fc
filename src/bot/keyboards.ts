import { InlineKeyboard } from 'grammy';
import type { BotContext, Speaker } from './context.ts';
import { LOCALES } from './i18n.ts';
import { styleName, tierName } from './labels.ts';
import type { TierInfo } from './operations.ts';
import type { CatalogStyle } from './style-catalog.ts';

/**
 * Inline keyboards and their callback_data. Telegram allows at most 64 bytes of callback_data, so
 * buttons carry only short prefixes and ids (a pending-prompt key, a generation UUID, a style id):
 *   g:<draft>:<style|*> pick a style for a prompt draft kept by the API (* = the user's default)
 *   r:<id>:u|d          rate    k:<id>  keep    v:<id>  another variant    x:<id>  cancel a job
 *   ds:<style>          set the default style    lang:<locale>    del:yes|no
 *   m:<provider|*>      put an image provider first (/model; * = the configured order)
 *   buy:<tier>          get an invoice for a paid tier
 */

export const DEFAULT_STYLE = '*';

/** Two styles per row, appended to `keyboard`. */
function styleRows(ctx: BotContext, keyboard: InlineKeyboard, styles: CatalogStyle[], data: (style: CatalogStyle) => string): InlineKeyboard {
  styles.forEach((style, index) => {
    keyboard.text(styleName(ctx, style.id, style.label), data(style));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard;
}

export function stylePickKeyboard(ctx: BotContext, key: string, styles: CatalogStyle[]): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(ctx.t('button-my-default'), `g:${key}:${DEFAULT_STYLE}`).row();
  return styleRows(ctx, keyboard, styles, (style) => `g:${key}:${style.id}`);
}

export function defaultStyleKeyboard(ctx: BotContext, styles: CatalogStyle[]): InlineKeyboard {
  return styleRows(ctx, new InlineKeyboard(), styles, (style) => `ds:${style.id}`);
}

export const AUTO_MODEL = '*';

/** One row per configured image model (the current pick marked), then "automatic". */
export function modelKeyboard(ctx: BotContext, choices: ReadonlyArray<{ provider: string; model: string; ai: boolean }>, current: string | null): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const choice of choices) {
    const name = choice.ai ? `${choice.provider} · ${choice.model}` : ctx.t('model-offline', { name: choice.provider });
    keyboard.text(choice.provider === current ? ctx.t('model-current', { name }) : name, `m:${choice.provider}`).row();
  }
  const auto = ctx.t('model-auto');
  return keyboard.text(current === null ? ctx.t('model-current', { name: auto }) : auto, `m:${AUTO_MODEL}`);
}

export function resultKeyboard(ctx: Speaker, generationId: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('button-up'), `r:${generationId}:u`)
    .text(ctx.t('button-down'), `r:${generationId}:d`)
    .text(ctx.t('button-keep'), `k:${generationId}`)
    .row()
    .text(ctx.t('button-variant'), `v:${generationId}`);
}

/** Under a progress message: stop the job (x:<generation id>). */
export function cancelKeyboard(ctx: Speaker, generationId: string): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-cancel'), `x:${generationId}`);
}

export function languageKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of LOCALES) keyboard.text(ctx.t(`language-${locale}`), `lang:${locale}`);
  return keyboard;
}

export function deleteConfirmKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t('button-delete-confirm'), 'del:yes').row().text(ctx.t('button-delete-cancel'), 'del:no');
}

/** One button per paid tier, with its price in Stars. */
export function tierKeyboard(ctx: BotContext, tiers: TierInfo[]): InlineKeyboard {
  return InlineKeyboard.from(
    tiers
      .filter((tier) => tier.priceStars > 0)
      .map((tier) => [InlineKeyboard.text(ctx.t('button-buy-tier', { name: tierName(ctx, tier.id), stars: tier.priceStars, days: tier.periodDays }), `buy:${tier.id}`)]),
  );
}
