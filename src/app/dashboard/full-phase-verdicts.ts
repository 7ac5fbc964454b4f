import { z } from "zod";
import { type HypothesisSummary, parseAggregated } from "../../core/nightly/parse-aggregated.js";

/** The rows' phases, to tell full-phase results from a pilot's. */
const Phases = z.looseObject({
  rows: z.array(z.looseObject({ phase: z.string().optional() })),
});

/**
 * The hypothesis verdicts of the committed full-phase results: those `labgate aggregate` keeps in
 * aggregated.json, where it wrote them with `hypothesisVerdicts` (docs/results.md), so the
 * dashboard says what the results README and `labgate/phase8` say. Undefined, and the dashboard
 * shows no full-phase verdicts, for a missing file, one that is not valid, one without verdicts,
 * or one whose rows are all a pilot's (an aggregate of pilot runs only).
 */
export function fullPhaseVerdicts(
  path: string,
  text: string | undefined,
): readonly HypothesisSummary[] | undefined {
  if (text === undefined) return undefined;
  const parsed = parseAggregated(path, text);
  if (!parsed.ok || !parsed.hypotheses || parsed.hypotheses.length === 0) return undefined;
  // parseAggregated accepted the JSON: it parses again here.
  const rows = Phases.safeParse(JSON.parse(text));
  const phases = rows.success ? rows.data.rows.map((r) => r.phase) : [];
  // A file written before rows named their phase is taken as it is.
  const pilotOnly = phases.length > 0 && phases.every((p) => p !== undefined && p !== "full");
  return pilotOnly ? undefined : parsed.hypotheses;
}
