import type { SqlEntityManager } from '@mikro-orm/sql';
import type { IUser } from '../db/entities/user.ts';
import type { GenerateCaller, GenerateInput, GenerateOutcome, GenerateService } from './generate.ts';

/** One step of a streamed answer: the text so far, and with the last step the outcome. */
export interface AnswerStep {
  text: string;
  outcome?: GenerateOutcome;
}

/**
 * A text answer as it is written: `generate` with the provider's stream, seen as the answer so far
 * at most every `everyMs` (a reader never falls behind: steps in between are merged), then the
 * outcome with the whole text. The generation itself is the one `generate` records; a reader that
 * leaves early does not stop it.
 */
export async function* streamAnswer(
  generate: GenerateService, em: SqlEntityManager, user: IUser,
  input: Omit<GenerateInput, 'kind' | 'onText' | 'delivery' | 'variant' | 'style'>, caller: GenerateCaller | undefined, everyMs = 250,
): AsyncGenerator<AnswerStep> {
  let latest = '';
  let changed = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  let settled: GenerateOutcome | undefined;
  let failure: unknown;
  const running = generate(em, user, {
    ...input,
    kind: 'text',
    onText: (text) => {
      latest = text;
      changed = true;
      poke();
    },
  }, caller).then((outcome) => {
    settled = outcome;
  }, (error: unknown) => {
    failure = error ?? new Error('generate failed');
  }).finally(poke);

  let lastSent = 0;
  while (settled === undefined && failure === undefined) {
    if (!changed) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const waitMs = lastSent + everyMs - Date.now();
    if (waitMs > 0) {
      // Sleep out the interval, but wake at once when the answer is complete.
      await Promise.race([new Promise((resolve) => setTimeout(resolve, waitMs)), running]);
      if (settled !== undefined || failure !== undefined) break;
    }
    changed = false;
    lastSent = Date.now();
    yield { text: latest };
  }
  await running;
  if (failure !== undefined) throw failure;
  const outcome = settled!;
  yield { text: outcome.ok ? (outcome.text ?? latest) : latest, outcome };
}
