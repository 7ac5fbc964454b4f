import { variantParts } from "../plan/run-id.js";
import type { RunStatus } from "../state/state-entry.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import type { DesignTable } from "./design-table.js";
import { formatDelta, num, signed } from "./format-delta.js";
import { type HypothesisVerdict, pValue } from "./hypothesis-verdicts.js";
import { directionWords } from "./metric-direction.js";
import { isRate, shownInterval } from "./rate-metric.js";
import {
  describeMachine,
  machinesOf,
  type OriginTally,
  originChange,
  type RunOrigin,
} from "./run-origin.js";
import { meanSpread, seedCount } from "./seed-summary-text.js";

export { num } from "./format-delta.js";

export interface FailedRun {
  id: string;
  status: RunStatus | "no-result";
  reason: string | null;
  exit_code: number | null;
  host: string | null;
  /** The run's experiment with its params (`exp_id` of the results): its failure group. */
  exp_id?: string;
  /** The commit and machine it ran at (provenance). */
  origin?: RunOrigin;
}

export interface ResultsSummary {
  title: string;
  project: string;
  updated: string;
  counts: Partial<Record<RunStatus, number>>;
  total: number;
  sourceCommits: readonly string[];
  runUrl: string;
  table: DesignTable;
  rows: readonly AggregatedRow[];
  /** failed, on_hold and cancelled runs, and done runs whose result file is missing or invalid. */
  failures: readonly FailedRun[];
  /** The commits and machines of the runs in the tables that passed, per exp_id (with params). */
  passing?: OriginTally;
  /** The chart's file name beside the README, when there was something to draw. */
  chart: string | undefined;
}

/** At most this many rows in the README's per-experiment table; aggregated.csv has them all. */
export const README_MAX_ROWS = 200;

/** The results folder's README.md (docs/results.md): what a researcher sees browsing it on GitHub. */
export function renderResultsReadme(s: ResultsSummary): string {
  const out: string[] = [];
  out.push(`# Results: ${s.title}`, "");
  const counts = (
    ["done", "failed", "on_hold", "cancelled", "running", "queued", "pending"] as const
  )
    .filter((k) => (s.counts[k] ?? 0) > 0)
    .map((k) => `${s.counts[k]} ${k.replace("_", " ")}`);
  out.push(
    `${s.total} run(s)${counts.length ? `: ${counts.join(", ")}` : ""}. Updated ${s.updated} by labgate from ${
      s.sourceCommits.length
        ? s.sourceCommits.map((c) => `\`${c.slice(0, 12)}\``).join(", ")
        : "no commit"
    } (${link(s.runUrl)}).`,
    "",
  );
  out.push(...designTableSection(s.table));
  if (s.chart)
    out.push(`![Design table chart: mean over seeds, error bars: 95% CI](${s.chart})`, "");
  out.push(...hypothesesSection(s.table.hypotheses, s.table.phase));
  out.push(...perExperimentSection(s.rows, s.table.phase, s.table.sense));
  out.push(...failuresSection(s.failures));
  out.push(...failureMachinesSection(s.failures, s.passing));
  out.push(
    "## Files",
    "",
    "- `all_results.csv`: one row per (run, metric): exp_id, method, dataset, group, metric, seed, value, host, gpu, finished_at, git_commit",
    "- `aggregated.csv`, `aggregated.json`: per (exp_id, method, dataset, metric): n, mean, std, min, max, best, delta_vs_baseline, then ci95_low, ci95_high (95% CI of the mean), baseline, change (better/worse), delta_ci95_low, delta_ci95_high, p_value and test (paired or Welch t-test vs the baseline), direction",
    "- `provenance.json`: per run, the commit, workflow run, runner, host, GPU, times and the sha256 of its result file (`labgate verify` checks them)",
    "- `runs/<run_id>.json`: each run's raw result file",
    "",
  );
  return out.join("\n");
}

function designTableSection(t: DesignTable): string[] {
  const out = ["## Design table", ""];
  if (t.phase === undefined) return [...out, "No finished run with a result yet.", ""];
  const metrics = [...new Set(t.datasets.map((d) => d.metric))]
    .map((m) => `${m} (${directionWords(t.direction(m))})`)
    .join(", ");
  out.push(
    `${t.phase} phase; each cell: ${metrics}, mean ± std over seeds (n); **bold**: best of its column; Δ: against the experiment's declared baseline, better or worse for the metric.`,
    "",
  );
  out.push(`| method | ${t.datasets.map((d) => cellText(d.label)).join(" | ")} |`);
  out.push(`| --- | ${t.datasets.map(() => "---").join(" | ")} |`);
  for (const m of t.methods) {
    const cells = t.datasets.map((d) => {
      const c = t.cell(m.id, d.id);
      if (!c) return "–";
      const r = c.row;
      let text = `${meanSpread(r)} (${seedCount(r.n)})`;
      if (c.best) text = `**${text}**`;
      if (c.variants > 1) text += ` ${variantNote(r.exp_id)}`;
      if (r.delta_vs_baseline !== null)
        text += `<br>Δ ${formatDelta(r.delta_vs_baseline, c.direction)} vs ${r.baseline}`;
      return text;
    });
    out.push(`| ${cellText(m.label)} (${m.group}) | ${cells.join(" | ")} |`);
  }
  out.push("");
  return out;
}

