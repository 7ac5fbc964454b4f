import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/**
 * A file's text at a commit, raw (the contents API's JSON form stops at 1 MB; raw goes to 100 MB),
 * or undefined when the commit does not have it. The results commit reads the state file this
 * way on the head it is built on, so what a racing push committed is merged, not overwritten.
 */
export async function readFileAtCommit(
  octokit: OctokitLike,
  repo: RepoRef,
  path: string,
  sha: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
      ...repo,
      path,
      ref: sha,
      mediaType: { format: "raw" },
    });
    return typeof data === "string" ? data : undefined;
  } catch (err) {
    if (httpStatus(err) === 404) return undefined;
    throw err;
  }
}
