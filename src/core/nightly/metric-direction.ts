import type { ResolvedExperiment } from "../definitions/definitions-schema.js";
import { variantParts } from "../plan/run-id.js";
import {
  type Direction,
  type DirectionDefinitions,
  metricSenses,
} from "../results/metric-direction.js";
import type { NightlyRow } from "./nightly-row.js";

export type { Direction };

/** Which way is better for a row's metric. `assumed` is true when only the name said so. */
export type DirectionOf = (row: NightlyRow) => { direction: Direction; assumed: boolean };

/**
 * A row's direction by the results' one rule (`metricSenses`, docs/results.md): the metric's
 * declaration, else a hypothesis about it (the row's experiment's own first); then the row's own
 * `direction` (an aggregated file may say it, for histories read without definitions.json); then
 * a guess from the metric's name, flagged as assumed so the report can say so.
 */
export function directionsFrom(
  definitions?: DirectionDefinitions,
  experiments: readonly Pick<ResolvedExperiment, "id" | "hypotheses">[] = [],
): DirectionOf {
  const sense = metricSenses(definitions ?? { hypotheses: [] });
  const hypothesesOf = new Map(experiments.map((e) => [e.id, e.hypotheses]));
  return (row) => {
    // exp_id in results carries the params suffix (`<exp>__k-v`); the experiment id is its prefix.
    const base = variantParts(row.exp_id).expId;
    const s = sense(row.metric, hypothesesOf.get(row.exp_id) ?? hypothesesOf.get(base));
    if (s.source !== "guessed") return { direction: s.direction, assumed: false };
    if (row.direction) return { direction: row.direction, assumed: false };
    return { direction: s.direction, assumed: true };
  };
}
