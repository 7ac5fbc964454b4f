import type { StateEntry } from "../state/state-entry.js";
import { budgetPauseMessage, waveBudgetPause } from "./budget-pause.js";
import { measuredGpuHours } from "./measured-gpu-hours.js";

export interface WaveBudgetInput {
  pr: number;
  /** The approved commit. */
  sha: string;
  phase: "pilot" | "full";
  wave: number;
  /** The approval's budget (`authorizeDispatch`'s `budgetGpuHours`), if it records one. */
  approvedGpuHours: number | undefined;
  /** Else the definitions' or the config's (`effectiveBudget`, as the plan computed it). */
  policyGpuHours: number | undefined;
  /** The results state the earlier waves committed (at the PR head); none for a first wave. */
  entries: Iterable<StateEntry>;
  /** This wave's estimate: the GPU-hours of its shards. */
  waveGpuHours: number;
}

/**
 * The plan step's budget check before a wave of the full phase (docs/approval.md, "The budget"):
 * the GPU-hours measured so far at `sha` plus this wave's estimate must fit in the approved
 * budget. The refusal (which pauses the chain of waves, and says how to go on) when they do not;
 * undefined when they fit, for a pilot, or without any budget.
 */
export function waveBudgetRefusal(input: WaveBudgetInput): string | undefined {
  if (input.phase !== "full") return undefined;
  const pause = waveBudgetPause({
    budgetGpuHours: input.approvedGpuHours ?? input.policyGpuHours,
    measuredGpuHours: measuredGpuHours(input.entries, input.sha),
    wave: input.wave,
    waveGpuHours: input.waveGpuHours,
  });
  return pause && budgetPauseMessage(pause, input.pr);
}
