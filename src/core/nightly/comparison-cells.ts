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

const stats = (s?: NightStats) => (s ? `${fmtNum(s.mean)} ± ${fmtNum(s.std)} (n=${s.n})` : "—");

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
