import { num } from "./format-delta.js";

/**
 * The mean over seeds with its spread, `0.81 ± 0.02`; a single seed has no spread, so its mean
 * stands alone, `0.8` (not `0.8 ± 0`). Tables with room add the count: see `seedCount`.
 * `fmt`: how a number is written (the nightly report keeps its own four significant digits).
 */
export function meanSpread(
  r: { mean: number; std: number; n: number },
  fmt: (x: number) => string = num,
): string {
  return r.n > 1 ? `${fmt(r.mean)} ± ${fmt(r.std)}` : fmt(r.mean);
}

/** The seed count a cell shows in parentheses: `3` where the ± says it is a spread, `n=1` alone. */
export const seedCount = (n: number): string => (n > 1 ? String(n) : `n=${n}`);
