import { type Config, DEFAULT_CONFIG } from "../core/config/config-schema.js";
import { parseConfig } from "../core/config/parse-config.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.js";
import { CONFIG_PATH } from "../operations/load-campaign.js";
import { type ContentsWorkspace, contentsWorkspace } from "./contents-workspace.js";
import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

export type ConfigResult =
  | { ok: true; config: Config; ref: string }
  | { ok: false; problem: string; diagnostics: Diagnostic[]; ref: string };

/**
 * `.github/labgate.yml` at `ref`, the Probot way: the repository's file, else the one in the
 * owner's `.github` repository, else the defaults.
 */
export async function readConfigAt(
  octokit: OctokitLike,
  repo: RepoRef,
  ref: string,
  via?: ContentsWorkspace,
): Promise<ConfigResult> {
  let text = via
    ? await via.readAt(ref, CONFIG_PATH)
    : await contentsWorkspace(octokit, repo, ref).readFile(CONFIG_PATH);
  let where = `${ref}:${CONFIG_PATH}`;
  if (text === undefined && repo.repo !== ".github") {
    const org = { owner: repo.owner, repo: ".github" };
    text = await contentsWorkspace(octokit, org, "HEAD").readFile(CONFIG_PATH);
    where = `${repo.owner}/.github:${CONFIG_PATH}`;
  }
  if (text === undefined) return { ok: true, config: DEFAULT_CONFIG, ref };
  const parsed = parseConfig(where, text);
  if (parsed.ok) return { ok: true, config: parsed.config, ref };
  return {
    ok: false,
    problem: parsed.diagnostics.map(formatDiagnostic).join("\n"),
    diagnostics: parsed.diagnostics,
    ref,
  };
}

/**
 * The repository's default branch, read through the API (never from a PR or a payload field a PR
 * sets). A webhook's `repository.default_branch` is GitHub's own, in a signed delivery, and may be
 * used instead (`readPolicyConfig`'s `knownDefaultBranch`).
 */
export async function defaultBranch(octokit: OctokitLike, repo: RepoRef): Promise<string> {
  const { data } = await octokit.rest.repos.get({ ...repo });
  return data.default_branch;
}

/**
 * The config that decides who may do what: approvers, `require_other_approver`, autofix
 * commands, required script flags, workflow names, result paths. Read from the default branch,
 * never from a PR's head or the base branch its author chose (docs/security.md): a PR that edits
 * `.github/labgate.yml` changes labgate's behaviour once it is merged, not before. The gates'
 * thresholds, required script flags and budget are policy too: a PR must not loosen its own gates.
 *
 * `defaultBranch`: the default branch as GitHub named it in the signed webhook delivery being
 * handled (`repository.default_branch`, `EventDeps.defaultBranch`); it saves the
 * `GET /repos/{owner}/{repo}`. `batchWith`: a workspace (the PR head's) and the files it will
 * need first; the policy file is read in the same GraphQL request as those. Read the policy once
 * per piece of work and pass the result on.
 */
export async function readPolicyConfig(
  octokit: OctokitLike,
  repo: RepoRef,
  opts: {
    defaultBranch?: string | undefined;
    batchWith?: { workspace: ContentsWorkspace; paths: readonly string[] };
  } = {},
): Promise<ConfigResult> {
  const branch = opts.defaultBranch || (await defaultBranch(octokit, repo));
  const batch = opts.batchWith;
  if (batch) await batch.workspace.prefetch([{ ref: branch, path: CONFIG_PATH }, ...batch.paths]);
  return readConfigAt(octokit, repo, branch, batch?.workspace);
}
