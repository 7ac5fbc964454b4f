import { readFile } from "node:fs/promises";

export interface PullRequestEventFacts {
  number: number;
  headSha: string;
  fromFork: boolean;
}

/**
 * The PR facts of a `pull_request` event payload (GITHUB_EVENT_PATH), or undefined for any other
 * event. GITHUB_SHA on a pull_request event is the test merge commit, not the PR's head.
 */
export async function readPullRequestEvent(
  eventPath: string | undefined,
): Promise<PullRequestEventFacts | undefined> {
  if (!eventPath) return undefined;
  let payload: {
    pull_request?: {
      number?: number;
      head?: { sha?: string; repo?: { full_name?: string } | null };
      base?: { repo?: { full_name?: string } };
    };
  };
  try {
    payload = JSON.parse(await readFile(eventPath, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the event payload ${eventPath}: ${(err as Error).message}`);
  }
  const pr = payload.pull_request;
  if (!pr?.head?.sha) return undefined;
  const head = String(pr.head.repo?.full_name ?? "");
  const base = String(pr.base?.repo?.full_name ?? "");
  return {
    number: Number(pr.number),
    headSha: String(pr.head.sha),
    fromFork: head === "" || head.toLowerCase() !== base.toLowerCase(),
  };
}
