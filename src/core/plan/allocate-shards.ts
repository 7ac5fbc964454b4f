/**
 * Splits at most `cap` shards across pools: each pool with work wants `wanted[i]` shards (its
 * machines, never more than its runs); when the sum exceeds the cap, shards are shared in
 * proportion to each pool's hours (largest remainders), at least one per pool with work.
 */
export function allocateShards(
  wanted: readonly number[],
  hours: readonly number[],
  cap: number,
): number[] {
  const total = wanted.reduce((a, b) => a + b, 0);
  if (total <= cap) return [...wanted];
  const active = wanted.filter((w) => w > 0).length;
  if (active > cap)
    throw new Error(`${active} runner pools have work but only ${cap} shards are allowed`);
  const hourSum = hours.reduce((a, b, i) => a + ((wanted[i] ?? 0) > 0 ? b : 0), 0) || 1;
  const spare = cap - active;
  const ideal = wanted.map((w, i) => (w > 0 ? ((hours[i] ?? 0) / hourSum) * spare : 0));
  const out = wanted.map((w, i) => (w > 0 ? Math.min(w, 1 + Math.floor(ideal[i] ?? 0)) : 0));
  let left = cap - out.reduce((a, b) => a + b, 0);
  const byRemainder = ideal
    .map((x, i) => ({ i, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  while (left > 0) {
    let gave = false;
    for (const { i } of byRemainder) {
      if (left === 0) break;
      if ((out[i] ?? 0) < (wanted[i] ?? 0)) {
        out[i] = (out[i] ?? 0) + 1;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return out;
}
