/**
 * The GraphQL documents the bot sends. Each carries the shape of its result and variables, generated
 * from schema/schema.graphql into operation-types.ts (`npm run client-types`; a test checks it is up
 * to date), so `ctx.gql(GENERATE, variables)` is typed without declaring a schema type twice.
 * Operation names make each call recognizable in the API's spans (`mutation BotGenerate`) without
 * carrying any variables.
 */
import { operation } from '../operation.ts';
import type * as Types from './operation-types.ts';

export { operation, type Operation } from '../operation.ts';

const GENERATION_FIELDS = 'id status errorClass style theme latencyMs progress queuePosition text media { url mimeType } images { url mimeType }';

/** The typed errors a generation can end with, as every result union of the bot asks for them. */
const ERROR_FIELDS = `
  ... on Error { message }
  ... on InvalidPrompt { reason maxLength }
  ... on ProviderUnavailable { cause retryAfterSeconds }
  ... on RateLimited { retryAfterSeconds }
  ... on QuotaExceeded { resetsAt }
  ... on Busy { retryAfterSeconds }
`;

const RESULT_FIELDS = `
  __typename
  ... on Generation { ${GENERATION_FIELDS} }
  ${ERROR_FIELDS}
`;

export const GENERATE_VARIANT = operation<Types.BotGenerateVariantMutation, Types.BotGenerateVariantMutationVariables>(`mutation BotGenerateVariant($id: ID!, $delivery: String) { generateVariant(generationId: $id, delivery: $delivery) { ${RESULT_FIELDS} ... on NotFound { resource } ... on MediaInputRejected { mediaReason: reason } } }`);

export const CREATE_DRAFT = operation<Types.BotDraftMutation, Types.BotDraftMutationVariables>(`mutation BotDraft($kind: DraftKind!, $prompt: String!, $options: ImageOptionsInput) {
  createPromptDraft(kind: $kind, prompt: $prompt, options: $options) { __typename ... on PromptDraft { id } ... on Error { message } ... on InvalidPrompt { reason maxLength } ... on InvalidOption { field } }
}`);

export const GENERATE_FROM_DRAFT = operation<Types.BotGenerateFromDraftMutation, Types.BotGenerateFromDraftMutationVariables>(`mutation BotGenerateFromDraft($draftId: ID!, $style: String, $delivery: String) {
  generateFromDraft(draftId: $draftId, style: $style, delivery: $delivery) { ${RESULT_FIELDS} ... on NotFound { resource } }
}`);

export const ANSWER_STREAM = operation<Types.BotAnswerStreamSubscription, Types.BotAnswerStreamSubscriptionVariables>(`subscription BotAnswerStream($input: AnswerInput!) { answerStream(input: $input) {
  __typename
  ... on AnswerChunk { text generation { id } }
  ${ERROR_FIELDS}
  ... on MediaInputRejected { mediaReason: reason }
} }`);

export const TRANSCRIBE = operation<Types.BotTranscribeMutation, Types.BotTranscribeMutationVariables>(`mutation BotTranscribe($mediaId: ID!) { transcribe(mediaId: $mediaId) {
  __typename
  ... on Transcript { text }
  ... on Error { message }
  ... on ProviderUnavailable { cause retryAfterSeconds }
  ... on RateLimited { retryAfterSeconds }
  ... on QuotaExceeded { resetsAt }
  ... on MediaInputRejected { mediaReason: reason }
} }`);

export const SPEAK = operation<Types.BotSpeakMutation, Types.BotSpeakMutationVariables>(`mutation BotSpeak($text: String!) { speak(text: $text) {
  __typename
  ... on Media { url }
  ... on MediaInputRejected { mediaReason: reason }
} }`);

export const EDIT_IMAGE = operation<Types.BotEditImageMutation, Types.BotEditImageMutationVariables>(`mutation BotEditImage($mediaId: ID!, $instruction: String!, $delivery: String) {
  editImage(mediaId: $mediaId, instruction: $instruction, delivery: $delivery) { ${RESULT_FIELDS} ... on MediaInputRejected { mediaReason: reason } }
}`);

export const SET_NEWS = operation<Types.BotSetNewsMutation, Types.BotSetNewsMutationVariables>(`mutation BotSetNews($ref: String) { setNewsSubscription(ref: $ref) }`);

