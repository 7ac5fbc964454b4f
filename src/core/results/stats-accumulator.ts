/** Running n, mean, variance (Welford), min, max of one series: O(1) memory, one pass, stable. */
export class RunningStats {
  n = 0;
  mean = 0;
  private m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** Sample standard deviation (n - 1); 0 for a single value. */
  get std(): number {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0;
  }
}

export interface SeriesKey {
  exp_id: string;
  /** The experiment the variant came from (definitions' id), for its baseline. */
  experiment: string;
  phase: string;
  method: string;
  dataset: string;
  metric: string;
}

/** One series: its key, running stats, and each seed's value (for paired comparisons). */
export interface Series {
  key: SeriesKey;
  stats: RunningStats;
  /** The seed of each value, in the order added; null where the run had none. */
  seeds: (number | null)[];
  values: number[];
}

/** Stats per (exp_id, method, dataset, metric), in first-seen order. */
export class StatsAccumulator {
  readonly series = new Map<string, Series>();

  /**
   * Adds one value of `metric` for a run of variant `exp_id`. The series' key object is built
   * only when the series is new (once per series, not once per row: 10^6 rows).
   */
  add(
    exp_id: string,
    run: { exp_id: string; phase: string; method: string; dataset: string; seed?: number | null },
    metric: string,
    value: number,
  ): void {
    const k = `${exp_id}\u0000${run.method}\u0000${run.dataset}\u0000${metric}`;
    let s = this.series.get(k);
    if (s === undefined) {
      const key = {
        exp_id,
        experiment: run.exp_id,
        phase: run.phase,
        method: run.method,
        dataset: run.dataset,
        metric,
      };
      s = { key, stats: new RunningStats(), seeds: [], values: [] };
      this.series.set(k, s);
    }
    s.stats.add(value);
    s.seeds.push(run.seed ?? null);
    s.values.push(value);
  }
}
