export { ApiToken } from './api-token.ts';
export { AuditLog } from './audit-log.ts';
export { ConversationTurn } from './conversation-turn.ts';
export { DailyUsage } from './daily-usage.ts';
export { Feedback } from './feedback.ts';
export { Generation } from './generation.ts';
export { MediaAsset } from './media-asset.ts';
export { User } from './user.ts';
