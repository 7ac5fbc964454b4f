import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";
import type { GitRepo } from "../git/git-repo.js";

/**
 * Every night stored at `<nightlyDir>/<date>/aggregated.json` in a git ref (the `labgate/nightly`
 * branch), read from the object store, no checkout. Unreadable nights go to `problems` so one
 * bad file does not hide the rest of the history.
 */
export async function readNightsAtRef(
  git: GitRepo,
  ref: string,
  nightlyDir: string,
): Promise<{ nights: Night[]; problems: string[] }> {
  const nights: Night[] = [];
  const problems: string[] = [];
  for (const path of await git.listFilesAt(ref, nightlyDir)) {
    const m = path.startsWith(`${nightlyDir}/`)
      ? /^([^/]+)\/aggregated\.json$/.exec(path.slice(nightlyDir.length + 1))
      : null;
    const date = m?.[1];
    if (!date || !isNightDate(date)) continue;
    const parsed = parseAggregated(`${ref}:${path}`, await git.readFileAt(ref, path));
    if (parsed.ok) nights.push({ date, rows: parsed.rows });
    else problems.push(parsed.message);
  }
  return { nights, problems };
}
