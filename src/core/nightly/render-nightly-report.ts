import type { NightlyReport } from "./build-nightly-report.js";
import { COMPARISON_HEADER, comparisonCells } from "./comparison-cells.js";
import { fmtNum, fmtPercent } from "./format-number.js";

export interface RenderNightlyOptions {
  /** Where the trend chart SVG can be seen (an absolute URL, or a path relative to the README). */
  chartUrl?: string;
  /** The workflow run that produced tonight's results. */
  runUrl?: string;
  /** The default-branch commit the experiments ran at. */
  commit?: string;
}

const ICON: Record<string, string> = {
  regression: "🔴 regression",
  improvement: "🟢 improvement",
  steady: "steady",
  new: "🆕 new",
  missing: "⚠️ missing tonight",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The nightly PR body, the job summary and `nightly/<date>/README.md`: one markdown text. */
export function renderNightlyReport(r: NightlyReport, opts: RenderNightlyOptions = {}): string {
  const out: string[] = [];
  out.push(`## labgate nightly — ${r.date}`, "");
  const facts = [
    r.previousDate ? `compared with ${r.previousDate}` : "first night: nothing to compare with",
    `${r.nights} night${r.nights === 1 ? "" : "s"} of history`,
  ];
  if (opts.commit) facts.push(`commit \`${opts.commit.slice(0, 12)}\``);
  if (opts.runUrl) facts.push(`[workflow run](${opts.runUrl})`);
  out.push(facts.join(" · "), "");
  out.push(
    `**${r.regressions.length} regression${r.regressions.length === 1 ? "" : "s"}**, ` +
      `${count(r.comparisons, "improvement")} improvement(s), ${r.stagnation.length} stagnant metric(s), ` +
      `${r.missed.reduce((n, m) => n + m.nights, 0)} missed night(s).`,
    "",
  );

  if (r.regressions.length > 0) {
    out.push("### Regressions", "");
    for (const c of r.regressions)
      out.push(
        `- \`${c.exp_id}\` ${c.metric}: ${fmtNum(c.previous?.mean ?? Number.NaN)} → ${fmtNum(c.current?.mean ?? Number.NaN)} ` +
          `(${fmtPercent(c.relative ?? 0)}, ${c.direction} is better; beyond the ${fmtPercent(r.threshold).replace("+", "")} threshold and the ±${fmtNum(c.noise ?? 0)} seed-noise band)` +
          (c.origin ? `\n  - what changed: ${c.origin.summary}` : ""),
      );
    out.push("");
  }

  out.push("### Comparison", "");
  out.push(
    `| ${COMPARISON_HEADER.join(" | ")} |`,
    `|${COMPARISON_HEADER.map(() => " --- ").join("|")}|`,
  );
  for (const c of r.comparisons) {
    const cells = comparisonCells(c);
    cells[8] = ICON[c.status] ?? c.status;
    out.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  out.push("");

  if (r.stagnation.length > 0) {
    out.push(`### Stagnation (no improvement over the last ${r.stagnationNights} nights)`, "");
    for (const s of r.stagnation)
      out.push(
        `- \`${s.exp_id}\` ${s.metric}: best ${fmtNum(s.best)} on ${s.bestDate}; the last ${s.nights} nights reached at most ${fmtNum(s.recentBest)}`,
      );
    out.push("");
  }

  if (r.missed.length > 0) {
    out.push("### Missed nights", "");
    for (const m of r.missed)
      out.push(
        `- ${m.from === m.to ? m.from : `${m.from} … ${m.to}`} (${m.nights} night${m.nights === 1 ? "" : "s"}, no results)`,
      );
    out.push(
      "",
      "Scheduled workflows can be delayed, dropped, or disabled after 60 days without repository activity; check the workflow's run history.",
      "",
    );
  }

  if (r.best.length > 0) {
    out.push(
      "### Best so far",
      "",
      "| exp_id | metric | best | night |",
      "| --- | --- | --- | --- |",
    );
    for (const b of r.best)
      out.push(`| ${cell(b.exp_id)} | ${cell(b.metric)} | ${fmtNum(b.best)} | ${b.date} |`);
    out.push("");
  }

  if (opts.chartUrl) out.push("### Trend", "", `![nightly trend](${opts.chartUrl})`, "");

  out.push(
    "<sub>A regression is a change of the mean against the metric's direction larger than " +
      `${fmtPercent(r.threshold).replace("+", "")} (\`nightly.regression_threshold\`) and larger than ` +
      `${fmtNum(r.noiseK)} standard errors of the difference of the two nights' means over seeds (\`nightly.noise_k\`).</sub>`,
  );
  return `${out.join("\n")}\n`;
}

const count = (cs: NightlyReport["comparisons"], status: string) =>
  cs.filter((c) => c.status === status).length;
