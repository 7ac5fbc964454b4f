import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { type Failure, fail } from "../failure/failure.js";
import type { PlannedRun } from "./planned-run.js";

/**
 * Which run of a campaign is in which shard of one wave, as the plan job decided it and hands it
 * to the run and aggregate jobs (its output `wave-runs`; docs/runners.md, "Waves"). Those jobs
 * expand the campaign's runs at the same commit and take their shard's runs from here, with no
 * plan of their own, so they never disagree with the plan job: the state a later wave was planned
 * from is the plan job's alone. The campaign's run list is checked by its count and a hash of its
 * ids, so a job that expands another list refuses instead of running other runs.
 *
 * The assignment is one 16-bit number per run of the campaign (0: not in this wave, k: shard
 * k-1), deflated: a few bytes per run at most, within what a job output (1 MB) and an action input
 * (an environment variable, 128 KiB) can carry for campaigns of tens of thousands of runs.
 */
export interface WaveRuns {
  /** The approved commit whose campaign this is. */
  sha: string;
  phase: "pilot" | "full";
  stage: number | null;
  wave: number;
  /** The waves the campaign is expected to take in all: the ones before this, this, and those to come. */
  waves: number;
  /** The commit whose results state this wave was planned from (a later wave's PR head), or null. */
  state_commit: string | null;
  /** How many runs the campaign has (the length of `assignment`). */
  runs: number;
  /** sha256 of the campaign's run ids, one a line, in plan order. */
  fingerprint: string;
  /** The shards of this wave (matrix jobs), numbered 0.. */
  shards: number;
  /** Per run of the campaign, in plan order: its shard + 1 in this wave, or 0. */
  assignment: Uint16Array;
}

/** The most runs a hand-over describes; a campaign this large is refused, not truncated. */
export const MAX_WAVE_RUNS = 1_000_000;
/** An action input arrives as an environment variable: one string of at most 128 KiB. */
export const MAX_WAVE_RUNS_TEXT = 120 * 1024;

/** The hash a campaign's run list is recognised by: its ids, one a line, in plan order. */
export function campaignFingerprint(runs: readonly Pick<PlannedRun, "run_id">[]): string {
  const hash = createHash("sha256");
  for (const r of runs) hash.update(`${r.run_id}\n`);
  return hash.digest("hex");
}

/** The hand-over as text (base64 of its JSON, the assignment deflated inside). */
export function encodeWaveRuns(w: WaveRuns): string {
  const bytes = Buffer.alloc(w.assignment.length * 2);
  w.assignment.forEach((v, i) => {
    bytes.writeUInt16LE(v, i * 2);
  });
  const json = {
    v: 1,
    sha: w.sha,
    phase: w.phase,
    stage: w.stage,
    wave: w.wave,
    waves: w.waves,
    state_commit: w.state_commit,
    runs: w.runs,
    fingerprint: w.fingerprint,
    shards: w.shards,
    assignment: deflateRawSync(bytes, { level: 9 }).toString("base64"),
  };
  return Buffer.from(JSON.stringify(json)).toString("base64");
}

export type WaveRunsCode = "wave-runs-invalid" | "wave-runs-mismatch";

const SHA = /^[0-9a-f]{40}$/;
const isCount = (n: unknown, min: number, max: number): n is number =>
  Number.isSafeInteger(n) && (n as number) >= min && (n as number) <= max;

