import { compareNights } from "../../core/nightly/compare-nights.js";
import { COMPARISON_HEADER, comparisonCells } from "../../core/nightly/comparison-cells.js";
import { directionsFrom } from "../../core/nightly/metric-direction.js";
import { missedNights } from "../../core/nightly/missed-nights.js";
import { nightlyRunGlobs } from "../../core/nightly/nightly-run-globs.js";
import { explainRegressions } from "../../core/nightly/regression-origins.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { nightDateOf, readNightRows } from "../../operations/nightly-read.js";
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "../cli-context.js";
import { renderTable } from "../render-table.js";

export const nightlyHelp = `labgate nightly compare <dir-a> <dir-b> [--threshold X] [--noise-k K] [--json] [--config .github/labgate.yml]
labgate nightly runs [--config .github/labgate.yml]

compare: compares two nights' aggregated results per (exp_id, metric), <dir-a> the earlier, <dir-b>
the later. Each is a results folder (experiments/results/nightly/<date>) holding aggregated.json
or only all_results.csv, or one of those files.
A regression is a change of the mean against the hypothesis' direction beyond the relative
threshold (nightly.regression_threshold) AND beyond K standard errors of the difference of the
means over seeds (nightly.noise_k). Directions come from experiments/definitions.json when it
loads (its metrics map, then its hypotheses), else from the rows' own "direction", else a guess
from the metric's name (marked "assumed"; see docs/results.md).
Each regression also says what changed between the two nights for its experiment, from the
provenance.json beside each file: the code commit, the machine (GPU, driver, CUDA, interpreter,
lock file), both, or neither ("machine unknown" for a night without provenance.json).
Exit codes: 0 no regression, 1 at least one regression, 2 bad usage or an unreadable file.

runs: prints the --only value that selects the experiments marked "nightly": true, for
\`labgate run --phase full --only "$(labgate nightly runs)"\` in the nightly workflow.`;

export interface NightlyArgs {
  sub: string | undefined;
  dirs: string[];
  config?: string;
  threshold?: number;
  noiseK?: number;
  json?: boolean;
}

export async function nightlyCommand(ctx: CliContext, args: NightlyArgs): Promise<number> {
  if (args.sub === "runs") return nightlyRuns(ctx, args);
  if (args.sub !== "compare")
    throw new UsageError(
      `expected \`nightly compare <dir-a> <dir-b>\` or \`nightly runs\`, got "${args.sub ?? ""}"`,
    );
  if (args.dirs.length !== 2)
    throw new UsageError(`compare takes two folders (earlier, later), got ${args.dirs.length}`);
  const [a, b] = args.dirs as [string, string];
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  const rules = campaign.config.nightly;
  const threshold = args.threshold ?? rules.regression_threshold;
  const noiseK = args.noiseK ?? rules.noise_k;
  const [prev, cur] = await Promise.all([
    readNightRows(resolveIn(ctx, a)),
    readNightRows(resolveIn(ctx, b)),
  ]);
  for (const r of [prev, cur])
    if (!r.ok) {
      ctx.stderr.write(`labgate nightly compare: ${r.message}\n`);
      return EXIT_USAGE;
    }
  if (!prev.ok || !cur.ok) return EXIT_USAGE;
  const directionOf = directionsFrom(
    campaign.loaded?.definitions,
    campaign.loaded?.experiments ?? [],
  );
  const [da, db] = [nightDateOf(a), nightDateOf(b)];
  // Each regression says whether the code, the machine (driver, CUDA...) or both changed.
  const comparisons = explainRegressions(
    compareNights(prev.rows, cur.rows, { threshold, noiseK, directionOf }),
    { date: da ?? a, rows: prev.rows, origins: prev.origins },
    { date: db ?? b, rows: cur.rows, origins: cur.origins },
  );
  const regressions = comparisons.filter((c) => c.status === "regression");
  const missed = da && db && da < db ? missedNights([da], db) : [];
  if (args.json) {
    ctx.stdout.write(
      `${JSON.stringify({ threshold, noise_k: noiseK, comparisons, missed }, null, 2)}\n`,
    );
    return regressions.length > 0 ? EXIT_FAILED : EXIT_OK;
  }
  ctx.stdout.write(`${renderTable(COMPARISON_HEADER, comparisons.map(comparisonCells))}\n\n`);
  const counts = (s: string) => comparisons.filter((c) => c.status === s).length;
  ctx.stdout.write(
    `${a} -> ${b}: ${regressions.length} regression(s), ${counts("improvement")} improvement(s), ` +
      `${counts("steady")} steady, ${counts("new")} new, ${counts("missing")} missing ` +
      `(threshold ${Number((threshold * 100).toPrecision(6))}%, noise band ${noiseK} standard errors)\n`,
  );
  for (const c of regressions)
    if (c.origin) ctx.stdout.write(`regression ${c.exp_id} ${c.metric}: ${c.origin.summary}\n`);
  for (const m of missed)
    ctx.stdout.write(
      `missed night(s): ${m.from === m.to ? m.from : `${m.from} … ${m.to}`} (${m.nights})\n`,
    );
  if (comparisons.some((c) => c.directionAssumed))
    ctx.stdout.write(
      'note: some metrics have no hypothesis here; "higher is better" was assumed for them (run from the repository root so definitions.json loads).\n',
    );
  return regressions.length > 0 ? EXIT_FAILED : EXIT_OK;
}

async function nightlyRuns(ctx: CliContext, args: NightlyArgs): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  if (!campaign.loaded) {
    ctx.stderr.write(
      `labgate nightly runs: ${campaign.definitionsPath} does not validate; run \`labgate validate\`.\n`,
    );
    return EXIT_FAILED;
  }
  const only = nightlyRunGlobs(campaign.loaded.experiments);
  if (only === undefined) {
    ctx.stderr.write('labgate nightly runs: no full experiment is marked "nightly": true.\n');
    return EXIT_FAILED;
  }
  ctx.stdout.write(`${only}\n`);
  return EXIT_OK;
}

const resolveIn = (ctx: CliContext, p: string) => (p.startsWith("/") ? p : `${ctx.cwd}/${p}`);
