import type { HypothesisSummary } from "../../core/nightly/parse-aggregated.js";
import type { StateEntry } from "../../core/state/state-entry.js";
import type { ApprovalView, DashboardModel } from "./dashboard-model.js";
import { renderWaves, type WavesProgress } from "./render-waves.js";

export const DASHBOARD_MARKER = "<!-- labgate:dashboard -->";

/** Around the waves section, so a finished wave refreshes it alone (`withDashboardWaves`). */
const WAVES_START = "<!-- labgate:waves -->";
const WAVES_END = "<!-- /labgate:waves -->";

const ICON = { success: "✅", failure: "❌", neutral: "⏸️" } as const;

/** The lab dashboard: one sticky PR comment (README.md). Pure and deterministic. */
export function renderDashboard(m: DashboardModel): string {
  const out: string[] = [`## 🧪 labgate — lab dashboard`, ""];
  out.push(`Head \`${m.headSha.slice(0, 7)}\` · definitions \`${m.definitionsPath}\``, "");
  out.push(...designTable(m), "");
  out.push(...planLine(m), "");
  if (m.waves) out.push(WAVES_START, ...renderWaves(m.waves), WAVES_END, "");
  out.push(...gates(m), "");
  out.push(...hypotheses(m));
  out.push(...approvalLines(m.approval), "");
  const trouble = m.runs.filter((r) => r.status === "failed" || r.status === "on_hold");
  if (m.stateProblem) out.push(`> ⚠️ ${m.stateProblem}`, "");
  if (trouble.length > 0) out.push(...troubleTable(trouble), "");
  out.push(`**Next step:** ${nextStep(m)}`, "");
  out.push(
    "<sub>Commands: `/approve-phase8` · `/run-pilot [stage]` · `/cancel` · `/retry failed|<run_id>` · `/labgate help`</sub>",
  );
  return out.join("\n");
}

/**
 * A dashboard body with its waves section replaced by `waves`; undefined when the body has none
 * (a campaign of one wave, or a dashboard written before the section was marked).
 */
export function withDashboardWaves(body: string, waves: WavesProgress): string | undefined {
  const start = body.indexOf(WAVES_START);
  const end = body.indexOf(WAVES_END, start);
  if (start === -1 || end === -1) return undefined;
  return `${body.slice(0, start)}${[WAVES_START, ...renderWaves(waves)].join("\n")}\n${body.slice(end)}`;
}

function designTable(m: DashboardModel): string[] {
  const defs = m.definitions;
  if (!defs) return ["_The design table appears once the definitions validate._"];
  const full = m.experiments.filter((e) => e.phase === "full");
  const lines = [
    `### Design: ${cell(defs.title)}`,
    "",
    `| method \\ dataset | ${defs.datasets.map((d) => cell(d.label)).join(" | ")} |`,
    `| --- | ${defs.datasets.map(() => "---").join(" | ")} |`,
  ];
  for (const method of defs.methods) {
    const cells = defs.datasets.map((d) => {
      const exps = full.filter((e) => e.method === method.id && e.dataset === d.id);
      if (exps.length === 0) return "—";
      const ids = new Set(exps.map((e) => e.id));
      return cellStatus(
        m.runs.filter((r) => r.phase === "full" && ids.has(r.exp_id)),
        exps.length,
      );
    });
    lines.push(`| ${cell(method.label)} (${method.group}) | ${cells.join(" | ")} |`);
  }
  return lines;
}

function cellStatus(runs: readonly StateEntry[], experiments: number): string {
  if (runs.length === 0) return `planned (${experiments} exp)`;
  const count = (s: StateEntry["status"]) => runs.filter((r) => r.status === s).length;
  const parts: string[] = [];
  const done = count("done");
  if (done > 0) parts.push(`✅ ${done}/${runs.length}`);
  const active = count("running") + count("queued") + count("pending");
  if (active > 0) parts.push(`🔄 ${active}`);
  const failed = count("failed");
  if (failed > 0) parts.push(`❌ ${failed}`);
  const held = count("on_hold");
  if (held > 0) parts.push(`⏸️ ${held}`);
  const cancelled = count("cancelled");
  if (cancelled > 0) parts.push(`🚫 ${cancelled}`);
  return parts.join(" ");
}

function planLine(m: DashboardModel): string[] {
  const hours = m.gpuHours.toFixed(1);
  if (m.budgetGpuHours === undefined)
    return [`**Planned:** ${m.plannedRuns} full runs · ${hours} GPU-hours (no budget set)`];
  const pct = Math.round((m.gpuHours / m.budgetGpuHours) * 100);
  const flag = m.gpuHours > m.budgetGpuHours ? " ⚠️ over budget" : "";
  return [
    `**Planned:** ${m.plannedRuns} full runs · ${hours} / ${m.budgetGpuHours} GPU-hours (${pct}% of budget)${flag}`,
  ];
}

