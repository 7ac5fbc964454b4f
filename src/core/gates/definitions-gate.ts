import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Verdict, VerdictReason } from "./verdict.js";

export interface DefinitionsGateInput {
  /** Config and definitions diagnostics, as `loadCampaign` returns them. */
  diagnostics: readonly Diagnostic[];
  /** Present when the definitions validated (warnings allowed). */
  summary?: { experiments: number; runs: number; gpuHours: number; budgetGpuHours?: number };
}

/**
 * `labgate/definitions` (docs/gates.md): the foundation's schema and semantic validation as a gate.
 * Errors block; warnings (a budget overrun, a stray `stage` on a full experiment) do not.
 */
export function definitionsGate(input: DefinitionsGateInput): Verdict {
  const reasons: VerdictReason[] = input.diagnostics.map((d) => ({
    severity: d.severity === "error" ? "blocking" : "warning",
    message: `${d.path}: ${d.message}${d.hint ? ` — fix: ${d.hint}` : ""}`,
    file: d.file,
    line: d.line,
    column: d.column,
  }));
  const errors = reasons.filter((r) => r.severity === "blocking").length;
  const warnings = reasons.length - errors;
  if (errors > 0 || !input.summary)
    return {
      gate: "definitions",
      conclusion: "failure",
      label: "INVALID",
      summary: `${errors} error(s)${warnings ? `, ${warnings} warning(s)` : ""}; fix them and push again`,
      reasons,
    };
  const s = input.summary;
  const budget =
    s.budgetGpuHours === undefined ? "no budget set" : `budget ${fmt(s.budgetGpuHours)}`;
  return {
    gate: "definitions",
    conclusion: "success",
    label: "VALID",
    summary: `${s.experiments} experiments, ${s.runs} runs, ${fmt(s.gpuHours)} GPU-hours estimated (${budget})${
      warnings ? `; ${warnings} warning(s)` : ""
    }`,
    reasons,
    details: s,
  };
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
