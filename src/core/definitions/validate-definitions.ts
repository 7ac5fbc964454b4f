import { budgetText, effectiveBudget } from "../config/effective-budget.js";
import type { Diagnostic, PathSegment } from "../diagnostics/diagnostic.js";
import { formatPath } from "../diagnostics/diagnostic.js";
import { parseJsonSource } from "../diagnostics/json-source.js";
import { zodIssuesToDiagnostics } from "../diagnostics/zod-issues-to-diagnostics.js";
import { estimateGpuHours } from "../plan/estimate-gpu-hours.js";
import { countRuns, paramGrid } from "../plan/expand-runs.js";
import { runId } from "../plan/run-id.js";
import { metricDirectionProblems } from "../results/metric-direction-problems.js";
import { checkPlaceholders } from "./command-placeholders.js";
import { Definitions, ResolvedExperiment } from "./definitions-schema.js";
import { hypothesisMetricProblems } from "./hypothesis-metric-problems.js";
import { scriptContractProblems } from "./script-contract.js";
import { splitCommand } from "./split-command.js";

/** A definitions file that passed validation, with positions for later gates' messages. */
export interface LoadedDefinitions {
  file: string;
  definitions: Definitions;
  experiments: ResolvedExperiment[];
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

export interface ValidationResult {
  /** Present only when there are no errors (warnings allowed). */
  loaded?: LoadedDefinitions;
  diagnostics: Diagnostic[];
}

/** Above this many runs in one campaign, expansion is refused (a typo in a grid, usually). */
export const MAX_RUNS = 1_000_000;

/**
 * Schema and semantic validation of definitions.json (docs/definitions.md). Pure: text in, diagnostics out.
 * Every diagnostic has the file, the JSON path, the line and column, and a fix.
 */
export function validateDefinitions(
  file: string,
  text: string,
  options: { budgetGpuHours?: number } = {},
): ValidationResult {
  const parsed = parseJsonSource(file, text);
  if (!parsed.ok) return { diagnostics: [parsed.diagnostic] };
  const { source } = parsed;
  const diagnostics: Diagnostic[] = [...parsed.duplicates];
  const err = (
    path: PathSegment[],
    message: string,
    hint?: string,
    severity: Diagnostic["severity"] = "error",
  ): Diagnostic => {
    const d: Diagnostic = {
      severity,
      file,
      path: formatPath(path),
      ...source.locate(path),
      message,
      hint,
    };
    diagnostics.push(d);
    return d;
  };

  const shape = Definitions.safeParse(source.value, { reportInput: true });
  if (!shape.success) {
    diagnostics.push(...zodIssuesToDiagnostics(shape.error.issues, Definitions, source));
    return { diagnostics };
  }
  const defs = shape.data;

  for (const [list, name] of [
    [defs.hypotheses, "hypotheses"],
    [defs.methods, "methods"],
    [defs.datasets, "datasets"],
    [defs.experiments, "experiments"],
  ] as const) {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const first = seen.get(item.id);
      if (first !== undefined)
        err(
          [name, i, "id"],
          `duplicate id "${item.id}" (also ${name}[${first}])`,
          "give every entry its own id.",
        );
      else seen.set(item.id, i);
    });
  }

  const methodIds = new Set(defs.methods.map((m) => m.id));
  const datasetIds = new Set(defs.datasets.map((d) => d.id));
  const hypothesisIds = new Set(defs.hypotheses.map((h) => h.id));
  const listOf = (s: Set<string>) => [...s].join(", ");

  const experiments: ResolvedExperiment[] = [];
  const runOwner = new Map<string, number>();
  let totalRuns = 0;
  // A problem in `defaults` is found once per experiment that inherits it; it is reported once,
  // at the defaults, naming those experiments.
  const inherited = new Map<string, { diagnostic: Diagnostic; experiments: string[] }>();
  defs.experiments.forEach((input, i) => {
    const at: PathSegment[] = ["experiments", i];
    const merged = { ...defs.defaults, ...input };
    const resolved = ResolvedExperiment.safeParse(merged, { reportInput: true });
    if (!resolved.success) {
      diagnostics.push(
        ...zodIssuesToDiagnostics(resolved.error.issues, ResolvedExperiment, source, at, {
          missingFieldHint: "add the field here or under `defaults`.",
        }),
      );
      return;
    }
    const exp = resolved.data;
    experiments.push(exp);
    const fieldPath = (field: string): PathSegment[] =>
      field in input ? [...at, field] : ["defaults", field];
    const report = (
      path: PathSegment[],
      message: string,
      hint?: string,
      severity: Diagnostic["severity"] = "error",
    ) => {
      if (path[0] !== "defaults") {
        err(path, message, hint, severity);
        return;
      }
      const key = `${formatPath(path)}\n${message}`;
      const seen = inherited.get(key);
      if (seen) seen.experiments.push(exp.id);
      else
        inherited.set(key, {
          diagnostic: err(path, message, hint, severity),
          experiments: [exp.id],
        });
    };

    if (!methodIds.has(exp.method))
      report(
        fieldPath("method"),
        `method "${exp.method}" is not declared in methods`,
        `use one of: ${listOf(methodIds)}.`,
      );
    if (!datasetIds.has(exp.dataset))
      report(
        fieldPath("dataset"),
        `dataset "${exp.dataset}" is not declared in datasets`,
        `use one of: ${listOf(datasetIds)}.`,
      );
    exp.hypotheses.forEach((h, j) => {
      if (!hypothesisIds.has(h))
        report(
          [...fieldPath("hypotheses"), j],
          `hypothesis "${h}" is not declared in hypotheses`,
          `use one of: ${listOf(hypothesisIds)}.`,
        );
    });
    if (exp.baseline && !methodIds.has(exp.baseline.method))
      report(
        [...fieldPath("baseline"), "method"],
        `baseline method "${exp.baseline.method}" is not declared in methods`,
        `use one of: ${listOf(methodIds)}.`,
      );
    if (exp.phase === "pilot" && exp.stage === undefined)
      report(
        at,
        `pilot experiment "${exp.id}" has no stage`,
        'add "stage": 1, 2 or 3 (stage N+1 runs only after stage N passed).',
      );
    if (exp.phase === "full" && "stage" in input)
      report(
        [...at, "stage"],
        "`stage` applies to pilots only; it is ignored for a full experiment",
        "remove it.",
        "warning",
      );
    if (exp.pass_criterion && "beats_baseline" in exp.pass_criterion && !exp.baseline)
      report(
        [...fieldPath("pass_criterion")],
        "pass_criterion beats_baseline needs a `baseline`",
        'add "baseline": { "method": "<baseline method id>" }.',
      );

    const split = splitCommand(exp.command);
    if (!split.ok)
      report(
        fieldPath("command"),
        `${split.message} (at character ${split.offset + 1})`,
        "commands are argv without a shell.",
      );
    for (const p of checkPlaceholders(exp.command, Object.keys(exp.params)))
      report(fieldPath("command"), p.message, `fix the placeholder {${p.name}}.`);
    for (const p of scriptContractProblems(exp)) {
      const where = fieldPath(p.field);
      const message =
        p.aboutExperiment && where[0] !== "defaults"
          ? `experiment "${exp.id}": ${p.message}`
          : p.message;
      report([...where, ...p.path], message, p.hint, p.severity);
    }

    for (const p of metricsFromReach(exp.metrics_from)) {
      const where = [...fieldPath("metrics_from"), ...p.path];
      const message = where[0] !== "defaults" ? `experiment "${exp.id}": ${p.message}` : p.message;
      report(where, message, p.hint);
    }

    const seenSeeds = new Set<number>();
    exp.seeds.forEach((s, j) => {
      if (seenSeeds.has(s))
        report(
          [...fieldPath("seeds"), j],
          `seed ${s} is listed twice`,
          "seeds must be distinct: each gives one run.",
        );
      seenSeeds.add(s);
    });

    const n = countRuns(exp);
    totalRuns += n;
    if (totalRuns > MAX_RUNS) {
      if (totalRuns - n <= MAX_RUNS)
        report(
          at,
          `the campaign expands to more than ${MAX_RUNS.toLocaleString("en")} runs`,
          "check the params grid for a typo; split the campaign.",
        );
      return;
    }
    if (seenSeeds.size !== exp.seeds.length) return;
    for (const params of paramGrid(exp.params)) {
      for (const seed of exp.seeds) {
        const id = runId(exp.id, params, seed);
        const owner = runOwner.get(id);
        if (owner !== undefined)
          report(
            at,
            `run id "${id}" is produced twice (also by experiments[${owner}])`,
            "rename the experiment or make params values differ in letters and digits, not only punctuation.",
          );
        else runOwner.set(id, i);
      }
    }
  });

  for (const { diagnostic, experiments: ids } of inherited.values())
    diagnostic.message += ` (from defaults, in ${inheritedBy(ids)})`;

  for (const p of metricDirectionProblems(defs)) err(p.path, p.message, p.hint, p.severity);
  for (const p of hypothesisMetricProblems(defs, experiments))
    err(p.path, p.message, p.hint, p.severity);

  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  const budget = effectiveBudget(defs.budget?.gpu_hours, options.budgetGpuHours);
  const hours = estimateGpuHours(experiments);
  if (budget !== undefined && hours > budget.gpuHours)
    err(
      budget.fromDefinitions ? ["budget", "gpu_hours"] : [],
      `estimated ${hours.toFixed(1)} GPU-hours exceed the budget of ${budgetText(defs.budget?.gpu_hours, options.budgetGpuHours)}`,
      "cut seeds or grid values, shorten runs, or raise budget.gpu_hours with your PI's agreement.",
      "warning",
    );

  const loaded: LoadedDefinitions = { file, definitions: defs, experiments, locate: source.locate };
  return { loaded, diagnostics };
}

