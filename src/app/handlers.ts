import type { Context } from "probot";
import type { GateId } from "../core/gates/verdict.js";
import { GATES } from "../core/gates/verdict.js";
import type { CheckTrust } from "../github/check-run-protocol.js";
import { isFork, toPullRequestInfo } from "../github/get-pull-request.js";
import type { OctokitLike } from "../github/octokit.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import { loadContext } from "../operations/load-context.js";
import { approvalForDispatch, completePhase8 } from "./approval/complete-phase8.js";
import { parseDispatchRunTitle } from "./approval/dispatch-run-title.js";
import { laterDispatchRun } from "./approval/later-dispatch-run.js";
import { handlePrComment } from "./commands/handle-pr-comment.js";
import { showWaves } from "./dashboard/show-waves.js";
import { reportDryRun } from "./dry-run/complete-dry-run.js";
import { parseGatesRunTitle } from "./dry-run/gates-run-title.js";
import { type EventDeps, policySource } from "./event-deps.js";
import { type ReviewTarget, reviewPullRequest } from "./review-pull-request.js";
import type { WorkQueue } from "./work-queue.js";

export interface HandlerOptions {
  queue: WorkQueue;
  clock: () => Date;
  /** Whose check runs count (check-run-protocol.ts): this app's id; none in Actions mode. */
  trust: CheckTrust;
  /** The design debate's language-model reviewer, built once by the app's setup; none if unset. */
  provider?: ReviewProvider | undefined;
}

type AnyContext = Context<
  "pull_request" | "issue_comment" | "check_suite" | "check_run" | "workflow_run"
>;

function depsOf(context: AnyContext, o: HandlerOptions): EventDeps {
  return {
    octokit: context.octokit as unknown as OctokitLike,
    repo: context.repo(),
    log: context.log,
    clock: o.clock,
    trust: o.trust,
    // GitHub's own field of the signed delivery: the policy read needs no GET /repos/{o}/{r}.
    defaultBranch: context.payload.repository?.default_branch,
    provider: o.provider,
  };
}

const prKey = (d: EventDeps, pr: number) => `${d.repo.owner}/${d.repo.repo}#${pr}`;

/**
 * Every handler only decides whether an event matters and queues the work: the webhook is answered
 * before any API call is made (GitHub waits at most 10 s, docs/github-limits.md).
 */
export function onPullRequest(o: HandlerOptions) {
  return async (context: Context<"pull_request">) => {
    const deps = depsOf(context, o);
    const { payload } = context;
    const pr = toPullRequestInfo(payload.pull_request);
    const target: ReviewTarget = {
      pr: pr.number,
      headSha: pr.headSha,
      fromFork: pr.fromFork,
      approval:
        payload.action === "synchronize"
          ? { kind: "push", before: payload.before }
          : payload.action === "opened"
            ? { kind: "new" }
            : { kind: "lookup" },
    };
    o.queue.enqueue(prKey(deps, pr.number), () => reviewPullRequest(deps, target).then(() => {}));
  };
}

/** Check suite re-run: review each PR of the suite's head again. */
export function onCheckSuiteRerequested(o: HandlerOptions) {
  return async (context: Context<"check_suite.rerequested">) => {
    const suite = context.payload.check_suite;
    reReview(o, depsOf(context, o), suite.pull_requests, suite.head_sha);
  };
}

