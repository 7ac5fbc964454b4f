import { lstat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../../core/config/config-schema.js";
import { type Failure, fail, failFrom } from "../../core/failure/failure.js";
import { sidecarPath } from "../../core/paths/layout.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import type { WaveRunsCode } from "../../core/plan/wave-runs.js";
import type { RunStatus, StateEntry } from "../../core/state/state-entry.js";
import type { GitRepo } from "../../git/git-repo.js";
import type { ArtifactStore } from "../../github/artifacts.js";
import { writeContained } from "../contained-files.js";
import type { GivenConfig } from "../load-campaign.js";
import { type RunCampaignResult, type RunRefusalCode, runCampaign } from "../run-campaign.js";
import { logFileOf } from "../runner/execute-run.js";
import type { RunnerEvent } from "../runner/runner-events.js";
import { checkoutMismatch } from "./checkout-head.js";
import { handedShards, planShards } from "./plan-shards.js";
import { manifestFile, type ShardManifest } from "./shard-artifact.js";

export interface RunShardInput {
  cwd: string;
  sha: string;
  shard: number;
  phase: "pilot" | "full";
  stage?: number;
  runUrl: string;
  runner: string;
  artifactName: string;
  tmpDir: string;
  /** The default branch's config the plan job handed on (plan-shards.ts). */
  config: GivenConfig;
  /**
   * The plan job's output `wave-runs`: which runs are in which shard of this wave (wave-runs.ts).
   * Absent (a workflow from before it): the shards of the whole plan at `sha`, as wave 1 had them.
   */
  waveRuns?: string | undefined;
}

export interface RunShardDeps {
  git: GitRepo;
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  log: { info(s: string): void; warn(s: string): void };
  signal: AbortSignal;
  emit: (e: RunnerEvent) => void;
  artifacts: ArtifactStore;
}

export interface RunShardResult {
  /** Why nothing ran (wrong checkout, unknown shard, invalid campaign), if so. */
  refused?: Failure<ShardRefusalCode>;
  entries: StateEntry[];
  counts: Partial<Record<RunStatus, number>>;
  artifact?: { name: string; files: number };
  /** The upload failed: the runs' outputs exist only on this runner. */
  uploadError?: Failure<"artifact-upload-failed">;
}

/** Why a shard ran nothing: its own checks, `labgate run`'s refusals, or the runner throwing. */
export type ShardRefusalCode =
  | "checkout-mismatch"
  | "campaign-invalid"
  | "no-such-shard"
  | "runner-failed"
  | WaveRunsCode
  | "wave-runs-missing"
  | RunRefusalCode;

/**
 * One matrix job on a self-hosted GPU runner: the local runner, unchanged, on this shard's runs
 * of the approved commit; then every sidecar, result file and log goes up as one uniquely named
 * artifact — also when runs failed or the runner threw — for the aggregate job. Never commits.
 */
export async function runShard(deps: RunShardDeps, input: RunShardInput): Promise<RunShardResult> {
  const mismatch = await checkoutMismatch(input.cwd, input.sha);
  if (mismatch) return { refused: fail("checkout-mismatch", mismatch), entries: [], counts: {} };
  const shardRuns = await runsOfShard(input);
  if (!shardRuns.ok)
    return {
      refused: fail(shardRuns.code, shardRuns.message, shardRuns.cause),
      entries: [],
      counts: {},
    };
  const { runs, config } = shardRuns;
  const runIds = runs.map((r) => r.run_id);
  const resultFiles = new Map(runs.map((r) => [r.run_id, r.result_file]));

  let outcome: RunCampaignResult | undefined;
  let error: Failure<ShardRefusalCode> | null = null;
  try {
    outcome = await runCampaign(
      { ...deps, aggregate: undefined },
      {
        cwd: input.cwd,
        phase: input.phase,
        stage: input.stage,
        shard: input.shard,
        // Exactly the runs found above, with the config they were found with: the run job and
        // the aggregate agree on what this shard ran.
        runIds: new Set(runIds),
        config: { ok: true, config },
        sha: input.sha,
        runUrl: input.runUrl,
        commit: false,
      },
    );
    if (outcome.kind === "refused") error = fail(outcome.code, outcome.message, outcome.cause);
    if (outcome.kind === "invalid")
      error = fail(
        "campaign-invalid",
        outcome.diagnostics.map((d) => d.message).join("; "),
        outcome.diagnostics,
      );
  } catch (err) {
    error = failFrom("runner-failed", err, "the runner failed");
  }
  // Whatever happened, what the runs left behind goes up before the job ends.
  {
    const files = [manifestFile(input.shard)];
    // Only regular files go up: an upload follows a symbolic link, so a link a run left at one
    // of its paths would put whatever it points at into the artifact (docs/security.md).
    for (const id of runIds)
      for (const f of [sidecarPath(config, id), resultFiles.get(id) as string, logFileOf(id)]) {
        const kind = await fileKind(resolve(input.cwd, f));
        if (kind === "file") files.push(f);
        else if (kind !== "missing")
          deps.log.warn(`${f}: not uploaded: it is ${kind}, not a regular file`);
      }
    const manifest: ShardManifest = {
      shard: input.shard,
      sha: input.sha,
      run_url: input.runUrl,
      runner: input.runner,
      run_ids: runIds,
      error: error?.message ?? null,
    };
    const written = await writeContained(
      input.cwd,
      manifestFile(input.shard),
      `${JSON.stringify(manifest, null, 2)}\n`,
    );
    if (!written.ok) throw new Error(written.message);
    let artifact: RunShardResult["artifact"];
    let uploadError: RunShardResult["uploadError"];
    try {
      artifact = {
        name: input.artifactName,
        ...(await deps.artifacts.upload(input.artifactName, input.cwd, files)),
      };
    } catch (err) {
      uploadError = failFrom("artifact-upload-failed", err);
    }
    const entries = outcome?.kind === "ran" ? outcome.entries : [];
    const counts = outcome?.kind === "ran" ? outcome.counts : {};
    return { ...(error ? { refused: error } : {}), entries, counts, artifact, uploadError };
  }
}

/**
 * This shard's runs: from the plan job's hand-over when there is one, else from the whole plan at
 * `sha` (a workflow from before the hand-over), which only a campaign in one wave can do.
 */
async function runsOfShard(
  input: RunShardInput,
): Promise<{ ok: true; runs: PlannedRun[]; config: Config } | Failure<ShardRefusalCode>> {
  const short = input.sha.slice(0, 7);
  if (input.waveRuns !== undefined) {
    const handed = await handedShards({ ...input, waveRuns: input.waveRuns });
    if (!handed.ok)
      return handed.code === "campaign-invalid" || handed.code === "plan-invalid"
        ? fail("campaign-invalid", `the campaign at ${short} does not load: ${handed.message}`)
        : fail(handed.code, handed.message);
    const runs = handed.shards[input.shard];
    if (!runs)
      return fail(
        "no-such-shard",
        `shard ${input.shard} does not exist: wave ${handed.handover.wave} at ${short} has ${handed.shards.length} shard(s)`,
      );
    return { ok: true, runs, config: handed.config };
  }
  const planned = await planShards(input);
  if (!planned.ok)
    return fail(
      "campaign-invalid",
      `the campaign at ${short} does not plan: ${planned.diagnostics.map((d) => d.message).join("; ")}`,
    );
  const { plan, config } = planned;
  // A campaign in waves numbers its shards per wave and plans later waves from the results
  // state: only the plan job's hand-over says which runs a shard of it holds.
  if (plan.waves.length > 1)
    return fail(
      "wave-runs-missing",
      `the campaign at ${short} runs in ${plan.waves.length} waves, so this job takes its shard's runs from the plan job's hand-over, and input \`wave-runs\` is empty: set \`wave-runs: \${{ needs.plan.outputs.wave-runs }}\` on this step and \`wave-runs: \${{ steps.plan.outputs.wave-runs }}\` under the plan job's \`outputs:\` (templates/workflows/labgate-dispatch.yml)`,
    );
  const shards = plan.matrix.include.length;
  if (input.shard >= shards)
    return fail(
      "no-such-shard",
      `shard ${input.shard} does not exist: the plan at ${short} has ${shards} shard(s) (0-${shards - 1})`,
    );
  return { ok: true, runs: plan.runs.filter((_, i) => plan.shardOf[i] === input.shard), config };
}

async function fileKind(path: string): Promise<"file" | "missing" | string> {
  try {
    const st = await lstat(path);
    if (st.isFile()) return "file";
    return st.isSymbolicLink() ? "a symbolic link" : st.isDirectory() ? "a directory" : "special";
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw err;
  }
}
