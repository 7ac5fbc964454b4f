import { join } from "node:path";
import type { Config } from "../../core/config/config-schema.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import { type Failure, failFrom } from "../../core/failure/failure.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import type { RunStatus, StateEntry } from "../../core/state/state-entry.js";
import type { GitRepo } from "../../git/git-repo.js";
import type { ArtifactStore } from "../../github/artifacts.js";
import type { OctokitLike } from "../../github/octokit.js";
import type { RepoRef } from "../../github/repo-ref.js";
import { resultFileCap } from "../contained-files.js";
import { readStateFile } from "../dispatch-state-store.js";
import type { GivenConfig } from "../load-campaign.js";
import { aggregateRuns } from "../results/aggregate.js";
import { gitDataResultsCommitter } from "../results/git-data-results-committer.js";
import type { ResultsCommit } from "../results/results-committer.js";
import { runResultReader } from "../write-results.js";
import { checkoutMismatch } from "./checkout-head.js";
import { collectShardSidecars, type ShardRuns } from "./collect-shard-sidecars.js";
import { handedShards, planShards } from "./plan-shards.js";
import { parseShardArtifactName } from "./shard-artifact.js";

export interface AggregateShardsInput {
  cwd: string;
  sha: string;
  /** The PR branch the results commit goes to. */
  branch: string;
  phase: "pilot" | "full";
  stage?: number;
  /** The wave this workflow run ran (docs/runners.md); absent: 1. Only its shards are expected. */
  wave?: number;
  runUrl: string;
  artifactPrefix: string;
  tmpDir: string;
  maxAttempts: number;
  /**
   * This job's attempt of the workflow run (`GITHUB_RUN_ATTEMPT`). A shard's artifact is taken
   * from the latest attempt up to this one: a later attempt does not exist yet, so an artifact
   * named after one was uploaded by something other than a shard job of this run.
   */
  runAttempt: number;
  /** The default branch's config, read through the API (plan-shards.ts). */
  config: GivenConfig;
  /**
   * The plan job's output `wave-runs`: which runs are in which shard of this wave (wave-runs.ts).
   * Absent (a workflow from before it): the shards of wave `wave` of the whole plan at `sha`.
   */
  waveRuns?: string | undefined;
}

export interface AggregateShardsDeps {
  git: GitRepo;
  octokit: OctokitLike;
  repo: RepoRef;
  artifacts: ArtifactStore;
  log: { info(s: string): void; warn(s: string): void };
  clock: () => Date;
}

export interface AggregateShardsResult {
  refused?: string;
  shards: number;
  /** How many waves the campaign has (0 when refused or empty); a later one is still to run. */
  waves: number;
  /** Shards that uploaded no artifact. */
  lostShards: number[];
  /** Runs marked failed / `shard lost`. */
  lostRuns: string[];
  counts: Partial<Record<RunStatus, number>>;
  entries: StateEntry[];
  files: string[];
  commit?: ResultsCommit;
  /** The commit failed; the runs' outputs are still in the artifacts. */
  commitError?: Failure<"commit-failed">;
  warnings: string[];
}

type WaveShards =
  | {
      ok: true;
      config: Config;
      loaded: LoadedDefinitions;
      /** This wave's shards and their runs. */
      byShard: Map<number, PlannedRun[]>;
      /** Shard numbers below this are the plan's (an artifact naming another is not). */
      shardCount: number;
      /** How many waves the campaign is expected to take in all. */
      waves: number;
    }
  | { ok: false; message: string };

/**
 * This wave's shards: as the plan job handed them over (input `wave-runs`), else those of wave
 * `wave` of the whole plan at `sha` (a workflow from before the hand-over).
 */
async function waveShards(input: AggregateShardsInput): Promise<WaveShards> {
  const short = input.sha.slice(0, 7);
  if (input.waveRuns !== undefined) {
    const handed = await handedShards({ ...input, waveRuns: input.waveRuns });
    if (!handed.ok)
      return {
        ok: false,
        message:
          handed.code === "campaign-invalid"
            ? `the campaign at ${short} does not load: ${handed.message}`
            : handed.message,
      };
    if (handed.handover.wave !== (input.wave ?? 1))
      return {
        ok: false,
        message: `the plan job's \`wave-runs\` is for wave ${handed.handover.wave}, not wave ${input.wave ?? 1} (input \`wave\`)`,
      };
    return {
      ok: true,
      config: handed.config,
      loaded: handed.loaded,
      byShard: new Map(handed.shards.map((runs, shard) => [shard, runs])),
      shardCount: handed.shards.length,
      waves: handed.handover.waves,
    };
  }
  const planned = await planShards(input);
  if (!planned.ok)
    return {
      ok: false,
      message: `the campaign at ${short} does not plan: ${planned.diagnostics.map((d) => d.message).join("; ")}`,
    };
  const { plan } = planned;
  const wave = input.wave ?? 1;
  if (plan.waves.length > 1)
    return {
      ok: false,
      message: `the campaign at ${short} runs in ${plan.waves.length} waves, so this job takes the wave's shards from the plan job's hand-over, and input \`wave-runs\` is empty: set \`wave-runs: \${{ needs.plan.outputs.wave-runs }}\` on this step and \`wave-runs: \${{ steps.plan.outputs.wave-runs }}\` under the plan job's \`outputs:\` (templates/workflows/labgate-dispatch.yml)`,
    };
  // A campaign in one wave (or none): its one wave is every shard of the plan.
  if (wave !== 1)
    return {
      ok: false,
      message: `wave ${wave} does not exist: the campaign at ${short} has ${plan.waves.length} wave(s)`,
    };
  const shards = plan.matrix.include.map((e) => e.shard);
  return {
    ok: true,
    config: planned.config,
    loaded: planned.loaded,
    byShard: new Map(
      shards.map((shard) => [shard, plan.runs.filter((_, i) => plan.shardOf[i] === shard)]),
    ),
    shardCount: plan.matrix.include.length,
    waves: plan.waves.length,
  };
}

