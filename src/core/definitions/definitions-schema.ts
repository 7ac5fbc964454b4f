import { z } from "zod";

/**
 * The zod schema of `experiments/definitions.json` (docs/definitions.md). It is the single source of truth:
 * `definitions.schema.json` is generated from it (`npm run schema`) and a test fails when stale.
 *
 * Every experiment field except `id` may come from `defaults`, so the *input* schema keeps them
 * optional; `resolve-experiments.ts` merges defaults and then checks `ResolvedExperiment`.
 */

const id = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "an id: letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .max(80);

export const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const Hypothesis = z.strictObject({
  id,
  claim: z.string().min(1),
  metric: z.string().min(1),
  direction: z.enum(["higher", "lower"]),
});

export const MetricDeclaration = z
  .strictObject({
    direction: z.enum(["higher", "lower"]).describe("Which way is better."),
    unit: z.string().min(1).optional().describe('Shown beside values, e.g. "%", "ms", "fraction".'),
    label: z.string().min(1).optional().describe("A readable name for tables and charts."),
  })
  .describe("A metric's direction (and optional unit and label); see docs/results.md.");
export type MetricDeclaration = z.infer<typeof MetricDeclaration>;

export const Method = z.strictObject({
  id,
  label: z.string().min(1),
  group: z.enum(["baseline", "ours", "ablation"]),
  ablates: z
    .string()
    .min(1)
    .optional()
    .describe("The component of `ours` that this ablation removes."),
  components: z
    .array(z.string().min(1))
    .optional()
    .describe("For `ours`: the components the method claims; each should have an ablation."),
});

export const Dataset = z.strictObject({
  id,
  label: z.string().min(1),
  metric: z.string().min(1).describe("The primary metric reported for this dataset."),
});

export const PassCriterion = z.union([
  z.strictObject({ metric: z.string().min(1), min: z.number() }),
  z.strictObject({ metric: z.string().min(1), max: z.number() }),
  z.strictObject({ metric: z.string().min(1), beats_baseline: z.literal(true) }),
]);
export type PassCriterion = z.infer<typeof PassCriterion>;

export const EarlyStop = z
  .strictObject({
    metric: z.string().min(1),
    below: z.number().optional(),
    above: z.number().optional(),
    min_runs: z.int().min(1).default(1),
  })
  .refine((r) => (r.below === undefined) !== (r.above === undefined), {
    message: "give exactly one of `below` or `above`",
  })
  .describe(
    "Cancel the experiment's remaining runs once the mean of `metric` over at least `min_runs` finished runs is below/above the threshold.",
  );
export type EarlyStop = z.infer<typeof EarlyStop>;

export const Baseline = z.strictObject({
  method: z.string().min(1),
  expected: z.record(z.string(), z.number()).optional(),
});

/**
 * Where a script that writes no `{result_file}` leaves its metrics (docs/definitions.md, "Existing
 * scripts"): regexes over its output, or a file it already writes. labgate turns what it captures
 * into the run's result file, with `meta.source` saying where the numbers came from.
 */
export const MetricsFromOutput = z.strictObject({
  stdout: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe(
      'Metric name -> a regex with one group, matched against the run\'s output; the last match wins. e.g. { "valid_ppl": "valid ppl\\s+([0-9.]+)" }',
    ),
  pattern: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A regex with two groups, name then value (or named groups `name` and `value`), e.g. "^(\\w+)[=:]\\s*([-0-9.eE+]+)$"; every match is a metric, the last one of a name wins.',
    ),
});
export const MetricsFromFile = z.strictObject({
  file: z
    .string()
    .min(1)
    .describe(
      "The file the script writes, with placeholders: e.g. {checkpoint_dir}/metrics.json or a W&B offline wandb-summary.json.",
    ),
  format: z.enum(["json", "csv", "jsonl"]),
  key: z
    .string()
    .min(1)
    .optional()
    .describe(
      "json/jsonl: a dot path to the object holding the metrics (e.g. `summary.eval`); default: the top level.",
    ),
});
export const MetricsFrom = z
  .union([MetricsFromOutput, MetricsFromFile])
  .describe(
    "Take the metrics from the script's output or from a file it writes, instead of a {result_file} it would have to write.",
  );
export type MetricsFrom = z.infer<typeof MetricsFrom>;

