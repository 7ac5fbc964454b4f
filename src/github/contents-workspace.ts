import type { Workspace } from "../operations/workspace.js";
import type { OctokitLike } from "./octokit.js";
import { httpStatus, type RepoRef } from "./repo-ref.js";

/** Files larger than this are not read through the API (definitions and scripts are small). */
const MAX_FILE_BYTES = 1024 * 1024;

export interface ContentsWorkspace extends Workspace {
  /** Reads many files in one GraphQL request; later `readFile` calls for them cost nothing. */
  prefetch(paths: readonly string[]): Promise<void>;
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

  async function fetchOne(path: string): Promise<string | undefined> {
    requests++;
    try {
      const { data } = await octokit.rest.repos.getContent({
        ...repo,
        path,
        ...(sha === "HEAD" ? {} : { ref: sha }),
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
      const key = normalize(path);
      let hit = cache.get(key);
      if (!hit) {
        const read = fetchOne(key);
        // A failed read is the caller's to see (it awaits `read`); the cache forgets it so the next
        // caller asks again instead of holding a rejection no one may ever await.
        read.catch(() => {
          if (cache.get(key) === read) cache.delete(key);
        });
        cache.set(key, read);
        hit = read;
      }
      return hit;
    },
    async prefetch(paths) {
      const wanted = [...new Set(paths.map(normalize))].filter((p) => p !== "" && !cache.has(p));
      if (wanted.length === 0) return;
      const fields = wanted
        .map((p, i) => `f${i}: object(expression: ${JSON.stringify(`${sha}:${p}`)}) { ...blob }`)
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
          if (cache.get(p) === read) cache.delete(p);
        });
        cache.set(p, read);
      });
      await pending;
    },
  };
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
