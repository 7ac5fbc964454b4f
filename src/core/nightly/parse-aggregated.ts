import { z } from "zod";
import { messageOf } from "../failure/failure.js";
import { type NightlyRow, NightlyRowSchema } from "./nightly-row.js";

/** A hypothesis' verdict as aggregated.json keeps it (see `hypothesisVerdicts`). */
export const HypothesisSummary = z.looseObject({
  id: z.string(),
  claim: z.string(),
  metric: z.string(),
  direction: z.enum(["higher", "lower"]),
  verdict: z.enum(["supported", "refuted", "inconclusive"]),
  evidence: z.string(),
});
export type HypothesisSummary = z.infer<typeof HypothesisSummary>;

export type ParseAggregatedResult =
  | { ok: true; rows: NightlyRow[]; hypotheses?: HypothesisSummary[] }
  | { ok: false; message: string };

/**
 * Reads an aggregated.json text into rows. Accepts a top-level array of rows or an object that
 * holds them under `rows`, `aggregated` or `results`, so the file format can grow a header
 * (project, commit) without breaking the comparison. Rows without a mean (no finished run) are
 * left out: there is nothing to compare.
 */
export function parseAggregated(file: string, text: string): ParseAggregatedResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      message: `${file}: not valid JSON (${messageOf(err)}); re-run \`labgate aggregate\` to rewrite it.`,
    };
  }
  const list = rowList(json);
  if (!list)
    return {
      ok: false,
      message: `${file}: expected an array of aggregated rows (or an object with a "rows" array), got ${describe(json)}.`,
    };
  const parsed = z.array(NightlyRowSchema).safeParse(list);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue
      ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("")
      : "";
    return {
      ok: false,
      message: `${file}: row${where}: ${issue?.message ?? "invalid"}; each row needs exp_id, metric, n, mean and std.`,
    };
  }
  const rows: NightlyRow[] = [];
  for (const r of parsed.data) {
    if (r.mean === null || r.n === 0) continue;
    rows.push({
      exp_id: r.exp_id,
      metric: r.metric,
      n: r.n,
      mean: r.mean,
      std: r.std ?? 0,
      ...(r.method === undefined ? {} : { method: r.method }),
      ...(r.dataset === undefined ? {} : { dataset: r.dataset }),
      ...(r.direction === undefined ? {} : { direction: r.direction }),
      ...(r.best === undefined ? {} : { best: r.best }),
      ...(r.delta_vs_baseline == null ? {} : { delta_vs_baseline: r.delta_vs_baseline }),
      ...(r.baseline == null ? {} : { baseline: r.baseline }),
      ...(r.change == null ? {} : { change: r.change }),
    });
  }
  // Verdicts are informational: a file without them (or with ones this version cannot read)
  // still compares.
  const verdicts = z
    .array(HypothesisSummary)
    .safeParse((json as { hypotheses?: unknown } | null)?.hypotheses);
  return { ok: true, rows, ...(verdicts.success ? { hypotheses: verdicts.data } : {}) };
}

function rowList(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json;
  if (json && typeof json === "object") {
    for (const key of ["rows", "aggregated", "results"]) {
      const v = (json as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v;
    }
  }
  return undefined;
}

const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);
