import { nightlyRunGlobs } from "../../core/nightly/nightly-run-globs.js";
import { GitRepo } from "../../git/git-repo.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { loadCampaign } from "../../operations/load-campaign.js";
import type { ActionMode, ModeResult } from "../action-mode.js";
import { cancelOnSignals } from "../cancel-signal.js";

/**
 * `nightly-run` (self-hosted GPU runner, templates/workflows/labgate-nightly.yml): the full
 * experiments marked `"nightly": true` at this checkout with the local runner, aggregated into
 * experiments/results/ without a commit — the same code as `labgate run --phase full --only
 * "$(labgate nightly runs)"`, from the pinned action rather than a package fetched at run time.
 * Calls no GitHub API.
 */
export const nightlyRunMode: ActionMode = {
  requires: [],
  async run({ cwd, log }): Promise<ModeResult> {
    const campaign = await loadCampaign(diskWorkspace(cwd));
    if (!campaign.loaded)
      return refuse(`${campaign.definitionsPath} does not validate; run \`labgate validate\`.`);
    const only = nightlyRunGlobs(campaign.loaded.experiments);
    if (only === undefined)
      return refuse(
        `no full experiment in ${campaign.definitionsPath} is marked "nightly": true; mark the ones to re-run every night.`,
      );
    const { runCampaign } = await import("../../operations/run-campaign.js");
    const { aggregateResults } = await import("../../operations/aggregate-results.js");
    const result = await runCampaign(
      {
        git: GitRepo.open(cwd),
        env: process.env,
        clock: () => new Date(),
        log: { info: log.info, warn: log.warning },
        signal: cancelOnSignals(),
        emit(e) {
          if (e.type === "finish")
            log.info(
              `${e.entry.status.padEnd(6)} ${e.entry.id}${e.entry.reason ? ` — ${e.entry.reason}` : ""}`,
            );
        },
        aggregate: aggregateResults,
      },
      { cwd, phase: "full", only, commit: false },
    );
    if (result.kind === "invalid")
      return refuse(result.diagnostics.map((d) => d.message).join("\n"));
    if (result.kind !== "ran")
      return refuse(result.kind === "refused" ? result.message : "nothing ran");
    const c = result.counts;
    const notDone = result.entries.filter((e) => e.status !== "done");
    const summary = [
      `## labgate nightly-run: ${c.done} done, ${c.failed} failed, ${c.on_hold} on hold`,
      "",
      `Runs \`${only}\`; results in experiments/results/ (not committed).`,
      ...notDone.map((e) => `- ${e.id}: ${e.status}${e.reason ? ` — ${e.reason}` : ""}`),
      ...(result.aggregateError ? ["", `**aggregating failed: ${result.aggregateError}**`] : []),
      "",
    ].join("\n");
    const failure =
      result.aggregateError !== undefined
        ? `aggregating the nightly results failed: ${result.aggregateError}`
        : notDone.length > 0
          ? `${notDone.length} of ${result.entries.length} nightly run(s) did not end done`
          : undefined;
    return {
      outputs: { runs: String(result.entries.length), failed: String(notDone.length) },
      summary,
      ...(failure === undefined ? {} : { failure }),
    };
  },
};

function refuse(message: string): ModeResult {
  return {
    outputs: {},
    summary: `## labgate nightly-run: refused\n\n${message}\n`,
    failure: message,
  };
}
