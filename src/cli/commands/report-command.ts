import { GitRepo } from "../../git/git-repo.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { DispatchStateError } from "../../operations/dispatch-state-store.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { buildReport, designTableRows } from "../../operations/report.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { renderTable } from "../render-table.js";

export const reportHelp = `labgate report [--config .github/labgate.yml]

Prints the design table (methods x datasets, mean ± std over seeds, * best of its column by the
metric's direction, Δ vs the declared baseline with better or worse) from
experiments/results/aggregated.json, each hypothesis' verdict (supported, refuted or inconclusive,
with its evidence), then the failed, on-hold and cancelled runs with their reasons from dispatch/
(sidecars included). Reads only; writes nothing. Metric directions: docs/results.md.`;

export async function reportCommand(ctx: CliContext, args: { config?: string }): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  printDiagnostics(ctx, campaign.diagnostics);
  if (!campaign.loaded) return EXIT_FAILED;
  let report: Awaited<ReturnType<typeof buildReport>>;
  try {
    report = await buildReport(
      { git: GitRepo.open(ctx.cwd) },
      {
        cwd: ctx.cwd,
        config: campaign.config,
        definitions: campaign.loaded.definitions,
        experiments: campaign.loaded.experiments,
      },
    );
  } catch (err) {
    if (err instanceof DispatchStateError) {
      ctx.stderr.write(`labgate report: ${err.message}\n`);
      return EXIT_FAILED;
    }
    throw err;
  }
  for (const w of report.warnings) ctx.stderr.write(`warning: ${w}\n`);
  const out = ctx.stdout;
  const counts = Object.entries(report.counts)
    .map(([k, n]) => `${n} ${k.replace("_", " ")}`)
    .join(", ");
  out.write(
    `${campaign.loaded.definitions.title}\n${counts ? `runs: ${counts}` : "no runs yet"}\n\n`,
  );
  const t = report.table;
  if (t?.phase === undefined) {
    out.write(
      `No results in ${campaign.config.results_dir}/ yet: run \`labgate run\`, or \`labgate aggregate\` after runs finished.\n`,
    );
  } else {
    const { header, rows } = designTableRows(t);
    out.write(
      `Design table (${t.phase} phase, as of ${report.generated ?? "?"}; * best of its column)\n\n`,
    );
    out.write(`${renderTable(header, rows)}\n`);
    if (t.hypotheses.length > 0) {
      out.write(`\nHypotheses (${t.phase} phase)\n\n`);
      out.write(
        `${renderTable(
          ["hypothesis", "verdict", "evidence"],
          t.hypotheses.map((h) => [`${h.id}: ${h.claim}`, h.verdict, h.evidence]),
        )}\n`,
      );
    }
  }
  if (report.failures.length > 0) {
    out.write(`\nFailed, on-hold and cancelled runs\n\n`);
    out.write(
      `${renderTable(
        ["run", "status", "exit", "reason"],
        report.failures.map((e) => [e.id, e.status, e.exit_code ?? "", e.reason ?? ""]),
      )}\n`,
    );
  }
  return t?.phase === undefined ? EXIT_FAILED : EXIT_OK;
}
