import { GitRepo } from "../../git/git-repo.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { verifyResults } from "../../operations/verify-results.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";

export const verifyHelp = `labgate verify [--config .github/labgate.yml]

Checks the provenance of experiments/results/ (docs/results.md):
  - every all_results.csv row's git_commit exists in this repository's history;
  - the results commit (the last commit that changed all_results.csv) names each of those
    commits in a Labgate-Source-Commit trailer;
  - every result file's sha256 matches provenance.json, and every runs/*.json is recorded there.
Notes (not mismatches) name the runs made with uncommitted changes (labgate run --allow-dirty)
and the machines (GPU, driver, CUDA, interpreter, lock file) the runs came from.
Exit 0 when all hold; 1 with one line per mismatch otherwise.`;

export async function verifyCommand(ctx: CliContext, args: { config?: string }): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  // verify needs only the config (where the results are); a broken definitions file is not its concern.
  const configErrors = campaign.diagnostics.filter(
    (d) => d.file !== campaign.definitionsPath && d.severity === "error",
  );
  if (configErrors.length > 0) {
    printDiagnostics(ctx, configErrors);
    return EXIT_FAILED;
  }
  const git = GitRepo.open(ctx.cwd);
  if (!(await git.isRepo())) {
    ctx.stderr.write(
      `labgate verify: ${ctx.cwd} is not a git repository; results can only be verified against git history\n`,
    );
    return EXIT_FAILED;
  }
  const out = await verifyResults({ git }, { cwd: ctx.cwd, config: campaign.config });
  const c = out.checked;
  for (const n of out.notes) ctx.stdout.write(`note: ${n}\n`);
  if (out.ok) {
    ctx.stdout.write(
      `verified: ${c.rows} row(s) from ${c.commits} commit(s), named by results commit ${c.resultsCommit?.slice(0, 12)}; ${c.resultFiles} result file(s) match provenance.json\n`,
    );
    return EXIT_OK;
  }
  for (const p of out.problems) ctx.stderr.write(`mismatch: ${p}\n`);
  ctx.stderr.write(
    `${out.problems.length} mismatch(es); ${c.rows} row(s) and ${c.resultFiles} result file(s) checked\n`,
  );
  return EXIT_FAILED;
}
