import type Database from "better-sqlite3";

/** A verified webhook delivery as the inbox keeps it until its work is done. */
export interface StoredDelivery {
  /** GitHub's `X-GitHub-Delivery`: a redelivery carries the same one. */
  id: string;
  name: string;
  payload: unknown;
  installationId: number | undefined;
  receivedAt: number;
}

export type RecordOutcome =
  /** New (or a redelivery of one that failed): it will be worked on. */
  | "stored"
  /** Already waiting or in progress: the earlier copy does the work. */
  | "pending"
  /** Its work was completed before: nothing to do again. */
  | "completed";

export interface InboxStats {
  /** Deliveries stored and not finished. */
  depth: number;
  /** When the oldest unfinished one was received (ms since the epoch), if any. */
  oldestReceivedAt: number | undefined;
  /** Deliveries that ended failed (their failure shown on the PR) in the store's window. */
  failed: number;
}

export interface InboxStore {
  readonly path: string;
  /** Synchronous and durable once it returns (the caller answers the webhook 2xx after it). */
  record(d: StoredDelivery): RecordOutcome;
  /** Unfinished deliveries, oldest first. */
  pending(): StoredDelivery[];
  markDone(id: string, finishedAt: number): void;
  markFailed(id: string, finishedAt: number, reason: string): void;
  stats(): InboxStats;
  /** A delivery id this inbox has seen in any state. */
  knows(id: string): boolean;
  /** Receipt time of the newest delivery this inbox has finished, if any. */
  lastFinishedReceivedAt(): number | undefined;
  /** When a redelivery of `guid` was last asked for (ms), if ever. */
  redeliveryAskedAt(guid: string): number | undefined;
  /** The delivery log id whose redelivery of `guid` was last asked for, if ever. */
  redeliveryAskedId(guid: string): number | undefined;
  noteRedeliveryAsked(guid: string, hookDeliveryId: number, at: number): void;
  /** Forgets finished deliveries received before `before` (their ids stop deduplicating). */
  prune(before: number): void;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  installation_id INTEGER,
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  finished_at INTEGER,
  reason TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_by_state ON deliveries (state, seq);
CREATE TABLE IF NOT EXISTS redeliveries (
  guid TEXT PRIMARY KEY,
  hook_delivery_id INTEGER NOT NULL,
  asked_at INTEGER NOT NULL
);`;

interface Row {
  id: string;
  name: string;
  payload: string;
  installation_id: number | null;
  received_at: number;
}

/**
 * The inbox over an open SQLite database (open-inbox-store.ts opens it, checks it and sets its
 * durability). Every method is one synchronous statement or transaction: better-sqlite3 returns
 * after SQLite committed, so a caller that answers 2xx after `record` answers after the write.
 */
export function inboxStore(db: Database.Database, path: string): InboxStore {
  db.exec(SCHEMA);
  const get = db.prepare<[string], { state: string }>("SELECT state FROM deliveries WHERE id = ?");
  const insert = db.prepare(
    "INSERT INTO deliveries (id, name, payload, installation_id, received_at, state) VALUES (?, ?, ?, ?, ?, 'pending')",
  );
  const retry = db.prepare(
    "UPDATE deliveries SET state = 'pending', finished_at = NULL, reason = NULL, name = ?, payload = ?, installation_id = ? WHERE id = ?",
  );
  const pendingRows = db.prepare<[], Row>(
    "SELECT id, name, payload, installation_id, received_at FROM deliveries WHERE state = 'pending' ORDER BY seq",
  );
  const finish = db.prepare(
    "UPDATE deliveries SET state = ?, finished_at = ?, reason = ? WHERE id = ? AND state = 'pending'",
  );
  const depth = db.prepare<[], { n: number; oldest: number | null }>(
    "SELECT count(*) AS n, min(received_at) AS oldest FROM deliveries WHERE state = 'pending'",
  );
  const failedCount = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM deliveries WHERE state = 'failed'",
  );
  const lastFinished = db.prepare<[], { t: number | null }>(
    "SELECT max(received_at) AS t FROM deliveries WHERE state != 'pending'",
  );
  const asked = db.prepare<[string], { asked_at: number; hook_delivery_id: number }>(
    "SELECT asked_at, hook_delivery_id FROM redeliveries WHERE guid = ?",
  );
  const noteAsked = db.prepare(
    "INSERT OR REPLACE INTO redeliveries (guid, hook_delivery_id, asked_at) VALUES (?, ?, ?)",
  );
  const pruneDone = db.prepare(
    "DELETE FROM deliveries WHERE state != 'pending' AND received_at < ?",
  );
  const pruneAsked = db.prepare("DELETE FROM redeliveries WHERE asked_at < ?");

  const record = db.transaction((d: StoredDelivery): RecordOutcome => {
    const payload = JSON.stringify(d.payload);
    const found = get.get(d.id);
    if (!found) {
      insert.run(d.id, d.name, payload, d.installationId ?? null, d.receivedAt);
      return "stored";
    }
    // Deduplicated only against completed work: a failed one is worked on again when GitHub
    // (or an operator) redelivers it.
    if (found.state === "done") return "completed";
    if (found.state === "pending") return "pending";
    retry.run(d.name, payload, d.installationId ?? null, d.id);
    return "stored";
  });

  return {
    path,
    record: (d) => record.immediate(d),
    pending: () =>
      pendingRows.all().map((r) => ({
        id: r.id,
        name: r.name,
        payload: JSON.parse(r.payload) as unknown,
        installationId: r.installation_id ?? undefined,
        receivedAt: r.received_at,
      })),
    markDone: (id, at) => {
      finish.run("done", at, null, id);
    },
    markFailed: (id, at, reason) => {
      finish.run("failed", at, reason, id);
    },
    stats: () => {
      const d = depth.get();
      return {
        depth: d?.n ?? 0,
        oldestReceivedAt: d?.oldest ?? undefined,
        failed: failedCount.get()?.n ?? 0,
      };
    },
    knows: (id) => get.get(id) !== undefined,
    lastFinishedReceivedAt: () => lastFinished.get()?.t ?? undefined,
    redeliveryAskedAt: (guid) => asked.get(guid)?.asked_at,
    redeliveryAskedId: (guid) => asked.get(guid)?.hook_delivery_id,
    noteRedeliveryAsked: (guid, hookId, at) => {
      noteAsked.run(guid, hookId, at);
    },
    prune: (before) => {
      pruneDone.run(before);
      pruneAsked.run(before);
    },
    close: () => db.close(),
  };
}
