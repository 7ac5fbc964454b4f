import type { Config } from "../../config/config-schema.js";
import type { LoadedDefinitions } from "../../definitions/validate-definitions.js";
import { formatDelta, num } from "../../results/format-delta.js";
import type { Verdict, VerdictReason } from "../verdict.js";
import type { PilotRunResult } from "./pilot-run-result.js";
import { type PilotSynthesis, synthesizePilot } from "./pilot-synthesis.js";

const CONCLUSION = {
  PROCEED: "success",
  ITERATE: "failure",
  ROLLBACK: "failure",
  PENDING: "neutral",
} as const;

/**
 * `labgate/pilot` (docs/gates.md): the pilot results table and the synthesis — totals, passed, failed,
 * best result with delta vs baseline, failure analysis, and PROCEED / ITERATE / ROLLBACK with the
 * rule that decided it (see `synthesizePilot`). PENDING (neutral) until a pilot run finishes.
 */
export function pilotGate(input: {
  loaded: LoadedDefinitions;
  results: readonly PilotRunResult[];
  config: Config;
  /** Problems reading the results (a malformed state file...), shown as reasons. */
  problems?: readonly VerdictReason[];
}): Verdict {
  const s = synthesizePilot(input.loaded, input.results, input.config);
  const reasons: VerdictReason[] = [...(input.problems ?? [])];
  const blocking = s.recommendation === "ITERATE" || s.recommendation === "ROLLBACK";
  reasons.push({
    severity: blocking ? "blocking" : "info",
    message: `${s.recommendation}: ${s.rule}`,
  });
  for (const f of s.failures)
    reasons.push({
      severity: blocking ? "blocking" : "warning",
      message: `${f.runs.length} run(s) failed: ${f.why} — ${f.runs.slice(0, 5).join(", ")}${f.runs.length > 5 ? ` and ${f.runs.length - 5} more` : ""}`,
    });
  const rate = s.passRate === null ? "" : ` (${Math.round(s.passRate * 100)}% pass)`;
  return {
    gate: "pilot",
    conclusion: CONCLUSION[s.recommendation],
    label: s.recommendation,
    summary: `${s.planned} pilot runs: ${s.passed} passed, ${s.failed} failed, ${s.notFinished} not finished${rate}`,
    reasons,
    details: s,
    tables: tables(s),
  };
}

function tables(s: PilotSynthesis): NonNullable<Verdict["tables"]> {
  return [
    {
      title: "Best result per dataset",
      header: ["dataset", "metric", "best", "method", "run", "baseline", "delta"],
      rows: s.best.map((b) => [
        b.dataset,
        `${b.metric} (${b.direction} is better)`,
        num(b.value),
        b.method,
        b.run_id,
        b.baseline
          ? `${b.baseline.method} ${num(b.baseline.value)}${b.baseline.source === "expected" ? " (expected)" : ""}`
          : "none",
        b.delta === undefined ? "" : formatDelta(b.delta, b.direction),
      ]),
    },
    {
      title: "Hypotheses (from the pilot runs)",
      header: ["hypothesis", "claim", "verdict", "evidence"],
      rows: s.hypotheses.map((h) => [h.id, h.claim, h.verdict, h.evidence]),
    },
    {
      title: "Failure analysis",
      header: ["what went wrong", "runs", "run ids"],
      rows: s.failures.map((f) => [f.why, String(f.runs.length), f.runs.join(", ")]),
    },
    {
      title: "Pilot runs",
      header: ["stage", "run", "method", "dataset", "status", "metric", "value", "pass", "why"],
      rows: s.rows.map((r) => [
        String(r.stage),
        r.run_id,
        r.method,
        r.dataset,
        r.status,
        r.metric,
        r.value === null ? "" : num(r.value),
        r.passed ? "yes" : r.status === "not run" ? "" : "**no**",
        r.why,
      ]),
    },
  ];
}
