import type { Workspace } from "../operations/workspace.js";
import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** Files larger than this are not read through the API (definitions and scripts are small). */
const MAX_FILE_BYTES = 1024 * 1024;

/** A file at another ref than the workspace's (the default branch's policy, say). */
export interface RefPath {
  ref: string;
  path: string;
}

export interface ContentsWorkspace extends Workspace {
  /**
   * Reads many files in one GraphQL request; later `readFile` (or, for a `RefPath`, `readAt`)
   * calls for them cost nothing.
   */
  prefetch(paths: readonly (string | RefPath)[]): Promise<void>;
  /** A file at another ref, from a `prefetch` that named it, else the contents API at that ref. */
  readAt(ref: string, path: string): Promise<string | undefined>;
  /** API requests this workspace has made (for the webhook benchmark and tests). */
  readonly requests: number;
}

interface BlobNode {
  text: string | null;
  byteSize: number;
  isBinary: boolean | null;
}

/**
 * A `Workspace` over the repository at one commit: a GraphQL batch for the files a review is
 * known to need, then the contents API for anything else. Every file is fetched at most once.
 * `sha` may be "HEAD" for the default branch.
 */
export function contentsWorkspace(
  octokit: OctokitLike,
  repo: RepoRef,
  sha: string,
): ContentsWorkspace {
  const cache = new Map<string, Promise<string | undefined>>();
  let requests = 0;

  // The workspace's own files by path; another ref's by `ref NUL path`.
  const keyOf = (ref: string, path: string) => (ref === sha ? path : `${ref}\u0000${path}`);

  async function fetchOne(path: string, ref: string): Promise<string | undefined> {
    requests++;
    try {
      const { data } = await octokit.rest.repos.getContent({
        ...repo,
        path,
        ...(ref === "HEAD" ? {} : { ref }),
      });
      if (Array.isArray(data) || data.type !== "file") return undefined;
      const file = data as { content?: string; encoding?: string; size: number };
      if (file.size > MAX_FILE_BYTES || file.content === undefined) return undefined;
      return Buffer.from(file.content, file.encoding === "base64" ? "base64" : "utf8").toString(
        "utf8",
      );
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }

  return {
    get requests() {
      return requests;
    },
    readFile(path) {
      return readAt(sha, path);
    },
    readAt,
    async prefetch(paths) {
      const wanted = [
        ...new Map(
          paths
            .map((p) => (typeof p === "string" ? { ref: sha, path: p } : p))
            .map((p) => ({ ref: p.ref, path: normalize(p.path) }))
            .filter((p) => p.path !== "" && !cache.has(keyOf(p.ref, p.path)))
            .map((p) => [keyOf(p.ref, p.path), p] as const),
        ).values(),
      ];
      if (wanted.length === 0) return;
      const fields = wanted
        .map(
          (p, i) =>
            `f${i}: object(expression: ${JSON.stringify(`${p.ref}:${p.path}`)}) { ...blob }`,
        )
        .join("\n");
      const query = `query($owner: String!, $repo: String!) {
  repository(owner: $owner, name: $repo) {
${fields}
  }
}
fragment blob on Blob { text byteSize isBinary }`;
      requests++;
      const pending = graphqlBatch(octokit, query, repo);
      wanted.forEach((p, i) => {
        const key = keyOf(p.ref, p.path);
        const read = pending.then((nodes) => {
          const node = nodes?.[`f${i}`];
          if (!node || node.isBinary || node.text === null || node.byteSize > MAX_FILE_BYTES)
            return undefined;
          return node.text;
        });
        // Handled here, where it is stored (STYLE 18): a failed batch (a 502, a secondary rate
        // limit) rejects `prefetch` below for the caller, and the paths it covered leave the cache
        // so a later `readFile` asks again rather than re-reading a rejection nobody awaits.
        read.catch(() => {
          if (cache.get(key) === read) cache.delete(key);
        });
        cache.set(key, read);
      });
      await pending;
    },
  };

  function readAt(ref: string, path: string): Promise<string | undefined> {
    const key = keyOf(ref, normalize(path));
    let hit = cache.get(key);
    if (!hit) {
      const read = fetchOne(normalize(path), ref);
      // A failed read is the caller's to see (it awaits `read`); the cache forgets it so the next
      // caller asks again instead of holding a rejection no one may ever await.
      read.catch(() => {
        if (cache.get(key) === read) cache.delete(key);
      });
      cache.set(key, read);
      hit = read;
    }
    return hit;
  }
}

async function graphqlBatch(
  octokit: OctokitLike,
  query: string,
  repo: RepoRef,
): Promise<Record<string, BlobNode | null> | undefined> {
  const data = await octokit.graphql<{ repository: Record<string, BlobNode | null> | null }>(
    query,
    {
      owner: repo.owner,
      repo: repo.repo,
    },
  );
  return data.repository ?? undefined;
}

function normalize(path: string): string {
  return path.replace(/^\.\//, "").replace(/^\/+/, "");
}
