import type { Logger } from 'pino';

/**
 * Job updates, so waiting requests, subscriptions and idle workers react at once. An event only names
 * the job and its new state: listeners read the row itself, which stays the one source of truth, so a
 * lost or repeated event costs a little latency and never a wrong answer (every waiter also polls).
 */
export interface GenerationEvent {
  id: string;
  kind: string;
  /** The job's new state, or `progress` when only its progress moved. */
  status: string;
}

export type GenerationListener = (event: GenerationEvent) => void;

export interface GenerationEvents {
  publish(event: GenerationEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: GenerationListener): () => void;
  close(): Promise<void>;
}

/** In one process: listeners are called synchronously-soon (next microtask), never inside publish. */
export function createMemoryEvents(logger?: Logger): GenerationEvents {
  const listeners = new Set<GenerationListener>();
  return {
    publish(event) {
      queueMicrotask(() => dispatch(listeners, event, logger));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
}

export function dispatch(listeners: Iterable<GenerationListener>, event: GenerationEvent, logger?: Logger): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      logger?.error({ err: error }, 'a generation event listener failed');
    }
  }
}

/** A shape check for events that arrive from outside the process. */
export function parseEvent(text: string): GenerationEvent | undefined {
  try {
    const value = JSON.parse(text) as Partial<GenerationEvent>;
    if (typeof value.id === 'string' && typeof value.kind === 'string' && typeof value.status === 'string') {
      return { id: value.id, kind: value.kind, status: value.status };
    }
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}
