import type { BotContext, Speaker } from './context.ts';

/** Localized names of catalog entries; a style or theme added to the API later shows its own label until translated. */

export function styleName(ctx: Speaker, id: string, apiLabel?: string): string {
  return ctx.services.hasText(`style-${id}`) ? ctx.t(`style-${id}`) : (apiLabel ?? id);
}

export function themeName(ctx: Speaker, id: string): string {
  return ctx.services.hasText(`theme-${id}`) ? ctx.t(`theme-${id}`) : id;
}

export function kindName(ctx: Speaker, kind: string): string {
  return ctx.services.hasText(`kind-${kind}`) ? ctx.t(`kind-${kind}`) : kind;
}

/**
 * A dollar amount in the user's number format. Fluent lets only code, not translators, pick the
 * currency style, so it is formatted here and handed to the message as text.
 */
export async function usd(ctx: BotContext, value: number): Promise<string> {
  const locale = await ctx.i18n.getLocale();
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(value);
}

export function tierName(ctx: Speaker, id: string): string {
  return ctx.services.hasText(`tier-${id}`) ? ctx.t(`tier-${id}`) : id;
}

/** A date in the user's language and calendar (Persian users get the Solar Hijri one), as a UTC day. */
export async function longDate(ctx: BotContext, iso: string): Promise<string> {
  const locale = await ctx.i18n.getLocale();
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(iso));
}
