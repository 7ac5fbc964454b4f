import type { PathSegment } from "../diagnostics/diagnostic.js";
import {
  type DirectionDefinitions,
  directionWords,
  guessDirection,
  metricSenses,
} from "./metric-direction.js";

export interface MetricDirectionProblem {
  path: PathSegment[];
  message: string;
  hint: string;
  severity: "error" | "warning";
}

/** The fields of an experiment (or `defaults`) that name metrics. */
interface ExperimentMetrics {
  pass_criterion?: { metric: string };
  early_stop?: { metric: string; below?: number; above?: number };
  baseline?: { expected?: Readonly<Record<string, number>> };
}

/** Where definitions.json names metrics: what `metricDirectionProblems` reads. */
export interface MetricUses extends DirectionDefinitions {
  datasets: readonly { metric: string }[];
  defaults?: ExperimentMetrics;
  experiments: readonly ExperimentMetrics[];
}

/**
 * What `validate` says about metric directions (docs/results.md): a hypothesis whose direction
 * contradicts the metric's declaration is an error (best cells and verdicts would disagree);
 * two hypotheses that disagree on a metric with no declaration, a warning; a metric that is used
 * (a dataset's primary metric, a pass criterion, an early stop, an expected baseline value) with
 * neither a declaration nor a hypothesis, a warning: its direction is only guessed from its name;
 * an early stop on the good side of its metric (`below` where lower is better), a warning.
 */
export function metricDirectionProblems(defs: MetricUses): MetricDirectionProblem[] {
  const out: MetricDirectionProblem[] = [];
  const declared = defs.metrics ?? {};
  const has = (m: string) => Object.hasOwn(declared, m);
  const fromHypothesis = new Map<string, { direction: string; index: number }>();
  defs.hypotheses.forEach((h, i) => {
    const d = has(h.metric) ? declared[h.metric] : undefined;
    if (d && d.direction !== h.direction)
      out.push({
        path: ["hypotheses", i, "direction"],
        message: `hypothesis "${h.id}" says ${h.metric} is better ${h.direction}, but metrics.${h.metric} declares ${d.direction}`,
        hint: `make them agree: "${h.metric}" has one direction everywhere.`,
        severity: "error",
      });
    const first = fromHypothesis.get(h.metric);
    if (!first) fromHypothesis.set(h.metric, { direction: h.direction, index: i });
    else if (!d && first.direction !== h.direction)
      out.push({
        path: ["hypotheses", i, "direction"],
        message: `hypotheses disagree on ${h.metric}: hypotheses[${first.index}] says ${first.direction}, this one ${h.direction}; labgate uses ${first.direction}`,
        hint: `declare it: "metrics": { "${h.metric}": { "direction": "higher" | "lower" } }.`,
        severity: "warning",
      });
  });
  const uses: { metric: string; path: PathSegment[] }[] = [];
  defs.datasets.forEach((d, i) => {
    uses.push({ metric: d.metric, path: ["datasets", i, "metric"] });
  });
  const experimentUses = (e: ExperimentMetrics, at: PathSegment[]) => {
    if (e.pass_criterion)
      uses.push({ metric: e.pass_criterion.metric, path: [...at, "pass_criterion", "metric"] });
    if (e.early_stop)
      uses.push({ metric: e.early_stop.metric, path: [...at, "early_stop", "metric"] });
    for (const m of Object.keys(e.baseline?.expected ?? {}))
      uses.push({ metric: m, path: [...at, "baseline", "expected", m] });
  };
  if (defs.defaults) experimentUses(defs.defaults, ["defaults"]);
  defs.experiments.forEach((e, i) => {
    experimentUses(e, ["experiments", i]);
  });
  // An early stop cancels runs that do badly: `below` for a higher-is-better metric, `above` for a
  // lower-is-better one. The other way round it would cancel the runs that do well.
  const sense = metricSenses(defs);
  const earlyStop = (e: ExperimentMetrics, at: PathSegment[]) => {
    const rule = e.early_stop;
    if (!rule) return;
    const { direction } = sense(rule.metric);
    const side = rule.below !== undefined ? "below" : "above";
    if ((side === "below") === (direction === "higher")) return;
    out.push({
      path: [...at, "early_stop", side],
      message: `early_stop cancels the runs whose mean ${rule.metric} is ${side} the threshold, but ${directionWords(direction)} for ${rule.metric}: it would stop the runs that do well`,
      hint: `use "${side === "below" ? "above" : "below"}" (or declare ${rule.metric}'s direction in metrics if it is wrong).`,
      severity: "warning",
    });
  };
  if (defs.defaults) earlyStop(defs.defaults, ["defaults"]);
  defs.experiments.forEach((e, i) => {
    earlyStop(e, ["experiments", i]);
  });
  const warned = new Set<string>();
  for (const u of uses) {
    if (has(u.metric) || fromHypothesis.has(u.metric) || warned.has(u.metric)) continue;
    warned.add(u.metric);
    const guess = guessDirection(u.metric);
    out.push({
      path: u.path,
      message: `metric "${u.metric}" has no declared direction; labgate guesses "${guess} is better" from its name`,
      hint: `declare it: "metrics": { "${u.metric}": { "direction": "${guess}" } } (see docs/results.md).`,
      severity: "warning",
    });
  }
  return out;
}