/** The contract elements a script may spell its own way (docs/definitions.md, "Existing scripts"). */
export const SCRIPT_FLAG_CONCEPTS = ["seed", "checkpoint_dir", "resume", "dry_run"] as const;
export type ScriptFlagConcept = (typeof SCRIPT_FLAG_CONCEPTS)[number];

const flagSpelling = z
  .union([z.string().min(1), z.null()])
  .describe("The script's own arguments for it (placeholders allowed), or null: it has none.");

export const ScriptFlags = z
  .strictObject({
    seed: flagSpelling,
    checkpoint_dir: flagSpelling,
    resume: flagSpelling,
    dry_run: flagSpelling,
  })
  .partial()
  .describe(
    'How this script spells labgate\'s contract, e.g. { "checkpoint_dir": "--save {checkpoint_dir}/model.pt", "resume": null, "dry_run": "--dry-run" }. null: the script lacks it (no resume: a retry starts over).',
  );
export type ScriptFlags = z.infer<typeof ScriptFlags>;

/** Fields an experiment may take from `defaults`. */
const experimentFields = {
  phase: z.enum(["pilot", "full"]),
  stage: z.int().min(1).max(3).describe("Pilots only: stage N+1 runs only after stage N passed."),
  method: z.string().min(1),
  dataset: z.string().min(1),
  hypotheses: z.array(z.string().min(1)),
  command: z
    .string()
    .min(1)
    .describe(
      "argv, run without a shell. Placeholders: {exp_id} {run_id} {seed} {method} {dataset} {checkpoint_dir} {result_file} {params.NAME}.",
    ),
  params: z
    .record(z.string(), z.array(Scalar).min(1))
    .describe("A grid: each key a list of values; runs are the cartesian product."),
  seeds: z.array(z.int()).min(1),
  vram_mb: z.int().min(0).describe("GPU memory one run needs; 0 runs on a CPU slot."),
  expected_duration_hours: z.number().positive(),
  retries: z.int().min(0).max(10),
  runs_on: z
    .array(z.string().min(1))
    .min(1)
    .describe('Runner labels, e.g. ["self-hosted", "gpu"].'),
  purpose: z.string(),
  baseline: Baseline,
  nightly: z.boolean(),
  early_stop: EarlyStop,
  pass_criterion: PassCriterion,
  metrics_from: MetricsFrom,
  script_flags: ScriptFlags,
};

export const Defaults = z.strictObject(experimentFields).partial();

export const ExperimentInput = z
  .strictObject({ id, ...experimentFields })
  .partial()
  .required({ id: true });

export const Definitions = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  project: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a slug: lowercase letters, digits and '-'"),
  title: z.string().min(1),
  hypotheses: z.array(Hypothesis).min(1),
  metrics: z
    .record(z.string().min(1), MetricDeclaration)
    .optional()
    .describe(
      "Each metric's direction: what best cells, deltas, pilot criteria, the nightly and the charts follow.",
    ),
  methods: z.array(Method).min(1),
  datasets: z.array(Dataset).min(1),
  defaults: Defaults.default({}),
  experiments: z.array(ExperimentInput).min(1),
  budget: z.strictObject({ gpu_hours: z.number().positive() }).optional(),
});
export type Definitions = z.infer<typeof Definitions>;

/** An experiment after `defaults` are applied: what the planner and runner consume. */
export const ResolvedExperiment = z.strictObject({
  id,
  phase: experimentFields.phase,
  stage: experimentFields.stage.optional(),
  method: experimentFields.method,
  dataset: experimentFields.dataset,
  hypotheses: experimentFields.hypotheses.default([]),
  command: experimentFields.command,
  params: experimentFields.params.default({}),
  seeds: experimentFields.seeds,
  vram_mb: experimentFields.vram_mb.default(0),
  expected_duration_hours: experimentFields.expected_duration_hours,
  retries: experimentFields.retries.default(0),
  runs_on: experimentFields.runs_on.default(["self-hosted", "gpu"]),
  purpose: experimentFields.purpose.default(""),
  baseline: Baseline.optional(),
  nightly: z.boolean().default(false),
  early_stop: EarlyStop.optional(),
  pass_criterion: PassCriterion.optional(),
  metrics_from: MetricsFrom.optional(),
  script_flags: ScriptFlags.optional(),
});
export type ResolvedExperiment = z.infer<typeof ResolvedExperiment>;
