import { z } from "zod";
import { Executor, SlurmPoolOptions } from "../slurm/slurm-pool-options.js";

/**
 * `.github/labgate.yml` (docs/config.md). Every key has a default, so an absent file is a valid config.
 * Keys are snake_case like definitions.json.
 */

/** Where labgate's config is in a repository (docs/config.md). */
export const CONFIG_PATH = ".github/labgate.yml";

/**
 * The owner-wide fallback, the Probot way: a repository without its own `.github/labgate.yml`
 * takes the one in its owner's `.github` repository (docs/config.md).
 */
export const ORG_CONFIG_REPO = ".github";

export const RunnerPool = z.strictObject({
  name: z.string().min(1),
  labels: z
    .array(z.string().min(1))
    .min(1)
    .describe("Runner labels a job must request, e.g. [self-hosted, gpu]."),
  machines: z
    .int()
    .min(1)
    .default(1)
    .describe("How many machines with these labels are registered."),
  gpus_per_machine: z.int().min(0).default(1),
  gpu_memory_mb: z.int().min(0).default(24_576).describe("Memory of one GPU, MB."),
  platform_factor: z
    .number()
    .positive()
    .default(1)
    .describe("Duration multiplier relative to where pilots ran."),
  executor: Executor,
  slurm: SlurmPoolOptions.optional().describe(
    "With executor: slurm, what sbatch asks for per run (docs/runners.md).",
  ),
});
export type RunnerPool = z.infer<typeof RunnerPool>;

export const Fixer = z.strictObject({
  name: z.string().min(1),
  command: z.string().min(1),
  answers: z
    .array(z.string().min(1))
    .default([])
    .describe("Gate reasons or run failure reasons this fixer addresses."),
  timeout_seconds: z.int().positive().default(300),
});

export const Config = z.strictObject({
  definitions: z.string().default("experiments/definitions.json"),
  results_dir: z.string().default("experiments/results"),
  dispatch_dir: z.string().default("dispatch"),
  approvers: z
    .strictObject({
      users: z.array(z.string()).default([]),
      teams: z.array(z.string()).default([]).describe("org/team-slug"),
      require_other_approver: z
        .boolean()
        .default(false)
        .describe("If true, a PR's author cannot approve it."),
    })
    .prefault({}),
  gates: z
    .strictObject({
      required_script_flags: z
        .array(z.string())
        .default(["--seed", "--checkpoint-dir", "--resume", "--dry-run"]),
      dry_run_timeout_seconds: z.int().positive().default(120),
      min_seeds: z.int().min(1).default(3),
      pilot: z
        .strictObject({
          proceed_min_pass_rate: z.number().min(0).max(1).default(1),
          rollback_max_pass_rate: z.number().min(0).max(1).default(0.5),
        })
        .prefault({})
        .describe(
          "PROCEED when the pilot pass rate is at least proceed_min_pass_rate and stage 1 passed; ROLLBACK below rollback_max_pass_rate or when stage 1 failed; ITERATE otherwise.",
        ),
      debate: z
        .strictObject({
          max_timeline_days: z
            .number()
            .positive()
            .default(14)
            .describe("Skeptic: REVISE when GPU-hours / GPUs of all pools exceed this many days."),
          max_run_hours: z
            .number()
            .positive()
            .default(72)
            .describe("Skeptic: REVISE when one run is expected to take longer than this."),
          max_campaign_days: z
            .number()
            .positive()
            .default(30)
            .describe(
              "Skeptic: REVISE when the full phase, planned on runner_pools in waves of dispatch.max_job_hours, is expected to take longer than this many days.",
            ),
        })
        .prefault({}),
    })
    .prefault({}),
  runner_pools: z
    .array(RunnerPool)
    .min(1)
    .default([
      {
        name: "gpu",
        labels: ["self-hosted", "gpu"],
        machines: 1,
        gpus_per_machine: 1,
        gpu_memory_mb: 24_576,
        platform_factor: 1,
      },
    ]),
  max_shards: z
    .int()
    .min(1)
    .max(256)
    .default(256)
    .describe("GitHub allows 256 matrix jobs per workflow run."),
  dispatch_workflow: z.string().default("labgate-dispatch.yml"),
  dispatch: z
    .strictObject({
      max_job_hours: z
        .number()
        .positive()
        .max(100)
        .default(40)
        .describe(
          "Expected hours one runner job may hold (its runs packed onto one machine's GPUs); what does not fit goes into later waves. GitHub stops a self-hosted job after 5 days; `labgate init` writes the run job's timeout-minutes as this x 1.2 (docs/github-limits.md).",
        ),
    })
    .prefault({}),
  gates_workflow: z
    .string()
    .default("labgate-gates.yml")
    .describe(
      "The workflow (file name in .github/workflows) the app dispatches on the default branch to run the code-review dry-runs.",
    ),
  timeout_factor: z.number().positive().default(2),
  kill_grace_seconds: z
    .number()
    .min(0)
    .default(30)
    .describe(
      "Seconds a run has between SIGTERM (its time limit, a cancel, Ctrl+C) and SIGKILL, to save a checkpoint; the same grace applies to processes a run leaves behind when its main process exits.",
    ),
  checkpoint_root: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where {checkpoint_dir} folders are made (absolute, or relative to the checkout); default: .labgate-checkpoints/<checkout folder name> beside the checkout, which survives reboots and a git clean of the checkout.",
    ),
  max_result_file_mb: z
    .number()
    .positive()
    .max(95)
    .default(16)
    .describe(
      "The largest result file labgate reads and commits, in MiB (1 MiB = 1048576 bytes); a run whose result file is larger fails with the reason. GitHub refuses files over 100 MB in a push.",
    ),
  budget: z.strictObject({ gpu_hours: z.number().positive().optional() }).prefault({}),
  autofix: z
    .strictObject({
      commands: z.array(Fixer).default([]),
      normalize_definitions: z
        .boolean()
        .default(true)
        .describe("Run the built-in definitions.json normalizer for `definitions` gate failures."),
    })
    .prefault({}),
  nightly: z
    .strictObject({
      regression_threshold: z
        .number()
        .min(0)
        .default(0.02)
        .describe("Relative change against the hypothesis' direction."),
      stagnation_nights: z.int().min(1).default(7),
      noise_k: z
        .number()
        .min(0)
        .default(3)
        .describe(
          "A regression must also exceed noise_k standard errors of the difference of the means over seeds.",
        ),
    })
    .prefault({}),
});
export type Config = z.infer<typeof Config>;

export const DEFAULT_CONFIG: Config = Config.parse({});
