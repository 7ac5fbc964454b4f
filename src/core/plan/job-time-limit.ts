/**
 * The run job's `timeout-minutes` over `dispatch.max_job_hours`: the plan keeps each job's
 * expected hours within the limit, and the job gets 20% more before GitHub stops it, for runs
 * that take longer than expected (docs/github-limits.md). 40 h gives 2,880 minutes (48 h); the
 * largest limit, 100 h, gives 7,200 (5 days, GitHub's cap for a self-hosted job).
 */
export const JOB_TIMEOUT_MARGIN = 1.2;

/** GitHub stops a job on a self-hosted runner after 5 days. */
export const SELF_HOSTED_JOB_CAP_MINUTES = 5 * 24 * 60;

export function runJobTimeoutMinutes(maxJobHours: number): number {
  return Math.min(SELF_HOSTED_JOB_CAP_MINUTES, Math.ceil(maxJobHours * JOB_TIMEOUT_MARGIN * 60));
}
