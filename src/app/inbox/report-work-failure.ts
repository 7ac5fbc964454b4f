import { GATES, type GateId } from "../../core/gates/verdict.js";
import { createCheckRun } from "../../github/check-runs.js";
import { postComment } from "../../github/comment-replies.js";
import { parseCommands } from "../commands/parse-commands.js";
import type { EventDeps } from "../event-deps.js";
import { describeFailure, type WorkFailure } from "./work-failure.js";

/** The gates a failed review marks failed; `pilot` is posted only once pilot runs exist. */
const REVIEW_GATES: readonly GateId[] = GATES.filter((g) => g !== "pilot");

interface ReRequested {
  head_sha: string;
  name?: string;
  pull_requests?: unknown[];
}

/** The fields of the events' payloads a failure report reads. */
export interface FailedPayload {
  pull_request?: { head?: { sha?: string } };
  check_suite?: ReRequested;
  check_run?: ReRequested;
  issue?: { number: number; pull_request?: unknown };
  comment?: { body?: string | null; html_url?: string };
  sender?: { login?: string };
}

/**
 * Shows on the PR that labgate's work on an event did not happen: each gate check of the commit
 * concludes failure with what GitHub answered (its re-run button, `check_run.rerequested`, does
 * the review again), and a comment's commands get a reply saying they were not carried out.
 * Returns what it showed, for the log.
 */
export async function reportWorkFailure(
  deps: EventDeps,
  name: string,
  payload: FailedPayload,
  f: WorkFailure,
): Promise<"checks" | "reply" | "nothing"> {
  const why = describeFailure(f);
  const review = reviewOf(name, payload);
  if (review) {
    for (const gate of review.gates)
      await createCheckRun(
        deps.octokit,
        deps.repo,
        {
          name: `labgate/${gate}`,
          head_sha: review.sha,
          status: "completed",
          conclusion: "failure",
          title: `labgate could not read the PR (${why}); re-run this check`,
          summary: `labgate could not review \`${review.sha.slice(0, 7)}\`: ${why} after its retries (\`${f.code}\`). Nothing is wrong with the PR as far as labgate knows; press **Re-run** on this check to review it again.`,
        },
        deps.clock(),
      );
    return "checks";
  }
  if (name === "issue_comment" && payload.issue?.pull_request) {
    const issue = payload.issue;
    const commands = parseCommands(String(payload.comment?.body ?? ""));
    if (commands.length === 0) return "nothing";
    const listed = commands.map((c) => `\`/${c.name}\``).join(", ");
    await postComment(
      deps.octokit,
      deps.repo,
      issue.number,
      `@${payload.sender?.login} labgate did not carry out ${listed} from [this comment](${payload.comment?.html_url}): ${why} (\`${f.code}\`), and its retries ran out. Comment the command again to retry; a repeated \`/approve-phase8\` never starts a second dispatch.`,
    );
    return "reply";
  }
  return "nothing";
}

function reviewOf(
  name: string,
  p: FailedPayload,
): { sha: string; gates: readonly GateId[] } | undefined {
  if (name === "pull_request" && p.pull_request?.head?.sha)
    return { sha: p.pull_request.head.sha, gates: REVIEW_GATES };
  const suite = p.check_suite;
  if (name === "check_suite" && suite && (suite.pull_requests?.length ?? 0) > 0)
    return { sha: suite.head_sha, gates: REVIEW_GATES };
  const run = p.check_run;
  if (name === "check_run" && run && (run.pull_requests?.length ?? 0) > 0) {
    const gate = String(run.name).replace(/^labgate\//, "") as GateId;
    if (GATES.includes(gate)) return { sha: run.head_sha, gates: [gate] };
  }
  return undefined;
}
