import type { Wave } from "../../core/plan/plan-dispatch.js";

/** Where one wave of a campaign stands, from the newest dispatch workflow run of that wave. */
export type WaveState = "done" | "failed" | "cancelled" | "running" | "paused" | "to come";

export interface WaveRow {
  wave: number;
  /** Absent for a wave the plan did not have (a later wave planned again from what was left). */
  runs?: number;
  /** The wave's planned duration: its longest job's expected hours (0 when not planned). */
  hours: number;
  state: WaveState;
  /** The wave's workflow run, once dispatched. */
  url?: string;
}

/** The waves of a campaign longer than one job per machine, for the dashboard and `labgate/phase8`. */
export interface WavesProgress {
  waves: WaveRow[];
  /** When the estimate was made (ISO 8601). */
  now: string;
  /** Why the states are not known (the dispatch runs could not be listed). */
  problem?: string;
}

/** A run of the dispatch workflow for one wave, as GitHub lists them (newest first). */
export interface WaveRun {
  wave: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
}

/**
 * Each planned wave's state from the dispatch runs of the approved commit: the newest run of that
 * wave decides (a re-run replaces the first attempt); a wave with no run is still to come. A wave
 * whose run is still open while a later wave has a run is done: only its aggregate job, having
 * committed the results, starts the next wave (docs/runners.md, "Waves"). `pausedBefore`: the
 * wave the chain paused before for the GPU-hour budget (its plan step refused it). Each later wave
 * is planned again from what is still to run, so the campaign may take more waves than planned:
 * those that ran are listed after the planned ones.
 */
export function wavesProgress(
  planned: readonly Pick<Wave, "wave" | "runs" | "hours">[],
  runs: readonly WaveRun[],
  now: Date,
  pausedBefore?: number,
): WavesProgress {
  const lastStarted = Math.max(0, ...runs.map((r) => r.wave));
  const extra: { wave: number; runs?: number; hours: number }[] = [];
  for (let wave = planned.length + 1; wave <= lastStarted; wave++) extra.push({ wave, hours: 0 });
  return {
    now: now.toISOString(),
    waves: [...planned, ...extra].map((w) => {
      const run = runs.find((r) => r.wave === w.wave);
      const row = {
        wave: w.wave,
        hours: w.hours,
        ...(w.runs === undefined ? {} : { runs: w.runs }),
      };
      if (w.wave === pausedBefore)
        return { ...row, state: "paused", ...(run ? { url: run.html_url } : {}) };
      if (!run) return { ...row, state: "to come" };
      return { ...row, state: stateOf(run, w.wave < lastStarted), url: run.html_url };
    }),
  };
}

function stateOf(run: WaveRun, followed: boolean): WaveState {
  if (run.status !== "completed") return followed ? "done" : "running";
  if (run.conclusion === "success") return "done";
  return run.conclusion === "cancelled" ? "cancelled" : "failed";
}

const ICON: Record<WaveState, string> = {
  done: "✅",
  failed: "❌",
  cancelled: "🚫",
  running: "🔄",
  paused: "⏸️",
  "to come": "⏳",
};

/**
 * The waves as markdown: a table (wave, runs, planned hours, state) and the expected finish, an
 * estimate: now plus the planned hours of the running and coming waves (docs/runners.md, "Waves").
 * Pure and deterministic.
 */
export function renderWaves(p: WavesProgress): string[] {
  const total = p.waves.reduce((h, w) => h + w.hours, 0);
  const planned = p.waves.filter((w) => w.runs !== undefined).length;
  const lines = [
    "### Waves",
    "",
    `The full phase is planned in ${planned} waves, one workflow run each, the next dispatched when the last has committed its results: about ${hours(total)} in all.`,
    "",
    "| wave | runs | planned hours | state |",
    "| --- | --- | --- | --- |",
  ];
  for (const w of p.waves) {
    const state = p.problem
      ? "?"
      : `${ICON[w.state]} ${w.state}${w.url ? ` ([run](${w.url}))` : ""}`;
    lines.push(
      w.runs === undefined
        ? `| ${w.wave} | — (planned again) | — | ${state} |`
        : `| ${w.wave} | ${w.runs} | ${round(w.hours)} | ${state} |`,
    );
  }
  lines.push("", finish(p));
  return lines;
}

function finish(p: WavesProgress): string {
  if (p.problem) return `> ⚠️ ${p.problem}`;
  const left = p.waves.filter((w) => w.state === "running" || w.state === "to come");
  const paused = p.waves.find((w) => w.state === "paused");
  if (paused)
    return `**Expected finish:** none while paused — wave ${paused.wave} waits for a larger GPU-hour budget.`;
  const cancelled = p.waves.find((w) => w.state === "cancelled");
  if (cancelled && !left.some((w) => w.state === "running"))
    return `**Expected finish:** none — wave ${cancelled.wave} was cancelled, so no later wave starts.`;
  if (left.length === 0) return "**Finished:** every wave has run.";
  const hoursLeft = left.reduce((h, w) => h + w.hours, 0);
  const at = utcMinute(new Date(Date.parse(p.now) + hoursLeft * 3_600_000));
  const started = p.waves.some((w) => w.state !== "to come");
  return started
    ? `**Expected finish:** about ${at} — an estimate: now plus the planned hours of the running and coming waves, ${hours(hoursLeft)}.`
    : `**Expected finish:** about ${at} if dispatched now — an estimate from the planned hours of the waves, ${hours(hoursLeft)}.`;
}

const round = (h: number) => String(Math.round(h * 10) / 10);

const hours = (h: number) => (h >= 48 ? `${round(h)} h (${round(h / 24)} days)` : `${round(h)} h`);

/** `2026-05-03 13:00 UTC`. */
const utcMinute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
