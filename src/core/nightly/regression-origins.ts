import { originChange } from "../results/run-origin.js";
import type { MetricComparison } from "./compare-nights.js";
import { originsOfExp } from "./night-origins.js";
import type { Night } from "./nightly-history.js";

/**
 * Each regression with what changed between the two nights for its experiment (docs/nightly.md):
 * the code commit, the machine (GPU, driver, CUDA, interpreter, lock file), both or neither, so
 * "same code, new driver" reads as such. A night without provenance makes the machine unknown,
 * and the line says why. Nights that carry no origins at all (built in memory) add nothing.
 */
export function explainRegressions(
  comparisons: readonly MetricComparison[],
  previous: Night | undefined,
  tonight: Night,
): MetricComparison[] {
  if (!previous || (!previous.origins && !tonight.origins)) return [...comparisons];
  const none = (n: Night) => ({ byExp: {}, commits: [], unknown: `${n.date}: no provenance` });
  const [before, after] = [previous.origins ?? none(previous), tonight.origins ?? none(tonight)];
  return comparisons.map((c) => {
    if (c.status !== "regression") return c;
    const change = originChange(originsOfExp(before, c.exp_id), originsOfExp(after, c.exp_id), {
      ...(before.unknown ? { before: `${previous.date}: ${before.unknown}` } : {}),
      ...(after.unknown ? { after: `${tonight.date}: ${after.unknown}` } : {}),
    });
    return { ...c, origin: change };
  });
}
