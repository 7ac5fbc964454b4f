import type { Config } from "../../core/config/config-schema.js";
import type { PullRequestInfo } from "../../github/get-pull-request.js";
import type { EventDeps } from "../event-deps.js";

/** What every PR command handler gets: who asked, on which PR, with the default branch's policy. */
export interface PrCommandContext {
  deps: EventDeps;
  user: string;
  pr: PullRequestInfo;
  /** From the default branch (`loadContext`), so a PR cannot name its own approvers. */
  config: Config;
  /** The repository's default branch: dispatched workflows run from there. */
  defaultBranch: string;
  /** The comment that gave the command: the approval is of what its author saw when writing it. */
  comment: { id: number; createdAt: string };
}
