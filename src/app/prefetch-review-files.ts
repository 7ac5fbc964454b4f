import { dirname } from "node:path/posix";
import type { Config } from "../core/config/config-schema.js";
import { lockFileCandidates } from "../core/gates/debate/lock-files.js";
import type { ContentsWorkspace } from "../github/contents-workspace.js";
import { loadCampaign } from "../operations/load-campaign.js";
import { scriptPaths } from "./script-paths.js";

/** Where a commit's `dispatch/state.json` is, under the policy's `dispatch_dir`. */
export const statePath = (config: Config) =>
  `${config.dispatch_dir.replace(/\/+$/, "")}/state.json`;

/**
 * Reads what the gates will ask for at a commit in two GraphQL requests: the definitions and the
 * dispatch state, then the scripts the commands name and the lock files the reproducibility
 * reviewer looks for beside them. Where they are comes from `config`, the default branch's policy
 * (`readPolicyConfig`): the commit's own `.github/labgate.yml` is not read. Files an earlier batch
 * read (the policy read's `batchWith`) are not asked again.
 */
export async function prefetchReviewFiles(ws: ContentsWorkspace, config: Config): Promise<void> {
  await ws.prefetch([config.definitions, statePath(config)]);
  const campaign = await loadCampaign(ws, { config: { ok: true, config } });
  const scripts = scriptPaths(campaign.loaded?.experiments ?? []);
  await ws.prefetch([
    ...scripts,
    ...lockFileCandidates([dirname(campaign.definitionsPath), ...scripts.map((p) => dirname(p))]),
  ]);
}
