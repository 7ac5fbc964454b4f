import { describe, expect, it } from "vitest";
import { addDispatchEntries } from "../../src/core/state/archive-pilots.js";
import { ARCHIVED_PILOT_PHASE, mergeSidecars } from "../../src/core/state/merge-sidecars.js";
import { stateEntry } from "../helpers/state-fixture.js";

describe("mergeSidecars", () => {
  it("lets a sidecar field that is not null override, and leaves the rest", () => {
    const base = [stateEntry({ id: "a_s1", status: "queued", host: "box1", notes: "keep me" })];
    const { entries, added } = mergeSidecars(base, [
      { id: "a_s1", status: "done", host: null, exit_code: 0, finished: "2025-01-01T00:00:00Z" },
    ]);
    const a = entries.get("a_s1");
    expect(a?.status).toBe("done");
    expect(a?.exit_code).toBe(0);
    expect(a?.host).toBe("box1");
    expect(a?.notes).toBe("keep me");
    expect(added).toEqual([]);
  });

  it("takes reason, exit code and finish time with the status: a retry that succeeded keeps no old reason", () => {
    const base = [
      stateEntry({
        id: "a_s1",
        status: "failed",
        reason: "non-zero exit 1",
        exit_code: 1,
        finished: "2025-01-01T00:00:00Z",
      }),
    ];
    const { entries } = mergeSidecars(base, [
      { id: "a_s1", status: "running", reason: null, exit_code: null, finished: null },
    ]);
    expect(entries.get("a_s1")).toMatchObject({
      status: "running",
      reason: null,
      exit_code: null,
      finished: null,
    });
    mergeSidecars(entries.values(), [
      { id: "a_s1", status: "done", exit_code: 0, finished: "2025-01-02T00:00:00Z" },
    ]);
    expect(entries.get("a_s1")).toMatchObject({ status: "done", reason: null, exit_code: 0 });
    // a sidecar without a status (a note added later) leaves the reason alone
    const failed = [stateEntry({ id: "b_s1", status: "failed", reason: "timeout" })];
    const after = mergeSidecars(failed, [{ id: "b_s1", notes: "looked at it" }]).entries.get(
      "b_s1",
    );
    expect(after).toMatchObject({ status: "failed", reason: "timeout", notes: "looked at it" });
  });

  it("keeps a sidecar for an unknown run as its own entry and reports it", () => {
    const { entries, added, incomplete } = mergeSidecars(
      [stateEntry({ id: "a_s1" })],
      [{ id: "ghost__lr-0.1_s7", status: "failed", reason: "non-zero exit 1" }],
    );
    expect(added).toEqual(["ghost__lr-0.1_s7"]);
    expect(incomplete).toEqual(["ghost__lr-0.1_s7"]);
    const ghost = entries.get("ghost__lr-0.1_s7");
    expect(ghost).toMatchObject({ status: "failed", reason: "non-zero exit 1", seed: 7 });
    expect([...entries.keys()]).toEqual(["a_s1", "ghost__lr-0.1_s7"]);
  });

  it("applies later sidecars of one run over earlier ones", () => {
    const { entries } = mergeSidecars(
      [stateEntry({ id: "a_s1" })],
      [
        { id: "a_s1", status: "running" },
        { id: "a_s1", status: "done" },
      ],
    );
    expect(entries.get("a_s1")?.status).toBe("done");
  });

  it("keeps an archived pilot archived when a stale sidecar says pilot", () => {
    const { entries } = mergeSidecars(
      [stateEntry({ id: "p_s1", phase: ARCHIVED_PILOT_PHASE, status: "done" })],
      [{ id: "p_s1", phase: "pilot", status: "done" }],
    );
    expect(entries.get("p_s1")?.phase).toBe(ARCHIVED_PILOT_PHASE);
  });
});

describe("addDispatchEntries", () => {
  it("archives pilots (never deletes them) before a full dispatch adds its entries", () => {
    const before = new Map(
      [
        stateEntry({ id: "p_s1", phase: "pilot", stage: 1, status: "done" }),
        stateEntry({ id: "f_s1", phase: "full", status: "done" }),
      ].map((e) => [e.id, e]),
    );
    const after = addDispatchEntries(
      before,
      [stateEntry({ id: "f_s1", phase: "full" }), stateEntry({ id: "f_s2", phase: "full" })],
      "full",
    );
    expect([...after.values()].map((e) => [e.id, e.phase, e.status])).toEqual([
      ["p_s1", ARCHIVED_PILOT_PHASE, "done"],
      ["f_s1", "full", "done"],
      ["f_s2", "full", "pending"],
    ]);
    expect(before.get("p_s1")?.phase).toBe("pilot");
  });

  it("does not archive anything for a pilot dispatch", () => {
    const before = new Map([["p_s1", stateEntry({ id: "p_s1", phase: "pilot" })]]);
    const after = addDispatchEntries(
      before,
      [stateEntry({ id: "p2_s1", phase: "pilot" })],
      "pilot",
    );
    expect([...after.values()].map((e) => e.phase)).toEqual(["pilot", "pilot"]);
  });
});
