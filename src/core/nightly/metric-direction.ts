import type { Definitions, ResolvedExperiment } from "../definitions/definitions-schema.js";
import type { NightlyRow } from "./nightly-row.js";

export type Direction = "higher" | "lower";

/** Which way is better for a row's metric. `assumed` is true when nothing said so. */
export type DirectionOf = (row: NightlyRow) => { direction: Direction; assumed: boolean };

/**
 * Directions from the hypotheses (SPEC §3): an experiment's hypotheses give the direction of
 * their metrics for that experiment; any hypothesis on the same metric is the fallback; then the
 * row's own `direction`; then "higher" (flagged as assumed, so the report can say so).
 */
export function directionsFrom(
  definitions?: Pick<Definitions, "hypotheses">,
  experiments: readonly Pick<ResolvedExperiment, "id" | "hypotheses">[] = [],
): DirectionOf {
  const hypotheses = new Map((definitions?.hypotheses ?? []).map((h) => [h.id, h]));
  const byExperiment = new Map<string, Direction>();
  for (const e of experiments)
    for (const hid of e.hypotheses) {
      const h = hypotheses.get(hid);
      if (h) byExperiment.set(`${e.id}\u0000${h.metric}`, h.direction);
    }
  const byMetric = new Map<string, Direction>();
  for (const h of hypotheses.values())
    if (!byMetric.has(h.metric)) byMetric.set(h.metric, h.direction);
  return (row) => {
    // exp_id in results carries the params suffix (`<exp>__k-v`); the experiment id is its prefix.
    const base = row.exp_id.split("__")[0] ?? row.exp_id;
    const found =
      byExperiment.get(`${row.exp_id}\u0000${row.metric}`) ??
      byExperiment.get(`${base}\u0000${row.metric}`) ??
      row.direction ??
      byMetric.get(row.metric);
    return found ? { direction: found, assumed: false } : { direction: "higher", assumed: true };
  };
}
