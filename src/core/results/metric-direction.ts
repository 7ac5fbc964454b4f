export type Direction = "higher" | "lower";

/**
 * Where a metric's direction came from: its declaration in the top-level `metrics` map, a
 * hypothesis about it, or a guess from its name (the fallback `labgate validate` warns about).
 */
export type DirectionSource = "declared" | "hypothesis" | "guessed";

export interface MetricDeclaration {
  direction: Direction;
  unit?: string;
  label?: string;
}

/** What a metric's direction is read from: the definitions' `metrics` map and hypotheses. */
export interface DirectionDefinitions {
  metrics?: Readonly<Record<string, MetricDeclaration>>;
  hypotheses: readonly { id: string; metric: string; direction: Direction; claim?: string }[];
}

export interface MetricSense {
  direction: Direction;
  source: DirectionSource;
  /** The declared label, else the metric's name. */
  label: string;
  unit?: string;
}

/** The words that make a metric lower-is-better when nothing declares its direction. */
const LOWER_WORDS = new Set([
  "loss",
  "error",
  "err",
  "ppl",
  "perplexity",
  "wer",
  "cer",
  "mae",
  "mse",
  "rmse",
  "nll",
  "fid",
  "latency",
  "time",
  "seconds",
  "sec",
  "ms",
]);

/**
 * The direction a metric's name suggests: lower for loss, error, ppl/perplexity, wer/cer,
 * mae/mse/rmse, nll, fid, latency and time (as a word of the name: `valid_ppl`, `trainLoss`,
 * `wall-time`, `top1_err`), higher for anything else. Only a fallback for undeclared metrics.
 */
export function guessDirection(metric: string): Direction {
  const words = metric
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z])/);
  return words.some((w) => LOWER_WORDS.has(w) || w.endsWith("loss") || w.endsWith("error"))
    ? "lower"
    : "higher";
}

/** Answers "which way is better" for any metric, from one definitions file. */
export type MetricSenseOf = (metric: string, hypothesisIds?: readonly string[]) => MetricSense;

/**
 * The one rule for a metric's direction, used by every consumer (aggregates, design table, Δ,
 * pilot pass and best, nightly, charts, hypothesis verdicts): its declaration in `metrics`; else
 * the direction of a hypothesis about it (the experiment's own hypotheses first); else a guess
 * from its name (see `guessDirection`), flagged `guessed`. Documented in docs/results.md.
 */
export function metricSenses(defs: DirectionDefinitions): MetricSenseOf {
  const byHypothesis = new Map<string, { metric: string; direction: Direction }>();
  const byMetric = new Map<string, Direction>();
  for (const h of defs.hypotheses) {
    byHypothesis.set(h.id, h);
    if (!byMetric.has(h.metric)) byMetric.set(h.metric, h.direction);
  }
  const declared = defs.metrics ?? {};
  return (metric, hypothesisIds = []) => {
    const d = Object.hasOwn(declared, metric) ? declared[metric] : undefined;
    if (d)
      return {
        direction: d.direction,
        source: "declared",
        label: d.label ?? metric,
        ...(d.unit === undefined ? {} : { unit: d.unit }),
      };
    for (const id of hypothesisIds) {
      const h = byHypothesis.get(id);
      if (h?.metric === metric)
        return { direction: h.direction, source: "hypothesis", label: metric };
    }
    const any = byMetric.get(metric);
    if (any) return { direction: any, source: "hypothesis", label: metric };
    return { direction: guessDirection(metric), source: "guessed", label: metric };
  };
}

/** Whether `a` is strictly better than `b` for a metric of `direction`. */
export const isBetter = (a: number, b: number, direction: Direction): boolean =>
  direction === "higher" ? a > b : a < b;

export type Change = "better" | "worse" | "same";

/** What a change `delta` (new minus old) means for a metric of `direction`. */
export function changeOf(delta: number, direction: Direction): Change {
  if (delta === 0 || Number.isNaN(delta)) return "same";
  return delta > 0 === (direction === "higher") ? "better" : "worse";
}

/** "higher is better" / "lower is better". */
export const directionWords = (d: Direction) => `${d} is better`;
