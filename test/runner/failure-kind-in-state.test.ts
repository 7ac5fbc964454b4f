import { describe, expect, it } from "vitest";
import { collectFailures } from "../../src/core/autofix/collect-failures.js";
import { mergeSidecars } from "../../src/core/state/merge-sidecars.js";
import { parseDispatchState } from "../../src/core/state/parse-dispatch-state.js";
import { serializeDispatchState } from "../../src/core/state/serialize-dispatch-state.js";
import { GitRepo } from "../../src/git/git-repo.js";
import { runCampaign } from "../../src/operations/run-campaign.js";
import { stateEntry } from "../helpers/state-fixture.js";
import { campaignRepo, sidecars } from "./campaign-repo.js";

function deps(dir: string) {
  return {
    git: GitRepo.open(dir),
    env: { ...process.env, LABGATE_EXECUTOR: "local" },
    clock: () => new Date(),
    log: { info: () => {}, warn: () => {} },
    signal: new AbortController().signal,
    emit: () => {},
  };
}

describe("a run's failure kind is kept in its state entry, not read back from its reason (issue #14)", () => {
  it("the runner records the kind of a failed run beside its reason", async () => {
    const dir = campaignRepo([
      { id: "oom", mode: "oom" },
      { id: "nores", mode: "noresult" },
      { id: "fine", mode: "ok" },
    ]);
    await runCampaign(deps(dir), { cwd: dir, commit: false });
    const s = sidecars(dir);
    expect(s.get("oom_s1")).toMatchObject({ status: "failed", failure_kind: "out-of-memory" });
    expect(s.get("nores_s1")).toMatchObject({ status: "failed", failure_kind: "no-result" });
    expect(s.get("fine_s1")?.status).toBe("done");
    expect(s.get("fine_s1")?.failure_kind).toBeUndefined();
  });

  it("the auto-fix reads the stored kind; an entry written before it was stored falls back to the reason", () => {
    const runs = [
      // the reason's words say "exit", the stored kind says what the runner found
      stateEntry({
        id: "a_s1",
        status: "failed",
        reason: "exit 1: RuntimeError: CUDA error",
        failure_kind: "out-of-memory",
      }),
      stateEntry({ id: "b_s1", status: "failed", reason: "exit 1: ValueError: bad lr" }),
    ];
    expect(collectFailures({ runs }).map((f) => [f.subject, f.kind])).toEqual([
      ["a_s1", "out-of-memory"],
      ["b_s1", "non-zero-exit"],
    ]);
  });

  it("state.json keeps the kind; it follows the status a sidecar reports", () => {
    const text = [
      ...serializeDispatchState({
        project: "p",
        updated: "2025-01-01T00:00:00Z",
        experiments: [stateEntry({ id: "a_s1", status: "failed", failure_kind: "timeout" })],
      }),
    ].join("");
    const parsed = parseDispatchState("dispatch/state.json", text);
    expect(parsed.ok && parsed.value.experiments[0]?.failure_kind).toBe("timeout");
    const base = [stateEntry({ id: "a_s1", status: "failed", failure_kind: "timeout" })];
    const { entries } = mergeSidecars(base, [{ id: "a_s1", notes: "looked at it" }]);
    expect(entries.get("a_s1")?.failure_kind).toBe("timeout");
    mergeSidecars(entries.values(), [{ id: "a_s1", status: "failed", reason: "shard lost" }]);
    expect(entries.get("a_s1")?.failure_kind).toBeUndefined();
  });
});
