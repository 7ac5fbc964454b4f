/**
 * Longest-processing-time-first balancing: sort by estimated hours, descending, and give each
 * item to the currently lightest shard (a binary min-heap of shard loads). O(n log n + n log k).
 * LPT is within 4/3 of optimal in the worst case and near 1.0 on realistic workloads (see
 * `npm run bench`). Ties break on index, so the result is deterministic: a runner job can
 * recompute its shard from the same inputs.
 *
 * Returns, for each item, the shard it goes to.
 */
export function balanceShards(hours: ArrayLike<number>, shardCount: number): Int32Array {
  const n = hours.length;
  const k = Math.max(1, Math.min(shardCount, n || 1));
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (hours[b] as number) - (hours[a] as number) || a - b);

  const load = new Float64Array(k);
  const heap = new Int32Array(k);
  for (let s = 0; s < k; s++) heap[s] = s;
  const less = (a: number, b: number) =>
    (load[a] as number) < (load[b] as number) || (load[a] === load[b] && a < b);

  const assignment = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const item = order[j] as number;
    const shard = heap[0] as number;
    assignment[item] = shard;
    load[shard] = (load[shard] as number) + (hours[item] as number);
    // sift down the root, whose load just grew
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < k && less(heap[l] as number, heap[m] as number)) m = l;
      if (r < k && less(heap[r] as number, heap[m] as number)) m = r;
      if (m === i) break;
      const t = heap[i] as number;
      heap[i] = heap[m] as number;
      heap[m] = t;
      i = m;
    }
  }
  return assignment;
}

/** Sum of hours per shard, for reporting balance (max / mean). */
export function shardLoads(
  hours: ArrayLike<number>,
  assignment: ArrayLike<number>,
  shardCount: number,
): Float64Array {
  const loads = new Float64Array(shardCount);
  for (let i = 0; i < hours.length; i++) {
    const s = assignment[i] as number;
    loads[s] = (loads[s] as number) + (hours[i] as number);
  }
  return loads;
}
