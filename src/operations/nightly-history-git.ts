import type { SimpleGit } from "simple-git";
import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";

/**
 * Every night stored at `<nightlyDir>/<date>/aggregated.json` in a git ref (the `labgate/nightly`
 * branch), read with `git ls-tree` and `git show`, no checkout. Unreadable nights go to
 * `problems` so one bad file does not hide the rest of the history.
 */
export async function readNightsAtRef(
  git: SimpleGit,
  ref: string,
  nightlyDir: string,
): Promise<{ nights: Night[]; problems: string[] }> {
  const listing = await git.raw(["ls-tree", "-r", "--name-only", ref, "--", `${nightlyDir}/`]);
  const nights: Night[] = [];
  const problems: string[] = [];
  for (const path of listing.split("\n")) {
    const m = path.startsWith(`${nightlyDir}/`)
      ? /^([^/]+)\/aggregated\.json$/.exec(path.slice(nightlyDir.length + 1))
      : null;
    const date = m?.[1];
    if (!date || !isNightDate(date)) continue;
    const parsed = parseAggregated(`${ref}:${path}`, await git.raw(["show", `${ref}:${path}`]));
    if (parsed.ok) nights.push({ date, rows: parsed.rows });
    else problems.push(parsed.message);
  }
  return { nights, problems };
}
