import {
  type ComparedCommit,
  type ComparedRange,
  type DispatchRunExpected,
  dispatchRunProblem,
} from "../core/approval/results-commits.js";
import { RUN_TRAILER, trailerValues } from "../git/trailers.js";
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
        message?: string;
        author?: { name?: string; email?: string } | null;
        committer?: { date?: string } | null;
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
        message: c.commit.message ?? "",
        ...(c.commit.committer?.date ? { committedAt: c.commit.committer.date } : {}),
      }),
    ),
  };
}

/**
 * Why each of `commits` (results commits that passed `resultsOnlyRange`) is not bound to a run of
 * the dispatch workflow for this approval; empty when all are. Each must carry exactly one
 * `Labgate-Run` trailer naming a workflow run of this repository (`<server>/<owner>/<repo>/actions/runs/<id>`),
 * and that run, read through the API (`GET /repos/{o}/{r}/actions/runs/{id}`), must pass
 * `dispatchRunProblem`. Several commits may name one run: `/retry` re-runs the aggregate job in a
 * new attempt of the same run, which commits again under the same trailer (it names the run, not
 * the attempt). Fails closed: a missing or unreadable trailer, or a run GitHub does not know
 * (404), is a reason; any other API error is thrown (the caller decides nothing on it).
 */
export async function unboundResultsCommits(
  octokit: OctokitLike,
  repo: RepoRef,
  commits: readonly ComparedCommit[],
  expected: DispatchRunExpected,
): Promise<string[]> {
  const reasons: string[] = [];
  const runs = new Map<number, Parameters<typeof dispatchRunProblem>[0] | undefined>();
  for (const c of commits) {
    const short = `\`${c.sha.slice(0, 7)}\``;
    const named = trailerValues(c.message ?? "", RUN_TRAILER);
    const id = named.length === 1 ? runIdOf(named[0] as string, repo) : undefined;
    if (id === undefined) {
      reasons.push(
        `${short} has ${named.length === 1 ? `a ${RUN_TRAILER} trailer that names no run of ${repo.owner}/${repo.repo}` : `${named.length} ${RUN_TRAILER} trailers, not one`}`,
      );
      continue;
    }
    if (!runs.has(id)) runs.set(id, await workflowRun(octokit, repo, id));
    const run = runs.get(id);
    if (run === undefined) {
      reasons.push(`${short} names run ${id}, which GitHub does not know`);
      continue;
    }
    const problem = dispatchRunProblem(run, expected, c.committedAt);
    if (problem !== undefined) reasons.push(`${short} ${problem}`);
  }
  return reasons;
}

/** A workflow run as `dispatchRunProblem` reads it; undefined when GitHub does not know it (404). */
async function workflowRun(
  octokit: OctokitLike,
  repo: RepoRef,
  id: number,
): Promise<Parameters<typeof dispatchRunProblem>[0] | undefined> {
  try {
    const { data } = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: id });
    return {
      id,
      path: data.path,
      head_branch: data.head_branch ?? null,
      event: data.event,
      display_title: data.display_title ?? null,
      created_at: data.created_at,
    };
  } catch (err) {
    if (httpStatus(err) !== 404) throw err;
    return undefined;
  }
}

/** The run id a `Labgate-Run` value names, when it is a run of `repo` (any server, any attempt). */
function runIdOf(value: string, repo: RepoRef): number | undefined {
  const m =
    /^https?:\/\/[^/\s]+\/([^/\s]+)\/([^/\s]+)\/actions\/runs\/([1-9][0-9]{0,15})(?:\/attempts\/[1-9][0-9]*)?$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  if ((m[1] as string).toLowerCase() !== repo.owner.toLowerCase()) return undefined;
  if ((m[2] as string).toLowerCase() !== repo.repo.toLowerCase()) return undefined;
  const id = Number(m[3]);
  return Number.isSafeInteger(id) ? id : undefined;
}
