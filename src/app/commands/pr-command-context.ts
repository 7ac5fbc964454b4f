import type { Config } from "../../core/config/config-schema.js";
import type { PullRequestInfo } from "../../github/get-pull-request.js";
import type { EventDeps } from "../event-deps.js";

/** What every PR command handler gets: who asked, on which PR, with the base branch's config. */
export interface PrCommandContext {
  deps: EventDeps;
  user: string;
  pr: PullRequestInfo;
  /** From the base branch, so a PR cannot name its own approvers. */
  config: Config;
}
