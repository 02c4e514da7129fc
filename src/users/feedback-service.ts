import type { SqlEntityManager } from '@mikro-orm/sql';
import { Feedback, type IFeedback } from '../db/entities/feedback.ts';
import { Generation } from '../db/entities/generation.ts';
import type { IUser } from '../db/entities/user.ts';
import { UUID_PATTERN, uuidv7 } from '../ids.ts';
import { redactPrompt } from '../privacy/redact.ts';
import type { Metrics } from '../telemetry/metrics.ts';

export interface FeedbackServiceDeps {
  em: SqlEntityManager;
  metrics: Metrics | undefined;
  now: () => Date;
}

/** Free-text feedback: stored redacted, optionally about one of the user's own generations. */
export function createFeedbackService(deps: FeedbackServiceDeps) {
  const { em } = deps;
  return {
    /** Null when `generationId` names no generation of this user (nothing is stored then). */
    async submit(user: IUser, text: string, generationId: string | null): Promise<IFeedback | null> {
      let generation = null;
      if (generationId != null) {
        generation = UUID_PATTERN.test(generationId) ? await em.findOne(Generation, { id: generationId, user: user.id }) : null;
        if (!generation) return null;
      }
      const row = em.create(Feedback, { id: uuidv7(), user, generation, textRedacted: redactPrompt(text).text, createdAt: deps.now() });
      await em.persist(row).flush();
      deps.metrics?.observeFeedback('text');
      return row;
    },
  };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
