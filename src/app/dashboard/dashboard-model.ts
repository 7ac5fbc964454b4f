import type { Definitions, ResolvedExperiment } from "../../core/definitions/definitions-schema.js";
import type { Verdict } from "../../core/gates/verdict.js";
import type { HypothesisSummary } from "../../core/nightly/parse-aggregated.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import type { WavesProgress } from "./render-waves.js";

/** Where approval stands on the PR's head, as the dashboard tells it. */
export type ApprovalView =
  | { kind: "none" }
  | {
      kind: "approved";
      by: string;
      at: string;
      sha: string;
      /**
       * The chain of waves paused for the GPU-hour budget before `wave`; `line` asks for a larger
       * budget (`budgetPausedLine`).
       */
      paused?: { wave: number; line: string };
    }
  | { kind: "voided"; by: string; sha: string; reason: string }
  | { kind: "completed"; by: string; sha: string; conclusion: string }
  | { kind: "fork" };

/** Everything the lab dashboard shows; built by the app, rendered by a pure function. */
export interface DashboardModel {
  pr: number;
  headSha: string;
  definitionsPath: string;
  definitions?: Definitions;
  experiments: ResolvedExperiment[];
  verdicts: Verdict[];
  /** Gates whose part is reported later (code review's dry-run). */
  pending: string[];
  plannedRuns: number;
  gpuHours: number;
  budgetGpuHours?: number;
  runs: StateEntry[];
  /** A problem reading dispatch/state.json, shown instead of the runs. */
  stateProblem?: string;
  approval: ApprovalView;
  /** Link to the checks of the head commit. */
  checksUrl?: string;
  /**
   * Each hypothesis' verdict from the committed full-phase results (aggregated.json), when the
   * caller read them; without them the dashboard shows the pilot check's verdicts, if any.
   */
  hypotheses?: readonly HypothesisSummary[];
  /** The full phase's waves, when it takes more than one (`dashboardWaves`). */
  waves?: WavesProgress;
}
