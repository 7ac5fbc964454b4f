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

/** Stats per (exp_id, method, dataset, metric), in first-seen order. */
export class StatsAccumulator {
  readonly series = new Map<string, { key: SeriesKey; stats: RunningStats }>();

  add(key: SeriesKey, value: number): void {
    const k = `${key.exp_id}\u0000${key.method}\u0000${key.dataset}\u0000${key.metric}`;
    let s = this.series.get(k);
    if (s === undefined) {
      s = { key, stats: new RunningStats() };
      this.series.set(k, s);
    }
    s.stats.add(value);
  }
}
