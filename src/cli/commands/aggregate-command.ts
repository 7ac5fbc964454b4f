import { hostname } from "node:os";
import { GitRepo } from "../../git/git-repo.js";
import { aggregateResults } from "../../operations/aggregate-results.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { DispatchStateError } from "../../operations/dispatch-state-store.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";

export const aggregateHelp = `labgate aggregate [--no-commit] [--commit-empty] [--phase pilot|full] [--run-url URL] [--config .github/labgate.yml]

Merges every dispatch/<run_id>.status.json into dispatch/state.json (pilots archived once the
full phase is in), writes experiments/results/ (all_results.csv, aggregated.csv/.json, README.md
with the design table and a chart, provenance.json, runs/), and makes ONE commit of them ending
with the trailers Labgate-Source-Commit: <sha> and Labgate-Run: <url or local:host>.

  --no-commit     write the files, commit nothing
  --commit-empty  commit even when no run has a result row (by default such a commit is not made)
  --phase         tables of this phase only (default: full when the state holds full runs)
  --run-url       the Labgate-Run trailer (default: this GitHub Actions run, else local:<host>)

A malformed dispatch/state.json is reported with its path and recovered from the last commit.`;

export interface AggregateArgs {
  config?: string;
  commit: boolean;
  commitEmpty?: boolean;
  phase?: "pilot" | "full";
  runUrl?: string;
}

export async function aggregateCommand(ctx: CliContext, args: AggregateArgs): Promise<number> {
  const campaign = await loadCampaign(diskWorkspace(ctx.cwd), { configPath: args.config });
  printDiagnostics(ctx, campaign.diagnostics);
  if (!campaign.loaded) return EXIT_FAILED;
  const git = GitRepo.open(ctx.cwd);
  if (args.commit && !(await git.isRepo())) {
    ctx.stderr.write(
      `labgate aggregate: ${ctx.cwd} is not a git repository, so the results cannot be committed; run \`git init\` first, or pass --no-commit\n`,
    );
    return EXIT_FAILED;
  }
  try {
    const out = await aggregateResults(
      {
        git,
        clock: () => new Date(),
        log: {
          info: (s) => ctx.stdout.write(`${s}\n`),
          warn: (s) => ctx.stderr.write(`warning: ${s}\n`),
        },
      },
      {
        cwd: ctx.cwd,
        config: campaign.config,
        loaded: campaign.loaded,
        runUrl: args.runUrl ?? defaultRunUrl(ctx.env),
        commit: args.commit,
        commitEmpty: args.commitEmpty,
        phase: args.phase,
      },
    );
    if (!args.commit) ctx.stdout.write("results written, not committed (--no-commit)\n");
    else if (out.commitSha) ctx.stdout.write(`results commit: ${out.commitSha}\n`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof DispatchStateError) {
      ctx.stderr.write(`labgate aggregate: ${err.message}\n`);
      return EXIT_FAILED;
    }
    throw err;
  }
}

/** This GitHub Actions run's URL when inside one, else `local:<host>` (docs/results.md trailer). */
export function defaultRunUrl(env: NodeJS.ProcessEnv): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  if (GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID)
    return `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`;
  return `local:${hostname()}`;
}
