import type { DebateContext } from "./debate-input.js";
import type { Finding } from "./debate-role.js";

/**
 * Completionist — coverage against the claims (docs/gates.md). Only `full` experiments count: pilots
 * are smoke tests, not evidence.
 *
 * | finding | verdict |
 * | --- | --- |
 * | a hypothesis no full experiment tests | REJECT |
 * | a dataset with no full experiment of a `baseline` method | REJECT |
 * | a (method, dataset) cell of the design table with no full experiment | REVISE |
 */
export function completionist(ctx: DebateContext): Finding[] {
  const out: Finding[] = [];
  const full = ctx.full;
  for (const h of ctx.defs.hypotheses)
    if (!full.some((e) => e.hypotheses.includes(h.id)))
      out.push(
        ctx.finding(
          "REJECT",
          `hypothesis ${h.id} ("${h.claim}") is tested by no full experiment — add one that lists "${h.id}" in hypotheses, or drop the claim`,
          ctx.hypothesisAt(h.id),
        ),
      );
  const baselines = new Set(
    ctx.defs.methods.filter((m) => m.group === "baseline").map((m) => m.id),
  );
  for (const d of ctx.defs.datasets)
    if (!full.some((e) => e.dataset === d.id && baselines.has(e.method)))
      out.push(
        ctx.finding(
          "REJECT",
          `dataset ${d.id} has no full experiment of a baseline method (${[...baselines].join(", ") || "none declared"}), so nothing on it can be compared`,
          ctx.datasetAt(d.id),
        ),
      );
  for (const m of ctx.defs.methods)
    for (const d of ctx.defs.datasets)
      if (!full.some((e) => e.method === m.id && e.dataset === d.id))
        out.push(
          ctx.finding(
            "REVISE",
            `the design table cell (${m.id}, ${d.id}) is empty: no full experiment runs method ${m.id} on dataset ${d.id}`,
            ctx.methodAt(m.id),
          ),
        );
  return out;
}
