import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** The compare API lists at most 300 files; beyond that labgate cannot see every change. */
const COMPARE_FILE_LIMIT = 300;

/**
 * Paths changed between two commits, or `undefined` when GitHub cannot say completely (unknown
 * commit after a force-push, more files than the compare API lists): callers treat that as "code
 * changed", which fails closed.
 */
export async function changedFiles(
  octokit: OctokitLike,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<string[] | undefined> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...${head}`,
    });
    const files = data.files ?? [];
    if (files.length >= COMPARE_FILE_LIMIT || data.status === "diverged") return undefined;
    return files.flatMap((f) =>
      f.previous_filename ? [f.filename, f.previous_filename] : [f.filename],
    );
  } catch (err) {
    const status = httpStatus(err);
    if (status === 404 || status === 422) return undefined;
    throw err;
  }
}
