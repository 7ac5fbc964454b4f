import { changeOf, type Direction } from "./metric-direction.js";

/** Four significant digits: enough to tell seeds apart, short enough for a table. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  return Math.abs(x) >= 1e4 ? x.toFixed(0) : String(Number(x.toPrecision(4)));
}

/** A change with its sign: `+0.05`, `-91.6`, `±0`. */
export const signed = (x: number): string => (x > 0 ? `+${num(x)}` : x === 0 ? "±0" : num(x));

/**
 * A difference from the baseline as a reader needs it: its sign and whether it is an
 * improvement for the metric's direction, `-91.6 (better)` for a perplexity.
 */
export function formatDelta(delta: number, direction: Direction): string {
  return `${signed(delta)} (${changeOf(delta, direction)})`;
}
