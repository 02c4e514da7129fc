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
export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'REJECTED' | 'RATE_LIMITED';

export interface GenerationFields {
  __typename: 'Generation';
  id: string;
  status: JobStatus;
  errorClass: string | null;
  style: string;
  theme: string;
  latencyMs: number;
  progress: number | null;
  queuePosition: number | null;
  text: string | null;
  media: GeneratedMedia | null;
}

export type GenerateResult =
  | GenerationFields
  | { __typename: 'InvalidPrompt'; message: string; reason: string; maxLength: number | null }
  | { __typename: 'ProviderUnavailable'; message: string; cause: string; retryAfterSeconds: number | null }
  | { __typename: 'NotFound'; message: string; resource: string }
  | { __typename: 'RateLimited'; message: string; retryAfterSeconds: number | null }
  | { __typename: 'QuotaExceeded'; message: string; resetsAt: string }
  | { __typename: 'Busy'; message: string; retryAfterSeconds: number | null };

const GENERATION_FIELDS = 'id status errorClass style theme latencyMs progress queuePosition text media { url mimeType }';

const RESULT_FIELDS = `
  __typename
  ... on Error { message }
  ... on Generation { ${GENERATION_FIELDS} }
  ... on InvalidPrompt { reason maxLength }
  ... on ProviderUnavailable { cause retryAfterSeconds }
  ... on RateLimited { retryAfterSeconds }
  ... on QuotaExceeded { resetsAt }
  ... on Busy { retryAfterSeconds }
`;

export const GENERATE = `mutation BotGenerate($input: GenerateInput!) { generate(input: $input) { ${RESULT_FIELDS} } }`;

export const GENERATE_VARIANT = `mutation BotGenerateVariant($id: ID!, $delivery: String) { generateVariant(generationId: $id, delivery: $delivery) { ${RESULT_FIELDS} ... on NotFound { resource } } }`;

export type DraftResult = { __typename: 'PromptDraft'; id: string } | Extract<GenerateResult, { __typename: 'InvalidPrompt' }>;

export const CREATE_DRAFT = `mutation BotDraft($kind: DraftKind!, $prompt: String!) {
  createPromptDraft(kind: $kind, prompt: $prompt) { __typename ... on PromptDraft { id } ... on Error { message } ... on InvalidPrompt { reason maxLength } }
}`;

export const GENERATE_FROM_DRAFT = `mutation BotGenerateFromDraft($draftId: ID!, $style: String, $delivery: String) {
  generateFromDraft(draftId: $draftId, style: $style, delivery: $delivery) { ${RESULT_FIELDS} ... on NotFound { resource } }
}`;

export const WATCH = `subscription BotWatch($id: ID!) { generationUpdated(id: $id) { id status progress queuePosition } }`;

export interface JobUpdate {
  id: string;
  status: JobStatus;
  progress: number | null;
  queuePosition: number | null;
}

export interface DeliveryItem {
  ref: string;
  generation: GenerationFields;
}

export const CLAIM_DELIVERY = `mutation BotClaimDelivery($id: ID!) { claimDelivery(id: $id) { ref generation { __typename ${GENERATION_FIELDS} } } }`;

export const CLAIM_PENDING_DELIVERIES = `mutation BotClaimPending($limit: Int!) { claimPendingDeliveries(limit: $limit) { ref generation { __typename ${GENERATION_FIELDS} } } }`;

export const COMPLETE_DELIVERY = `mutation BotCompleteDelivery($id: ID!) { completeDelivery(id: $id) }`;

export const CANCEL = `mutation BotCancel($id: ID!) { cancelGeneration(id: $id) { __typename ... on Generation { id status } } }`;

export const ACTIVE_JOBS = `query BotActiveJobs { myActiveGenerations { id } }`;

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
    daily: Array<{ day: string; images: number; videos: number; texts: number }>;
  };
}

export const VIEWER_STATS = `query BotStats { viewer {
  usageToday { ${USAGE_FIELDS} }
  stats { byKind { name count } topStyles { name count } topThemes { name count } total { requests inputTokens outputTokens costUsd } daily { day images videos texts } }
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
