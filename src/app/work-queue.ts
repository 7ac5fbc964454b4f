/**
 * Where a webhook's slow work goes so the HTTP response does not wait for it (GitHub gives up on a
 * delivery after 10 s, docs/github-limits.md). Jobs with the same key run one after another — every event of
 * one PR is serialized, which is the in-process half of "two approvals at once start one
 * dispatch" — and jobs with different keys run concurrently.
 */
export interface WorkQueue {
  enqueue(key: string, job: () => Promise<void>): void;
  /** Resolves when every job queued so far (and those they queue) has finished. */
  idle(): Promise<void>;
}

/** A queue that also hands back each job's own outcome (the inbox waits on its delivery's jobs). */
export interface LaneQueue extends WorkQueue {
  /** Runs `job` in `key`'s lane; the returned promise settles with it (its rejection is the caller's). */
  run(key: string, job: () => Promise<void>): Promise<void>;
}

export function createWorkQueue(onError: (err: unknown, key: string) => void): LaneQueue {
  const tails = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  function run(key: string, job: () => Promise<void>): Promise<void> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    // The lane continues whatever this job did; the job's own outcome is `result`.
    const tail = result.then(
      () => {},
      () => {},
    );
    tails.set(key, tail);
    running.add(tail);
    void tail.finally(() => {
      running.delete(tail);
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  }
  return {
    run,
    enqueue(key, job) {
      run(key, job).catch((err) => onError(err, key));
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
