import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";
import { parseAllResultsCsv } from "../core/nightly/parse-all-results.js";
import type { GitRepo } from "../git/git-repo.js";

/**
 * Every night stored at `<nightlyDir>/<date>/aggregated.json` in a git ref (the `labgate/nightly`
 * branch), or at `<date>/all_results.csv` for a night without one, read from the object store, no
 * checkout. Unreadable nights go to `problems` so one bad file does not hide the rest of the
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
  for (const path of await git.listFilesAt(ref, nightlyDir)) {
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
    if (parsed.ok) nights.push({ date, rows: parsed.rows });
    else problems.push(parsed.message);
  }
  return { nights, problems };
}
