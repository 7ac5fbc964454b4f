import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StoredDelivery } from "../../src/app/inbox/inbox-store.js";
import { INBOX_FILE, openInboxStore } from "../../src/app/inbox/open-inbox-store.js";
import { tempDir } from "../helpers/temp-dir.js";

const NOW = new Date("2026-05-01T12:00:00Z");
const delivery = (id: string, receivedAt = NOW.getTime()): StoredDelivery => ({
  id,
  name: "issue_comment",
  payload: { action: "created", comment: { body: "/approve-phase8" } },
  installationId: 1,
  receivedAt,
});

function open(dir: string) {
  const o = openInboxStore(dir, NOW);
  if (!o.ok) throw new Error(o.message);
  return o;
}

describe("the durable inbox", () => {
  it("a process killed between stored and done: the delivery is still there, unfinished, at the next start", () => {
    const dir = tempDir();
    // A real process stores two deliveries, finishes one, and is SIGKILLed with the other in flight.
    const script = `
      import { openInboxStore } from "./dist/app/inbox/open-inbox-store.js";
      const o = openInboxStore(${JSON.stringify(dir)}, new Date());
      const d = (id) => ({ id, name: "pull_request", payload: { action: "synchronize", n: id }, installationId: 7, receivedAt: Date.now() });
      o.store.record(d("first"));
      o.store.record(d("second"));
      o.store.markDone("first", Date.now());
      process.kill(process.pid, "SIGKILL");
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(r.signal).toBe("SIGKILL");
    const { store } = open(dir);
    expect(store.pending().map((p) => [p.id, p.name, p.payload, p.installationId])).toEqual([
      ["second", "pull_request", { action: "synchronize", n: "second" }, 7],
    ]);
    expect(store.record({ ...delivery("first") })).toBe("completed");
    expect(store.stats()).toMatchObject({ depth: 1 });
    store.close();
  });

  it("a duplicate delivery id is dropped only once its work completed; a failed one is taken again", () => {
    const { store } = open(tempDir());
    expect(store.record(delivery("a"))).toBe("stored");
    expect(store.record(delivery("a"))).toBe("pending");
    expect(store.pending()).toHaveLength(1);
    store.markDone("a", NOW.getTime());
    expect(store.record(delivery("a"))).toBe("completed");
    expect(store.pending()).toEqual([]);

    expect(store.record(delivery("b"))).toBe("stored");
    store.markFailed("b", NOW.getTime(), "github-unavailable reported");
    expect(store.stats().failed).toBe(1);
    expect(store.record(delivery("b"))).toBe("stored");
    expect(store.pending().map((p) => p.id)).toEqual(["b"]);
    store.close();
  });

  it("pending deliveries come back oldest first, with the age of the oldest", () => {
    const { store } = open(tempDir());
    store.record(delivery("x", 3000));
    store.record(delivery("y", 1000));
    store.record(delivery("z", 2000));
    store.markDone("z", 5000);
    expect(store.pending().map((p) => p.id)).toEqual(["x", "y"]);
    expect(store.stats()).toEqual({ depth: 2, oldestReceivedAt: 1000, failed: 0 });
    expect(store.lastFinishedReceivedAt()).toBe(2000);
    store.close();
  });

  it("a corrupt store file is moved aside with its path reported, never emptied, and a new inbox starts", () => {
    const dir = tempDir();
    const path = join(dir, INBOX_FILE);
    const garbage =
      "this is not an SQLite database, but someone's deliveries might be in it\n".repeat(80);
    writeFileSync(path, garbage);
    const o = open(dir);
    expect(o.movedAside?.path).toBe(path);
    expect(o.movedAside?.to).toBe(`${path}.corrupt-2026-05-01T12-00-00-000Z`);
    expect(o.movedAside?.reason).toMatch(/SQLITE_NOTADB|quick_check/);
    expect(readFileSync(o.movedAside?.to as string, "utf8")).toBe(garbage);
    expect(o.store.record(delivery("after"))).toBe("stored");
    expect(o.store.pending().map((p) => p.id)).toEqual(["after"]);
    o.store.close();
  });

  it("a data dir it cannot create is a refusal naming the path and LABGATE_DATA_DIR", () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "");
    const o = openInboxStore(join(file, "inbox"), NOW);
    expect(o).toMatchObject({ ok: false, code: "data-dir-unusable" });
    expect(o.ok ? "" : o.message).toMatch(/not-a-dir\/inbox\/inbox\.sqlite.*LABGATE_DATA_DIR/);
  });

  it("redelivery requests are remembered, the latest ask per delivery id", () => {
    const { store } = open(tempDir());
    expect(store.redeliveryAskedAt("g1")).toBeUndefined();
    store.noteRedeliveryAsked("g1", 11, NOW.getTime());
    store.noteRedeliveryAsked("g1", 12, NOW.getTime() + 5000);
    expect(store.redeliveryAskedAt("g1")).toBe(NOW.getTime() + 5000);
    store.close();
  });
});
