import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboxStore, StoredDelivery } from "../../src/app/inbox/inbox-store.js";
import { type DeliveryWork, inboxWorker } from "../../src/app/inbox/inbox-worker.js";
import { memoryInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import type { WorkFailure } from "../../src/app/inbox/work-failure.js";
import { createWorkQueue, type WorkQueue } from "../../src/app/work-queue.js";

/** An Octokit-shaped HTTP error, as @octokit/request throws it. */
const httpError = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, response: { headers } });

let unhandled: unknown[];
const onUnhandled = (r: unknown) => unhandled.push(r);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

function setup(jobs: Record<string, (lane: WorkQueue) => void>) {
  const store = memoryInboxStore();
  const reported: [string, WorkFailure][] = [];
  const waits: number[] = [];
  const lines: string[] = [];
  const log = {
    info: (_o: object, m: string) => lines.push(m),
    warn: (_o: object, m: string) => lines.push(m),
    error: (_o: object, m: string) => lines.push(m),
  };
  let t = 0;
  const worker = inboxWorker({
    store,
    queue: createWorkQueue(() => {}),
    open: async (d): Promise<DeliveryWork> => ({
      route: async (lane) => jobs[d.id]?.(lane),
      reportFailure: async (f) => {
        reported.push([d.id, f]);
      },
    }),
    log,
    now: () => (t += 5),
    sleep: async (ms) => {
      waits.push(ms);
    },
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 5_000 },
  });
  return { store, worker, reported, waits, lines };
}

const d = (id: string): StoredDelivery => ({
  id,
  name: "pull_request",
  payload: { action: "synchronize" },
  installationId: 1,
  receivedAt: 0,
});

function receive(store: InboxStore, worker: { kick(): void }, id: string) {
  store.record(d(id));
  worker.kick();
}

describe("the inbox worker", () => {
  it("replays what was stored unfinished, and marks it done only after its jobs (and the jobs they queue) ran", async () => {
    const order: string[] = [];
    const s = setup({
      crashed: (lane) =>
        lane.enqueue("pr#1", async () => {
          order.push("review");
          lane.enqueue("pr#1", async () => {
            order.push("follow-up");
          });
        }),
    });
    // Stored by an earlier process that died before "done".
    s.store.record(d("crashed"));
    s.worker.kick();
    await s.worker.idle();
    expect(order).toEqual(["review", "follow-up"]);
    expect(s.store.pending()).toEqual([]);
    expect(s.store.record(d("crashed"))).toBe("completed");
    expect(s.lines).toContainEqual(
      expect.stringMatching(
        /^labgate: delivery crashed \(pull_request\.synchronize\) done in \d+ ms$/,
      ),
    );
  });

  it("a 502 and a 403 with retry-after are tried again, waiting as asked; then the delivery is done", async () => {
    const answers = [httpError(502), httpError(403, { "retry-after": "3" })];
    let tries = 0;
    const s = setup({
      flaky: (lane) =>
        lane.enqueue("pr#1", async () => {
          tries++;
          const next = answers.shift();
          if (next) throw next;
        }),
    });
    receive(s.store, s.worker, "flaky");
    await s.worker.idle();
    expect(tries).toBe(3);
    expect(s.waits).toEqual([100, 3000]);
    expect(s.reported).toEqual([]);
    expect(s.store.stats()).toEqual({ depth: 0, oldestReceivedAt: undefined, failed: 0 });
    expect(unhandled).toEqual([]);
  });

  it("when the budget runs out, the failure is shown on the PR and the delivery ends failed", async () => {
    const s = setup({
      down: (lane) =>
        lane.enqueue("pr#1", async () => {
          throw httpError(502);
        }),
      refused: (lane) =>
        lane.enqueue("pr#2", async () => {
          throw httpError(422);
        }),
    });
    receive(s.store, s.worker, "down");
    receive(s.store, s.worker, "refused");
    await s.worker.idle();
    expect([...s.reported].sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      ["down", { code: "github-unavailable", status: 502, transient: true }],
      ["refused", { code: "github-refused", status: 422, transient: false }],
    ]);
    // 3 tries of the 502 (2 waits), the 422 once.
    expect(s.waits).toEqual([100, 200]);
    expect(s.store.stats()).toMatchObject({ depth: 0, failed: 2 });
    expect(unhandled).toEqual([]);
  });

  it("one PR's jobs run in the order their deliveries were received, across deliveries", async () => {
    const order: string[] = [];
    const job = (label: string, ms: number) => (lane: WorkQueue) =>
      lane.enqueue("pr#1", async () => {
        await new Promise((r) => setTimeout(r, ms));
        order.push(label);
      });
    const s = setup({ first: job("first", 30), second: job("second", 0), third: job("third", 10) });
    for (const id of ["first", "second", "third"]) receive(s.store, s.worker, id);
    await s.worker.idle();
    expect(order).toEqual(["first", "second", "third"]);
  });

  it("an error thrown while routing (not in a job) also ends the delivery failed and shown", async () => {
    const s = setup({
      broken: () => {
        throw new TypeError("payload.pull_request is undefined");
      },
    });
    receive(s.store, s.worker, "broken");
    await s.worker.idle();
    expect(s.reported.map(([id, f]) => [id, f.code])).toEqual([["broken", "bug"]]);
    expect(s.store.stats().failed).toBe(1);
    expect(unhandled).toEqual([]);
  });
});
