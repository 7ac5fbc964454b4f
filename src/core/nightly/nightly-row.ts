import { z } from "zod";

/**
 * One row of `experiments/results/aggregated.json` as the nightly comparison reads it (docs/results.md:
 * per exp_id, method, dataset, metric: n, mean, std, min, max, best, delta_vs_baseline). Only the
 * fields the comparison needs are required; anything else the aggregate step adds is ignored, so a
 * new column there never breaks a nightly.
 */
export const NightlyRowSchema = z.looseObject({
  exp_id: z.string().min(1),
  method: z.string().optional(),
  dataset: z.string().optional(),
  metric: z.string().min(1),
  n: z.number().int().min(0),
  mean: z.number().nullable(),
  std: z.number().nullable().optional(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
  /** Optional: lets an aggregated file say which way is better without definitions.json. */
  direction: z.enum(["higher", "lower"]).optional(),
  best: z.boolean().optional(),
  delta_vs_baseline: z.number().nullable().optional(),
  baseline: z.string().nullable().optional(),
  change: z.enum(["better", "worse", "same"]).nullable().optional(),
});

export interface NightlyRow {
  exp_id: string;
  method?: string;
  dataset?: string;
  metric: string;
  n: number;
  mean: number;
  /** Sample standard deviation over seeds; 0 when n = 1. */
  std: number;
  direction?: "higher" | "lower";
  /** From a labgate aggregated file: best of its column, and the difference from the baseline. */
  best?: boolean;
  delta_vs_baseline?: number;
  baseline?: string;
  change?: "better" | "worse" | "same";
}

/** The key a comparison is made on: one (exp_id, metric) pair. */
export const rowKey = (r: { exp_id: string; metric: string }): string =>
  `${r.exp_id}\u0000${r.metric}`;
