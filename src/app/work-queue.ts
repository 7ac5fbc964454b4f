/**
 * Where a webhook's slow work goes so the HTTP response does not wait for it (GitHub gives up on a
 * delivery after 10 s, SPEC §13). Jobs with the same key run one after another — every event of
 * one PR is serialized, which is the in-process half of "two approvals at once start one
 * dispatch" — and jobs with different keys run concurrently.
 */
export interface WorkQueue {
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves when every job queued so far (and those they queue) has finished. */
  idle(): Promise<void>;
}

export function createWorkQueue(onError: (err: unknown, key: string) => void): WorkQueue {
  const tails = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  return {
    enqueue(key, job) {
      const previous = tails.get(key) ?? Promise.resolve();
      const next = previous.then(job).catch((err) => onError(err, key));
      tails.set(key, next);
      running.add(next);
      void next.finally(() => {
        running.delete(next);
        if (tails.get(key) === next) tails.delete(key);
      });
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
