import type { OctokitLike } from "./octokit.js";
import { httpStatus } from "./repo-ref.js";

export interface UpsertPullRequestInput {
  owner: string;
  repo: string;
  /** The branch with the changes, in this repository (labgate never opens PRs from forks). */
  head: string;
  /** The branch the PR merges into. */
  base: string;
  title: string;
  body: string;
  /** Nightly PRs are drafts: results to look at, not to merge by reflex. */
  draft?: boolean;
}

export interface UpsertedPullRequest {
  action: "created" | "updated";
  number: number;
  url: string;
  draft: boolean;
}

/**
 * Opens or updates the ONE open PR from `head` into `base`: finds it by head, else creates it.
 * A create GitHub refuses with 422 is answered by what GitHub holds, never by the 422's wording
 * (which GitHub may change): a draft PR that is refused is tried once more as a normal PR (a
 * private repo on some plans has no drafts); then, if a PR from `head` into `base` is open (two
 * runs racing, or a list that lagged behind a create), that PR is updated.
 */
export async function upsertPullRequest(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
): Promise<UpsertedPullRequest> {
  const existing = await findOpenPullRequest(octokit, input);
  if (existing) return update(octokit, input, existing.number);
  try {
    return await create(octokit, input, input.draft === true);
  } catch (err) {
    if (httpStatus(err) !== 422) throw err;
    if (input.draft !== true) return afterCreateRefused(octokit, input, err);
    try {
      return await create(octokit, input, false);
    } catch (retryErr) {
      if (httpStatus(retryErr) !== 422) throw retryErr;
      return afterCreateRefused(octokit, input, retryErr);
    }
  }
}

/** The open PR whose head is `owner:head` (and base `base`), if any. */
export async function findOpenPullRequest(
  octokit: OctokitLike,
  input: Pick<UpsertPullRequestInput, "owner" | "repo" | "head" | "base">,
): Promise<{ number: number; url: string; draft: boolean } | undefined> {
  const { data } = await octokit.rest.pulls.list({
    owner: input.owner,
    repo: input.repo,
    head: `${input.owner}:${input.head}`,
    base: input.base,
    state: "open",
    per_page: 10,
  });
  const pr = data[0];
  return pr ? { number: pr.number, url: pr.html_url, draft: pr.draft === true } : undefined;
}

/** After GitHub refused a create with 422: update the open PR from `head` into `base`, if any. */
async function afterCreateRefused(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
  err: unknown,
): Promise<UpsertedPullRequest> {
  const existing = await findOpenPullRequest(octokit, input);
  if (existing) return update(octokit, input, existing.number);
  const { data } = await octokit.rest.pulls.list({
    owner: input.owner,
    repo: input.repo,
    head: `${input.owner}:${input.head}`,
    state: "open",
    per_page: 1,
  });
  if (data.length === 0) throw err;
  throw new Error(
    `GitHub says a pull request from ${input.head} already exists, but none is open into ${input.base}; ` +
      `close or retarget the PR from ${input.head} and run again.`,
    { cause: err },
  );
}

async function create(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
  draft: boolean,
): Promise<UpsertedPullRequest> {
  const { data } = await octokit.rest.pulls.create({
    owner: input.owner,
    repo: input.repo,
    head: input.head,
    base: input.base,
    title: input.title,
    body: input.body,
    draft,
    maintainer_can_modify: false,
  });
  return { action: "created", number: data.number, url: data.html_url, draft: data.draft === true };
}

async function update(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
  number: number,
): Promise<UpsertedPullRequest> {
  const { data } = await octokit.rest.pulls.update({
    owner: input.owner,
    repo: input.repo,
    pull_number: number,
    title: input.title,
    body: input.body,
  });
  return { action: "updated", number: data.number, url: data.html_url, draft: data.draft === true };
}
