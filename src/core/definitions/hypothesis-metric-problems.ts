import type { PathSegment } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import type { Definitions, ResolvedExperiment } from "./definitions-schema.js";

export interface HypothesisMetricProblem {
  path: PathSegment[];
  message: string;
  hint: string;
  severity: "error" | "warning";
}

/** The metric names a run's captured output is limited to: its `metrics_from.stdout` names. */
function capturedNames(exp: ResolvedExperiment): readonly string[] | undefined {
  const mf = exp.metrics_from;
  if (!mf || !("stdout" in mf) || !mf.stdout || mf.pattern !== undefined) return undefined;
  return Object.keys(mf.stdout);
}

/**
 * A hypothesis must be about a metric the runs report, or its verdict can never be reached
 * (docs/definitions.md). The known metrics are those `metrics` declares, the datasets' primary
 * metrics and the names `metrics_from.stdout` captures. A hypothesis about another metric is an
 * error where the names are fixed before the run (a `metrics` map is declared, or every
 * experiment testing it, or every experiment where none tests it, captures named stdout
 * metrics); where only the runs' result files will tell, a warning only when the name is a near
 * miss of a known one (a likely typo): a campaign whose scripts report other metrics is common.
 */
export function hypothesisMetricProblems(
  defs: Pick<Definitions, "hypotheses" | "metrics" | "datasets">,
  experiments: readonly ResolvedExperiment[],
): HypothesisMetricProblem[] {
  const known = new Set<string>([
    ...Object.keys(defs.metrics ?? {}),
    ...defs.datasets.map((d) => d.metric),
    ...experiments.flatMap((e) => capturedNames(e) ?? []),
  ]);
  const knownList = [...known].sort();
  const out: HypothesisMetricProblem[] = [];
  defs.hypotheses.forEach((h, i) => {
    if (known.has(h.metric)) return;
    const testers = experiments.filter((e) => e.hypotheses.includes(h.id));
    const producers = testers.length > 0 ? testers : experiments;
    const fixed =
      defs.metrics !== undefined ||
      (producers.length > 0 && producers.every((e) => capturedNames(e) !== undefined));
    const suggestion = didYouMean(h.metric, knownList);
    if (!fixed && suggestion === undefined) return;
    const declare = `"metrics": { "${h.metric}": { "direction": "${h.direction}" } }`;
    const known_ = knownList.length > 0 ? knownList.join(", ") : "none";
    out.push(
      fixed
        ? {
            path: ["hypotheses", i, "metric"],
            message: `hypothesis "${h.id}" is about metric "${h.metric}", which metrics does not declare and no experiment produces (known metrics: ${known_})`,
            hint: `${suggestion ? `did you mean "${suggestion}"? Otherwise ` : ""}name a metric the runs report, and declare it: ${declare}.`,
            severity: "error",
          }
        : {
            path: ["hypotheses", i, "metric"],
            message: `hypothesis "${h.id}" is about metric "${h.metric}", which neither metrics nor a dataset nor a metrics_from names (known metrics: ${known_}); only the runs' result files can tell whether they report it`,
            hint: `did you mean "${suggestion}"? Otherwise declare it, so that a typo is caught before the runs: ${declare}.`,
            severity: "warning",
          },
    );
  });
  return out;
}
