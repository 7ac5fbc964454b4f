/**
 * Which commits on top of an approved commit are labgate's own results commits (docs/security.md,
 * "Results commits carry an approval only when labgate made them"). One rule for both shells: the
 * app carrying an approval over a push (carry-or-void.ts) and the plan step of a later wave
 * (authorize-dispatch.ts).
 */

/**
 * Who makes results commits: the aggregate job of the dispatch workflow commits them through the
 * Git Data API with the job's GITHUB_TOKEN (the action's `token` input defaults to it, in App mode
 * and Actions mode alike) and sets no author, committer or signature, so GitHub makes the commit
 * with the token's bot as its author and itself as committer, and signs it.
 */
export const RESULTS_AUTHOR = "github-actions[bot]";
/** The account GitHub commits as when it signs a commit itself (`GitHub <noreply@github.com>`). */
export const GITHUB_COMMITTER = "web-flow";

/** One commit between the approved commit and the head, as the compare API lists it. */
export interface ComparedCommit {
  sha: string;
  /** The GitHub accounts the commit's author and committer emails belong to; null if none. */
  authorLogin: string | null;
  committerLogin: string | null;
  /** The author as the commit itself names it (for the reason: the login may be unknown). */
  authorName: string;
  /** `commit.verification.verified`: GitHub checked a signature by the committer. */
  verified: boolean;
  /** `commit.verification.reason` (`valid`, `unsigned`, `unknown_key`, ...). */
  verificationReason: string;
  /** The commit's message (its `Labgate-Run` trailer names the run that made it). */
  message?: string;
  /** `commit.committer.date`: when GitHub made it (an API commit GitHub signs has its own date). */
  committedAt?: string;
}

/** What a results commit's `Labgate-Run` must name: a run of the dispatch workflow for this approval. */
export interface DispatchRunExpected {
  /** `.github/workflows/<dispatch_workflow>` of the default branch's config. */
  workflowPath: string;
  defaultBranch: string;
  pr: number;
  /** The approved commit. */
  sha: string;
}

/** What GitHub says of a workflow run (`GET /repos/{o}/{r}/actions/runs/{id}`). */
export interface DispatchRunFacts {
  id: number;
  path: string;
  head_branch: string | null;
  event: string;
  display_title: string | null;
  created_at: string;
}

/**
 * Why `run` is not a run that may have made a results commit of this approval, or undefined when
 * it may: the default branch's dispatch workflow (`path`, `head_branch`), started by
 * `workflow_dispatch`, for this PR and approved commit (its title, `dispatchRunTitle`), and
 * created before the commit was made. A PR's own workflow, or one on another branch, commits as
 * `github-actions[bot]` too; only this binds the commit to labgate's workflow (docs/security.md).
 */
export function dispatchRunProblem(
  run: DispatchRunFacts,
  expected: DispatchRunExpected,
  committedAt: string | undefined,
): string | undefined {
  const which = `run ${run.id}`;
  if (run.path !== expected.workflowPath)
    return `names ${which} of \`${run.path}\`, not of the dispatch workflow \`${expected.workflowPath}\``;
  if (run.head_branch !== expected.defaultBranch)
    return `names ${which} on branch \`${run.head_branch ?? "none"}\`, not the default branch \`${expected.defaultBranch}\``;
  if (run.event !== "workflow_dispatch")
    return `names ${which}, started by \`${run.event}\`, not \`workflow_dispatch\``;
  const title = `labgate dispatch: PR #${expected.pr} at ${expected.sha} (`;
  if (!(run.display_title ?? "").startsWith(title))
    return `names ${which}, which is not a dispatch of PR #${expected.pr} at ${expected.sha.slice(0, 7)} (its title: ${JSON.stringify(run.display_title ?? "")})`;
  const made = committedAt === undefined ? Number.NaN : Date.parse(committedAt);
  const started = Date.parse(run.created_at);
  if (!Number.isFinite(made) || !Number.isFinite(started) || made < started)
    return `names ${which}, created after the commit was made (or a date is missing)`;
  return undefined;
}

