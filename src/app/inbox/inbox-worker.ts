import type { LaneQueue, WorkQueue } from "../work-queue.js";
import type { InboxStore, StoredDelivery } from "./inbox-store.js";
import {
  classifyFailure,
  type RetryBudget,
  retryDelayMs,
  type WorkFailure,
} from "./work-failure.js";

/** What the app does with one stored delivery. */
export interface DeliveryWork {
  /** Decides whether the event matters and queues its jobs on `lane` (the handlers). */
  route(lane: WorkQueue): Promise<void>;
  /** Shows on the PR that the work was not done, and why (a failing check, a reply). */
  reportFailure(f: WorkFailure): Promise<void>;
}

export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface InboxWorkerDeps {
  store: InboxStore;
  /** The shared per-PR lanes: a delivery's jobs run after the earlier jobs of the same PR. */
  queue: LaneQueue;
  open(d: StoredDelivery): Promise<DeliveryWork>;
  log: WorkerLog;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  retry: RetryBudget;
}

export interface InboxWorker {
  /** Starts work on every stored delivery not already in progress, oldest first. */
  kick(): void;
  /** Resolves when every delivery started so far has finished. */
  idle(): Promise<void>;
  /** Ids of the deliveries in progress. */
  inFlight(): string[];
}

/**
 * Takes deliveries from the inbox and marks each done only when all its jobs completed; a job that
 * fails transiently is tried again in its lane within the retry budget, and a delivery whose work
 * still fails is shown on its PR and marked failed. Every delivery ends done or failed: nothing
 * here rejects without a handler.
 */
export function inboxWorker(deps: InboxWorkerDeps): InboxWorker {
  const inFlight = new Set<string>();
  const finishing = new Set<Promise<void>>();
  let feeding: Promise<void> | undefined;
  let again = false;

  async function feed(): Promise<void> {
    do {
      again = false;
      for (const d of deps.store.pending()) {
        if (inFlight.has(d.id)) continue;
        inFlight.add(d.id);
        const started = deps.now();
        const lane = laneFor(deps, d);
        // Routing (which only queues jobs) is awaited item by item, so a PR's deliveries enter its
        // lane in the order they were received.
        let work: DeliveryWork | undefined;
        let routeError: unknown;
        try {
          work = await deps.open(d);
          await work.route(lane);
        } catch (err) {
          routeError = err ?? new Error("routing failed");
        }
        const done = finish(d, work, lane, routeError, started).catch((err) =>
          deps.log.error({ delivery: d.id, err }, `labgate: finishing delivery ${d.id} failed`),
        );
        finishing.add(done);
        void done.finally(() => {
          finishing.delete(done);
          inFlight.delete(d.id);
        });
      }
    } while (again);
  }

  async function finish(
    d: StoredDelivery,
    work: DeliveryWork | undefined,
    lane: Lane,
    routeError: unknown,
    started: number,
  ): Promise<void> {
    const err = routeError ?? (await lane.settled());
    const event = eventName(d);
    if (err === undefined) {
      deps.store.markDone(d.id, deps.now());
      const ms = deps.now() - started;
      deps.log.info(
        { delivery: d.id, event, ms, outcome: "done" },
        `labgate: delivery ${d.id} (${event}) done in ${ms} ms`,
      );
      return;
    }
    const failure = classifyFailure(err);
    let reported = "reported";
    try {
      if (work) {
        const report = work;
        await retrying(deps, d, "failure report", () => report.reportFailure(failure));
      }
    } catch (reportErr) {
      reported = "unreported";
      deps.log.error(
        { delivery: d.id, event, err: reportErr },
        `labgate: could not show the failure of delivery ${d.id} on its PR`,
      );
    }
    deps.store.markFailed(d.id, deps.now(), `${failure.code} ${reported}`);
    const ms = deps.now() - started;
    deps.log.error(
      { delivery: d.id, event, ms, outcome: "failed", failure, err },
      `labgate: delivery ${d.id} (${event}) failed after ${ms} ms: ${failure.code}`,
    );
  }

  return {
    kick() {
      if (feeding) {
        again = true;
        return;
      }
      feeding = feed()
        .catch((err) => deps.log.error({ err }, "labgate: reading the inbox failed"))
        .finally(() => {
          feeding = undefined;
        });
    },
    async idle() {
      while (feeding || finishing.size > 0) await Promise.allSettled([feeding, ...finishing]);
    },
    inFlight: () => [...inFlight],
  };
}

interface Lane extends WorkQueue {
  /** Waits for every job queued on this lane (and those they queue); the first error, if any. */
  settled(): Promise<unknown>;
}

/** One delivery's view of the shared queue: it knows its own jobs, each retried within budget. */
function laneFor(deps: InboxWorkerDeps, d: StoredDelivery): Lane {
  const outcomes: Promise<unknown>[] = [];
  const settled = async () => {
    let seen = 0;
    while (seen < outcomes.length) {
      seen = outcomes.length;
      await Promise.all(outcomes);
    }
    return (await Promise.all(outcomes)).find((e) => e !== undefined);
  };
  return {
    enqueue(key, job) {
      // Stored with its rejection already turned into a value (STYLE 18).
      outcomes.push(
        deps.queue
          .run(key, () => retrying(deps, d, key, job))
          .then(
            () => undefined,
            (err: unknown) => err ?? new Error(`a job of ${key} failed`),
          ),
      );
    },
    idle: async () => {
      await settled();
    },
    settled,
  };
}

/** Runs `job`, trying again after transient failures within the retry budget. */
async function retrying(
  deps: InboxWorkerDeps,
  d: StoredDelivery,
  what: string,
  job: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job();
    } catch (err) {
      const failure = classifyFailure(err);
      const wait = retryDelayMs(failure, attempt, deps.retry);
      if (wait === undefined) throw err;
      deps.log.warn(
        { delivery: d.id, what, attempt, failure },
        `labgate: delivery ${d.id} (${what}) try ${attempt} failed (${failure.code}); again in ${wait} ms`,
      );
      await deps.sleep(wait);
    }
  }
}

function eventName(d: StoredDelivery): string {
  const action = (d.payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? `${d.name}.${action}` : d.name;
}
