import { isNightDate } from "./nightly-history.js";

/** A run of consecutive nights with no results. */
export interface MissedRange {
  from: string;
  to: string;
  nights: number;
}

const DAY_MS = 86_400_000;

/**
 * Gaps in a daily history: every date between the first recorded night and `tonight` (inclusive
 * of neither end's data) that has no results, grouped into ranges. Scheduled workflows can be
 * dropped under load or disabled after 60 days without activity, so a silent gap is worth a line.
 */
export function missedNights(dates: readonly string[], tonight: string): MissedRange[] {
  const have = new Set(dates.filter(isNightDate));
  have.add(tonight);
  const sorted = [...have].sort();
  const out: MissedRange[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = Date.parse(`${sorted[i - 1]}T00:00:00Z`);
    const b = Date.parse(`${sorted[i]}T00:00:00Z`);
    const gap = Math.round((b - a) / DAY_MS) - 1;
    if (gap > 0)
      out.push({
        from: new Date(a + DAY_MS).toISOString().slice(0, 10),
        to: new Date(b - DAY_MS).toISOString().slice(0, 10),
        nights: gap,
      });
  }
  return out;
}
