import { dirname } from "node:path/posix";
import type { Config } from "../core/config/config-schema.js";
import { lockFileCandidates } from "../core/gates/debate/lock-files.js";
import { statePath } from "../core/paths/layout.js";
import type { ContentsWorkspace } from "../github/contents-workspace.js";
import { type Campaign, loadCampaign } from "../operations/load-campaign.js";
import { scriptPaths } from "./script-paths.js";

/**
 * Reads what the gates will ask for at a commit in two GraphQL requests: the definitions and the
 * dispatch state, then the scripts the commands name and the lock files the reproducibility
 * reviewer looks for beside them, with the caller's `also` (the dashboard's aggregated.json).
 * Where they are comes from `config`, the default branch's policy (`loadContext`): the commit's
 * own `.github/labgate.yml` is not read. Files an earlier batch
 * read (the policy read's `batchWith`) are not asked again. Returns the campaign it read, for the
 * gates (`reviewGates`' `campaign`), so nothing is loaded twice.
 */
export async function prefetchReviewFiles(
  ws: ContentsWorkspace,
  config: Config,
  also: readonly string[] = [],
): Promise<Campaign> {
  await ws.prefetch([config.definitions, statePath(config)]);
  const campaign = await loadCampaign(ws, { config: { ok: true, config } });
  const scripts = scriptPaths(campaign.loaded?.experiments ?? []);
  await ws.prefetch([
    ...also,
    ...scripts,
    ...lockFileCandidates([dirname(campaign.definitionsPath), ...scripts.map((p) => dirname(p))]),
  ]);
  return campaign;
}
