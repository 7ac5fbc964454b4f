import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";
import { MAX_COMMENT_CHARS } from "./sticky-comment.js";

export type Reaction = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export async function reactToComment(
  octokit: OctokitLike,
  ref: RepoRef,
  commentId: number,
  content: Reaction,
): Promise<void> {
  await octokit.rest.reactions.createForIssueComment({ ...ref, comment_id: commentId, content });
}

export async function postComment(
  octokit: OctokitLike,
  ref: RepoRef,
  issueNumber: number,
  body: string,
): Promise<number> {
  const { data } = await octokit.rest.issues.createComment({
    ...ref,
    issue_number: issueNumber,
    body: body.length <= MAX_COMMENT_CHARS ? body : body.slice(0, MAX_COMMENT_CHARS),
  });
  return data.id;
}
