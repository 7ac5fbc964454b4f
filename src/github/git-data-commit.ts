import { assertCommitPaths } from "../core/paths/commit-path.js";

export { CommitPathError } from "../core/paths/commit-path.js";

import type { OctokitLike } from "./octokit.js";

export interface CommitFile {
  /** Repo-relative path with forward slashes. */
  path: string;
  /** Text goes inline in the tree request; bytes that are not UTF-8 go up as a blob first. */
  content: string | Uint8Array;
}

export interface GitDataCommitInput {
  owner: string;
  repo: string;
  branch: string;
  /** A function is called after `files` on each attempt (the message may count what they hold). */
  message: string | (() => string);
  /**
   * The files, or a function building them on the branch head each attempt is based on — for
   * content merged with what is on the branch (a state file), so a rebuild never drops what a
   * racing push added.
   */
  files: readonly CommitFile[] | ((head: string) => Promise<readonly CommitFile[]>);
  /**
   * The folders every file must lie under (the results and the dispatch paths). A path outside
   * them, or one that is not a plain repo path (`..`, absolute, an empty or `.git` segment),
   * fails the commit before its tree is sent, naming the path.
   */
  under: readonly string[];
  /** Rebuilds on the moved branch at most this many times in all (default 5). */
  maxAttempts?: number;
  /** Upper bound on one tree request's body; more is split into chained trees (default 5 MB). */
  maxTreeBytes?: number;
  log?: { info(msg: string): void };
}

export interface GitDataCommitResult {
  /** The new commit, or null when the files already matched the branch (nothing committed). */
  sha: string | null;
  /** The commit it was built on: the branch head at the successful attempt. */
  parent: string;
  attempts: number;
  /** API requests this commit took, all attempts included. */
  requests: number;
  /** Tree requests per attempt (1 unless the files were split). */
  treeChunks: number;
}

/** GitHub answers a non-fast-forward ref update with 422 "Update is not a fast forward". */
const BRANCH_MOVED = new Set([409, 422]);
const DEFAULT_MAX_TREE_BYTES = 5 * 1024 * 1024;

/**
 * Commits many files as ONE commit through the Git Data API: read the branch head, create one
 * tree holding every file's content inline on top of the head's tree, create the commit, move
 * the branch. That is 5 requests whatever the file count (plus one tree request per extra chunk
 * and one blob per binary file). The ref update never forces: when the branch moved meanwhile
 * (someone pushed), GitHub refuses the update, and the commit is rebuilt on the new head — the
 * pushed commits stay in history, ours lands on top — at most `maxAttempts` times.
 */
export async function gitDataCommit(
  octokit: OctokitLike,
  input: GitDataCommitInput,
): Promise<GitDataCommitResult> {
  const { owner, repo, branch } = input;
  const maxAttempts = input.maxAttempts ?? 5;
  let requests = 0;
  const api = <T>(p: Promise<T>) => {
    requests++;
    return p;
  };

  // Binary files become blobs; text goes inline in the tree request.
  const toChunks = async (files: readonly CommitFile[]) => {
    assertCommitPaths(
      files.map((f) => f.path),
      input.under,
    );
    const entries: TreeEntry[] = [];
    for (const f of files) {
      const text = asText(f.content);
      if (text !== undefined) {
        entries.push({ path: f.path, mode: "100644", type: "blob", content: text });
      } else {
        const { data } = await api(
          octokit.rest.git.createBlob({
            owner,
            repo,
            content: Buffer.from(f.content as Uint8Array).toString("base64"),
            encoding: "base64",
          }),
        );
        entries.push({ path: f.path, mode: "100644", type: "blob", sha: data.sha });
      }
    }
    return chunkEntries(entries, input.maxTreeBytes ?? DEFAULT_MAX_TREE_BYTES);
  };
  const fixed = typeof input.files === "function" ? undefined : await toChunks(input.files);

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { data: ref } = await api(
      octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` }),
    );
    const parent = ref.object.sha;
    const chunks =
      fixed ??
      (await toChunks(await (input.files as (h: string) => Promise<CommitFile[]>)(parent)));
    const { data: parentCommit } = await api(
      octokit.rest.git.getCommit({ owner, repo, commit_sha: parent }),
    );
    let tree = parentCommit.tree.sha;
    for (const chunk of chunks) {
      const { data } = await api(
        octokit.rest.git.createTree({ owner, repo, base_tree: tree, tree: chunk }),
      );
      tree = data.sha;
    }
    const result = { parent, attempts: attempt, treeChunks: chunks.length };
    if (tree === parentCommit.tree.sha) return { sha: null, requests, ...result };
    const { data: commit } = await api(
      octokit.rest.git.createCommit({
        owner,
        repo,
        message: typeof input.message === "function" ? input.message() : input.message,
        tree,
        parents: [parent],
      }),
    );
    try {
      await api(
        octokit.rest.git.updateRef({
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commit.sha,
          force: false,
        }),
      );
      return { sha: commit.sha, requests, ...result };
    } catch (err) {
      if (!BRANCH_MOVED.has((err as { status?: number }).status ?? 0)) throw err;
      input.log?.info(
        `${branch} moved while committing (attempt ${attempt} of ${maxAttempts}); rebuilding on the new head`,
      );
    }
  }
  throw new Error(
    `could not commit to ${branch}: the branch moved ${maxAttempts} times while the results commit was being built. Nothing was force-pushed; re-run the job to try again.`,
  );
}

type TreeEntry =
  | { path: string; mode: "100644"; type: "blob"; content: string }
  | { path: string; mode: "100644"; type: "blob"; sha: string };

const decoder = new TextDecoder("utf-8", { fatal: true });
function asText(content: string | Uint8Array): string | undefined {
  if (typeof content === "string") return content;
  try {
    return decoder.decode(content);
  } catch {
    return undefined;
  }
}

/** Splits entries so that no tree request body exceeds `maxBytes` (one oversized file stays alone). */
export function chunkEntries<T>(entries: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const e of entries) {
    const bytes = Buffer.byteLength(JSON.stringify(e)) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += bytes;
  }
  if (current.length > 0 || chunks.length === 0) chunks.push(current);
  return chunks;
}
