/**
 * A results file's text with the time it was written blanked out: the `"updated"` of
 * dispatch/state.json, the `"generated"` of provenance.json and aggregated.json, and the README's
 * "Updated <time> by labgate". Two versions that are equal without them hold the same results, so
 * writing them again is no reason for a results commit (issue #13). A run's own times (`started`,
 * `finished`) are kept: a run that ran again is a change.
 */
export function withoutStamps(text: string): string {
  return text
    .replace(/^( *"(?:updated|generated)": )"[^"\n]*"/gm, '$1""')
    .replace(/\bUpdated \d{4}-\d\d-\d\dT[\d:.]+Z by labgate\b/g, "Updated - by labgate");
}

/**
 * True when two versions of a results file hold the same results: equal but for their stamps
 * (`withoutStamps`), or, for JSON, equal as values but for the top-level `updated`/`generated`
 * (dispatch/state.json's entries may list the same fields in another order after a merge).
 */
export function sameResults(before: string, after: string): boolean {
  if (withoutStamps(before) === withoutStamps(after)) return true;
  const a = parseObject(before);
  const b = a && parseObject(after);
  return a !== undefined && b !== undefined && sortedJson(a) === sortedJson(b);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
    const { updated: _u, generated: _g, ...rest } = v as Record<string, unknown>;
    return rest;
  } catch {
    return undefined;
  }
}

/** JSON text with every object's keys sorted, so key order does not count. */
function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === "object" && x !== null && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : x,
  );
}
