import type { Definitions } from "../definitions/definitions-schema.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import { isBetter } from "./metric-direction.js";

export interface DesignCell {
  /** The best variant of this method on this dataset, on the dataset's primary metric. */
  row: AggregatedRow;
  /** How many variants (params combinations, experiments) the cell chose among. */
  variants: number;
  /** Best cell of its dataset column. */
  best: boolean;
}

export interface DesignTable {
  phase: string | undefined;
  methods: Definitions["methods"];
  datasets: Definitions["datasets"];
  cell(method: string, dataset: string): DesignCell | undefined;
}

/**
 * The design table (SPEC §5): methods x datasets on each dataset's primary metric, for the
 * latest phase with results (full, else pilot). Where a method has several variants on a
 * dataset (a params sweep), the cell shows the best one.
 */
export function designTable(
  rows: readonly AggregatedRow[],
  defs: Pick<Definitions, "methods" | "datasets">,
): DesignTable {
  const phase = rows.some((r) => r.phase === "full")
    ? "full"
    : rows.find((r) => r.phase !== "pilot (archived)")?.phase;
  const primary = new Map(defs.datasets.map((d) => [d.id, d.metric]));
  const cells = new Map<string, DesignCell>();
  for (const r of rows) {
    if (r.phase !== phase || primary.get(r.dataset) !== r.metric) continue;
    const k = `${r.method}\u0000${r.dataset}`;
    const c = cells.get(k);
    if (c === undefined) cells.set(k, { row: r, variants: 1, best: false });
    else {
      c.variants++;
      if (isBetter(r.mean, c.row.mean, r.direction)) c.row = r;
    }
  }
  const bestOf = new Map<string, number>();
  for (const c of cells.values()) {
    const b = bestOf.get(c.row.dataset);
    if (b === undefined || isBetter(c.row.mean, b, c.row.direction))
      bestOf.set(c.row.dataset, c.row.mean);
  }
  for (const c of cells.values()) c.best = c.row.mean === bestOf.get(c.row.dataset);
  return {
    phase,
    methods: defs.methods,
    datasets: defs.datasets,
    cell: (m, d) => cells.get(`${m}\u0000${d}`),
  };
}
