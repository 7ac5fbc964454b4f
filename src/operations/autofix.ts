import { join } from "node:path";
import type { AutofixPlan } from "../core/autofix/autofix-handoff.js";
import type { FixerOutcome } from "../core/autofix/fixer-outcome.js";
import { untrustedEnv } from "../exec/untrusted-env.js";
import type { GitRepo } from "../git/git-repo.js";
import { NO_HOOKS } from "../git/git-settings.js";
import { runFixer } from "./autofix-run-fixer.js";

export interface AutofixDeps {
  /** The checkout of the PR head (no credentials in it); only a worktree of it is written. */
  git: GitRepo;
  log: { info(msg: string): void; warning(msg: string): void };
  tmpDir: string;
  /** The fixers' environment is built from this, minus credentials (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export type AutofixResult =
  | { kind: "no-change"; message: string; outcomes: FixerOutcome[] }
  | { kind: "changed"; message: string; outcomes: FixerOutcome[]; patch: string };

/**
 * The fixer step (docs/security.md, "Autofix"): runs the planned fixers in a worktree of the PR
 * head and returns what they changed as a binary patch against that head. Pushes nothing and
 * holds no credential: this is repository code running (a fixer's script, or what it executes,
 * comes from the PR), so it runs in a job that has no token to steal, and the patch is applied
 * and pushed by another job. Every git command here runs with hooks off. A fixer that fails or
 * times out is reported and its partial changes are dropped; it is not retried.
 */
export async function autofix(deps: AutofixDeps, plan: AutofixPlan): Promise<AutofixResult> {
  const { pr } = plan;
  // Hooks off whatever settings `deps.git` came with: the worktree is the PR's code.
  const repo = deps.git.withConfig(NO_HOOKS);
  return repo.withWorktree<AutofixResult>(pr.headSha, { tmpDir: deps.tmpDir }, async (wt, dir) => {
    const env = untrustedEnv(deps.env ?? process.env);
    const outcomes: FixerOutcome[] = [];
    for (const [i, { fixer, answers }] of plan.planned.entries()) {
      deps.log.info(`auto-fix: running "${fixer.name}" for ${answers.length} failure(s)`);
      const run = await runFixer(fixer, {
        cwd: dir,
        env,
        definitionsPath: plan.definitions,
        logFile: join(deps.tmpDir, `labgate-autofix-${pr.number}`, `${i + 1}.log`),
      });
      const files = await wt.unstagedFiles();
      if (!run.ok) {
        if (files.length > 0) await wt.discardUnstaged();
        deps.log.warning(`auto-fix: "${fixer.name}" ${run.detail}`);
      } else if (files.length > 0) await wt.stageAll();
      outcomes.push({
        name: fixer.name,
        status: !run.ok
          ? run.timedOut
            ? "timed-out"
            : "failed"
          : files.length > 0
            ? "changed"
            : "unchanged",
        detail: run.detail,
        durationMs: run.durationMs,
        files: run.ok ? files : [],
        answers,
      });
    }
    if (!outcomes.some((o) => o.status === "changed"))
      return {
        kind: "no-change",
        message: `the fixers changed nothing on ${pr.headRef}; no PR.`,
        outcomes,
      };
    return {
      kind: "changed",
      message: `${outcomes.filter((o) => o.status === "changed").length} fixer(s) changed files on ${pr.headRef}`,
      outcomes,
      patch: await wt.stagedPatch(pr.headSha),
    };
  });
}
