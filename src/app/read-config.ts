import { type Config, DEFAULT_CONFIG } from "../core/config/config-schema.js";
import { parseConfig } from "../core/config/parse-config.js";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.js";
import { contentsWorkspace } from "../github/contents-workspace.js";
import { CONFIG_PATH } from "../operations/load-campaign.js";
import type { EventDeps } from "./event-deps.js";

export type ConfigResult = { ok: true; config: Config } | { ok: false; problem: string };

/**
 * `.github/labgate.yml` at `ref`, the Probot way: the repository's file, else the one in the
 * owner's `.github` repository, else the defaults (SPEC §12).
 */
export async function readConfig(deps: EventDeps, ref: string): Promise<ConfigResult> {
  let text = await contentsWorkspace(deps.octokit, deps.repo, ref).readFile(CONFIG_PATH);
  let where = CONFIG_PATH;
  if (text === undefined && deps.repo.repo !== ".github") {
    const org = { owner: deps.repo.owner, repo: ".github" };
    text = await contentsWorkspace(deps.octokit, org, "HEAD").readFile(CONFIG_PATH);
    where = `${deps.repo.owner}/.github:${CONFIG_PATH}`;
  }
  if (text === undefined) return { ok: true, config: DEFAULT_CONFIG };
  const parsed = parseConfig(where, text);
  if (parsed.ok) return { ok: true, config: parsed.config };
  return { ok: false, problem: parsed.diagnostics.map(formatDiagnostic).join("\n") };
}
