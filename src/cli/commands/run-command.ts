import { killRunning } from "../../exec/run-process.js";
import { isSecretName } from "../../exec/untrusted-env.js";
import { GitRepo } from "../../git/git-repo.js";
import { aggregateResults } from "../../operations/aggregate-results.js";
import { runCampaign } from "../../operations/run-campaign.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";
import { printDiagnostics } from "../print-diagnostics.js";
import { formatDuration } from "../progress/format-duration.js";
import { progressView } from "../progress/progress-view.js";
import { renderTable } from "../render-table.js";

export const runHelp = `labgate run [--phase pilot|full] [--stage N] [--parallel N] [--only <run-id glob>]
            [--dry-run] [--force] [--sha SHA] [--shard K] [--commit-empty] [--allow-dirty]
            [--config .github/labgate.yml]

Runs the campaign on this machine: pilot stages 1, 2, 3 (each only if the one before passed),
then the full phase; then merges the runs into dispatch/state.json, writes experiments/results/
and makes one results commit. GPUs come from nvidia-smi (runs packed by free memory, each with
its CUDA_VISIBLE_DEVICES); without one, runs use --parallel CPU slots (default: the core count).
Runs already done are skipped, so running it again resumes. Logs: .labgate/logs/<run_id>.log.

  --only      run ids matching a glob (* and ?), several separated by commas
  --dry-run   print the plan and the placement with an ETA; run nothing
  --force     run again the runs already done (after a fix to the code)
  --sha       refuse unless the checkout is this commit
  --shard     only the runs \`labgate plan\` puts on shard K (the dispatch matrix job)
  --commit-empty  make the results commit even when no run has a result row
  --allow-dirty   run with uncommitted changes to the files the commands use; each result's
              provenance then says dirty: true with the hash of the diff (labgate verify lists them)

Refuses to start when the definitions, the config, a script the commands run or a repository
module it imports has uncommitted changes (unless --allow-dirty), or while another \`labgate run\` is active in the repository. Ctrl+C stops the running
runs (they are marked cancelled) and exits 130.`;

export interface RunArgs {
  config?: string;
  phase?: "pilot" | "full";
  stage?: number;
  parallel?: number;
  only?: string;
  dryRun?: boolean;
  sha?: string;
  shard?: number;
  force?: boolean;
  commitEmpty?: boolean;
  allowDirty?: boolean;
}

export const EXIT_INTERRUPTED = 130;

export async function runCommand(ctx: CliContext, args: RunArgs): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) {
      ctx.stderr.write(
        `labgate run: second ${sig}: killing the running runs and exiting now; their sidecars may still say running\n`,
      );
      killRunning("SIGKILL");
      process.exit(EXIT_INTERRUPTED);
    }
    ctx.stderr.write(
      `labgate run: ${sig}: stopping the running runs (Ctrl+C again to exit at once)\n`,
    );
    controller.abort(`cancelled: labgate run interrupted (${sig})`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // The runs get an environment without these (untrustedEnv), but a run can read this process's
  // own from /proc/<pid>/environ (docs/security.md, "Tokens never reach repository code").
  const held = Object.keys(ctx.env).filter((k) => isSecretName(k) && ctx.env[k]);
  if (held.length > 0)
    ctx.stderr.write(
      `warning: labgate run holds ${held.sort().join(", ")} in its environment; the runs do not inherit them, but any run can read them from /proc/${process.pid}/environ. Start labgate run without credentials it does not need.\n`,
    );
  const view = progressView(ctx.stdout);
  try {
    const result = await runCampaign(
      {
        git: GitRepo.open(ctx.cwd),
        env: ctx.env,
        clock: () => new Date(),
        log: {
          info: (s) => view.print(s),
          warn: (s) => ctx.stderr.write(`warning: ${s}\n`),
        },
        signal: controller.signal,
        emit: (e) => view.onEvent(e),
        aggregate: aggregateResults,
      },
      {
        cwd: ctx.cwd,
        configPath: args.config,
        phase: args.phase,
        stage: args.stage,
        parallel: args.parallel,
        only: args.only,
        dryRun: args.dryRun,
        sha: args.sha,
        shard: args.shard,
        force: args.force,
        commitEmpty: args.commitEmpty,
        allowDirty: args.allowDirty,
        gpuPollMs: pollMs(ctx.env.LABGATE_GPU_POLL_MS),
        killGraceMs: pollMs(ctx.env.LABGATE_KILL_GRACE_MS),
      },
    );
    view.stop();
    switch (result.kind) {
      case "invalid":
        printDiagnostics(ctx, result.diagnostics);
        return EXIT_FAILED;
      case "refused":
        ctx.stderr.write(`labgate run: ${result.message}\n`);
        return EXIT_FAILED;
      case "dry-run": {
        const p = result.plan;
        const rows = p.rows.map((r) => [
          r.run_id,
          r.step,
          r.where,
          r.start_hours === null ? "-" : formatDuration(r.start_hours * 3_600_000),
          formatDuration(r.hours * 3_600_000),
        ]);
        ctx.stdout.write(
          `${renderTable(["run_id", "step", "where", "starts at", "expected"], rows)}\n\n`,
        );
        const toRun = p.rows.filter((r) => r.start_hours !== null).length;
        ctx.stdout.write(
          `dry run: ${toRun} run(s) would run${p.rows.length > toRun ? `, ${p.rows.length - toRun} skipped or never fit` : ""} on ${
            p.mode === "gpu"
              ? `GPUs ${p.gpus.join(", ")}`
              : `${p.slots} CPU slot(s) (no nvidia-smi)`
          }; ETA ${formatDuration(p.eta_hours * 3_600_000)} from declared durations, if every pilot stage passes. Nothing was run.\n`,
        );
        return EXIT_OK;
      }
      case "ran": {
        const c = result.counts;
        ctx.stdout.write(
          `\n${c.done} done, ${c.failed} failed, ${c.on_hold} on hold, ${c.cancelled} cancelled${result.skipped ? ` (${result.skipped} done before, skipped)` : ""}\n`,
        );
        for (const e of result.entries)
          if (e && e.status !== "done" && e.reason)
            ctx.stdout.write(`  ${e.status.padEnd(9)} ${e.id}: ${e.reason}\n`);
        if (result.commitSha) ctx.stdout.write(`results committed: ${result.commitSha}\n`);
        else if (result.aggregated) ctx.stdout.write("results written (not committed)\n");
        if (result.aggregateError)
          ctx.stderr.write(
            `labgate run: aggregating the results failed: ${result.aggregateError}\n  every run's status is in dispatch/*.status.json; fix the cause and run \`labgate aggregate\`.\n`,
          );
        if (result.interrupted) return EXIT_INTERRUPTED;
        const bad =
          c.failed + c.on_hold > 0 ||
          result.gateFailed !== null ||
          result.aggregateError !== undefined;
        return bad ? EXIT_FAILED : EXIT_OK;
      }
    }
  } finally {
    view.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function pollMs(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
