// GPU placement (the live function, simulated): makespan / lower bound vs one-run-per-GPU FIFO and
// static round-robin, on small / mixed / large model workloads and 8x80GB and 4x24GB machines.
// Targets: <= 1.10 of the bound; >= 1.5x faster than FIFO for small models.
import { placeRuns } from "../dist/core/placement/place-runs.js";
import { simulatePlacement } from "../dist/core/placement/simulate-placement.js";
import { lognormal, rng, table } from "./lib.js";

const H = 1.2;
const machines = {
  "8x80GB": Array.from({ length: 8 }, (_, i) => ({ index: i, total_mb: 81920 })),
  "4x24GB": Array.from({ length: 4 }, (_, i) => ({ index: i, total_mb: 24576 })),
};

function workload(kind, gpuMb, n, seed) {
  const rand = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    let frac;
    if (kind === "small") frac = 0.04 + rand() * 0.1;
    else if (kind === "large") frac = 0.55 + rand() * 0.25;
    else frac = rand() < 0.3 ? 0.5 + rand() * 0.3 : 0.05 + rand() * 0.2;
    return {
      id: `r${i}`,
      vram_mb: Math.floor((gpuMb * frac) / H),
      expected_hours: lognormal(rand, 0, 0.6),
    };
  });
}

function lowerBound(gpus, runs) {
  const mem = gpus.reduce((a, g) => a + g.total_mb, 0);
  const gpuMb = Math.min(...gpus.map((g) => g.total_mb));
  let longest = 0;
  let area = 0;
  let exclusive = 0;
  for (const r of runs) {
    longest = Math.max(longest, r.expected_hours);
    area += H * r.vram_mb * r.expected_hours;
    if (H * r.vram_mb * 2 > gpuMb) exclusive += r.expected_hours;
  }
  return Math.max(longest, area / mem, exclusive / gpus.length);
}

// Baseline 1: one run per GPU, in submission order (what a naive runner does).
const fifoOnePerGpu = (gpus, pending) => {
  const idle = gpus.filter((g) => g.free_mb === g.total_mb);
  return {
    start: pending.slice(0, idle.length).map((r, i) => ({ id: r.id, gpu: idle[i].index })),
    never: [],
  };
};

// Baseline 2: static round-robin: run i is pinned to GPU i mod G, FIFO per GPU, packing allowed.
function roundRobinMakespan(gpus, runs) {
  const perGpu = gpus.map(() => []);
  for (const [i, r] of runs.entries()) perGpu[i % gpus.length].push(r);
  return Math.max(...perGpu.map((list, gi) => simulatePlacement([gpus[gi]], list).makespan_hours));
}

const rows = [];
for (const [mName, gpus] of Object.entries(machines)) {
  for (const kind of ["small", "mixed", "large"]) {
    const runs = workload(kind, gpus[0].total_mb, 400, kind.length * 7 + gpus.length);
    const bound = lowerBound(gpus, runs);
    const ours = simulatePlacement(gpus, runs, placeRuns).makespan_hours;
    const fifo = simulatePlacement(gpus, runs, fifoOnePerGpu).makespan_hours;
    const rr = roundRobinMakespan(gpus, runs);
    rows.push([
      mName,
      kind,
      bound.toFixed(1),
      (ours / bound).toFixed(3),
      (fifo / bound).toFixed(3),
      (rr / bound).toFixed(3),
      `${(fifo / ours).toFixed(2)}x`,
    ]);
  }
}
table(
  [
    "machine",
    "models",
    "bound h",
    "labgate/bound",
    "fifo/bound",
    "round-robin/bound",
    "speed-up vs fifo",
  ],
  rows,
);
