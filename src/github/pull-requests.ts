import type { OctokitLike } from "./octokit.js";

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

// GitHub's own wording on a 422 from POST /pulls; matched the way create-pull-request does.
const ALREADY_EXISTS = "A pull request already exists";
const DRAFT_UNSUPPORTED = "Draft pull requests are not supported";

/**
 * Opens or updates the ONE open PR from `head` into `base`: finds it by head, else creates it.
 * Two runs racing (or a list that lagged behind a create) end in GitHub's 422 "A pull request
 * already exists", which is answered by finding that PR and updating it. A repository without
 * draft PRs (private repos on some plans) gets a normal PR instead of a failure.
 */
export async function upsertPullRequest(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
): Promise<UpsertedPullRequest> {
  const existing = await findOpenPullRequest(octokit, input);
  if (existing) return update(octokit, input, existing.number);
  let draft = input.draft === true;
  try {
    return await create(octokit, input, draft);
  } catch (err) {
    if (draft && is422(err, DRAFT_UNSUPPORTED)) {
      draft = false;
      try {
        return await create(octokit, input, false);
      } catch (retryErr) {
        return afterCreateFailed(octokit, input, retryErr);
      }
    }
    return afterCreateFailed(octokit, input, err);
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

async function afterCreateFailed(
  octokit: OctokitLike,
  input: UpsertPullRequestInput,
  err: unknown,
): Promise<UpsertedPullRequest> {
  if (!is422(err, ALREADY_EXISTS)) throw err;
  const existing = await findOpenPullRequest(octokit, input);
  if (!existing)
    throw new Error(
      `GitHub says a pull request from ${input.head} already exists, but none is open into ${input.base}; ` +
        `close or retarget the PR from ${input.head} and run again.`,
    );
  return update(octokit, input, existing.number);
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

function is422(err: unknown, text: string): boolean {
  const e = err as { status?: number; message?: string; response?: { data?: unknown } };
  if (e?.status !== 422) return false;
  return `${e.message ?? ""} ${JSON.stringify(e.response?.data ?? "")}`.includes(text);
}
