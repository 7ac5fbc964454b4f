import type { NightOrigins } from "./night-origins.js";
import type { NightlyRow } from "./nightly-row.js";

/** One night's aggregated rows, dated by the run's UTC day (YYYY-MM-DD). */
export interface Night {
  date: string;
  rows: NightlyRow[];
  /** The commits and machines its runs came from, when read from files (see night-origins.ts). */
  origins?: NightOrigins;
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day in YYYY-MM-DD form (rejects 2024-02-30). */
export function isNightDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Sorted by date, one night per date (the later entry wins when a date repeats). */
export function sortNights(nights: readonly Night[]): Night[] {
  const byDate = new Map<string, Night>();
  for (const n of nights) byDate.set(n.date, n);
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** The UTC day of an instant, as a night's date. */
export const nightDate = (d: Date): string => d.toISOString().slice(0, 10);
