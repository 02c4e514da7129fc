/**
 * The GraphQL documents the bot sends, with the shapes it reads back. Operation names make each
 * call recognizable in the API's spans (`mutation BotGenerate`) without carrying any variables.
 */

export type Kind = 'IMAGE' | 'VIDEO' | 'TEXT';

export interface GeneratedMedia {
  url: string | null;
  mimeType: string;
}

/** A member of GenerateResult / GenerateVariantResult, discriminated by `__typename`. */
export type GenerateResult =
  | { __typename: 'Generation'; id: string; style: string; theme: string; latencyMs: number; text: string | null; media: GeneratedMedia | null }
  | { __typename: 'InvalidPrompt'; message: string; reason: string; maxLength: number | null }
  | { __typename: 'ProviderUnavailable'; message: string; cause: string; retryAfterSeconds: number | null }
  | { __typename: 'NotFound'; message: string; resource: string }
  | { __typename: 'RateLimited'; message: string; retryAfterSeconds: number | null }
  | { __typename: 'QuotaExceeded'; message: string; resetsAt: string };

const RESULT_FIELDS = `
  __typename
  ... on Error { message }
  ... on Generation { id style theme latencyMs text media { url mimeType } }
  ... on InvalidPrompt { reason maxLength }
  ... on ProviderUnavailable { cause retryAfterSeconds }
  ... on RateLimited { retryAfterSeconds }
  ... on QuotaExceeded { resetsAt }
`;

export const GENERATE = `mutation BotGenerate($input: GenerateInput!) { generate(input: $input) { ${RESULT_FIELDS} } }`;

export const GENERATE_VARIANT = `mutation BotGenerateVariant($id: ID!) { generateVariant(generationId: $id) { ${RESULT_FIELDS} ... on NotFound { resource } } }`;

export const RATE = `mutation BotRate($id: ID!, $rating: Rating!) { rateGeneration(id: $id, rating: $rating) { __typename } }`;

export const KEEP = `mutation BotKeep($id: ID!) { keepMedia(generationId: $id, keep: true) { __typename ... on Media { keep } } }`;

export const STYLES = `query BotStyles { styles { id label } }`;

export const VIEWER_LOCALE = `query BotViewerLocale { viewer { locale } }`;

export const SET_PREFERENCES = `mutation BotSetPreferences($input: PreferencesInput!) { setPreferences(input: $input) { __typename } }`;

export const RESET_CONVERSATION = `mutation BotResetConversation { resetConversation }`;

export const SUBMIT_FEEDBACK = `mutation BotFeedback($text: String!) { submitFeedback(text: $text) { __typename ... on Error { message } } }`;

export const DELETE_MY_DATA = `mutation BotDeleteMyData { deleteMyData { generations media feedback conversationTurns usageDays } }`;

export interface Usage {
  day: string;
  requests: number;
  images: number;
  videos: number;
  texts: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const USAGE_FIELDS = 'day requests images videos texts inputTokens outputTokens costUsd';

export const VIEWER_USAGE = `query BotUsage { viewer { tier usageToday { ${USAGE_FIELDS} } limits { requestsPerMinute quotas { quota limit used } } } }`;

export interface Limits {
  requestsPerMinute: number;
  quotas: Array<{ quota: string; limit: number | null; used: number }>;
}

export interface NamedCount {
  name: string;
  count: number;
}

export interface ViewerStats {
  usageToday: Usage;
  stats: {
    byKind: NamedCount[];
    topStyles: NamedCount[];
    topThemes: NamedCount[];
    total: { requests: number; inputTokens: number; outputTokens: number; costUsd: number };
  };
}

export const VIEWER_STATS = `query BotStats { viewer {
  usageToday { ${USAGE_FIELDS} }
  stats { byKind { name count } topStyles { name count } topThemes { name count } total { requests inputTokens outputTokens costUsd } }
} }`;

export interface DeletionReport {
  generations: number;
  media: number;
  feedback: number;
  conversationTurns: number;
  usageDays: number;
}

/** A price tier as `tiers` lists it (cheapest first; the free tier has priceStars 0). */
export interface TierInfo {
  id: string;
  requestsPerMinute: number;
  images: number;
  videos: number;
  textTokens: number;
  dailyCostUsd: number | null;
  priceStars: number;
  periodDays: number;
}

const TIER_FIELDS = 'id requestsPerMinute images videos textTokens dailyCostUsd priceStars periodDays';

export const TIERS = `query BotTiers { tiers { ${TIER_FIELDS} } }`;

export interface ViewerTier {
  tier: string;
  tierExpiresAt: string | null;
}

export const TIER_OVERVIEW = `query BotTierOverview { tiers { ${TIER_FIELDS} } viewer { tier tierExpiresAt } }`;

export const VIEWER_TIER = `query BotViewerTier { viewer { tier tierExpiresAt } }`;

export interface PaymentApplied {
  __typename: 'Payment';
  id: string;
  /** The tier the payment bought (for a refund: the tier that was refunded, not the user's tier now). */
  tier: string;
  tierExpiresAt: string | null;
  alreadyApplied: boolean;
}

export type RecordPaymentResult = PaymentApplied | { __typename: 'InvalidInput'; field: string; message: string };

export type RecordRefundResult = PaymentApplied | { __typename: 'NotFound'; message: string };

const PAYMENT_FIELDS = '__typename ... on Payment { id tier tierExpiresAt alreadyApplied } ... on Error { message }';

export const RECORD_PAYMENT = `mutation BotRecordPayment($input: TelegramPaymentInput!) {
  recordTelegramPayment(input: $input) { ${PAYMENT_FIELDS} ... on InvalidInput { field } }
}`;

export const RECORD_REFUND = `mutation BotRecordRefund($chargeId: String!) { recordTelegramRefund(chargeId: $chargeId) { ${PAYMENT_FIELDS} } }`;
