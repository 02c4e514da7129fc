/** The benchmark's side of scripts/bench/load.ts: forks the load generator and runs specs on it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import type { LoadResult, LoadSpec } from './load.ts';

/** Resolves with the child's next message of `type`; rejects on its `error` message or its exit. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code} while waiting for ${type}`));
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type !== type && message.type !== 'error') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (message.type === 'error') reject(new Error(message.message));
      else resolve(message as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export function startLoadGenerator() {
  const child = fork(new URL('./load.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    /** One run; any failed or unexpected answer fails it, since a figure over errors means nothing. */
    async run(spec: LoadSpec): Promise<LoadResult> {
      const answer = nextMessage<{ result: LoadResult }>(child, 'result');
      child.send({ type: 'run', spec });
      const { result } = await answer;
      if (result.bad > 0) throw new Error(`${result.bad} of ${result.requests} requests to ${spec.url} failed; first: ${result.firstBad}`);
      return result;
    },
    /** Ends the current run early; its `run` promise then resolves with what was measured. */
    stop(): void {
      child.send({ type: 'stop' });
    },
    close(): void {
      child.disconnect();
    },
  };
}