function perExperimentSection(
  rows: readonly AggregatedRow[],
  phase: string | undefined,
  sense: DesignTable["sense"],
): string[] {
  const shown = rows.filter((r) => r.phase === phase);
  if (shown.length === 0) return [];
  const out = [
    "## Per experiment",
    "",
    "| exp_id | metric | n | mean ± std | 95% CI | min | max | Δ vs baseline | 95% CI of Δ | p |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of shown.slice(0, README_MAX_ROWS)) {
    const mean = meanSpread(r);
    const rate = isRate(sense(r.metric), r.metric, [r.min, r.mean, r.max]);
    const ci =
      r.ci95_low === null || r.ci95_high === null
        ? ""
        : interval(...shownInterval(r.ci95_low, r.ci95_high, rate), num);
    const delta =
      r.delta_vs_baseline === null
        ? ""
        : `${formatDelta(r.delta_vs_baseline, r.direction)} vs ${r.baseline}`;
    const deltaCi =
      r.delta_ci95_low === null || r.delta_ci95_high === null
        ? ""
        : interval(r.delta_ci95_low, r.delta_ci95_high, signed);
    const p = r.p_value === null ? "" : `${pValue(r.p_value)} (${r.test})`;
    out.push(
      `| ${cellText(r.exp_id)} | ${cellText(r.metric)} (${r.direction}) | ${r.n} | ${r.best ? `**${mean}**` : mean} | ${ci} | ${num(r.min)} | ${num(r.max)} | ${delta} | ${deltaCi} | ${p} |`,
    );
  }
  if (shown.length > README_MAX_ROWS)
    out.push("", `${shown.length - README_MAX_ROWS} more row(s) in \`aggregated.csv\`.`);
  out.push("");
  return out;
}

const VERDICT_ICON = { supported: "✅", refuted: "❌", inconclusive: "❔" } as const;

function hypothesesSection(
  verdicts: readonly HypothesisVerdict[],
  phase: string | undefined,
): string[] {
  if (verdicts.length === 0 || phase === undefined) return [];
  const out = [
    "## Hypotheses",
    "",
    `From the ${phase} phase: a comparison bears on the claim when the 95% CI of the difference excludes 0, a method supporting it by doing better than its baseline and an ablation by doing worse than the method it ablates (the removed part contributes); supported when every comparison supports the claim, refuted when one contradicts it and none supports it, inconclusive otherwise.`,
    "",
    "| hypothesis | claim | verdict | evidence |",
    "| --- | --- | --- | --- |",
  ];
  for (const v of verdicts)
    out.push(
      `| ${cellText(v.id)} | ${cellText(v.claim)} (${cellText(v.metric)}, ${directionWords(v.direction)}) | ${VERDICT_ICON[v.verdict]} ${v.verdict} | ${cellText(v.evidence)} |`,
    );
  out.push("");
  return out;
}

