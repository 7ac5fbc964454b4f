import type { NightlyRow } from "../../core/nightly/nightly-row.js";
import type { StateEntry } from "../../core/state/state-entry.js";

export interface Phase8Results {
  runUrl: string;
  conclusion: string;
  sha: string;
  approvedBy: string;
  rows: NightlyRow[];
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
    out.push(
      "| experiment | method | dataset | metric | n | mean ± std |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const row of r.rows.slice(0, 500))
      out.push(
        `| \`${row.exp_id}\` | ${row.method ?? ""} | ${row.dataset ?? ""} | ${row.metric} | ${row.n} | ${fmt(row.mean)} ± ${fmt(row.std)} |`,
      );
    if (r.rows.length > 500)
      out.push(`| … ${r.rows.length - 500} more rows in aggregated.csv | | | | | |`);
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
