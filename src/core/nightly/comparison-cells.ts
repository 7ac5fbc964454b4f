import { meanSpread } from "../results/seed-summary-text.js";
import type { MetricComparison, NightStats } from "./compare-nights.js";
import { fmtNum, fmtPercent, fmtSigned } from "./format-number.js";

export const COMPARISON_HEADER = [
  "exp_id",
  "metric",
  "better",
  "previous",
  "tonight",
  "delta",
  "change",
  "noise band",
  "status",
] as const;

/** `0.96 ± 0.004 (n=5)`; one seed has no spread: `0.974 (n=1)`, as in the README (`meanSpread`). */
const stats = (s?: NightStats) => (s ? `${meanSpread(s, fmtNum)} (n=${s.n})` : "—");

/** The cells of one comparison row, shared by the markdown report and the CLI table. */
export function comparisonCells(c: MetricComparison): string[] {
  return [
    c.exp_id,
    c.metric,
    `${c.direction}${c.directionAssumed ? " (assumed)" : ""}`,
    stats(c.previous),
    stats(c.current),
    c.delta === undefined ? "—" : fmtSigned(c.delta),
    c.relative === undefined ? "—" : fmtPercent(c.relative),
    c.noise === undefined ? "—" : `±${fmtNum(c.noise)}`,
    c.status,
  ];
}
