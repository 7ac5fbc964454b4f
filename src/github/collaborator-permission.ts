import { type Failure, fail } from "../core/failure/failure.js";
import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export type PermissionLookup =
  | { ok: true; role: RepoRole }
  | Failure<"not-collaborator" | "permission-unavailable" | "unknown-role">;

const ROLES = new Set<string>(["admin", "maintain", "write", "triage", "read", "none"]);

/**
 * A user's role on the repository, from `GET /repos/{owner}/{repo}/collaborators/{user}/permission`
 * (never from a payload's `author_association`, which a comment author does not control but which
 * is not a permission either). Any failure is returned as `ok: false` so the caller fails closed.
 */
export async function getCollaboratorRole(
  octokit: OctokitLike,
  ref: RepoRef,
  username: string,
): Promise<PermissionLookup> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...ref, username });
    // `permission` folds maintain into write and triage into read; `role_name` keeps them apart.
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    if (!ROLES.has(role)) return fail("unknown-role", `GitHub returned an unknown role "${role}"`);
    return { ok: true, role: role as RepoRole };
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    return status === 404
      ? fail(
          "not-collaborator",
          `@${username} is not a collaborator of ${ref.owner}/${ref.repo} (HTTP 404)`,
          err,
        )
      : fail(
          "permission-unavailable",
          `GitHub answered HTTP ${status} when labgate asked for @${username}'s permission`,
          err,
        );
  }
}

export function canWrite(role: RepoRole): boolean {
  return role === "admin" || role === "maintain" || role === "write";
}