function failuresSection(failures: readonly FailedRun[]): string[] {
  const out = ["## Failed, on-hold and cancelled runs", ""];
  if (failures.length === 0) return [...out, "None.", ""];
  out.push("| run | status | reason | exit code | host |", "| --- | --- | --- | --- | --- |");
  for (const f of failures.slice(0, README_MAX_ROWS))
    out.push(
      `| ${cellText(f.id)} | ${f.status.replace("_", " ")} | ${cellText(f.reason ?? "")} | ${f.exit_code ?? ""} | ${cellText(f.host ?? "")} |`,
    );
  if (failures.length > README_MAX_ROWS)
    out.push("", `${failures.length - README_MAX_ROWS} more in \`dispatch/state.json\`.`);
  out.push("");
  return out;
}

/**
 * Per failure group (the failing runs of one experiment), the machines its failing runs ran on
 * and those its passing runs ran on; when the machines or the commits differ, one line saying how
 * (`same code (…), machine changed: driver 535.104.05 → 550.54.14`), so "same code, new driver"
 * shows. Only when
 * some run recorded its machine (runs from before labgate did not).
 */
function failureMachinesSection(
  failures: readonly FailedRun[],
  passing: OriginTally | undefined,
): string[] {
  const groups = new Map<string, RunOrigin[]>();
  for (const f of failures) {
    if (f.exp_id === undefined || !f.origin) continue;
    const g = groups.get(f.exp_id) ?? [];
    g.push(f.origin);
    groups.set(f.exp_id, g);
  }
  const known = [...groups].some(
    ([exp, failed]) =>
      failed.some((o) => o.machine) || (passing?.get(exp) ?? []).some((o) => o.machine),
  );
  if (!known) return [];
  const out = [
    "### Machines of the failure groups",
    "",
    "Per experiment with failing runs (failed, on hold, cancelled or without a result): the machines (GPU, driver, CUDA, interpreter, lock file) they and the experiment's passing runs ran on.",
    "",
  ];
  for (const [exp, failed] of [...groups].slice(0, README_MAX_ROWS)) {
    const passed = passing?.get(exp) ?? [];
    out.push(
      `- \`${cellText(exp)}\`: failed on ${machineList(failed)}; ${
        passed.length === 0 ? "no run passed" : `passed on ${machineList(passed)}`
      }`,
    );
    if (passed.length === 0) continue;
    const change = originChange(passed, failed, {
      before: passed.some((o) => o.machine) ? undefined : "the passing runs recorded no machine",
      after: failed.some((o) => o.machine) ? undefined : "the failing runs recorded no machine",
    });
    if (change.machine === "changed")
      out.push(
        `  - **the failing runs ran on a different machine than the passing ones**: ${change.summary}`,
      );
    else if (change.code === "changed")
      out.push(
        `  - **the failing runs ran at a different commit than the passing ones**: ${change.summary}`,
      );
  }
  if (groups.size > README_MAX_ROWS)
    out.push("", `${groups.size - README_MAX_ROWS} more in \`provenance.json\`.`);
  out.push("");
  return out;
}

/** `NVIDIA A100 (driver …), Python 3.11.9, uv.lock 0123456789ab (2 runs), an unrecorded machine (1 run)`. */
function machineList(origins: readonly RunOrigin[]): string {
  const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;
  const parts = machinesOf(origins).map(
    (m) => `${cellText(describeMachine(m.machine))} (${runs(m.runs)})`,
  );
  const unknown = origins.reduce((n, o) => n + (o.machine ? 0 : (o.runs ?? 1)), 0);
  if (unknown > 0) parts.push(`an unrecorded machine (${runs(unknown)})`);
  return parts.join(", ");
}

/** `knn-iris__k-5` -> `(k-5)`: which variant of a sweep the cell shows. */
function variantNote(expId: string): string {
  const { params } = variantParts(expId);
  return params.length === 0 ? "" : `(${params.join(", ")})`;
}

const interval = (low: number, high: number, show: (x: number) => string) =>
  `[${show(low)}, ${show(high)}]`;
const cellText = (s: string) => s.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
const link = (url: string) => (/^https?:\/\//.test(url) ? `[workflow run](${url})` : url);
