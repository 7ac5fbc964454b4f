import type { Night } from "../../src/core/nightly/nightly-history.js";
import type { NightlyRow } from "../../src/core/nightly/nightly-row.js";

/** Park-Miller PRNG + Box-Muller: reproducible seed noise for synthetic nights. */
export function gaussian(seed: number): () => number {
  let x = seed;
  const u = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Aggregates `seeds` noisy runs around `trueMean` into one row, the way the aggregate step does. */
export function noisyRow(
  noise: () => number,
  o: { exp_id?: string; metric?: string; trueMean: number; sd: number; seeds?: number },
): NightlyRow {
  const n = o.seeds ?? 5;
  const xs = Array.from({ length: n }, () => o.trueMean + o.sd * noise());
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { exp_id: o.exp_id ?? "full-fusion-iris", metric: o.metric ?? "accuracy", n, mean, std };
}

/** Consecutive dates from `start` (YYYY-MM-DD). */
export function dates(start: string, count: number): string[] {
  const t = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) =>
    new Date(t + i * 86_400_000).toISOString().slice(0, 10),
  );
}

export const night = (date: string, rows: NightlyRow[]): Night => ({ date, rows });
