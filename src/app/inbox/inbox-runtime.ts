import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { createWorkQueue } from "../work-queue.js";
import { fetchMissedDeliveries } from "./fetch-missed-deliveries.js";
import { healthReport } from "./health-report.js";
import type { InboxStore, RecordOutcome, StoredDelivery } from "./inbox-store.js";
import { type DeliveryWork, inboxWorker, type WorkerLog } from "./inbox-worker.js";
import type { RetryBudget } from "./work-failure.js";

/**
 * Finished deliveries are kept this long to recognise a redelivery of completed work; GitHub's
 * delivery log (and so any redelivery of it) goes back 3 days.
 */
const RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface InboxRuntimeOptions {
  store: InboxStore;
  retry: RetryBudget;
  /** How often the delivery log is read for missed deliveries (ms); 0: only at start. */
  redeliveryIntervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface InboxStart {
  app: Probot;
  open(d: StoredDelivery): Promise<DeliveryWork>;
  handled(event: string, action: string | undefined): boolean;
  addHandler?: (h: never) => void;
}

export interface InboxRuntime {
  readonly store: InboxStore;
  /** Replays what the store holds unfinished, starts the fetch-back of missed deliveries and `/healthz`. */
  start(s: InboxStart): void;
  /** Stores a verified delivery (synchronously) and starts its work. */
  receive(d: StoredDelivery): RecordOutcome;
  /** Deliveries in progress (for the process guard's log line). */
  inFlight(): string[];
  idle(): Promise<void>;
  stop(): void;
}

export function inboxRuntime(o: InboxRuntimeOptions): InboxRuntime {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let worker: ReturnType<typeof inboxWorker> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let fetching = false;
  return {
    store: o.store,
    start(s) {
      const log = s.app.log as unknown as WorkerLog;
      const queue = createWorkQueue((err, key) =>
        log.error({ err }, `labgate: work for ${key} failed`),
      );
      worker = inboxWorker({
        store: o.store,
        queue,
        open: s.open,
        log,
        now,
        sleep,
        retry: o.retry,
      });
      const replay = o.store.stats().depth;
      if (replay > 0)
        log.info({ depth: replay }, `labgate: replaying ${replay} unfinished deliveries`);
      worker.kick();

      const fetchBack = async () => {
        if (fetching) return;
        fetching = true;
        try {
          o.store.prune(now() - RETENTION_MS);
          const appOctokit = await s.app.auth();
          const { asked } = await fetchMissedDeliveries({
            appOctokit: appOctokit as never,
            store: o.store,
            handled: s.handled,
            now,
          });
          if (asked.length > 0)
            log.info(
              { asked },
              `labgate: asked GitHub to redeliver ${asked.length} missed deliveries`,
            );
        } catch (err) {
          log.warn({ err }, "labgate: could not read the webhook delivery log; trying again later");
        } finally {
          fetching = false;
        }
      };
      void fetchBack();
      if (o.redeliveryIntervalMs > 0) {
        timer = setInterval(() => void fetchBack(), o.redeliveryIntervalMs);
        timer.unref();
      }
      addHealthHandler(s, () =>
        healthReport(o.store.stats(), worker?.inFlight().length ?? 0, now()),
      );
    },
    receive(d) {
      const outcome = o.store.record(d);
      if (outcome === "stored") worker?.kick();
      return outcome;
    },
    inFlight: () => worker?.inFlight() ?? [],
    idle: () => worker?.idle() ?? Promise.resolve(),
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}

/** `GET /healthz` on Probot's server; a Probot loaded without a server (tests) has none to add to. */
function addHealthHandler(s: InboxStart, report: () => unknown): void {
  try {
    s.addHandler?.(((req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== "GET" || req.url?.split("?")[0] !== "/healthz") return false;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(report()));
      return true;
    }) as never);
  } catch (err) {
    (s.app.log as unknown as WorkerLog).warn(
      { err },
      "labgate: no HTTP server to serve /healthz on",
    );
  }
}
