import { dirname } from "node:path/posix";
import { DEFAULT_CONFIG } from "../core/config/config-schema.js";
import { lockFileCandidates } from "../core/gates/debate/lock-files.js";
import type { ContentsWorkspace } from "../github/contents-workspace.js";
import { CONFIG_PATH, loadCampaign } from "../operations/load-campaign.js";
import { scriptPaths } from "./script-paths.js";

/**
 * Reads what the gates will ask for at a commit in two GraphQL requests: the config, definitions
 * and dispatch state, then the scripts the commands name and the lock files the reproducibility
 * reviewer looks for beside them.
 */
export async function prefetchReviewFiles(ws: ContentsWorkspace): Promise<void> {
  await ws.prefetch([
    CONFIG_PATH,
    DEFAULT_CONFIG.definitions,
    `${DEFAULT_CONFIG.dispatch_dir}/state.json`,
  ]);
  const campaign = await loadCampaign(ws);
  const scripts = scriptPaths(campaign.loaded?.experiments ?? []);
  await ws.prefetch([
    campaign.definitionsPath,
    `${campaign.config.dispatch_dir}/state.json`,
    ...scripts,
    ...lockFileCandidates([dirname(campaign.definitionsPath), ...scripts.map((p) => dirname(p))]),
  ]);
}
