import type { ComparedCommit, ComparedRange } from "../core/approval/results-commits.js";
import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** The compare API lists at most 300 files and 250 commits; beyond that it cannot say it all. */
const COMPARE_FILE_LIMIT = 300;
const COMPARE_COMMIT_LIMIT = 250;

/**
 * `base...head` through the compare API (`GET /repos/{o}/{r}/compare/{base}...{head}`): its
 * status, every changed path and every commit with who authored and committed it and whether
 * GitHub verified it. Incomplete (`complete: false`, saying why) when GitHub does not know a
 * commit (force-push: 404/422) or lists less than all (300 files, 250 commits): callers fail closed.
 */
export async function compareRange(
  octokit: OctokitLike,
  repo: RepoRef,
  base: string,
  head: string,
): Promise<ComparedRange> {
  const range = `\`${base.slice(0, 7)}...${head.slice(0, 7)}\``;
  let data: {
    status: string;
    total_commits?: number;
    files?: { filename: string; previous_filename?: string }[];
    commits?: {
      sha: string;
      author?: { login?: string } | null;
      committer?: { login?: string } | null;
      commit: {
        author?: { name?: string; email?: string } | null;
        verification?: { verified?: boolean; reason?: string } | null;
      };
    }[];
  };
  try {
    ({ data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...${head}`,
    }));
  } catch (err) {
    const status = httpStatus(err);
    if (status !== 404 && status !== 422) throw err;
    return {
      complete: false,
      why: `GitHub cannot compare ${range} (a force-push dropped a commit?)`,
    };
  }
  const files = data.files ?? [];
  const commits = data.commits ?? [];
  if (files.length >= COMPARE_FILE_LIMIT)
    return {
      complete: false,
      why: `${range} changes ${COMPARE_FILE_LIMIT} or more files, more than GitHub lists`,
    };
  const total = data.total_commits ?? commits.length;
  if (commits.length >= COMPARE_COMMIT_LIMIT || total > commits.length)
    return {
      complete: false,
      why: `${range} holds ${total} commits, more than GitHub lists (${COMPARE_COMMIT_LIMIT}), so labgate cannot check who made each`,
    };
  return {
    complete: true,
    status: data.status,
    files: files.flatMap((f) =>
      f.previous_filename ? [f.filename, f.previous_filename] : [f.filename],
    ),
    commits: commits.map(
      (c): ComparedCommit => ({
        sha: c.sha,
        authorLogin: c.author?.login ?? null,
        committerLogin: c.committer?.login ?? null,
        authorName: c.commit.author?.name ?? c.commit.author?.email ?? "unknown",
        verified: c.commit.verification?.verified === true,
        verificationReason: c.commit.verification?.reason ?? "no verification reported",
      }),
    ),
  };
}
