// Shared helpers for the benchmark scripts.

/** Park-Miller PRNG, so every run of the benchmark measures the same workload. */
export function rng(seed = 42) {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

/** Lognormal(mu, sigma) sampler. */
export function lognormal(rand, mu = 0, sigma = 1) {
  return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand()));
}

export function time(fn) {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

export function table(header, rows) {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join("  ");
  console.log([line(header), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n"));
}
