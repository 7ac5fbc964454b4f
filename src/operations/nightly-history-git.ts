import {
  mergeOrigins,
  originsFromAggregated,
  originsFromAllResults,
  originsFromProvenance,
} from "../core/nightly/night-origins.js";
import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";
import { parseAllResultsCsv } from "../core/nightly/parse-all-results.js";
import type { GitRepo } from "../git/git-repo.js";

/**
 * Every night stored at `<nightlyDir>/<date>/aggregated.json` in a git ref (the `labgate/nightly`
 * branch), or at `<date>/all_results.csv` for a night without one, read from the object store, no
 * checkout, with the commits and machines of its runs from `<date>/provenance.json` where the
 * night has one. Unreadable nights go to `problems` so one bad file does not hide the rest of the
 * history.
 */
export async function readNightsAtRef(
  git: GitRepo,
  ref: string,
  nightlyDir: string,
): Promise<{ nights: Night[]; problems: string[] }> {
  const nights: Night[] = [];
  const problems: string[] = [];
  const files = new Map<string, string>();
  const provenance = new Set<string>();
  for (const path of await git.listFilesAt(ref, nightlyDir)) {
    const p = /^([^/]+)\/provenance\.json$/.exec(path.slice(nightlyDir.length + 1));
    if (path.startsWith(`${nightlyDir}/`) && p?.[1]) provenance.add(p[1]);
    const m = path.startsWith(`${nightlyDir}/`)
      ? /^([^/]+)\/(aggregated\.json|all_results\.csv)$/.exec(path.slice(nightlyDir.length + 1))
      : null;
    const date = m?.[1];
    if (!date || !isNightDate(date)) continue;
    // aggregated.json, when the night has one, wins over its all_results.csv.
    if (!files.has(date) || path.endsWith(".json")) files.set(date, path);
  }
  for (const [date, path] of files) {
    const text = await git.readFileAt(ref, path);
    const parsed = path.endsWith(".csv")
      ? parseAllResultsCsv(`${ref}:${path}`, text)
      : parseAggregated(`${ref}:${path}`, text);
    if (!parsed.ok) {
      problems.push(parsed.message);
      continue;
    }
    const where = `${ref}:${path}`;
    const fallback = path.endsWith(".csv")
      ? originsFromAllResults(where, text)
      : originsFromAggregated(where, text);
    const provPath = `${nightlyDir}/${date}/provenance.json`;
    const prov = provenance.has(date)
      ? originsFromProvenance(`${ref}:${provPath}`, await git.readFileAt(ref, provPath))
      : undefined;
    if (prov && !prov.ok) problems.push(prov.message);
    const origins = mergeOrigins(
      prov?.ok ? prov.origins : undefined,
      prov && !prov.ok ? { ...fallback, unknown: prov.message } : fallback,
    );
    nights.push({ date, rows: parsed.rows, origins });
  }
  return { nights, problems };
}
