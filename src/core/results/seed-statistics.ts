import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** A series over seeds, as aggregated: its size, mean and sample standard deviation. */
export interface SeriesSummary {
  n: number;
  mean: number;
  std: number;
}

/** A 95% confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** A difference of two means (a minus b) with its 95% CI and the two-sided p-value. */
export interface Difference extends Interval {
  diff: number;
  p: number;
  df: number;
  /** "paired" when both series ran the same seeds; "welch" otherwise. */
  test: "paired" | "welch";
}

const cache = new Map<number, number>();

/**
 * A standard error this small next to the values is float noise (0.85 - 0.8 is not quite 0.05),
 * not spread: treated as none, so it yields no p-value of 1e-33.
 */
const noSpread = (se: number, scale: number) => se <= 1e-10 * scale;

/** The 0.975 quantile of Student's t with `df` degrees of freedom (from stdlib; cached per df). */
export function t975(df: number): number {
  let q = cache.get(df);
  if (q === undefined) {
    q = tQuantile(0.975, df);
    if (cache.size < 4096) cache.set(df, q);
  }
  return q;
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
const twoSided = (t: number, df: number) => 2 * tCdf(-Math.abs(t), df);

/**
 * The 95% CI of a mean over seeds, Student t with n - 1 degrees of freedom; undefined for a
 * single seed (no spread to go on).
 */
export function meanCi95(s: SeriesSummary): Interval | undefined {
  if (s.n < 2) return undefined;
  const half = (t975(s.n - 1) * s.std) / Math.sqrt(s.n);
  return { low: s.mean - half, high: s.mean + half };
}

/**
 * Welch's t-test of mean(a) - mean(b) from the two series' summaries, with the Welch-Satterthwaite
 * degrees of freedom; undefined when either series has a single seed. Two series with no spread at
 * all give a zero-width interval, p 1 when the means are equal and 0 otherwise.
 */
export function welchDifference(a: SeriesSummary, b: SeriesSummary): Difference | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const diff = a.mean - b.mean;
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const se = Math.sqrt(va + vb);
  if (noSpread(se, Math.max(Math.abs(a.mean), Math.abs(b.mean))))
    return { diff, low: diff, high: diff, p: diff === 0 ? 1 : 0, df: a.n + b.n - 2, test: "welch" };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = t975(df) * se;
  return {
    diff,
    low: diff - half,
    high: diff + half,
    p: twoSided(diff / se, df),
    df,
    test: "welch",
  };
}

/**
 * The paired t-test of per-seed differences a[i] - b[i] (both series ran the same seeds);
 * undefined for fewer than two pairs.
 */
export function pairedDifference(diffs: readonly number[]): Difference | undefined {
  const n = diffs.length;
  if (n < 2) return undefined;
  let mean = 0;
  for (const d of diffs) mean += d;
  mean /= n;
  let ss = 0;
  for (const d of diffs) ss += (d - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  if (noSpread(se, Math.max(...diffs.map(Math.abs))))
    return { diff: mean, low: mean, high: mean, p: mean === 0 ? 1 : 0, df, test: "paired" };
  const half = t975(df) * se;
  return {
    diff: mean,
    low: mean - half,
    high: mean + half,
    p: twoSided(mean / se, df),
    df,
    test: "paired",
  };
}
