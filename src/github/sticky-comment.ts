import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/** GitHub rejects issue comments longer than 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface StickyCommentInput {
  issue_number: number;
  /** A hidden HTML comment that identifies the sticky comment, e.g. `<!-- labgate:dashboard -->`. */
  marker: string;
  body: string;
}

export function withMarker(marker: string, body: string): string {
  const full = `${marker}\n${body}`;
  if (full.length <= MAX_COMMENT_CHARS) return full;
  const note = "\n\n… truncated to GitHub's comment size limit.";
  return full.slice(0, MAX_COMMENT_CHARS - note.length) + note;
}

/**
 * Creates the comment that carries `marker`, or edits it when it exists: one per PR, never
 * duplicated. Returns its id and whether it was created.
 */
export async function upsertStickyComment(
  octokit: OctokitLike,
  ref: RepoRef,
  input: StickyCommentInput,
): Promise<{ id: number; created: boolean }> {
  const body = withMarker(input.marker, input.body);
  const existing = await findMarkedComment(octokit, ref, input.issue_number, input.marker);
  if (existing) {
    if (existing.body !== body)
      await octokit.rest.issues.updateComment({ ...ref, comment_id: existing.id, body });
    return { id: existing.id, created: false };
  }
  const { data } = await octokit.rest.issues.createComment({
    ...ref,
    issue_number: input.issue_number,
    body,
  });
  return { id: data.id, created: true };
}

export async function findMarkedComment(
  octokit: OctokitLike,
  ref: RepoRef,
  issueNumber: number,
  marker: string,
): Promise<{ id: number; body: string } | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...ref,
    issue_number: issueNumber,
    per_page: 100,
  });
  const found = comments.find((c) => c.body?.startsWith(marker));
  return found ? { id: found.id, body: found.body ?? "" } : undefined;
}