/** "experiment a", "experiments a, b and c", "experiments a, b, c and 4 more". */
function inheritedBy(ids: readonly string[]): string {
  if (ids.length === 1) return `experiment ${ids[0]}`;
  const shown = ids.length > 4 ? ids.slice(0, 3) : ids.slice(0, -1);
  const last = ids.length > 4 ? `${ids.length - 3} more` : ids[ids.length - 1];
  return `experiments ${shown.join(", ")} and ${last}`;
}

/**
 * A `metrics_from` no run could take metrics from: `stdout` with no regex (and no `pattern`), or a
 * file the runner would refuse to read — it reads only under the run's `{checkpoint_dir}` or the
 * repository (docs/definitions.md, "Existing scripts"), so an absolute path or one climbing out
 * with `..` would fail every run after its training, not here.
 */
function metricsFromReach(
  mf: ResolvedExperiment["metrics_from"],
): { path: PathSegment[]; message: string; hint: string }[] {
  if (!mf) return [];
  if (!("file" in mf)) {
    if (mf.stdout !== undefined && Object.keys(mf.stdout).length === 0 && mf.pattern === undefined)
      return [
        {
          path: ["stdout"],
          message: "metrics_from.stdout names no metric, so every run would finish without metrics",
          hint: 'add one entry per metric: "stdout": { "<metric>": "<regex with one group>" }, or use a "pattern".',
        },
      ];
    return [];
  }
  const file = mf.file;
  const relativePart = file.startsWith("{checkpoint_dir}")
    ? file.slice("{checkpoint_dir}".length)
    : undefined;
  const absolute = relativePart === undefined && /^(\/|~|\\|[A-Za-z]:)/.test(file);
  const climbs = file.split(/[\\/]/).includes("..");
  if (!absolute && !climbs) return [];
  return [
    {
      path: ["file"],
      message: `metrics_from.file ${JSON.stringify(file)} is outside the run's {checkpoint_dir} and the repository, so no run could read it`,
      hint: 'name it under the run\'s checkpoint folder ("{checkpoint_dir}/metrics.json") or by a path relative to the repository, without "..".',
    },
  ];
}
