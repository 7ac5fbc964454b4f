import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codeReviewGate } from "../../core/gates/code-review/code-review-gate.js";
import { type DryRunOutcome, planDryRuns } from "../../core/gates/code-review/dry-run.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { dryRunCommands } from "../dry-run-commands.js";
import type { Campaign } from "../load-campaign.js";
import type { Workspace } from "../workspace.js";
import { collectScripts } from "./collect-scripts.js";

/** Where dry-run checkpoints and results go, as the verdict shows it: stable across machines. */
export const DRY_RUN_TMP = "$TMPDIR/labgate-dry-run";

/** Gathers the code-review gate's inputs: the scripts through the workspace, then the dry-runs. */
export async function runCodeReview(
  campaign: Campaign,
  ws: Workspace,
  opts: { dryRun: "run" | "skip"; cwd?: string },
): Promise<Verdict> {
  const loaded = campaign.loaded;
  const config = campaign.config;
  if (!loaded)
    return {
      gate: "code-review",
      conclusion: "failure",
      label: "CODE_REVISE",
      summary: "definitions.json is not valid, so the scripts its commands run are unknown",
      reasons: [
        {
          severity: "blocking",
          message: "fix the labgate/definitions errors first",
          file: campaign.definitionsPath,
        },
      ],
    };
  const { commands, files } = await collectScripts(loaded, ws);
  let dryRuns: DryRunOutcome[] | "pending" = "pending";
  if (opts.dryRun === "run") {
    if (!opts.cwd) throw new Error('reviewGates: dryRun "run" needs cwd, the checkout\'s root');
    const work = await mkdtemp(join(tmpdir(), "labgate-dry-run-"));
    try {
      const outcomes = await dryRunCommands({
        commands: planDryRuns(loaded.experiments, work),
        cwd: opts.cwd,
        timeoutMs: config.gates.dry_run_timeout_seconds * 1000,
        logDir: join(work, "logs"),
      });
      // The temp dir's name is random; show a stable one so the same SHA renders the same verdict.
      const stable = (s: string) => s.split(work).join(DRY_RUN_TMP);
      dryRuns = outcomes.map((o) => ({
        ...o,
        argv: o.argv.map(stable),
        logTail: stable(o.logTail),
      }));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return codeReviewGate({
    commands,
    files,
    requiredFlags: config.gates.required_script_flags,
    dryRuns,
    dryRunTimeoutSeconds: config.gates.dry_run_timeout_seconds,
  });
}
