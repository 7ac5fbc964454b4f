import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** What labgate reads back of an issue or PR comment. */
export interface IssueCommentInfo {
  id: number;
  /** The issue or PR the comment is on (from its `issue_url`). */
  issue: number | undefined;
  author: string;
  createdAt: string;
  /** The comment's text as it is now (an edit shows in `lastEditedAt`). */
  body: string;
  /** When its body was last edited (GraphQL `lastEditedAt`), `null` when never. */
  lastEditedAt: string | null;
}

/**
 * `GET /repos/{owner}/{repo}/issues/comments/{id}`, then its `lastEditedAt` through GraphQL: the
 * REST `updated_at` is no edit marker (it is not documented to change only on edits).
 * `undefined` when the comment no longer exists (404). Any other failure is rethrown.
 */
export async function getIssueComment(
  octokit: OctokitLike,
  repo: RepoRef,
  commentId: number,
): Promise<IssueCommentInfo | undefined> {
  try {
    const { data } = await octokit.rest.issues.getComment({ ...repo, comment_id: commentId });
    const issue = data.issue_url.match(/\/issues\/(\d+)$/)?.[1];
    const edited = await octokit.graphql<{ node: { lastEditedAt: string | null } | null }>(
      "query($id: ID!) { node(id: $id) { ... on IssueComment { lastEditedAt } } }",
      { id: data.node_id },
    );
    return {
      id: data.id,
      issue: issue === undefined ? undefined : Number(issue),
      author: data.user?.login ?? "",
      createdAt: data.created_at,
      body: data.body ?? "",
      lastEditedAt: edited.node?.lastEditedAt ?? null,
    };
  } catch (err) {
    if (httpStatus(err) === 404) return undefined;
    throw err;
  }
}

/** A comment as a PR's comment list gives it. */
export interface ListedComment {
  id: number;
  author: string;
  createdAt: string;
  body: string;
}

/** At most this many comments are read after a moment. */
export const MAX_LISTED_COMMENTS = 500;

/**
 * The comments of an issue or PR written after `after`, oldest first, and whether that is all of
 * them: `complete` is false when more than `MAX_LISTED_COMMENTS` were there to read, so a caller
 * looking for one that closes something must fail closed.
 */
export interface CommentsAfter {
  comments: ListedComment[];
  complete: boolean;
}

/**
 * The comments of an issue or PR written after `after` (`GET .../issues/{n}/comments?since=`),
 * oldest first. `since` filters on `updated_at`, so the list is filtered on `created_at` here.
 */
export async function commentsCreatedAfter(
  octokit: OctokitLike,
  repo: RepoRef,
  issue: number,
  after: string,
): Promise<CommentsAfter> {
  const when = Date.parse(after);
  const out: ListedComment[] = [];
  let read = 0;
  for await (const { data } of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issue,
    since: after,
    per_page: 100,
  })) {
    if (read >= MAX_LISTED_COMMENTS) return { comments: out, complete: false };
    for (const c of data)
      if (Date.parse(c.created_at) > when)
        out.push({
          id: c.id,
          author: c.user?.login ?? "",
          createdAt: c.created_at,
          body: c.body ?? "",
        });
    read += data.length;
  }
  return { comments: out, complete: true };
}