/**
 * The aggregate job (docs/results.md), on a GitHub-hosted runner: download every shard's artifact and
 * take its sidecars and result files as data, then run the one results pipeline
 * (`aggregateRuns`) with the Git Data API committer: the state at the PR branch's head merged with
 * them, every results file computed in memory, ONE commit to the branch with the provenance
 * trailers. Runs of a shard that left nothing behind end `failed` / `shard lost`.
 */
export async function aggregateShards(
  deps: AggregateShardsDeps,
  input: AggregateShardsInput,
): Promise<AggregateShardsResult> {
  const empty = {
    shards: 0,
    waves: 0,
    lostShards: [],
    lostRuns: [],
    counts: {},
    entries: [],
    files: [],
    warnings: [],
  };
  const mismatch = await checkoutMismatch(input.cwd, input.sha);
  if (mismatch) return { ...empty, refused: mismatch };
  const planned = await waveShards(input);
  if (!planned.ok) return { ...empty, refused: planned.message };
  const { config, loaded, byShard } = planned;
  const thisWave = [...byShard.keys()];
  const inWave = new Set(thisWave);
  const shardCount = planned.shardCount;

  // The latest attempt of each shard's artifact (a re-run job uploads under a new name), up to
  // this job's own attempt of the workflow run: the artifacts the plan's jobs uploaded.
  const latest = new Map<number, { name: string; attempt: number }>();
  for (const name of await deps.artifacts.list()) {
    const parsed = parseShardArtifactName(input.artifactPrefix, name);
    if (!parsed || parsed.shard >= shardCount || !inWave.has(parsed.shard)) continue;
    if (parsed.attempt < 1 || parsed.attempt > input.runAttempt) {
      deps.log.warn(
        `${name}: ignored; this is attempt ${input.runAttempt} of the workflow run, so no shard job of it uploaded an attempt ${parsed.attempt} (something else did)`,
      );
      continue;
    }
    const seen = latest.get(parsed.shard);
    if (!seen || parsed.attempt > seen.attempt)
      latest.set(parsed.shard, { name, attempt: parsed.attempt });
  }
  const shards: ShardRuns[] = [];
  const lostShards: number[] = [];
  for (const [shard, runs] of byShard) {
    const artifact = latest.get(shard);
    let dir: string | undefined;
    if (artifact) {
      dir = join(input.tmpDir, "labgate-shards", artifact.name);
      await deps.artifacts.download(artifact.name, dir);
      deps.log.info(`downloaded ${artifact.name} (${runs.length} run(s))`);
    } else {
      lostShards.push(shard);
      deps.log.warn(
        `shard ${shard} uploaded no artifact: its ${runs.length} run(s) are marked failed (shard lost)`,
      );
    }
    shards.push({ shard, runs, dir });
  }
  // Runs the approved commit's state already holds as done (a `/retry failed` dispatch).
  const before = await readStateFile({
    cwd: input.cwd,
    config,
    git: deps.git,
    warn: (w) => deps.log.warn(w),
  });
  const alreadyDone = new Set(
    (before.state?.experiments ?? []).filter((e) => e.status === "done").map((e) => e.id),
  );
  const collected = await collectShardSidecars(
    {
      dispatchDir: config.dispatch_dir,
      maxResultBytes: resultFileCap(config),
      sha: input.sha,
      runUrl: input.runUrl,
      clock: deps.clock,
      alreadyDone,
    },
    shards,
  );
  for (const w of collected.warnings) deps.log.warn(w);

  const dispatched = new Set([...byShard.values()].flat().map((r) => r.run_id));
  const result: AggregateShardsResult = {
    shards: thisWave.length,
    waves: planned.waves,
    lostShards,
    lostRuns: collected.lost,
    counts: {},
    entries: [],
    files: [],
    warnings: [...collected.warnings],
  };
  // A run's result file: the one its shard left, else the checkout's (a run already done).
  const inCheckout = runResultReader(input.cwd, config.results_dir, resultFileCap(config));
  const readResult = (entry: Pick<StateEntry, "id">) => {
    const taken = collected.results.get(entry.id);
    return taken === undefined ? inCheckout(entry) : Promise.resolve(taken);
  };
  try {
    const out = await aggregateRuns(
      {
        committer: gitDataResultsCommitter({
          octokit: deps.octokit,
          repo: deps.repo,
          branch: input.branch,
          source: input.sha,
          config,
          maxAttempts: input.maxAttempts,
          log: deps.log,
        }),
        log: deps.log,
        clock: deps.clock,
      },
      {
        config,
        loaded,
        sidecars: collected.sidecars,
        readResult,
        runUrl: input.runUrl,
        phase: input.phase,
        commit: true,
        // The statuses of a dispatch are committed even when no run left a result row.
        commitEmpty: true,
      },
    );
    result.counts = out.export.counts;
    result.entries = out.entries.filter((e) => dispatched.has(e.id));
    result.files = out.files;
    result.warnings.push(...out.warnings);
    result.commit = out.commit;
    if (out.commitFailed) result.commitError = out.commitFailed;
  } catch (err) {
    result.commitError = failFrom("commit-failed", err);
  }
  return result;
}
