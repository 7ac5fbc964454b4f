import { commentsCreatedAfter, type ListedComment } from "../../github/issue-comment.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { parseCommands } from "./parse-commands.js";

/**
 * Was an approval cancelled after its comment? `none`: no `/cancel` by someone who may cancel;
 * `cancelled`: the first such comment; `unknown`: the PR has more comments since than labgate
 * reads (`too-many-comments`), so a `/cancel` may be among the unread ones and the caller fails
 * closed.
 */
export type CancelAfter =
  | { kind: "none" }
  | { kind: "cancelled"; comment: ListedComment }
  | { kind: "unknown"; code: "too-many-comments" };

/**
 * The `/cancel` comments (read with `parseCommands`, so one in code, a quote, an HTML comment or
 * `<details>` is none) written on PR `pr` after `after`, by a user `mayCancel` accepts (asked once
 * per user). The one home of this question: the app asks it before dispatching an approval (a
 * missed `/cancel` may be replayed before its `/approve-phase8`), the dispatch plan step before
 * believing an Actions-mode one (docs/security.md).
 */
export async function cancelAfter(
  octokit: OctokitLike,
  repo: RepoRef,
  pr: number,
  after: string,
  mayCancel: (login: string) => Promise<boolean>,
): Promise<CancelAfter> {
  const later = await commentsCreatedAfter(octokit, repo, pr, after);
  const may = new Map<string, boolean>();
  for (const c of later.comments) {
    if (!parseCommands(c.body).some((cmd) => cmd.name === "cancel")) continue;
    const who = c.author.toLowerCase();
    if (!may.has(who)) may.set(who, await mayCancel(c.author));
    if (may.get(who)) return { kind: "cancelled", comment: c };
  }
  return later.complete ? { kind: "none" } : { kind: "unknown", code: "too-many-comments" };
}