/** What the compare API says about `base...head`, or why it cannot say it completely. */
export type ComparedRange =
  | {
      complete: true;
      /** `ahead`, `identical`, `behind`, `diverged`. */
      status: string;
      /** Every path changed, a rename's old path too. */
      files: string[];
      /** Every commit in `base..head`, oldest first. */
      commits: ComparedCommit[];
    }
  | { complete: false; why: string };

export type ResultsOnlyVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Does `base..head` hold only results commits? Fails closed: an incomplete comparison, a head
 * that is not a descendant of `base`, a path outside `dirs` (the default branch's results and
 * dispatch directories), or any commit that is not labgate's own (`notResultsCommit`) answers
 * `ok: false` with a reason naming what and who.
 */
export function resultsOnlyRange(
  range: ComparedRange,
  dirs: readonly string[],
  trusted: readonly string[] = [RESULTS_AUTHOR],
): ResultsOnlyVerdict {
  if (!range.complete) return { ok: false, reason: range.why };
  if (range.status !== "ahead" && range.status !== "identical")
    return {
      ok: false,
      reason: `the head is not a descendant of the commit approved before (GitHub compares them as ${range.status}: force-pushed?)`,
    };
  const outside = outsideResultPaths(range.files, dirs);
  if (outside.length > 0)
    return {
      ok: false,
      reason: `the commits since change ${outside.length} file(s) outside the results and dispatch directories: ${list(outside, 10)}`,
    };
  const foreign = range.commits.flatMap((c) => {
    const why = notResultsCommit(c, trusted);
    return why === undefined ? [] : [`\`${c.sha.slice(0, 7)}\` ${why}`];
  });
  if (foreign.length > 0)
    return {
      ok: false,
      reason: `only labgate's own results commits (made by ${trusted.map((t) => `@${t}`).join(" or ")} and signed by GitHub) keep an approval, and ${foreign.length} commit(s) are not: ${foreign.slice(0, 5).join("; ")}${foreign.length > 5 ? "; …" : ""}`,
    };
  return { ok: true };
}

/**
 * Why `c` is not a labgate results commit, or undefined when it is: its author is a trusted
 * results author, its committer is GitHub itself (`web-flow`, never the author: GitHub signs the
 * commits it makes through the API as `web-flow`, so a commit committed by the bot was not made
 * that way), and GitHub verified its signature. GitHub signs a commit it makes through the API only when the request sets no author,
 * committer or signature, and then the author is the token's own account; anyone who can push to
 * the PR branch can write a results-only commit naming any author and committer email, but GitHub
 * does not verify it (an unsigned commit, or one signed by a key that is not the committer's).
 * The paths are judged apart (`outsideResultPaths`).
 */
export function notResultsCommit(
  c: ComparedCommit,
  trusted: readonly string[] = [RESULTS_AUTHOR],
): string | undefined {
  const is = (login: string | null, among: readonly string[]) =>
    login !== null && among.some((t) => t.toLowerCase() === login.toLowerCase());
  const by = `by ${c.authorLogin ? `@${c.authorLogin}` : `"${c.authorName}"`}, committed by ${
    c.committerLogin ? `@${c.committerLogin}` : "an account GitHub does not know"
  }`;
  const unverified = c.verified ? "" : `, which GitHub does not verify (${c.verificationReason})`;
  if (!is(c.authorLogin, trusted) || !is(c.committerLogin, [GITHUB_COMMITTER]))
    return `${by}${unverified}`;
  return unverified === "" ? undefined : `${by}${unverified}`;
}

/**
 * The paths outside the results and dispatch directories. An unusable directory setting ("", ".",
 * "/", one with "..") protects nothing.
 */
export function outsideResultPaths(files: readonly string[], dirs: readonly string[]): string[] {
  const prefixes = dirs
    .map((d) => d.replace(/^\.\//, "").replace(/\/+$/, ""))
    .filter((d) => d !== "" && d !== "." && !d.startsWith("/") && !d.split("/").includes(".."))
    .map((d) => `${d}/`);
  return files.filter((f) => !prefixes.some((p) => f.startsWith(p)));
}

function list(items: readonly string[], max: number): string {
  return `${items
    .slice(0, max)
    .map((f) => `\`${f}\``)
    .join(", ")}${items.length > max ? ", …" : ""}`;
}