export const CLAIM_BROADCASTS = operation<Types.BotClaimBroadcastsMutation, Types.BotClaimBroadcastsMutationVariables>(`mutation BotClaimBroadcasts($limit: Int!) { claimBroadcastMessages(limit: $limit) { id ref text } }`);

export const COMPLETE_BROADCAST = operation<Types.BotCompleteBroadcastMutation, Types.BotCompleteBroadcastMutationVariables>(`mutation BotCompleteBroadcast($id: ID!, $sent: Boolean!) { completeBroadcastMessage(id: $id, sent: $sent) }`);

export const WATCH = operation<Types.BotWatchSubscription, Types.BotWatchSubscriptionVariables>(`subscription BotWatch($id: ID!) { generationUpdated(id: $id) { id status progress queuePosition } }`);

export const CLAIM_DELIVERY = operation<Types.BotClaimDeliveryMutation, Types.BotClaimDeliveryMutationVariables>(`mutation BotClaimDelivery($id: ID!) { claimDelivery(id: $id) { ref generation { __typename ${GENERATION_FIELDS} } } }`);

export const CLAIM_PENDING_DELIVERIES = operation<Types.BotClaimPendingMutation, Types.BotClaimPendingMutationVariables>(`mutation BotClaimPending($limit: Int!) { claimPendingDeliveries(limit: $limit) { ref generation { __typename ${GENERATION_FIELDS} } } }`);

export const COMPLETE_DELIVERY = operation<Types.BotCompleteDeliveryMutation, Types.BotCompleteDeliveryMutationVariables>(`mutation BotCompleteDelivery($id: ID!) { completeDelivery(id: $id) }`);

export const CANCEL = operation<Types.BotCancelMutation, Types.BotCancelMutationVariables>(`mutation BotCancel($id: ID!) { cancelGeneration(id: $id) { __typename ... on Generation { id status } } }`);

export const ACTIVE_JOBS = operation<Types.BotActiveJobsQuery, Types.BotActiveJobsQueryVariables>(`query BotActiveJobs { myActiveGenerations { id } }`);

export const RATE = operation<Types.BotRateMutation, Types.BotRateMutationVariables>(`mutation BotRate($id: ID!, $rating: Rating!) { rateGeneration(id: $id, rating: $rating) { __typename } }`);

export const KEEP = operation<Types.BotKeepMutation, Types.BotKeepMutationVariables>(`mutation BotKeep($id: ID!) { keepMedia(generationId: $id, keep: true) { __typename ... on Media { keep } } }`);

export const STYLES = operation<Types.BotStylesQuery, Types.BotStylesQueryVariables>(`query BotStyles { styles { id label } }`);

export const IMAGE_MODELS = operation<Types.BotImageModelsQuery, Types.BotImageModelsQueryVariables>(`query BotImageModels { imageModels { provider model ai } viewer { imageProvider } }`);

export const VIEWER_LOCALE = operation<Types.BotViewerLocaleQuery, Types.BotViewerLocaleQueryVariables>(`query BotViewerLocale { viewer { locale } }`);

export const SET_PREFERENCES = operation<Types.BotSetPreferencesMutation, Types.BotSetPreferencesMutationVariables>(`mutation BotSetPreferences($input: PreferencesInput!) { setPreferences(input: $input) { __typename } }`);

const CHAT_SETTINGS_FIELDS = `__typename ... on ChatSettings { defaultStyle locale whoMayUse } ... on Error { message }`;

export const CHAT_SETTINGS = operation<Types.BotChatSettingsQuery, Types.BotChatSettingsQueryVariables>(`query BotChatSettings($chat: String!) { chatSettings(telegramChatId: $chat) { ${CHAT_SETTINGS_FIELDS} } }`);

export const SET_CHAT_SETTINGS = operation<Types.BotSetChatSettingsMutation, Types.BotSetChatSettingsMutationVariables>(`mutation BotSetChatSettings($chat: String!, $input: ChatSettingsInput!) { setChatSettings(telegramChatId: $chat, input: $input) { ${CHAT_SETTINGS_FIELDS} } }`);

export const RESET_CONVERSATION = operation<Types.BotResetConversationMutation, Types.BotResetConversationMutationVariables>(`mutation BotResetConversation { resetConversation }`);

