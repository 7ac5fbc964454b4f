import type { DebateContext } from "./debate-input.js";
import type { Finding } from "./debate-role.js";

/**
 * Narrative Enforcer — every experiment serves a claim, and every claim is measured the way its
 * experiments report (docs/gates.md).
 *
 * | finding | verdict |
 * | --- | --- |
 * | a hypothesis' metric is not the primary metric of a dataset its experiments run on | REJECT |
 * | an experiment names no hypothesis | REVISE |
 * | a hypothesis no experiment (pilot or full) names | REVISE |
 * | a pass_criterion or early_stop on the metric that contradicts the hypothesis' direction | REVISE |
 */
export function narrativeEnforcer(ctx: DebateContext): Finding[] {
  const out: Finding[] = [];
  const hyps = new Map(ctx.defs.hypotheses.map((h) => [h.id, h]));
  const datasets = new Map(ctx.defs.datasets.map((d) => [d.id, d]));
  for (const exp of ctx.experiments) {
    if (exp.hypotheses.length === 0) {
      out.push(
        ctx.finding(
          "REVISE",
          `experiment ${exp.id} names no hypothesis — say which claim it serves in "hypotheses", or drop it`,
          ctx.at(exp),
        ),
      );
      continue;
    }
    const dataset = datasets.get(exp.dataset);
    for (const hid of exp.hypotheses) {
      const h = hyps.get(hid);
      if (!h || !dataset) continue;
      if (h.metric !== dataset.metric)
        out.push(
          ctx.finding(
            "REJECT",
            `experiment ${exp.id} tests hypothesis ${h.id}, measured by "${h.metric}", on dataset ${dataset.id}, whose metric is "${dataset.metric}" — the claim cannot be judged from what the experiment reports; align the metrics`,
            ctx.field(exp, "hypotheses"),
          ),
        );
      const pc = exp.pass_criterion;
      if (
        pc &&
        pc.metric === h.metric &&
        (("min" in pc && h.direction === "lower") || ("max" in pc && h.direction === "higher"))
      )
        out.push(
          ctx.finding(
            "REVISE",
            `experiment ${exp.id}: pass_criterion ${"min" in pc ? "min" : "max"} on "${pc.metric}" contradicts hypothesis ${h.id}, where ${h.direction} is better`,
            ctx.field(exp, "pass_criterion"),
          ),
        );
      const es = exp.early_stop;
      if (
        es &&
        es.metric === h.metric &&
        ((es.below !== undefined && h.direction === "lower") ||
          (es.above !== undefined && h.direction === "higher"))
      )
        out.push(
          ctx.finding(
            "REVISE",
            `experiment ${exp.id}: early_stop ${es.below !== undefined ? "below" : "above"} on "${es.metric}" would stop the runs that do well for hypothesis ${h.id} (${h.direction} is better)`,
            ctx.field(exp, "early_stop"),
          ),
        );
    }
  }
  for (const h of ctx.defs.hypotheses)
    if (!ctx.experiments.some((e) => e.hypotheses.includes(h.id)))
      out.push(
        ctx.finding(
          "REVISE",
          `hypothesis ${h.id} is named by no experiment — an orphan claim; test it or remove it`,
          ctx.hypothesisAt(h.id),
        ),
      );
  return out;
}
