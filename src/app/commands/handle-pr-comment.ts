import { postComment, reactToComment } from "../../github/comment-replies.js";
import { getPullRequest } from "../../github/get-pull-request.js";
import { type PolicyContext, policyOnce } from "../../operations/load-context.js";
import { type EventDeps, policySource } from "../event-deps.js";
import { approvePhase8 } from "./approve-phase8.js";
import { cancelDispatch } from "./cancel-dispatch.js";
import type { CommandOutcome } from "./command-outcome.js";
import { helpCommand } from "./help-command.js";
import { type Command, parseCommands } from "./parse-commands.js";
import type { PrCommandContext } from "./pr-command-context.js";
import { retryRuns } from "./retry-runs.js";
import { runPilot } from "./run-pilot.js";

export interface PrCommentInput {
  pr: number;
  commentId: number;
  user: string;
  body: string;
  /** `comment.created_at`: when its author last saw the PR. */
  createdAt: string;
}

/**
 * Runs the commands of one new PR comment; each gets a reaction and a reply saying what happened.
 * The policy is loaded once for the comment, when the first command other than `/help` needs it.
 */
export async function handlePrComment(deps: EventDeps, input: PrCommentInput): Promise<number> {
  const commands = parseCommands(input.body);
  if (commands.length === 0) return 0;
  const loadPolicy = policyOnce(policySource(deps));
  for (const command of commands) {
    const outcome = await runCommand(deps, input, command, loadPolicy);
    await reactToComment(deps.octokit, deps.repo, input.commentId, outcome.reaction);
    await postComment(deps.octokit, deps.repo, input.pr, `@${input.user} ${outcome.reply}`);
  }
  return commands.length;
}

async function runCommand(
  deps: EventDeps,
  input: PrCommentInput,
  command: Command,
  loadPolicy: () => Promise<PolicyContext>,
): Promise<CommandOutcome> {
  if (command.name === "help") return helpCommand(command.unknown);
  const pr = await getPullRequest(deps.octokit, deps.repo, input.pr);
  // Who may approve is the default branch's policy, never the PR's or its chosen base's.
  const cfg = await loadPolicy();
  if (!cfg.ok)
    return {
      reaction: "confused",
      reply: `labgate cannot act: .github/labgate.yml on the default branch \`${cfg.ref}\` is invalid, so it cannot tell who may approve. Fix it there:\n\n\`\`\`\n${cfg.message}\n\`\`\``,
    };
  const ctx: PrCommandContext = {
    deps,
    user: input.user,
    pr,
    config: cfg.config,
    defaultBranch: cfg.ref,
    comment: { id: input.commentId, createdAt: input.createdAt },
  };
  switch (command.name) {
    case "approve-phase8":
      return approvePhase8(ctx, command.sha, command.abbreviated, command.budget);
    case "run-pilot":
      return runPilot(ctx, command.stage);
    case "cancel":
      return cancelDispatch(ctx);
    case "retry":
      return retryRuns(ctx, command.target);
  }
}
