import { parseCsvLine } from "../results/csv-field.js";
import { RunningStats } from "../results/stats-accumulator.js";
import type { NightlyRow } from "./nightly-row.js";
import type { ParseAggregatedResult } from "./parse-aggregated.js";

/** The columns a results table needs to be compared; method and dataset are kept when present. */
const REQUIRED = ["exp_id", "metric", "value"] as const;

/**
 * Reads an `all_results.csv` (one row per run and metric, the canonical columns of
 * docs/results.md) into nightly rows, computing n, mean and sample std per (exp_id, method,
 * dataset, metric) itself: so a night with no aggregated.json (a history from before labgate, or
 * from another tool that writes the same columns) compares too. Only `exp_id`, `metric` and
 * `value` are required; other columns are ignored.
 */
export function parseAllResultsCsv(file: string, text: string): ParseAggregatedResult {
  const lines = text.split(/\r?\n/);
  const header = parseCsvLine(lines[0] ?? "").map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const missing = REQUIRED.filter((c) => col(c) < 0);
  if (missing.length > 0)
    return {
      ok: false,
      message: `${file}:1: no ${missing.map((c) => `\`${c}\``).join(", ")} column; a results table needs at least exp_id, metric and value (header found: ${header.join(",") || "(empty)"}).`,
    };
  const [iExp, iMetric, iValue] = REQUIRED.map(col) as [number, number, number];
  const iMethod = col("method");
  const iDataset = col("dataset");
  const series = new Map<
    string,
    { row: Omit<NightlyRow, "n" | "mean" | "std">; stats: RunningStats }
  >();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === "") continue;
    const f = parseCsvLine(line);
    const exp_id = f[iExp] ?? "";
    const metric = f[iMetric] ?? "";
    const raw = (f[iValue] ?? "").trim();
    const value = Number(raw);
    if (exp_id === "" || metric === "")
      return { ok: false, message: `${file}:${i + 1}: a row without exp_id or metric.` };
    if (raw === "" || !Number.isFinite(value))
      return {
        ok: false,
        message: `${file}:${i + 1}: value "${raw}" of ${exp_id} ${metric} is not a number.`,
      };
    const method = iMethod >= 0 ? f[iMethod] || undefined : undefined;
    const dataset = iDataset >= 0 ? f[iDataset] || undefined : undefined;
    const key = `${exp_id}\u0000${method ?? ""}\u0000${dataset ?? ""}\u0000${metric}`;
    let s = series.get(key);
    if (!s) {
      s = {
        row: {
          exp_id,
          metric,
          ...(method === undefined ? {} : { method }),
          ...(dataset === undefined ? {} : { dataset }),
        },
        stats: new RunningStats(),
      };
      series.set(key, s);
    }
    s.stats.add(value);
  }
  const rows: NightlyRow[] = [...series.values()].map(({ row, stats }) => ({
    ...row,
    n: stats.n,
    mean: Number(stats.mean.toPrecision(12)),
    std: Number(stats.std.toPrecision(12)),
  }));
  return { ok: true, rows };
}