/** The plan job's `wave-runs` back, or `wave-runs-invalid` saying what is wrong with it. */
export function decodeWaveRuns(
  text: string,
): { ok: true; value: WaveRuns } | Failure<WaveRunsCode> {
  const bad = (why: string, cause?: unknown) =>
    fail<WaveRunsCode>(
      "wave-runs-invalid",
      `input \`wave-runs\` is not the plan job's hand-over (${why}); set \`wave-runs: \${{ needs.plan.outputs.wave-runs }}\` on this step and \`wave-runs: \${{ steps.plan.outputs.wave-runs }}\` under the plan job's \`outputs:\` (templates/workflows/labgate-dispatch.yml)`,
      cause,
    );
  if (text.length > MAX_WAVE_RUNS_TEXT * 2) return bad("too long");
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch (err) {
    return bad("not base64 of JSON", err);
  }
  if (typeof j !== "object" || j === null || j.v !== 1) return bad("not version 1");
  if (typeof j.sha !== "string" || !SHA.test(j.sha)) return bad("`sha` is not a commit SHA");
  if (j.phase !== "pilot" && j.phase !== "full") return bad("`phase` is not pilot or full");
  if (j.stage !== null && !isCount(j.stage, 1, 3)) return bad("`stage` is not 1-3 or null");
  if (!isCount(j.wave, 1, 10_000)) return bad("`wave` is not a wave number");
  if (!isCount(j.waves, j.wave as number, 10_000)) return bad("`waves` is below `wave`");
  if (j.state_commit !== null && (typeof j.state_commit !== "string" || !SHA.test(j.state_commit)))
    return bad("`state_commit` is not a commit SHA");
  if (!isCount(j.runs, 0, MAX_WAVE_RUNS)) return bad("`runs` is not a run count");
  if (typeof j.fingerprint !== "string" || !/^[0-9a-f]{64}$/.test(j.fingerprint))
    return bad("`fingerprint` is not a sha256");
  if (!isCount(j.shards, 0, 256)) return bad("`shards` is not 0-256");
  if (typeof j.assignment !== "string") return bad("no `assignment`");
  const runs = j.runs as number;
  let bytes: Buffer;
  try {
    bytes = inflateRawSync(Buffer.from(j.assignment, "base64"), {
      maxOutputLength: Math.max(1, runs * 2),
    });
  } catch (err) {
    return bad("`assignment` does not inflate to one number per run", err);
  }
  if (bytes.length !== runs * 2) return bad("`assignment` is not one number per run");
  const assignment = new Uint16Array(runs);
  const shards = j.shards as number;
  for (let i = 0; i < runs; i++) {
    const v = bytes.readUInt16LE(i * 2);
    if (v > shards) return bad(`run ${i} is in shard ${v - 1}, but the wave has ${shards}`);
    assignment[i] = v;
  }
  return {
    ok: true,
    value: {
      sha: j.sha,
      phase: j.phase,
      stage: j.stage as number | null,
      wave: j.wave as number,
      waves: j.waves as number,
      state_commit: j.state_commit as string | null,
      runs,
      fingerprint: j.fingerprint,
      shards,
      assignment,
    },
  };
}

/**
 * The runs of each shard of the wave (index: shard), taken from `campaign`, the runs a job
 * expanded at `sha` itself; `wave-runs-mismatch` when that is not the list the plan job assigned
 * (another commit, phase or stage, or other definitions).
 */
export function waveShardRuns(
  w: WaveRuns,
  campaign: readonly PlannedRun[],
  at: { sha: string; phase: "pilot" | "full"; stage?: number | undefined },
): { ok: true; shards: PlannedRun[][] } | Failure<WaveRunsCode> {
  const mismatch = (why: string) =>
    fail<WaveRunsCode>(
      "wave-runs-mismatch",
      `the plan job's \`wave-runs\` ${why}; this job runs nothing rather than other runs than the plan job assigned (re-run the whole workflow)`,
    );
  if (w.sha !== at.sha)
    return mismatch(`is for commit ${w.sha.slice(0, 7)}, not ${at.sha.slice(0, 7)}`);
  if (w.phase !== at.phase || w.stage !== (at.stage ?? null))
    return mismatch(
      `is for phase ${w.phase}${w.stage === null ? "" : ` stage ${w.stage}`}, not ${at.phase}${at.stage === undefined ? "" : ` stage ${at.stage}`}`,
    );
  if (w.runs !== campaign.length || w.fingerprint !== campaignFingerprint(campaign))
    return mismatch(
      `describes a campaign of ${w.runs} runs, but the one expanded here has ${campaign.length}${w.runs === campaign.length ? " other" : ""} runs`,
    );
  const shards: PlannedRun[][] = Array.from({ length: w.shards }, () => []);
  campaign.forEach((run, i) => {
    const v = w.assignment[i] as number;
    if (v > 0) shards[v - 1]?.push(run);
  });
  return { ok: true, shards };
}
