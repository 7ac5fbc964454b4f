import { readFile } from "node:fs/promises";
import { isFork } from "../github/get-pull-request.js";

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
      head?: { sha?: string; repo?: { id?: number } | null };
      base?: { repo?: { id?: number } };
    };
  };
  try {
    payload = JSON.parse(await readFile(eventPath, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the event payload ${eventPath}: ${(err as Error).message}`);
  }
  const pr = payload.pull_request;
  if (!pr?.head?.sha) return undefined;
  return {
    number: Number(pr.number),
    headSha: String(pr.head.sha),
    fromFork: isFork({ head: pr.head, base: pr.base ?? {} }),
  };
}
