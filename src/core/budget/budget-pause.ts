/**
 * The GPU-hour budget a campaign in waves is held to before each wave (docs/approval.md, "The
 * budget"): the GPU-hours measured so far plus the wave's estimate must fit in the approved budget,
 * else the chain of waves pauses until an approver gives a larger one (`/approve-phase8 budget=N`).
 */
export interface BudgetPause {
  /** The wave that did not start. */
  wave: number;
  measured_gpu_hours: number;
  /** The paused wave's own estimate. */
  wave_gpu_hours: number;
  /** The approved budget it did not fit in. */
  budget_gpu_hours: number;
}

/** Rounding slack: estimates are sums of floats. */
const EPSILON = 1e-6;

/**
 * Why wave `wave` may not start under `budgetGpuHours` (undefined: no budget, nothing to hold
 * to), or undefined when measured + estimate fit.
 */
export function waveBudgetPause(input: {
  budgetGpuHours: number | undefined;
  measuredGpuHours: number;
  wave: number;
  waveGpuHours: number;
}): BudgetPause | undefined {
  const budget = input.budgetGpuHours;
  if (budget === undefined) return undefined;
  if (input.measuredGpuHours + input.waveGpuHours <= budget + EPSILON) return undefined;
  return {
    wave: input.wave,
    measured_gpu_hours: round(input.measuredGpuHours),
    wave_gpu_hours: round(input.waveGpuHours),
    budget_gpu_hours: budget,
  };
}

/** The smallest whole budget in GPU-hours that covers `hours`. */
export function budgetCovering(hours: number): number {
  return Math.max(1, Math.ceil(hours - EPSILON));
}

/** GPU-hours as a person reads them: at most two decimals. */
export function gpuHoursText(hours: number): string {
  return String(round(hours));
}

/** The budget a paused wave needs to start: everything measured plus its estimate. */
export function budgetNeeded(p: BudgetPause): number {
  return budgetCovering(p.measured_gpu_hours + p.wave_gpu_hours);
}

/**
 * The plan step's refusal of a paused wave, for a person, ending with the pause as a value on a
 * line of its own (`encodeBudgetPause`) for the app to read back from the job's annotation.
 */
export function budgetPauseMessage(p: BudgetPause, pr: number): string {
  const total = p.measured_gpu_hours + p.wave_gpu_hours;
  return [
    `the GPU-hour budget does not cover wave ${p.wave}: ${gpuHoursText(p.measured_gpu_hours)} GPU-hours measured so far + ${gpuHoursText(p.wave_gpu_hours)} estimated for wave ${p.wave} = ${gpuHoursText(total)} GPU-hours, over the approved budget of ${gpuHoursText(p.budget_gpu_hours)} GPU-hours. The chain of waves pauses here; the results so far stay committed. To go on, an approver comments \`/approve-phase8 budget=${budgetNeeded(p)}\` (or more) on PR #${pr}, which starts wave ${p.wave} again (docs/approval.md, "The budget").`,
    encodeBudgetPause(p),
  ].join("\n");
}

/**
 * The plan step's whole failure for a paused wave, as its job annotation carries it: the app
 * believes a pause only in an annotation that is exactly this text (plan-outcome-of-run.ts).
 */
export function budgetPauseRefusal(p: BudgetPause, pr: number): string {
  return `refusing to plan wave ${p.wave}: ${budgetPauseMessage(p, pr)}`;
}

const PREFIX = "labgate-budget-pause:";

/** The pause as one line: a prefix, then its JSON. */
export function encodeBudgetPause(p: BudgetPause): string {
  return `${PREFIX}${JSON.stringify({
    wave: p.wave,
    measured_gpu_hours: p.measured_gpu_hours,
    wave_gpu_hours: p.wave_gpu_hours,
    budget_gpu_hours: p.budget_gpu_hours,
  })}`;
}

/**
 * The pause `text` ends with, or undefined: its last line (trailing blank lines aside) must be the
 * whole encoded pause, prefix first, as labgate's own refusal writes it (`budgetPauseMessage`).
 * A prefix anywhere else (inside a line, on an earlier line) is not a pause: an annotation's
 * earlier lines may quote what a dispatcher typed (docs/security.md).
 */
export function decodeBudgetPause(text: string | null | undefined): BudgetPause | undefined {
  const lines = (text ?? "").split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop();
  const last = lines.at(-1)?.trimEnd() ?? "";
  if (!last.startsWith(PREFIX)) return undefined;
  const p = parseJsonObject(last.slice(PREFIX.length));
  return p && isBudgetPause(p) ? p : undefined;
}

/** Is `v` a well-formed pause (whole wave ≥ 1, finite non-negative hours, positive budget)? */
export function isBudgetPause(v: unknown): v is BudgetPause {
  if (typeof v !== "object" || v === null) return false;
  const p = v as Record<string, unknown>;
  const hours = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x >= 0;
  return (
    Number.isInteger(p.wave) &&
    (p.wave as number) >= 1 &&
    hours(p.measured_gpu_hours) &&
    hours(p.wave_gpu_hours) &&
    hours(p.budget_gpu_hours) &&
    (p.budget_gpu_hours as number) > 0
  );
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
