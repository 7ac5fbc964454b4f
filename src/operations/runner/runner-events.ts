import type { StateEntry } from "../../core/state/state-entry.js";

/** What the runner reports as it goes; the CLI's progress view and logs are built from these. */
export type RunnerEvent =
  | {
      type: "begin";
      total: number;
      skipped: number;
      mode: "cpu" | "gpu";
      slots: number;
      gpus: string[];
    }
  | { type: "step"; label: string; runs: number }
  | { type: "start"; entry: StateEntry }
  | { type: "retry"; entry: StateEntry }
  | { type: "finish"; entry: StateEntry }
  | { type: "gate"; label: string; pass: boolean; failures: { run_id: string; reason: string }[] }
  | { type: "note"; text: string };
