import type { Config } from "../../core/config/config-schema.js";
import type { PilotRunResult } from "../../core/gates/pilot/pilot-run-result.js";
import type { VerdictReason } from "../../core/gates/verdict.js";
import { runResultPath, statePath } from "../../core/paths/layout.js";
import { variantId } from "../../core/plan/run-id.js";
import { parseResultFile } from "../../core/results/result-file-schema.js";
import { ARCHIVED_PILOT_PHASE } from "../../core/state/merge-sidecars.js";
import { parseDispatchState } from "../../core/state/parse-dispatch-state.js";
import type { Workspace } from "../workspace.js";

export interface LoadedPilotResults {
  results: PilotRunResult[];
  /** A malformed state file or result file: reported, never silently treated as "no results". */
  problems: VerdictReason[];
}

/**
 * The pilot runs of `dispatch/state.json`, each joined with the metrics of its result file
 * `<results_dir>/runs/<run_id>.json`, read through the workspace. The path is the plan's
 * (`runResultPath` of the entry's id, which the state schema holds to a run id); an entry's
 * `result_file` is data the PR wrote and is never read (docs/security.md, "Paths come from the
 * plan"). Active pilots when there are any; once a full dispatch has archived them (docs/dispatch-state.md), the
 * archived ones — they are still the latest pilot evidence, and the gate would otherwise fall back
 * to PENDING after a campaign.
 */
export async function loadPilotResults(ws: Workspace, config: Config): Promise<LoadedPilotResults> {
  const stateFile = statePath(config);
  const text = await ws.readFile(stateFile);
  if (text === undefined) return { results: [], problems: [] };
  const parsed = parseDispatchState(stateFile, text);
  if (!parsed.ok)
    return {
      results: [],
      problems: [
        {
          severity: "blocking",
          file: stateFile,
          line: 1,
          message: `${parsed.message} — restore it from the last commit (git checkout HEAD~1 -- ${stateFile})`,
        },
      ],
    };
  const results: PilotRunResult[] = [];
  const problems: VerdictReason[] = [];
  const all = parsed.value.experiments;
  const active = all.some((e) => e.phase === "pilot");
  const pilotPhase = active ? "pilot" : ARCHIVED_PILOT_PHASE;
  for (const e of all) {
    if (e.phase !== pilotPhase) continue;
    let metrics: Record<string, number> = {};
    if (e.status === "done") {
      const path = runResultPath(config, e.id);
      const raw = await ws.readFile(path);
      if (raw !== undefined) {
        const r = parseResultFile(raw);
        if (r.ok) metrics = r.value.metrics;
        else
          problems.push({
            severity: "warning",
            file: path,
            message: `run ${e.id}: the result file is not { "metrics": { name: number } }; its metrics are ignored`,
          });
      }
    }
    results.push({
      run_id: e.id,
      exp_id: e.exp_id,
      variant_id: variantId(e.exp_id, e.params ?? {}),
      method: e.method,
      dataset: e.dataset,
      stage: e.stage ?? 1,
      status: e.status,
      reason: e.reason,
      metrics,
    });
  }
  return { results, problems };
}
