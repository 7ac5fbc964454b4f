import { CONFIG_PATH, ORG_CONFIG_REPO } from "../core/config/config-schema.js";
import { type ContentsWorkspace, contentsWorkspace } from "./contents-workspace.js";
import type { OctokitLike } from "./octokit.js";
import type { RepoRef } from "./repo-ref.js";

/** The text of `.github/labgate.yml` as found through the API, and where; none: no file anywhere. */
export interface ConfigText {
  /** `undefined`: neither the repository nor its owner's `.github` repository has one. */
  text: string | undefined;
  /** Where it was read, for diagnostics: `<ref>:.github/labgate.yml` or `<owner>/.github:…`. */
  where: string;
}

/**
 * `.github/labgate.yml` at `ref`, the Probot way: the repository's file, else the one in the
 * owner's `.github` repository (its default branch), else none (the defaults apply). `via`: a
 * workspace that may hold the file from a batch already (`prefetch` with `{ ref, path }`).
 */
export async function readConfigTextAt(
  octokit: OctokitLike,
  repo: RepoRef,
  ref: string,
  via?: ContentsWorkspace,
): Promise<ConfigText> {
  const text = via
    ? await via.readAt(ref, CONFIG_PATH)
    : await contentsWorkspace(octokit, repo, ref).readFile(CONFIG_PATH);
  if (text !== undefined || repo.repo === ORG_CONFIG_REPO)
    return { text, where: `${ref}:${CONFIG_PATH}` };
  const org = { owner: repo.owner, repo: ORG_CONFIG_REPO };
  return {
    text: await contentsWorkspace(octokit, org, "HEAD").readFile(CONFIG_PATH),
    where: `${repo.owner}/${ORG_CONFIG_REPO}:${CONFIG_PATH}`,
  };
}

/**
 * The repository's default branch, read through the API (never from a PR or a payload field a PR
 * sets). A webhook's `repository.default_branch` is GitHub's own, in a signed delivery, and may be
 * used instead (`loadContext`'s `defaultBranch`).
 */
export async function defaultBranch(octokit: OctokitLike, repo: RepoRef): Promise<string> {
  const { data } = await octokit.rest.repos.get({ ...repo });
  return data.default_branch;
}
