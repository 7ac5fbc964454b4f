import { tmpdir } from "node:os";
import { budgetCapNote, effectiveBudget } from "../../core/config/effective-budget.js";
import { estimateGpuHours } from "../../core/plan/estimate-gpu-hours.js";
import { countRuns } from "../../core/plan/expand-runs.js";
import { planDispatch } from "../../core/plan/plan-dispatch.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";

export const validateHelp = `labgate validate [definitions.json] [--config .github/labgate.yml]

Checks the schema and the semantics of experiments/definitions.json (docs/definitions.md) and the config.
Also plans every experiment on the config's runner_pools, as \`labgate plan\` and the dispatch do: a
run no pool can hold, or longer than dispatch.max_job_hours, is an error here too.
Exit 0 when valid (budget overruns are warnings), 1 with every error's file:line:column otherwise.`;

export async function validateCommand(
  ctx: CliContext,
  args: { file?: string; config?: string },
): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), {
    definitionsPath: args.file,
    configPath: args.config,
  });
  printDiagnostics(ctx, campaign.diagnostics);
  if (!campaign.loaded) return EXIT_FAILED;
  const loaded = campaign.loaded;
  const { experiments, definitions } = loaded;
  // The checks `labgate plan` makes (a pool for every run, every run within one job), on declared
  // hours: valid here means the dispatch can plan it.
  const planned = planDispatch({
    experiments,
    config: campaign.config,
    tmpDir: tmpdir(),
    locate: (i) => ({ file: loaded.file, ...loaded.locate(["experiments", i]) }),
  });
  if (!planned.ok) {
    printDiagnostics(ctx, planned.diagnostics);
    return EXIT_FAILED;
  }
  const runs = experiments.reduce((n, e) => n + countRuns(e), 0);
  const hours = estimateGpuHours(experiments);
  const budget = effectiveBudget(
    definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  const budgetText =
    budget === undefined
      ? "no budget set"
      : `budget ${fmt(budget)}${budgetCapNote(definitions.budget?.gpu_hours, campaign.config.budget.gpu_hours, fmt)} (${Math.round((hours / budget) * 100)}%)`;
  ctx.stdout.write(
    `${campaign.definitionsPath}: valid — ${experiments.length} experiments, ${runs} runs, ${fmt(hours)} GPU-hours estimated, ${budgetText}\n`,
  );
  return EXIT_OK;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
