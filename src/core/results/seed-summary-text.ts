import { num } from "./format-delta.js";

/**
 * The mean over seeds with its spread, `0.81 ± 0.02`; a single seed has no spread, so its mean
 * stands alone, `0.8` (not `0.8 ± 0`). Tables with room add the count: see `seedCount`.
 */
export function meanSpread(r: { mean: number; std: number; n: number }): string {
  return r.n > 1 ? `${num(r.mean)} ± ${num(r.std)}` : num(r.mean);
}

/** The seed count a cell shows in parentheses: `3` where the ± says it is a spread, `n=1` alone. */
export const seedCount = (n: number): string => (n > 1 ? String(n) : `n=${n}`);
