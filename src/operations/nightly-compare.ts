import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../core/config/config-schema.js";
import type { LoadedDefinitions } from "../core/definitions/validate-definitions.js";
import { buildNightlyReport, type NightlyReport } from "../core/nightly/build-nightly-report.js";
import { directionsFrom } from "../core/nightly/metric-direction.js";
import {
  mergeOrigins,
  type NightOrigins,
  originsFromAggregated,
  originsFromProvenance,
} from "../core/nightly/night-origins.js";
import { type Night, nightDate, sortNights } from "../core/nightly/nightly-history.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";
import { renderNightlyReport } from "../core/nightly/render-nightly-report.js";
import { type GitRepo, remoteRef } from "../git/git-repo.js";
import type { OctokitLike } from "../github/octokit.js";
import { upsertPullRequest } from "../github/pull-requests.js";
import { readNightsAtRef } from "./nightly-history-git.js";
import { AGGREGATED_JSON, PROVENANCE_JSON, readNightsDir } from "./nightly-read.js";
import { renderTrendSvg } from "./nightly-trend-svg.js";

export const NIGHTLY_BRANCH = "labgate/nightly";
/** GitHub refuses PR bodies over 65,536 characters. */
const MAX_BODY = 65_000;

export interface NightlyCompareDeps {
  octokit: OctokitLike;
  /**
   * The checkout of the default branch where tonight's experiments ran and were aggregated,
   * opened with the settings its fetch and push need (e.g. gitAuthConfig).
   */
  git: GitRepo;
  log: { info(msg: string): void; warning(msg: string): void };
  clock: () => Date;
  tmpDir: string;
}

export interface NightlyCompareInput {
  cwd: string;
  owner: string;
  repo: string;
  defaultBranch: string;
  /** The commit the experiments ran at (the default branch's head when the nightly started). */
  sha: string;
  config: Config;
  loaded?: LoadedDefinitions;
  runUrl?: string;
  serverUrl?: string;
  /** Override tonight's date (YYYY-MM-DD); default: the clock's UTC day. */
  date?: string;
}

export interface NightlyCompareResult {
  report: NightlyReport;
  /** The job summary and the PR body. */
  markdown: string;
  /** Tonight's folder, repo-relative, and the files in it (for the artifact upload). */
  nightDir: string;
  files: string[];
  commit: string;
  pr: { action: "created" | "updated"; number: number; url: string };
  problems: string[];
}

/**
 * docs/nightly.md: tonight's aggregated results against the previous night, best so far, stagnation and
 * missed nights, written to `<results>/nightly/<date>/` with a trend chart. The history lives on
 * the `labgate/nightly` branch (and on the default branch once someone merges that PR); the
 * branch is rebuilt each night as ONE commit on the default branch's head holding every night,
 * and ONE draft PR from it is opened or updated.
 */
