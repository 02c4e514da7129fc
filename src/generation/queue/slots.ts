/**
 * A counting semaphore with a bounded waiting line: at most `limit` holders at once and at most
 * `maxWaiting` callers waiting behind them. Past that, `acquire` says no at once, so memory stays
 * bounded whatever the load.
 */
export interface Slots {
  /** A promise of the release function, or null when the waiting line is full. */
  acquire(): Promise<() => void> | null;
  readonly busy: number;
  readonly waiting: number;
}

export function createSlots(limit: number, maxWaiting: number): Slots {
  let busy = 0;
  const waiters: Array<() => void> = [];

  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else busy -= 1;
  }

  function once(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  }

  return {
    acquire() {
      if (busy < limit) {
        busy += 1;
        return Promise.resolve(once());
      }
      if (waiters.length >= maxWaiting) return null;
      // The slot passes straight from the releasing holder to the first waiter: `busy` stays the same.
      return new Promise((resolve) => waiters.push(() => resolve(once())));
    },
    get busy() {
      return busy;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
