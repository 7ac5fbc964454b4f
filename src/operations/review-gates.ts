import type { Config } from "../core/config/config-schema.js";
import { effectiveBudget } from "../core/config/effective-budget.js";
import { definitionsGate } from "../core/gates/definitions-gate.js";
import { pilotGate } from "../core/gates/pilot/pilot-gate.js";
import type { PilotRunResult } from "../core/gates/pilot/pilot-run-result.js";
import { withRefusedFiles } from "../core/gates/refused-files.js";
import { GATES, type GateId, type Verdict } from "../core/gates/verdict.js";
import { estimateGpuHours } from "../core/plan/estimate-gpu-hours.js";
import { countRuns } from "../core/plan/expand-runs.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import { loadPilotResults } from "./gates/load-pilot-results.js";
import { runCodeReview } from "./gates/run-code-review.js";
import { runDesignDebate } from "./gates/run-design-debate.js";
import { type Campaign, type GivenConfig, loadCampaign } from "./load-campaign.js";
import type { Workspace } from "./workspace.js";

export interface ReviewGatesInput {
  /** The PR's files: the disk for the CLI and the Action, the contents API at a SHA for the app. */
  workspace: Workspace;
  /**
   * The policy: `.github/labgate.yml` as the gates obey it (`gates.*`, required script flags, the
   * budget, runner pools, paths). The app passes the default branch's (`loadContext`), so a
   * PR cannot loosen its own gates (docs/security.md, "Policy comes from the default branch");
   * the workspace's copy is then never read. Absent: the workspace's own file, which is the policy
   * only where the workspace is the user's own checkout (`labgate review`).
   */
  config?: GivenConfig;
  /**
   * The campaign already read with the invocation's config (the app's read-ahead of a commit's
   * files, `prefetchReviewFiles`): then neither the config nor the definitions are read again.
   */
  campaign?: Campaign;
  /** Gates to run, in `GATES` order; all four when absent. */
  only?: GateId[];
  /** "run": each distinct command's `--dry-run` runs here; "skip": code review says it is pending. */
  dryRun: "run" | "skip";
  /** Where dry-runs run (the checkout's root). Required with `dryRun: "run"`. */
  cwd?: string;
  /** An optional language-model reviewer for the design debate. */
  provider?: ReviewProvider;
  /** Pilot results; when absent they are read from `dispatch/state.json` through the workspace. */
  pilotResults?: PilotRunResult[];
}

export interface ReviewGatesResult {
  verdicts: Verdict[];
  /** The config the gates obeyed (`campaign.config`). */
  config: Config;
  /** What the gates read: the config, the definitions and their diagnostics. */
  campaign: Campaign;
}

/**
 * Runs the review gates of docs/gates.md over a workspace. Each gate is a pure function of the files
 * (and, for code review, the dry-run outcomes); this use case only gathers their inputs.
 */
export async function reviewGates(input: ReviewGatesInput): Promise<ReviewGatesResult> {
  const campaign =
    input.campaign ??
    (await loadCampaign(input.workspace, input.config ? { config: input.config } : {}));
  const wanted = new Set<GateId>(input.only && input.only.length > 0 ? input.only : GATES);
  const verdicts: Verdict[] = [];
  // A file the workspace refused (a link, outside the checkout, over the cap) fails the gate that
  // asked for it, naming it; the config's and the definitions' are in the campaign's diagnostics.
  const refusals = () => input.workspace.refusals?.() ?? [];
  for (const gate of GATES) {
    if (!wanted.has(gate)) continue;
    const before = refusals().length;
    let verdict: Verdict;
    if (gate === "definitions") verdict = runDefinitionsGate(campaign);
    else if (gate === "code-review")
      verdict = await runCodeReview(campaign, input.workspace, input);
    else if (gate === "design-debate")
      verdict = await runDesignDebate(campaign, input.workspace, input.provider);
    else verdict = await runPilotGate(campaign, input);
    verdicts.push(withRefusedFiles(verdict, refusals().slice(before)));
  }
  return { verdicts, config: campaign.config, campaign };
}

async function runPilotGate(campaign: Campaign, input: ReviewGatesInput): Promise<Verdict> {
  const loaded = campaign.loaded;
  if (!loaded)
    return {
      gate: "pilot",
      conclusion: "failure",
      label: "ITERATE",
      summary: "definitions.json is not valid, so the pilot runs are unknown",
      reasons: [
        {
          severity: "blocking",
          message: "fix the labgate/definitions errors first",
          file: campaign.definitionsPath,
        },
      ],
    };
  const { results, problems } = input.pilotResults
    ? { results: input.pilotResults, problems: [] }
    : await loadPilotResults(input.workspace, campaign.config);
  return pilotGate({ loaded, results, config: campaign.config, problems });
}

function runDefinitionsGate(campaign: Campaign): Verdict {
  const loaded = campaign.loaded;
  if (!loaded) return definitionsGate({ diagnostics: campaign.diagnostics });
  const budget = effectiveBudget(
    loaded.definitions.budget?.gpu_hours,
    campaign.config.budget.gpu_hours,
  )?.gpuHours;
  return definitionsGate({
    diagnostics: campaign.diagnostics,
    summary: {
      experiments: loaded.experiments.length,
      runs: loaded.experiments.reduce((n, e) => n + countRuns(e), 0),
      gpuHours: estimateGpuHours(loaded.experiments),
      ...(budget === undefined ? {} : { budgetGpuHours: budget }),
    },
  });
}