/** One gate's check run re-run: only that check is posted again (the dashboard is refreshed). */
export function onCheckRunRerequested(o: HandlerOptions) {
  return async (context: Context<"check_run.rerequested">) => {
    const run = context.payload.check_run;
    const gate = run.name.replace(/^labgate\//, "") as GateId;
    if (!run.name.startsWith("labgate/") || !GATES.includes(gate)) return;
    reReview(o, depsOf(context, o), run.pull_requests, run.head_sha, [gate]);
  };
}

/** Queues a review of each PR a re-requested check belongs to, at `headSha`. */
function reReview(
  o: HandlerOptions,
  deps: ReturnType<typeof depsOf>,
  prs: readonly {
    number: number;
    head: { repo: { id: number } };
    base: { repo: { id: number } };
  }[],
  headSha: string,
  only?: GateId[],
): void {
  for (const pr of prs) {
    const fromFork = isFork(pr);
    o.queue.enqueue(prKey(deps, pr.number), () =>
      reviewPullRequest(deps, {
        pr: pr.number,
        headSha,
        fromFork,
        approval: { kind: "lookup" },
        ...(only ? { only } : {}),
      }).then(() => {}),
    );
  }
}

/** New PR comments from people (not bots, not this app) may hold commands. */
export function onIssueCommentCreated(o: HandlerOptions) {
  return async (context: Context<"issue_comment.created">) => {
    const { payload } = context;
    if (!payload.issue.pull_request) return;
    if (payload.sender.type === "Bot" || payload.comment.user?.type === "Bot") return;
    if (!payload.comment.body?.includes("/")) return;
    const deps = depsOf(context, o);
    const input = {
      pr: payload.issue.number,
      commentId: payload.comment.id,
      user: payload.sender.login,
      body: payload.comment.body,
      createdAt: payload.comment.created_at,
    };
    o.queue.enqueue(prKey(deps, input.pr), () => handlePrComment(deps, input).then(() => {}));
  };
}

/** The dispatch workflow finished: complete `labgate/phase8` with the committed results. */
export function onWorkflowRunCompleted(o: HandlerOptions) {
  return async (context: Context<"workflow_run.completed">) => {
    const run = context.payload.workflow_run;
    if (run.event !== "workflow_dispatch") return;
    const deps = depsOf(context, o);
    // A gates workflow run: its dry-run goes to labgate/code-review, if the run proves trusted.
    const gates = parseGatesRunTitle(run.display_title);
    if (gates) {
      o.queue.enqueue(prKey(deps, gates.pr), () => reportDryRun(deps, context.payload));
      return;
    }
    const target = parseDispatchRunTitle(run.display_title);
    if (!target) return;
    const finished = {
      runId: run.id,
      runUrl: run.html_url,
      pr: target.pr,
      sha: target.sha,
      wave: target.wave ?? 1,
      conclusion: run.conclusion ?? null,
    };
    o.queue.enqueue(`${deps.repo.owner}/${deps.repo.repo}@${target.sha}`, async () => {
      // The policy is loaded once for this piece of work and handed to the completion.
      const policy = await loadContext(policySource(deps));
      if (!policy.ok) return;
      const path = (run as { path?: string }).path ?? "";
      if (!path.endsWith(`/${policy.config.dispatch_workflow}`) || run.head_branch !== policy.ref)
        return;
      const record = await approvalForDispatch(deps, finished);
      if (!record) {
        deps.log.info(
          `workflow run ${run.id}: no standing approval of PR #${target.pr} on ${target.sha}; nothing to complete`,
        );
        return;
      }
      // A campaign in waves (docs/runners.md, "Waves"): the aggregate job started the next wave
      // before this run ended; the approval stays open for it, and its run completes it.
      const wave = target.wave ?? 1;
      const next = await laterDispatchRun(
        deps.octokit,
        deps.repo,
        policy.config.dispatch_workflow,
        policy.ref,
        { ...target, wave: wave + 1 },
        run.id,
      );
      if (next) {
        deps.log.info(
          `workflow run ${run.id} ran wave ${wave} of PR #${target.pr} at ${target.sha}; wave ${wave + 1} is run ${next.id}, so the approval stays open`,
        );
        // `labgate/phase8` and the dashboard show the waves as they now stand.
        o.queue.enqueue(prKey(deps, record.pr), () => showWaves(deps, record, policy));
        return;
      }
      // The rest runs in the PR's lane, after any push event of the results commit.
      o.queue.enqueue(prKey(deps, record.pr), () =>
        completePhase8(deps, record, finished, policy).then(() => {}),
      );
    });
  };
}