export async function nightlyCompare(
  deps: NightlyCompareDeps,
  input: NightlyCompareInput,
): Promise<NightlyCompareResult> {
  const results = input.config.results_dir;
  const nightlyDir = `${results}/nightly`;
  const date = input.date ?? nightDate(deps.clock());
  const aggregatedPath = join(input.cwd, results, AGGREGATED_JSON);
  const text = await readFile(aggregatedPath, "utf8").catch(() => undefined);
  if (text === undefined)
    throw new Error(
      `${results}/${AGGREGATED_JSON} not found: run the nightly experiments and \`labgate aggregate --no-commit\` before nightly-compare.`,
    );
  const parsed = parseAggregated(`${results}/${AGGREGATED_JSON}`, text);
  if (!parsed.ok) throw new Error(parsed.message);
  // What tonight's numbers came from: the runs' commits and machines (provenance.json, written by
  // the same aggregate step); without it, the commit the experiments ran at and no machine.
  const provPath = `${results}/${PROVENANCE_JSON}`;
  const provText = await readFile(join(input.cwd, provPath), "utf8").catch(() => undefined);
  const prov = provText === undefined ? undefined : originsFromProvenance(provPath, provText);
  if (prov && !prov.ok) deps.log.warning(`nightly: ${prov.message}`);
  const fallback: NightOrigins = {
    ...originsFromAggregated(`${results}/${AGGREGATED_JSON}`, text),
    commits: [input.sha],
    unknown:
      prov && !prov.ok
        ? prov.message
        : `no ${provPath} tonight (upload it with aggregated.json from the run job)`,
  };
  const tonight: Night = {
    date,
    rows: parsed.rows,
    origins: mergeOrigins(prov?.ok ? prov.origins : undefined, fallback),
  };

  const { git } = deps;
  const branchSha = await git.fetchBranch(NIGHTLY_BRANCH);
  const onDisk = await readNightsDir(join(input.cwd, nightlyDir));
  const onBranch = branchSha
    ? await readNightsAtRef(git, remoteRef(NIGHTLY_BRANCH), nightlyDir)
    : { nights: [], problems: [] };
  // The branch is the newer copy of a night that is also merged into the default branch.
  const history = sortNights([...onDisk.nights, ...onBranch.nights]).filter((n) => n.date !== date);
  const problems = [...onDisk.problems, ...onBranch.problems];
  for (const p of problems) deps.log.warning(`nightly history: ${p}`);

  const n = input.config.nightly;
  const report = buildNightlyReport(history, tonight, {
    threshold: n.regression_threshold,
    noiseK: n.noise_k,
    stagnationNights: n.stagnation_nights,
    directionOf: directionsFrom(input.loaded?.definitions, input.loaded?.experiments ?? []),
  });
  const svg = await renderTrendSvg(
    [...history, tonight],
    `${input.loaded?.definitions.project ?? input.repo} nightly`,
  );

  const nightDir = `${nightlyDir}/${date}`;
  const { commit, files } = await git.withWorktree(
    input.sha,
    { tmpDir: deps.tmpDir },
    async (wt, dir) => {
      // Carry every earlier night over from the branch: the commit is rebuilt, the history is not.
      if (branchSha)
        await wt
          .checkoutPathsFrom(remoteRef(NIGHTLY_BRANCH), [`${nightlyDir}/`])
          .catch(() => undefined);
      const contents: Record<string, string> = {
        [AGGREGATED_JSON]: text,
        "comparison.json": `${JSON.stringify(report, null, 2)}\n`,
        "trend.svg": svg,
        "README.md": renderNightlyReport(report, {
          chartUrl: "trend.svg",
          ...(input.runUrl ? { runUrl: input.runUrl } : {}),
          commit: input.sha,
        }),
      };
      const csv = await readFile(join(input.cwd, results, "aggregated.csv"), "utf8").catch(
        () => undefined,
      );
      if (csv !== undefined) contents["aggregated.csv"] = csv;
      // Kept with the night, so the next night can tell a new driver from new code.
      if (prov?.ok && provText !== undefined) contents[PROVENANCE_JSON] = provText;
      // Into the commit, and into the checkout too, where the workflow uploads them as artifacts.
      for (const root of [dir, input.cwd]) {
        await mkdir(join(root, nightDir), { recursive: true });
        for (const [name, content] of Object.entries(contents))
          await writeFile(join(root, nightDir, name), content);
      }
      await wt.stageAll([nightlyDir]);
      const commit = await wt.commitAsLabgate(
        `labgate nightly ${date}: ${report.regressions.length} regression(s)\n\nLabgate-Source-Commit: ${input.sha}${input.runUrl ? `\nLabgate-Run: ${input.runUrl}` : ""}`,
        { allowEmpty: true },
      );
      // Rebuilt on the default branch each night, so a force push; the lease stops two nightly runs
      // racing from dropping each other's night.
      await wt.push("HEAD", NIGHTLY_BRANCH, { expect: branchSha ?? "" });
      return { commit, files: Object.keys(contents).sort() };
    },
  );

  const server = input.serverUrl ?? "https://github.com";
  const chartUrl = `${server}/${input.owner}/${input.repo}/blob/${commit}/${nightDir}/trend.svg?raw=true`;
  const markdown = renderNightlyReport(report, {
    chartUrl,
    ...(input.runUrl ? { runUrl: input.runUrl } : {}),
    commit: input.sha,
  });
  const readme = `${server}/${input.owner}/${input.repo}/blob/${commit}/${nightDir}/README.md`;
  const body =
    markdown.length <= MAX_BODY
      ? markdown
      : `${markdown.slice(0, MAX_BODY - 200)}\n\n… cut to fit GitHub's PR body limit; the whole report: ${readme}\n`;
  const pr = await upsertPullRequest(deps.octokit, {
    owner: input.owner,
    repo: input.repo,
    head: NIGHTLY_BRANCH,
    base: input.defaultBranch,
    title: `labgate nightly ${date}: ${report.regressions.length} regression(s)${report.missed.length > 0 ? ", missed nights" : ""}`,
    body,
    draft: true,
  });
  deps.log.info(`nightly: ${pr.action} ${pr.url}`);
  return {
    report,
    markdown,
    nightDir,
    files: files.map((f) => `${nightDir}/${f}`),
    commit,
    pr: { action: pr.action, number: pr.number, url: pr.url },
    problems,
  };
}