export const SUBMIT_FEEDBACK = operation<Types.BotFeedbackMutation, Types.BotFeedbackMutationVariables>(`mutation BotFeedback($text: String!) { submitFeedback(text: $text) { __typename ... on Error { message } } }`);

export const DELETE_MY_DATA = operation<Types.BotDeleteMyDataMutation, Types.BotDeleteMyDataMutationVariables>(`mutation BotDeleteMyData { deleteMyData { generations media feedback conversationTurns usageDays } }`);

const USAGE_FIELDS = 'day requests images videos texts inputTokens outputTokens costUsd';

export const VIEWER_USAGE = operation<Types.BotUsageQuery, Types.BotUsageQueryVariables>(`query BotUsage { viewer { tier usageToday { ${USAGE_FIELDS} } limits { requestsPerMinute quotas { quota limit used } } } }`);

export const VIEWER_STATS = operation<Types.BotStatsQuery, Types.BotStatsQueryVariables>(`query BotStats { viewer {
  usageToday { ${USAGE_FIELDS} }
  stats { byKind { name count } topStyles { name count } topThemes { name count } total { requests inputTokens outputTokens costUsd } daily { day images videos texts } }
} }`);

const TIER_FIELDS = 'id requestsPerMinute images videos textTokens dailyCostUsd priceStars periodDays';

export const TIERS = operation<Types.BotTiersQuery, Types.BotTiersQueryVariables>(`query BotTiers { tiers { ${TIER_FIELDS} } }`);

export const TIER_OVERVIEW = operation<Types.BotTierOverviewQuery, Types.BotTierOverviewQueryVariables>(`query BotTierOverview { tiers { ${TIER_FIELDS} } viewer { tier tierExpiresAt } }`);

export const VIEWER_TIER = operation<Types.BotViewerTierQuery, Types.BotViewerTierQueryVariables>(`query BotViewerTier { viewer { tier tierExpiresAt } }`);

const PAYMENT_FIELDS = '__typename ... on Payment { id tier tierExpiresAt alreadyApplied } ... on Error { message }';

export const RECORD_PAYMENT = operation<Types.BotRecordPaymentMutation, Types.BotRecordPaymentMutationVariables>(`mutation BotRecordPayment($input: TelegramPaymentInput!) {
  recordTelegramPayment(input: $input) { ${PAYMENT_FIELDS} ... on InvalidInput { field } }
}`);

export const RECORD_REFUND = operation<Types.BotRecordRefundMutation, Types.BotRecordRefundMutationVariables>(`mutation BotRecordRefund($chargeId: String!) { recordTelegramRefund(chargeId: $chargeId) { ${PAYMENT_FIELDS} } }`);

// Shapes the bot's modules pass around, named once from the generated results.

/** Every answer a queued job can get: a Generation or one of the typed errors. */
export type GenerateResult = Types.BotGenerateFromDraftMutation['generateFromDraft'];
export type GenerationFields = Extract<GenerateResult, { __typename: 'Generation' }>;
export type DraftResult = Types.BotDraftMutation['createPromptDraft'];
export type EditImageResult = Types.BotEditImageMutation['editImage'];
export type TranscribeResult = Types.BotTranscribeMutation['transcribe'];
export type AnswerStreamResult = Types.BotAnswerStreamSubscription['answerStream'];
export type JobUpdate = Types.BotWatchSubscription['generationUpdated'];
export type DeliveryItem = Types.BotClaimPendingMutation['claimPendingDeliveries'][number];
export type CancelResult = Types.BotCancelMutation['cancelGeneration'];
export type DeletionReport = Types.BotDeleteMyDataMutation['deleteMyData'];
export type ViewerStats = Types.BotStatsQuery['viewer'];
export type NamedCount = ViewerStats['stats']['topStyles'][number];
export type Usage = Types.BotUsageQuery['viewer']['usageToday'];
export type Limits = Types.BotUsageQuery['viewer']['limits'];
/** A price tier as `tiers` lists it (cheapest first; the free tier has priceStars 0). */
export type TierInfo = Types.BotTiersQuery['tiers'][number];
export type ViewerTier = Types.BotViewerTierQuery['viewer'];
export type RecordPaymentResult = Types.BotRecordPaymentMutation['recordTelegramPayment'];
export type RecordRefundResult = Types.BotRecordRefundMutation['recordTelegramRefund'];
