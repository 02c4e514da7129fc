import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Who did what. Actors are token ids or pseudonymous user ids; details never hold prompts. */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  // The newest erasure: analytics forgets what it kept of users once one happens (analytics/source.ts).
  indexes: [{ properties: ['action', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().onCreate(() => new Date()).index(),
    actor: p.string().length(64),
    action: p.string().length(64),
    target: p.string().length(64).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
  },
});

export type IAuditLog = InferEntity<typeof AuditLog>;
