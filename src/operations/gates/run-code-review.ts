import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CodeReviewDetails,
  codeReviewGate,
  type DryRunSkip,
} from "../../core/gates/code-review/code-review-gate.js";
import {
  type DryRunCommand,
  type DryRunOutcome,
  planDryRuns,
} from "../../core/gates/code-review/dry-run.js";
import type { Verdict } from "../../core/gates/verdict.js";
import { dryRunCommands } from "../dry-run-commands.js";
import type { Campaign } from "../load-campaign.js";
import type { Workspace } from "../workspace.js";
import { checkoutChanges } from "./checkout-changes.js";
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
  const staticInput = {
    commands,
    files,
    requiredFlags: config.gates.required_script_flags,
    dryRunTimeoutSeconds: config.gates.dry_run_timeout_seconds,
  };
  let dryRuns: DryRunOutcome[] | "pending" = "pending";
  const skipped: DryRunSkip[] = [];
  let dryRunWrites: string[] = [];
  if (opts.dryRun === "run") {
    if (!opts.cwd) throw new Error('reviewGates: dryRun "run" needs cwd, the checkout\'s root');
    const work = await mkdtemp(join(tmpdir(), "labgate-dry-run-"));
    try {
      // A command whose script is missing or rejects --dry-run would fail (or, worse, train for
      // real until the timeout): its static blocking item says it all, so it is not run.
      const unrunnable = dryRunBlockers(codeReviewGate({ ...staticInput, dryRuns: "pending" }));
      const runnable: DryRunCommand[] = [];
      for (const c of planDryRuns(loaded.experiments, work)) {
        const why = unrunnable.get(c.exp_ids[0] as string);
        if (why) skipped.push({ exp_ids: c.exp_ids, why });
        else runnable.push(c);
      }
      const before = await checkoutChanges(opts.cwd);
      const outcomes = await dryRunCommands({
        commands: runnable,
        cwd: opts.cwd,
        timeoutMs: config.gates.dry_run_timeout_seconds * 1000,
        logDir: join(work, "logs"),
      });
      // A dry-run that is one leaves the checkout as it found it (no model-*.pt beside the script).
      const after = await checkoutChanges(opts.cwd);
      if (before && after) dryRunWrites = [...after].filter((f) => !before.has(f)).sort();
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
  return codeReviewGate({ ...staticInput, dryRuns, dryRunSkipped: skipped, dryRunWrites });
}

/** Experiments whose dry-run cannot succeed, by id: their script is absent or rejects --dry-run. */
function dryRunBlockers(staticVerdict: Verdict): Map<string, string> {
  const out = new Map<string, string>();
  const details = staticVerdict.details as CodeReviewDetails;
  for (const s of details.scripts)
    if (s.flags.some((f) => f.flag === "--dry-run" && f.state === "missing"))
      for (const id of s.experiments) out.set(id, `${s.path} does not accept --dry-run`);
  for (const id of details.missingScripts) out.set(id, "its script is not in the repository");
  return out;
}
