import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/app/commands/parse-commands.js";
import { decodeBudgetPause, encodeBudgetPause } from "../../src/core/budget/budget-pause.js";
import { measuredGpuHours } from "../../src/core/budget/measured-gpu-hours.js";
import { waveBudgetRefusal } from "../../src/core/budget/wave-budget.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import {
  type ApprovalRecord,
  approvedBudget,
  decodeApproval,
  encodeApproval,
} from "../../src/github/check-run-protocol.js";
import { stateEntry } from "../helpers/state-fixture.js";

const SHA = "a".repeat(40);
const base: ApprovalRecord = {
  v: 1,
  pr: 2,
  sha: SHA,
  phase: "full",
  by: "octocat",
  at: "t",
  state: "approved",
};

describe("the approval record's budget (check-run-protocol)", () => {
  it("a record written before budgets were recorded still decodes, with no budget", () => {
    // Exactly what an older labgate wrote.
    const old = `labgate-approval:{"v":1,"pr":2,"sha":"${SHA}","phase":"full","by":"octocat","at":"t","state":"approved","comment_id":7}`;
    const r = decodeApproval(old);
    expect(r).toEqual({ ...base, comment_id: 7 });
    expect(approvedBudget([r as ApprovalRecord])).toBeUndefined();
  });

  it("round-trips the budget, where it came from, and a pause", () => {
    const r: ApprovalRecord = {
      ...base,
      budget_gpu_hours: 120,
      budget_from: "approver",
      paused: { wave: 3, measured_gpu_hours: 100, wave_gpu_hours: 30, budget_gpu_hours: 120 },
    };
    expect(decodeApproval(encodeApproval(r))).toEqual(r);
  });

  it("a malformed budget, source or pause makes the record not count", () => {
    for (const bad of [
      { budget_gpu_hours: "120" },
      { budget_gpu_hours: 0 },
      { budget_gpu_hours: -1 },
      { budget_from: "pr-author" },
      { paused: { wave: 0, measured_gpu_hours: 1, wave_gpu_hours: 1, budget_gpu_hours: 1 } },
      { paused: "yes" },
    ])
      expect(
        decodeApproval(`labgate-approval:${JSON.stringify({ ...base, ...bad })}`),
      ).toBeUndefined();
  });

  it("the approval's budget is the largest its records hold", () => {
    expect(
      approvedBudget([
        { ...base, budget_gpu_hours: 12 },
        base,
        { ...base, budget_gpu_hours: 120 },
        { ...base, budget_gpu_hours: 40 },
      ]),
    ).toBe(120);
  });
});

describe("/approve-phase8 budget=N (parse-commands)", () => {
  it("reads budget=N alone, after or before the SHA", () => {
    expect(parseCommands("/approve-phase8 budget=120")).toEqual([
      { name: "approve-phase8", budget: 120 },
    ]);
    expect(parseCommands(`/approve-phase8 ${SHA} budget=12.5`)).toEqual([
      { name: "approve-phase8", sha: SHA, budget: 12.5 },
    ]);
    expect(parseCommands(`/approve-phase8 budget=7 ${SHA}`)).toEqual([
      { name: "approve-phase8", sha: SHA, budget: 7 },
    ]);
  });

  it("a budget that is not one positive number gets the help saying what budget= takes", () => {
    for (const arg of [
      "budget=abc",
      "budget=",
      "budget=0",
      "budget=-3",
      "budget=1e3",
      "budget=0x10",
    ])
      expect(parseCommands(`/approve-phase8 ${arg}`)).toEqual([
        {
          name: "help",
          unknown: `/approve-phase8 ${arg} (budget= takes one number of GPU-hours, more than 0 and at most 10000000, e.g. budget=120)`,
        },
      ]);
    expect(parseCommands("/approve-phase8 budget=5 budget=6")[0]?.name).toBe("help");
  });

  it("a budget never hides an abbreviated SHA", () => {
    expect(parseCommands("/approve-phase8 budget=5 ec26c3e")).toEqual([
      { name: "approve-phase8", budget: 5, abbreviated: "ec26c3e" },
    ]);
  });
});

describe("GPU-hours measured so far and the budget before a wave (core/budget)", () => {
  const entry = (id: string, fields: Partial<StateEntry>) =>
    stateEntry({ id, status: "done", git_commit: SHA, ...fields });

  it("sums the full runs recorded at the approved commit: duration, else finished - started", () => {
    const hours = measuredGpuHours(
      [
        entry("full-a_s1", { duration_hours: 2 }),
        entry("full-a_s2", { started: "2026-01-01T00:00:00Z", finished: "2026-01-01T01:30:00Z" }),
        // Another commit's run, a pilot: not this approval's hours.
        entry("full-a_s3", { duration_hours: 5, git_commit: "b".repeat(40) }),
        entry("pilot-a_s1", { duration_hours: 5, phase: "pilot" }),
        // A run whose shard was lost held its GPU for an unknown time: charged its estimate.
        entry("full-b_s1", { status: "failed", reason: "shard lost", expected_duration_hours: 1 }),
      ],
      SHA,
    );
    expect(hours).toBe(2 + 1.5 + 1);
  });

  it("refuses a wave whose estimate on top of the measured hours exceeds the budget, and only then", () => {
    const input = {
      pr: 2,
      sha: SHA,
      phase: "full" as const,
      wave: 2,
      approvedGpuHours: 10,
      policyGpuHours: 100,
      entries: [entry("full-a_s1", { duration_hours: 8 })],
      waveGpuHours: 3,
    };
    const refusal = waveBudgetRefusal(input) as string;
    expect(refusal).toContain(
      "8 GPU-hours measured so far + 3 estimated for wave 2 = 11 GPU-hours, over the approved budget of 10 GPU-hours",
    );
    expect(refusal).toContain("`/approve-phase8 budget=11`");
    expect(decodeBudgetPause(refusal)).toEqual({
      wave: 2,
      measured_gpu_hours: 8,
      wave_gpu_hours: 3,
      budget_gpu_hours: 10,
    });
    expect(waveBudgetRefusal({ ...input, waveGpuHours: 2 })).toBeUndefined();
    expect(waveBudgetRefusal({ ...input, approvedGpuHours: 11 })).toBeUndefined();
    // No budget recorded: the definitions' or config's.
    expect(waveBudgetRefusal({ ...input, approvedGpuHours: undefined })).toBeUndefined();
    expect(
      waveBudgetRefusal({ ...input, approvedGpuHours: undefined, policyGpuHours: 5 }),
    ).toContain("over the approved budget of 5 GPU-hours");
    expect(waveBudgetRefusal({ ...input, phase: "pilot" })).toBeUndefined();
  });

  it("a pause line survives being quoted inside other text", () => {
    const p = { wave: 4, measured_gpu_hours: 1.25, wave_gpu_hours: 2, budget_gpu_hours: 3 };
    expect(decodeBudgetPause(`refusing to plan wave 4: x\n${encodeBudgetPause(p)}`)).toEqual(p);
    expect(decodeBudgetPause("labgate-budget-pause:{not json")).toBeUndefined();
  });
});
