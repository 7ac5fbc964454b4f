import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type Failure, fail, messageOf } from "../../core/failure/failure.js";
import { type InboxStore, inboxStore } from "./inbox-store.js";

export const INBOX_FILE = "inbox.sqlite";

export type OpenInbox =
  | {
      ok: true;
      store: InboxStore;
      /** A store file SQLite could not read, renamed (never emptied) before a new one was made. */
      movedAside?: { path: string; to: string; reason: string };
    }
  | (Failure<"data-dir-unusable"> & { path: string });

/**
 * Opens (or creates) the inbox in `dataDir`. Durability: WAL with `synchronous=FULL`, so every
 * commit fsyncs the WAL before `record` returns — NORMAL in WAL mode survives a killed process but
 * can lose the last commits on a power loss or kernel crash, and a delivery answered 2xx is one
 * GitHub will never send again. (bench/webhook.bench.js measures what FULL costs per delivery.)
 * A file SQLite cannot read is moved aside with its path reported, and a new inbox is started.
 */
export function openInboxStore(dataDir: string, now: Date): OpenInbox {
  const path = join(dataDir, INBOX_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    return unusable(path, err);
  }
  const first = tryOpen(path);
  if (first.ok) return { ok: true, store: first.store };
  if (first.code === "unusable") return unusable(path, first.cause);
  const to = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
  try {
    for (const suffix of ["", "-wal", "-shm"])
      if (existsSync(path + suffix)) renameSync(path + suffix, to + suffix);
  } catch (err) {
    return unusable(path, err);
  }
  const fresh = tryOpen(path);
  if (!fresh.ok)
    return unusable(path, fresh.code === "unusable" ? fresh.cause : new Error(fresh.message));
  return { ok: true, store: fresh.store, movedAside: { path, to, reason: first.message } };
}

/** An inbox that lives as long as the process (tests, benchmarks' baselines). */
export function memoryInboxStore(): InboxStore {
  return inboxStore(new Database(":memory:"), ":memory:");
}

type Attempt =
  | { ok: true; store: InboxStore }
  /** `corrupt`: SQLite cannot read the file (moved aside); `unusable`: anything else (the cause). */
  | Failure<"corrupt" | "unusable">;

const CORRUPT_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB"]);

function tryOpen(path: string): Attempt {
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") {
      db.close();
      return fail("corrupt", `quick_check: ${String(check)}`);
    }
    return { ok: true, store: inboxStore(db, path) };
  } catch (err) {
    db?.close();
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string" && CORRUPT_CODES.has(code))
      return fail("corrupt", `${code}: ${messageOf(err)}`, err);
    return fail("unusable", messageOf(err), err);
  }
}

function unusable(path: string, err: unknown): OpenInbox {
  const message = `labgate cannot open its inbox ${path}: ${messageOf(err)}. Set LABGATE_DATA_DIR to a writable directory on a persistent volume.`;
  return { ...fail("data-dir-unusable", message, err), path };
}
