import { tmpdir } from "node:os";
import type { Config } from "../../core/config/config-schema.js";
import { effectiveBudget } from "../../core/config/effective-budget.js";
import { planDispatch } from "../../core/plan/plan-dispatch.js";
import { measuredHoursByExperiment } from "../../core/runner/measured-hours.js";
import { GitRepo } from "../../git/git-repo.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { readDispatchState } from "../../operations/dispatch-state-store.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { renderTable } from "../render-table.js";

export const planHelp = `labgate plan [definitions.json] [--phase pilot|full] [--stage N] [--json]

Expands experiments x params x seeds into runs, estimates GPU-hours against the budget, and
balances the runs into shards for the runner pools of .github/labgate.yml (longest first, at
most 256 shards a wave). Each shard's job, its runs packed onto one machine's GPUs as the runner
packs them, stays within dispatch.max_job_hours (default 40); a campaign longer than that runs in
waves, one workflow run each, on one approval (docs/runners.md); each later wave is planned
again from the runs still to run (a run that failed or stopped early is not run again, a lost
one is), so the waves shown are the plan before any run. --json prints { runs, gpu_hours,
budget_gpu_hours, shards, matrix, waves, max_job_hours, dispatch }, where matrix holds every
shard of every wave (the dispatch workflow hands one wave's to strategy.matrix) and each wave
lists its shards. \`labgate run\` ignores waves: one machine runs the campaign to the end.`;

export interface PlanArgs {
  file?: string;
  config?: string;
  phase?: "pilot" | "full";
  stage?: number;
  json?: boolean;
}

export async function planCommand(ctx: CliContext, args: PlanArgs): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), {
    definitionsPath: args.file,
    configPath: args.config,
  });
  printDiagnostics(ctx, campaign.diagnostics);
  const loaded = campaign.loaded;
  if (!loaded) return EXIT_FAILED;
  const budget = effectiveBudget(
    loaded.definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  const measuredHours = await readMeasuredHours(ctx.cwd, campaign.config);
  const result = planDispatch({
    experiments: loaded.experiments,
    config: campaign.config,
    filter: { phase: args.phase, stage: args.stage },
    tmpDir: tmpdir(),
    budgetGpuHours: budget,
    measuredHours,
    locate: (i) => ({ file: loaded.file, ...loaded.locate(["experiments", i]) }),
  });
  if (!result.ok) {
    printDiagnostics(ctx, result.diagnostics);
    return EXIT_FAILED;
  }
  const { plan } = result;
  const hours = round(plan.gpu_hours);
  if (args.json) {
    const out = {
      runs: plan.runs.length,
      gpu_hours: hours,
      budget_gpu_hours: budget ?? null,
      shards: plan.matrix.include.length,
      matrix: plan.matrix,
      waves: plan.waves,
      max_job_hours: plan.max_job_hours,
      dispatch: plan.runs.map((r, i) => ({
        run_id: r.run_id,
        exp_id: r.exp_id,
        phase: r.phase,
        stage: r.stage,
        shard: plan.shardOf[i],
        vram_mb: r.vram_mb,
        expected_hours: r.expected_duration_hours,
        estimate: r.estimate_source,
      })),
    };
    ctx.stdout.write(`${JSON.stringify(out)}\n`);
    return EXIT_OK;
  }
  // The wave column only when there are several: a campaign in one wave prints as it always did.
  const waved = plan.waves.length > 1;
  const waveOfShard = new Map(plan.waves.flatMap((w) => w.shards.map((s) => [s, w.wave])));
  const rows = plan.runs.map((r, i) => [
    r.run_id,
    r.exp_id,
    r.stage === null ? r.phase : `${r.phase}/${r.stage}`,
    ...(waved ? [waveOfShard.get(plan.shardOf[i] as number) ?? ""] : []),
    plan.shardOf[i] as number,
    r.vram_mb,
    round(r.expected_duration_hours),
  ]);
  const head = ["run_id", "exp_id", "phase/stage", ...(waved ? ["wave"] : []), "shard"];
  ctx.stdout.write(`${renderTable([...head, "vram_mb", "hours"], rows)}\n\n`);
  const shards = plan.matrix.include;
  const loads = shards.map((s) => s.gpu_hours);
  const mean = loads.reduce((a, b) => a + b, 0) / (loads.length || 1);
  const budgetText =
    budget === undefined
      ? "no budget set"
      : `budget ${budget} (${Math.round((plan.gpu_hours / budget) * 100)}%)`;
  ctx.stdout.write(
    `${plan.runs.length} runs, ${hours} GPU-hours estimated, ${budgetText}; ${shards.length} shard(s), max/mean shard load ${
      mean > 0 ? (Math.max(...loads) / mean).toFixed(2) : "1.00"
    }\n`,
  );
  if (waved) {
    const total = plan.waves.reduce((sum, w) => sum + w.hours, 0);
    ctx.stdout.write(
      `${plan.waves.length} waves: longer than one job per machine (dispatch.max_job_hours ${plan.max_job_hours} h), so each wave is one workflow run, the next dispatched when the last has committed its results and planned from the runs still to run; about ${round(total)} h (${round(total / 24)} days) in all\n`,
    );
    for (const w of plan.waves)
      ctx.stdout.write(
        `  wave ${w.wave}: ${w.runs} runs in ${w.shards.length} shard(s), ${w.gpu_hours} GPU-hours, about ${round(w.hours)} h\n`,
      );
  }
  const measured = new Set(
    plan.runs.filter((r) => r.estimate_source === "measured").map((r) => r.exp_id),
  );
  if (measured.size > 0)
    ctx.stdout.write(
      `estimates: measured durations (mean duration_hours of finished runs in ${campaign.config.dispatch_dir}/) for ${measured.size} experiment(s): ${[...measured].join(", ")}; declared expected_duration_hours for the rest\n`,
    );
  if (budget !== undefined && plan.gpu_hours > budget)
    ctx.stderr.write(
      `warning: the plan exceeds the budget by ${round(plan.gpu_hours - budget)} GPU-hours\n`,
    );
  return EXIT_OK;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Mean measured hours per experiment from earlier runs; an unreadable state just means none. */
async function readMeasuredHours(cwd: string, config: Config): Promise<Map<string, number>> {
  const read = await readDispatchState({ cwd, config, git: GitRepo.open(cwd) }).catch(
    () => undefined,
  );
  return measuredHoursByExperiment(read ? read.entries.values() : []);
}
