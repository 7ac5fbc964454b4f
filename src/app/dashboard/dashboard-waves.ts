import type { Config } from "../../core/config/config-schema.js";
import type { ResolvedExperiment } from "../../core/definitions/definitions-schema.js";
import { planDispatch } from "../../core/plan/plan-dispatch.js";
import { httpStatus } from "../../github/repo-ref.js";
import { dispatchRunsOfPr } from "../approval/dispatch-runs-for.js";
import type { EventDeps } from "../event-deps.js";
import type { ApprovalView } from "./dashboard-model.js";
import { type WavesProgress, wavesProgress } from "./render-waves.js";

/** The plan's checkpoint folder: no run is started from this plan, only its waves are counted. */
const NO_TMP = "/tmp";

/**
 * The waves of the full phase as the dashboard shows them, when the plan (on the policy's runner
 * pools and `dispatch.max_job_hours`) has more than one: each wave done, running or to come, from
 * the runs of the default branch's dispatch workflow whose title names this PR, the approved
 * commit and the wave (dispatch-run-title.ts). Before an approval nothing is listed: every wave is
 * to come. A wave the chain paused before for the budget is paused; once the campaign completed,
 * planned waves that never ran are left out. A listing GitHub refuses leaves the states unknown,
 * said on the dashboard.
 */
export async function dashboardWaves(
  deps: EventDeps,
  policy: { config: Config; defaultBranch: string },
  pr: number,
  experiments: readonly ResolvedExperiment[],
  approval: ApprovalView,
): Promise<WavesProgress | undefined> {
  const { config } = policy;
  const planned = planDispatch({ experiments, config, filter: { phase: "full" }, tmpDir: NO_TMP });
  if (!planned.ok || planned.plan.waves.length <= 1) return undefined;
  const waves = planned.plan.waves;
  const now = deps.clock();
  if (approval.kind !== "approved" && approval.kind !== "completed")
    return wavesProgress(waves, [], now);
  try {
    const runs = await dispatchRunsOfPr(deps, {
      workflow: config.dispatch_workflow,
      defaultBranch: policy.defaultBranch,
      pr,
      sha: approval.sha,
      phase: "full",
    });
    const progress = wavesProgress(
      waves,
      runs.map((r) => ({ ...r, wave: r.target.wave ?? 1 })),
      now,
      approval.kind === "approved" ? approval.paused?.wave : undefined,
    );
    // A finished campaign planned again from what was left may have needed fewer waves.
    return approval.kind === "completed"
      ? { ...progress, waves: progress.waves.filter((w) => w.state !== "to come") }
      : progress;
  } catch (err) {
    const status = httpStatus(err);
    return {
      ...wavesProgress(waves, [], now),
      problem: `The waves' states are not known: listing the runs of \`${config.dispatch_workflow}\` failed (${status === undefined ? (err as Error).message : `GitHub answered ${status}`}); they show again at the next review.`,
    };
  }
}
