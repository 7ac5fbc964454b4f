import {
  annotationBatches,
  type CheckAnnotation,
  truncateMarkdown,
  truncateTitle,
} from "./check-run-output.js";
import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

export type CheckConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required";

export interface CheckRunInput {
  name: string;
  head_sha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion?: CheckConclusion;
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
  external_id?: string;
  details_url?: string;
}

/** A check run as labgate reads it back. */
export interface CheckRunInfo {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  /** The GitHub App that created it: the only thing that says who wrote it (check-run-protocol.ts). */
  app_id: number | null;
  app_slug: string | null;
  title: string | null;
  summary: string | null;
  html_url: string | null;
}

function output(
  input: Omit<CheckRunInput, "name" | "head_sha" | "status">,
  batch?: CheckAnnotation[],
) {
  return {
    title: truncateTitle(input.title),
    summary: truncateMarkdown(input.summary),
    ...(input.text === undefined ? {} : { text: truncateMarkdown(input.text) }),
    ...(batch && batch.length > 0 ? { annotations: batch } : {}),
  };
}

function completion(input: CheckRunInput, now: Date) {
  return input.status === "completed"
    ? { conclusion: input.conclusion ?? "neutral", completed_at: now.toISOString() }
    : {};
}

/**
 * Creates a check run; annotations beyond the first 50 go in follow-up updates, 50 at a time,
 * because GitHub rejects larger batches.
 */
export async function createCheckRun(
  octokit: OctokitLike,
  ref: RepoRef,
  input: CheckRunInput,
  now = new Date(),
): Promise<number> {
  const [first, ...rest] = annotationBatches(input.annotations ?? []);
  const { data } = await octokit.rest.checks.create({
    ...ref,
    name: input.name,
    head_sha: input.head_sha,
    status: input.status,
    ...completion(input, now),
    ...(input.external_id === undefined ? {} : { external_id: input.external_id }),
    ...(input.details_url === undefined ? {} : { details_url: input.details_url }),
    output: output(input, first),
  });
  for (const batch of rest)
    await octokit.rest.checks.update({
      ...ref,
      check_run_id: data.id,
      output: output(input, batch),
    });
  return data.id;
}

/** Updates a check run in place (status, conclusion, output, external_id). */
export async function updateCheckRun(
  octokit: OctokitLike,
  ref: RepoRef,
  checkRunId: number,
  input: Omit<CheckRunInput, "head_sha" | "name">,
  now = new Date(),
): Promise<void> {
  const batches = annotationBatches(input.annotations ?? []);
  await octokit.rest.checks.update({
    ...ref,
    check_run_id: checkRunId,
    status: input.status,
    ...(input.status === "completed"
      ? { conclusion: input.conclusion ?? "neutral", completed_at: now.toISOString() }
      : {}),
    ...(input.external_id === undefined ? {} : { external_id: input.external_id }),
    ...(input.details_url === undefined ? {} : { details_url: input.details_url }),
    output: output(input, batches[0]),
  });
  for (const batch of batches.slice(1))
    await octokit.rest.checks.update({
      ...ref,
      check_run_id: checkRunId,
      output: output(input, batch),
    });
}

/**
 * Every check run on a commit (optionally one name), newest first. Paginated: a PR can post more
 * than 100 check runs on its commit, and the ones labgate trusts must not fall off the first page.
 */
export async function listCheckRuns(
  octokit: OctokitLike,
  ref: RepoRef,
  sha: string,
  checkName?: string,
): Promise<CheckRunInfo[]> {
  const runs = await octokit.paginate(octokit.rest.checks.listForRef, {
    ...ref,
    ref: sha,
    filter: "all",
    per_page: 100,
    ...(checkName ? { check_name: checkName } : {}),
  });
  return runs
    .map((c) => ({
      id: c.id,
      name: c.name,
      head_sha: c.head_sha,
      status: c.status,
      conclusion: c.conclusion ?? null,
      external_id: c.external_id ?? null,
      app_id: c.app?.id ?? null,
      app_slug: c.app?.slug ?? null,
      title: c.output?.title ?? null,
      summary: c.output?.summary ?? null,
      html_url: c.html_url ?? null,
    }))
    .sort((a, b) => b.id - a.id);
}
