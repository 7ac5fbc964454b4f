import type { PilotVerdict } from "../results/pilot-pass.js";

/** The order runs go in: pilot stages 1, 2, 3, then the full phase (README.md, docs/definitions.md). */
export interface Step {
  /** "pilot stage 1" ... "full" */
  label: string;
  phase: "pilot" | "full";
  stage: number | null;
}

/** The steps present among `runs`, in order. */
export function campaignSteps(
  runs: readonly { phase: "pilot" | "full"; stage: number | null }[],
): Step[] {
  const stages = new Set<number>();
  let full = false;
  for (const r of runs) {
    if (r.phase === "full") full = true;
    else stages.add(r.stage ?? 1);
  }
  const steps: Step[] = [...stages]
    .sort((a, b) => a - b)
    .map((s) => ({ label: `pilot stage ${s}`, phase: "pilot" as const, stage: s }));
  if (full) steps.push({ label: "full", phase: "full", stage: null });
  return steps;
}

export function inStep(
  run: { phase: "pilot" | "full"; stage: number | null },
  step: Step,
): boolean {
  return run.phase === step.phase && (step.phase === "full" || (run.stage ?? 1) === step.stage);
}

export interface StageVerdict {
  pass: boolean;
  /** The runs that did not pass, with why. */
  failures: { run_id: string; reason: string }[];
}

/** A stage passes when all its runs pass (docs/definitions.md). */
export function stageVerdict(
  verdicts: readonly { run_id: string; verdict: PilotVerdict }[],
): StageVerdict {
  const failures = verdicts
    .filter((v) => !v.verdict.pass)
    .map((v) => ({ run_id: v.run_id, reason: v.verdict.reason }));
  return { pass: failures.length === 0, failures };
}