function gates(m: DashboardModel): string[] {
  const lines = ["| gate | verdict |", "| --- | --- |"];
  for (const v of m.verdicts) {
    const pending = m.pending.includes(v.gate) && v.conclusion !== "failure";
    const icon = pending ? "⏳" : ICON[v.conclusion];
    const note = pending ? " (dry-run pending)" : "";
    lines.push(`| \`labgate/${v.gate}\` | ${icon} ${cell(v.label)} — ${cell(v.summary)}${note} |`);
  }
  return lines;
}

const VERDICT = { supported: "✅", refuted: "❌", inconclusive: "❔" } as const;

/** Each hypothesis' verdict: from the full-phase results, else from the pilot check. */
function hypotheses(m: DashboardModel): string[] {
  const pilot = m.verdicts.find((v) => v.gate === "pilot")?.details as
    | { hypotheses?: HypothesisSummary[] }
    | undefined;
  const [list, phase] = m.hypotheses
    ? [m.hypotheses, "full-phase results"]
    : [pilot?.hypotheses, "pilot runs"];
  if (!list || list.length === 0) return [];
  const lines = [
    `### Hypotheses (from the ${phase})`,
    "",
    "| hypothesis | verdict | evidence |",
    "| --- | --- | --- |",
  ];
  for (const h of list)
    lines.push(
      `| ${cell(`${h.id}: ${h.claim}`)} | ${VERDICT[h.verdict]} ${h.verdict} | ${cell(h.evidence)} |`,
    );
  return [...lines, ""];
}

function approvalLines(a: ApprovalView): string[] {
  switch (a.kind) {
    case "none":
      return ["**Phase 8:** not approved."];
    case "fork":
      return [
        "**Phase 8:** this PR comes from a fork; labgate never dispatches forks to self-hosted runners.",
      ];
    case "approved":
      return a.paused
        ? [
            `**Phase 8:** approved by @${a.by} at ${a.at} for \`${a.sha.slice(0, 7)}\`; the waves are paused.`,
            "",
            a.paused.line,
          ]
        : [
            `**Phase 8:** approved by @${a.by} at ${a.at} for \`${a.sha.slice(0, 7)}\`; dispatch running.`,
          ];
    case "completed":
      return [
        `**Phase 8:** approved by @${a.by} for \`${a.sha.slice(0, 7)}\`; dispatch finished: ${a.conclusion}.`,
      ];
    case "voided":
      return [
        `**Phase 8:** ⚠️ the approval by @${a.by} for \`${a.sha.slice(0, 7)}\` was voided: ${a.reason}`,
      ];
  }
}

function troubleTable(runs: readonly StateEntry[]): string[] {
  const lines = [
    "### Failed and on-hold runs",
    "",
    "| run | status | reason | log |",
    "| --- | --- | --- | --- |",
  ];
  for (const r of runs.slice(0, 50))
    lines.push(
      `| \`${r.id}\` | ${r.status} | ${cell(r.reason ?? "—")} | ${r.run_url ? `[log](${r.run_url})` : "—"} |`,
    );
  if (runs.length > 50) lines.push(`| … ${runs.length - 50} more | | | |`);
  return lines;
}

function nextStep(m: DashboardModel): string {
  const failing = m.verdicts.filter((v) => v.conclusion === "failure" && v.gate !== "pilot");
  if (failing.length > 0)
    return `fix what ${failing.map((v) => `\`labgate/${v.gate}\``).join(", ")} reports and push.`;
  if (m.pending.length > 0) return "wait for the code-review dry-run on a CPU runner.";
  const pilot = m.verdicts.find((v) => v.gate === "pilot");
  if (pilot && pilot.conclusion !== "success")
    return `pilot says ${pilot.label}: look at \`labgate/pilot\`, adjust, and \`/run-pilot\` again.`;
  const a = m.approval;
  if (a.kind === "fork") return "push the branch to this repository to run experiments.";
  if (a.kind === "approved" && a.paused)
    return "an approver gives the campaign a larger budget (`/approve-phase8 budget=N`, above).";
  if (a.kind === "approved") return "wait for the dispatch; results are committed to this branch.";
  if (a.kind === "completed") return "review the results in `labgate/phase8` and merge.";
  if (m.runs.some((r) => r.status === "failed")) return "`/retry failed`, or fix and push.";
  return "someone with write access comments `/approve-phase8` to start the full phase.";
}

/** Text that is safe inside one markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ").slice(0, 300);
}
