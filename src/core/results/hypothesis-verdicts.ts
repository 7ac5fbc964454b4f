import type { Definitions, ResolvedExperiment } from "../definitions/definitions-schema.js";
import { variantParts } from "../plan/run-id.js";
import type { AggregatedRow } from "./aggregate-rows.js";
import { formatDelta, num, signed } from "./format-delta.js";
import { type Direction, type DirectionDefinitions, metricSenses } from "./metric-direction.js";
import { sweepSelector } from "./sweep-variant.js";

export type HypothesisOutcome = "supported" | "refuted" | "inconclusive";

/** One method's result on one dataset against its baseline, as a hypothesis' evidence. */
export interface HypothesisComparison {
  row: AggregatedRow;
  /**
   * "method": a method against its baseline, the claim being that it does better; "ablation":
   * an ablation against the method it ablates, the claim being that the removed part contributes,
   * so that removing it does worse.
   */
  role: "method" | "ablation";
  /**
   * "better" / "worse", in the metric's direction, when the 95% CI of the difference excludes 0;
   * "unclear" otherwise.
   */
  finding: "better" | "worse" | "unclear";
  /** What the finding says of the claim: better supports a method's, worse an ablation's. */
  bearing: "supports" | "contradicts" | "unclear";
}

export interface HypothesisVerdict {
  id: string;
  claim: string;
  metric: string;
  direction: Direction;
  verdict: HypothesisOutcome;
  /** The evidence in one line: each comparison's difference, its 95% CI and p-value. */
  evidence: string;
  comparisons: HypothesisComparison[];
}

/** At most this many comparisons are spelled out in a verdict's one line of evidence. */
const SHOWN = 3;

/**
 * A verdict per hypothesis from the aggregated results of one phase (docs/results.md): the
 * comparisons are the rows, on the hypothesis' metric, of the experiments that name it whose
 * method is compared with a measured baseline — the `ours` methods when there are any (an
 * ablation compared with `ours` tests a component, not the claim), one cell per method and
 * dataset (the variant a sweep selects, as in the design table). Each comparison is better or
 * worse, in the metric's direction as everything else resolves it (`metricSenses`), when the 95%
 * CI of the difference excludes 0. A method's comparison supports the claim when it is better; an
 * ablation's (an `ablation` method against the method it ablates: "X contributes") when it is
 * worse, since removing X should cost something.
 * - supported: every comparison supports the claim;
 * - refuted: at least one contradicts it and none supports it;
 * - inconclusive: otherwise (no comparison, a single seed, CIs that include 0, or mixed results).
 */
export function hypothesisVerdicts(
  rows: readonly AggregatedRow[],
  defs: Pick<Definitions, "hypotheses" | "methods"> & Pick<DirectionDefinitions, "metrics">,
  experiments: readonly Pick<ResolvedExperiment, "id" | "hypotheses">[],
  phase: string,
): HypothesisVerdict[] {
  const groupOf = new Map(defs.methods.map((m) => [m.id, m.group as string]));
  const sense = metricSenses(defs);
  const select = sweepSelector(rows, (m) => sense(m).direction);
  return defs.hypotheses.map((h) => {
    // The metric's one direction (declared, else the first hypothesis about it, else its name),
    // as in the design table and Δ: a hypothesis that disagrees gets a validate warning instead.
    const direction = sense(h.metric).direction;
    const naming = new Set(experiments.filter((e) => e.hypotheses.includes(h.id)).map((e) => e.id));
    const compared = rows.filter(
      (r) =>
        r.phase === phase &&
        r.metric === h.metric &&
        naming.has(experimentIdOf(r.exp_id)) &&
        r.baseline != null &&
        r.baseline !== "expected" &&
        r.delta_vs_baseline != null,
    );
    const ours = compared.filter((r) => groupOf.get(r.method) === "ours");
    const cells = new Map<string, AggregatedRow[]>();
    for (const r of ours.length > 0 ? ours : compared) {
      const k = `${r.method}\u0000${r.dataset}`;
      const list = cells.get(k);
      if (list) list.push(r);
      else cells.set(k, [r]);
    }
    const chosen = [...cells.values()].map((list) => select(list) as AggregatedRow);
    const comparisons = chosen.map((row): HypothesisComparison => {
      const role = groupOf.get(row.method) === "ablation" ? "ablation" : "method";
      const found = finding(row, direction);
      return { row, role, finding: found, bearing: bearing(found, role) };
    });
    const supports = comparisons.filter((c) => c.bearing === "supports").length;
    const contradicts = comparisons.filter((c) => c.bearing === "contradicts").length;
    const verdict: HypothesisOutcome =
      comparisons.length > 0 && supports === comparisons.length
        ? "supported"
        : contradicts > 0 && supports === 0
          ? "refuted"
          : "inconclusive";
    return {
      id: h.id,
      claim: h.claim,
      metric: h.metric,
      direction,
      verdict,
      evidence: evidence(comparisons, { metric: h.metric, direction }, phase),
      comparisons,
    };
  });
}

function bearing(
  found: HypothesisComparison["finding"],
  role: HypothesisComparison["role"],
): HypothesisComparison["bearing"] {
  if (found === "unclear") return "unclear";
  return (found === "better") === (role === "method") ? "supports" : "contradicts";
}

function finding(r: AggregatedRow, direction: Direction): HypothesisComparison["finding"] {
  if (r.delta_ci95_low == null || r.delta_ci95_high == null) return "unclear";
  if (r.delta_ci95_low > 0) return direction === "higher" ? "better" : "worse";
  if (r.delta_ci95_high < 0) return direction === "higher" ? "worse" : "better";
  return "unclear";
}

function evidence(
  comparisons: readonly HypothesisComparison[],
  h: { metric: string; direction: Direction },
  phase: string,
): string {
  if (comparisons.length === 0)
    return `no ${phase}-phase result on ${h.metric} compared with a measured baseline in the experiments that name it`;
  // Contradicting and supporting findings first: they decide the verdict.
  const order = { contradicts: 0, supports: 1, unclear: 2 } as const;
  const sorted = [...comparisons].sort((a, b) => order[a.bearing] - order[b.bearing]);
  const parts = sorted.slice(0, SHOWN).map(({ row: r }) => {
    const base = `${r.method} vs ${r.baseline} on ${r.dataset}: ${h.metric} ${num(r.mean)} vs ${num(r.mean - (r.delta_vs_baseline as number))}, Δ ${formatDelta(r.delta_vs_baseline as number, h.direction)}`;
    if (r.delta_ci95_low == null || r.delta_ci95_high == null)
      // `test` is absent (not null) in an aggregated.json written before the CI columns.
      return r.test === undefined
        ? `${base}, no CI in this aggregated.json (re-run \`labgate aggregate\`)`
        : `${base}, no CI (n=${r.n}: a single seed on one side)`;
    return `${base}, 95% CI [${signed(r.delta_ci95_low)}, ${signed(r.delta_ci95_high)}], p=${pValue(r.p_value)} (${r.test}, n=${r.n})`;
  });
  const more = sorted.length - SHOWN;
  return `${parts.join("; ")}${more > 0 ? `; and ${more} more comparison(s)` : ""}`;
}

/** A p-value in two significant digits (`3.1e-5` below 0.001; no `<`, which markdown escapes). */
export const pValue = (p: number | null): string =>
  p == null ? "–" : p !== 0 && p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));

/** The definitions' experiment id of a variant id `<exp>[__k-v...]`. */
function experimentIdOf(variant: string): string {
  return variantParts(variant).expId;
}
