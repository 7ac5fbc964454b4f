import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../core/config/config-schema.js";
import type { Definitions, ResolvedExperiment } from "../core/definitions/definitions-schema.js";
import { messageOf } from "../core/failure/failure.js";
import type { AggregatedRow } from "../core/results/aggregate-rows.js";
import { type DesignTable, designTable } from "../core/results/design-table.js";
import { formatDelta } from "../core/results/format-delta.js";
import { meanSpread } from "../core/results/seed-summary-text.js";
import { ARCHIVED_PILOT_PHASE } from "../core/state/merge-sidecars.js";
import type { StateEntry } from "../core/state/state-entry.js";
import type { GitRepo } from "../git/git-repo.js";
import { readDispatchState } from "./dispatch-state-store.js";

export interface Report {
  /** The design table from aggregated.json; undefined when no results were written yet. */
  table: DesignTable | undefined;
  generated: string | undefined;
  /** failed, on_hold and cancelled runs of the current state (sidecars merged, nothing written). */
  failures: StateEntry[];
  counts: Record<string, number>;
  warnings: string[];
}

/** `labgate report`: reads the current files only; it writes nothing and commits nothing. */
export async function buildReport(
  deps: { git: GitRepo },
  input: {
    cwd: string;
    config: Config;
    definitions: Definitions;
    experiments: readonly ResolvedExperiment[];
  },
): Promise<Report> {
  const path = `${input.config.results_dir.replace(/\/+$/, "")}/aggregated.json`;
  let table: DesignTable | undefined;
  let generated: string | undefined;
  const warnings: string[] = [];
  try {
    const agg = JSON.parse(await readFile(resolve(input.cwd, path), "utf8")) as {
      generated?: string;
      rows?: AggregatedRow[];
    };
    generated = agg.generated;
    table = designTable(agg.rows ?? [], input.definitions, input.experiments);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      warnings.push(`${path}: unreadable (${messageOf(err)}); re-run \`labgate aggregate\``);
  }
  const state = await readDispatchState({ cwd: input.cwd, config: input.config, git: deps.git });
  warnings.push(...state.warnings);
  const counts: Record<string, number> = {};
  const failures: StateEntry[] = [];
  for (const e of state.entries.values()) {
    if (e.phase === ARCHIVED_PILOT_PHASE) continue;
    counts[e.status] = (counts[e.status] ?? 0) + 1;
    if (e.status === "failed" || e.status === "on_hold" || e.status === "cancelled")
      failures.push(e);
  }
  return { table, generated, failures, counts, warnings };
}

/** The design table as plain-text rows: `*` marks the best of a column; Δ says better or worse. */
export function designTableRows(t: DesignTable): { header: string[]; rows: string[][] } {
  const header = [
    "method",
    ...t.datasets.map((d) => `${d.label} (${d.metric}, ${t.direction(d.metric)} is better)`),
  ];
  const rows = t.methods.map((m) => [
    `${m.label} [${m.group}]`,
    ...t.datasets.map((d) => {
      const c = t.cell(m.id, d.id);
      if (!c) return "-";
      const r = c.row;
      const delta =
        r.delta_vs_baseline == null
          ? ""
          : ` Δ ${formatDelta(r.delta_vs_baseline, c.direction)} vs ${r.baseline}`;
      return `${meanSpread(r)} (n=${r.n})${c.best ? " *" : ""}${delta}`;
    }),
  ]);
  return { header, rows };
}
