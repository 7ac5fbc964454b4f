import { tmpdir } from "node:os";
import { planDispatch } from "../../core/plan/plan-dispatch.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { renderTable } from "../render-table.js";

export const planHelp = `labgate plan [definitions.json] [--phase pilot|full] [--stage N] [--json]

Expands experiments x params x seeds into runs, estimates GPU-hours against the budget, and
balances the runs into shards for the runner pools of .github/labgate.yml (longest first, at
most 256 shards). --json prints { runs, gpu_hours, budget_gpu_hours, matrix, dispatch }, where
matrix is the exact value the dispatch workflow hands to strategy.matrix.`;

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
  const budget = loaded.definitions.budget?.gpu_hours ?? campaign.config.budget.gpu_hours;
  const result = planDispatch({
    experiments: loaded.experiments,
    config: campaign.config,
    filter: { phase: args.phase, stage: args.stage },
    tmpDir: tmpdir(),
    budgetGpuHours: budget,
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
  const rows = plan.runs.map((r, i) => [
    r.run_id,
    r.exp_id,
    r.stage === null ? r.phase : `${r.phase}/${r.stage}`,
    plan.shardOf[i] as number,
    r.vram_mb,
    round(r.expected_duration_hours),
  ]);
  ctx.stdout.write(
    `${renderTable(["run_id", "exp_id", "phase/stage", "shard", "vram_mb", "hours"], rows)}\n\n`,
  );
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
  if (budget !== undefined && plan.gpu_hours > budget)
    ctx.stderr.write(
      `warning: the plan exceeds the budget by ${round(plan.gpu_hours - budget)} GPU-hours\n`,
    );
  return EXIT_OK;
}

const round = (n: number) => Math.round(n * 100) / 100;
