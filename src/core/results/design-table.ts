import type { Definitions, ResolvedExperiment } from "../definitions/definitions-schema.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import { type HypothesisVerdict, hypothesisVerdicts } from "./hypothesis-verdicts.js";
import {
  type Direction,
  type DirectionDefinitions,
  isBetter,
  type MetricSense,
  metricSenses,
} from "./metric-direction.js";
import { sweepSelector } from "./sweep-variant.js";

export interface DesignCell {
  /** The variant of this method on this dataset that its sweep selects (`sweepSelector`). */
  row: AggregatedRow;
  /** How many variants (params combinations, experiments) the cell chose among. */
  variants: number;
  /** Best cell of its dataset column. */
  best: boolean;
  /** Which way is better for the cell's metric (the definitions' rule, not the file's). */
  direction: Direction;
}

export interface DesignTable {
  phase: string | undefined;
  methods: Definitions["methods"];
  datasets: Definitions["datasets"];
  cell(method: string, dataset: string): DesignCell | undefined;
  /** The direction of a metric, its source and label, by the definitions' one rule. */
  sense(metric: string): MetricSense;
  direction(metric: string): Direction;
  /** Each hypothesis' verdict from the table's phase (empty without results). */
  hypotheses: HypothesisVerdict[];
}

/** What the design table reads from the definitions. */
export type DesignDefinitions = Pick<Definitions, "methods" | "datasets" | "hypotheses"> &
  Pick<DirectionDefinitions, "metrics"> &
  Partial<Pick<Definitions, "experiments" | "defaults">>;

/**
 * The design table (docs/results.md): methods x datasets on each dataset's primary metric, for
 * the latest phase with results (full, else pilot). Where a method has several variants on a
 * dataset (a params sweep), the cell shows the one the sweep selects (`sweepSelector`: the best on
 * the validation metric where there is one, not on the test metric). "Best" follows the metric's direction
 * from the definitions (`metricSenses`), also for rows read back from an older aggregated.json.
 */
export function designTable(
  rows: readonly AggregatedRow[],
  defs: DesignDefinitions,
  experiments: readonly Pick<ResolvedExperiment, "id" | "hypotheses">[] = hypothesesOf(defs),
): DesignTable {
  const sense = metricSenses(defs);
  const direction = (metric: string) => sense(metric).direction;
  const phase = rows.some((r) => r.phase === "full")
    ? "full"
    : rows.find((r) => r.phase !== "pilot (archived)")?.phase;
  const primary = new Map(defs.datasets.map((d) => [d.id, d.metric]));
  const variants = new Map<string, AggregatedRow[]>();
  for (const r of rows) {
    if (r.phase !== phase || primary.get(r.dataset) !== r.metric) continue;
    const k = `${r.method}\u0000${r.dataset}`;
    const list = variants.get(k);
    if (list) list.push(r);
    else variants.set(k, [r]);
  }
  const select = sweepSelector(rows, direction);
  const cells = new Map<string, DesignCell>();
  for (const [k, list] of variants) {
    const row = select(list) as AggregatedRow;
    cells.set(k, { row, variants: list.length, best: false, direction: direction(row.metric) });
  }
  const bestOf = new Map<string, number>();
  for (const c of cells.values()) {
    const b = bestOf.get(c.row.dataset);
    if (b === undefined || isBetter(c.row.mean, b, c.direction))
      bestOf.set(c.row.dataset, c.row.mean);
  }
  for (const c of cells.values()) c.best = c.row.mean === bestOf.get(c.row.dataset);
  return {
    phase,
    methods: defs.methods,
    datasets: defs.datasets,
    cell: (m, d) => cells.get(`${m}\u0000${d}`),
    sense,
    direction,
    hypotheses: phase === undefined ? [] : hypothesisVerdicts(rows, defs, experiments, phase),
  };
}

/** Each experiment's hypotheses, `defaults.hypotheses` where it names none (as resolution does). */
function hypothesesOf(defs: DesignDefinitions): Pick<ResolvedExperiment, "id" | "hypotheses">[] {
  return (defs.experiments ?? []).map((e) => ({
    id: e.id,
    hypotheses: e.hypotheses ?? defs.defaults?.hypotheses ?? [],
  }));
}
