import type { NightlyRow } from "../../core/nightly/nightly-row.js";
import type { HypothesisSummary } from "../../core/nightly/parse-aggregated.js";
import { signed } from "../../core/results/format-delta.js";
import type { StateEntry } from "../../core/state/state-entry.js";

export interface Phase8Results {
  runUrl: string;
  conclusion: string;
  sha: string;
  approvedBy: string;
  rows: NightlyRow[];
  /** Each hypothesis' verdict, as the aggregate step wrote it into aggregated.json. */
  hypotheses?: readonly HypothesisSummary[];
  /** Why the results could not be read, shown instead of the table. */
  problem?: string;
  runs: StateEntry[];
  resultsDir: string;
}

/** The `labgate/phase8` summary once the dispatch finished: the results table and what failed. */
export function renderPhase8Results(r: Phase8Results): string {
  const out = [
    `### labgate/phase8: dispatch ${r.conclusion}`,
    "",
    `Approved by @${r.approvedBy} for \`${r.sha}\` · [workflow run](${r.runUrl}) · results in \`${r.resultsDir}/\``,
    "",
  ];
  if (r.problem) out.push(`> ⚠️ ${r.problem}`, "");
  else if (r.rows.length === 0) out.push("_No aggregated results were committed._", "");
  else {
    if (r.hypotheses && r.hypotheses.length > 0) {
      out.push("| hypothesis | verdict | evidence |", "| --- | --- | --- |");
      for (const h of r.hypotheses)
        out.push(
          `| ${cell(`${h.id}: ${h.claim}`)} | ${VERDICT[h.verdict] ?? h.verdict} | ${cell(h.evidence)} |`,
        );
      out.push("");
    }
    out.push(
      "| experiment | method | dataset | metric | n | mean ± std | Δ vs baseline |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const row of r.rows.slice(0, 500)) {
      // a single seed has no spread: its mean alone, not "± 0" (docs/results.md)
      const mean = row.n > 1 ? `${fmt(row.mean)} ± ${fmt(row.std)}` : fmt(row.mean);
      const delta =
        row.delta_vs_baseline === undefined
          ? ""
          : `${signed(row.delta_vs_baseline)}${row.change ? ` (${row.change})` : ""} vs ${row.baseline ?? "baseline"}`;
      out.push(
        `| \`${row.exp_id}\` | ${row.method ?? ""} | ${row.dataset ?? ""} | ${row.metric} | ${row.n} | ${row.best ? `**${mean}**` : mean} | ${delta} |`,
      );
    }
    if (r.rows.length > 500)
      out.push(`| … ${r.rows.length - 500} more rows in aggregated.csv | | | | | | |`);
    out.push("");
  }
  const count = (s: StateEntry["status"]) => r.runs.filter((e) => e.status === s).length;
  if (r.runs.length > 0)
    out.push(
      `Runs: ${count("done")} done, ${count("failed")} failed, ${count("on_hold")} on hold, ${count("cancelled")} cancelled of ${r.runs.length}.`,
    );
  const trouble = r.runs.filter((e) => e.status === "failed" || e.status === "on_hold");
  for (const e of trouble.slice(0, 50))
    out.push(
      `- \`${e.id}\` ${e.status}: ${e.reason ?? "no reason recorded"}${e.run_url ? ` ([log](${e.run_url}))` : ""}`,
    );
  return out.join("\n");
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(4));

const VERDICT: Record<string, string> = {
  supported: "✅ supported",
  refuted: "❌ refuted",
  inconclusive: "❔ inconclusive",
};

/** Text that is safe inside one markdown table cell. */
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
