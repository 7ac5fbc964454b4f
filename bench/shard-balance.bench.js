// Shard balance on lognormal workloads: LPT (labgate) vs contiguous chunks vs round-robin,
// measured on the same workloads in the same run. Target max/mean <= 1.05 wherever the
// longest run allows it (max/mean can never be below longest / mean).
import { balanceShards, shardLoads } from "../dist/core/plan/balance-shards.js";
import { lognormal, rng, table, time } from "./lib.js";

const ratio = (loads) => {
  let max = 0;
  let sum = 0;
  for (const l of loads) {
    max = Math.max(max, l);
    sum += l;
  }
  return max / (sum / loads.length);
};
const contiguous = (n, k) => Int32Array.from({ length: n }, (_, i) => Math.floor((i * k) / n));
const roundRobin = (n, k) => Int32Array.from({ length: n }, (_, i) => i % k);

const rows = [];
for (const n of [100, 1_000, 10_000, 100_000]) {
  for (const k of [8, 64, 256]) {
    if (k > n) continue;
    const rand = rng(n + k);
    const hours = Float64Array.from({ length: n }, () => lognormal(rand, 0, 1));
    let longest = 0;
    let sum = 0;
    for (const h of hours) {
      longest = Math.max(longest, h);
      sum += h;
    }
    const floor = Math.max(1, longest / (sum / k));
    const lpt = time(() => balanceShards(hours, k));
    const r = ratio(shardLoads(hours, lpt.result, k));
    rows.push([
      n,
      k,
      floor.toFixed(3),
      r.toFixed(3),
      ratio(shardLoads(hours, contiguous(n, k), k)).toFixed(3),
      ratio(shardLoads(hours, roundRobin(n, k), k)).toFixed(3),
      r <= Math.max(1.05, floor * 1.0001) ? "yes" : "NO",
      lpt.ms.toFixed(1),
    ]);
  }
}
table(
  ["runs", "shards", "bound", "lpt", "contiguous", "round-robin", "meets 1.05", "lpt ms"],
  rows,
);
console.log("bound = max(1, longest run / mean shard load): no assignment can do better.");
