import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  mergeOrigins,
  type NightOrigins,
  originsFromAggregated,
  originsFromAllResults,
  originsFromProvenance,
} from "../core/nightly/night-origins.js";
import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import type { NightlyRow } from "../core/nightly/nightly-row.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";
import { parseAllResultsCsv } from "../core/nightly/parse-all-results.js";

export const AGGREGATED_JSON = "aggregated.json";

export type ReadRowsResult =
  | {
      ok: true;
      file: string;
      rows: NightlyRow[];
      /** The commits and machines of the night's runs (provenance.json beside the file). */
      origins: NightOrigins;
      /** A provenance.json that was there but could not be read: the machines are unknown. */
      problem?: string;
    }
  | { ok: false; message: string };

export const ALL_RESULTS_CSV = "all_results.csv";
export const PROVENANCE_JSON = "provenance.json";

/**
 * Reads a night's rows from a directory holding aggregated.json (or, without one, only the
 * canonical all_results.csv, aggregated over seeds here), or from either file itself; and the
 * commits and machines its runs came from, from the provenance.json beside it (without one, the
 * commits the results file names and an unknown machine).
 */
export async function readNightRows(path: string): Promise<ReadRowsResult> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    return {
      ok: false,
      message: `${path}: no such file or directory; pass a results folder (experiments/results/nightly/<date>), an aggregated.json or an all_results.csv.`,
    };
  let file = info.isDirectory() ? join(path, AGGREGATED_JSON) : path;
  let text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined && info.isDirectory()) {
    file = join(path, ALL_RESULTS_CSV);
    text = await readFile(file, "utf8").catch(() => undefined);
  }
  if (text === undefined)
    return {
      ok: false,
      message: `${path}: no ${AGGREGATED_JSON} or ${ALL_RESULTS_CSV} in it; a results folder holds the files that \`labgate aggregate\` writes.`,
    };
  const parsed = file.endsWith(".csv")
    ? parseAllResultsCsv(file, text)
    : parseAggregated(file, text);
  if (!parsed.ok) return parsed;
  const provPath = join(dirname(file), PROVENANCE_JSON);
  const provText = await readFile(provPath, "utf8").catch(() => undefined);
  const prov = provText === undefined ? undefined : originsFromProvenance(provPath, provText);
  const fallback = file.endsWith(".csv")
    ? originsFromAllResults(file, text)
    : originsFromAggregated(file, text);
  return {
    ok: true,
    file,
    rows: parsed.rows,
    origins: mergeOrigins(prov?.ok ? prov.origins : undefined, {
      ...fallback,
      ...(prov && !prov.ok ? { unknown: prov.message } : {}),
    }),
    ...(prov && !prov.ok ? { problem: prov.message } : {}),
  };
}

/** The date a folder stands for when it is named like a night (`.../nightly/2025-05-01`). */
export function nightDateOf(path: string): string | undefined {
  const name = basename(path.replace(/[\\/]aggregated\.json$/, "").replace(/[\\/]+$/, ""));
  return isNightDate(name) ? name : undefined;
}

/**
 * Every night under `<results>/nightly/<date>/aggregated.json` on disk. Folders that are not dates
 * are skipped; a night whose file is unreadable is reported in `problems`, not fatal, so one bad
 * night does not hide the others.
 */
export async function readNightsDir(dir: string): Promise<{ nights: Night[]; problems: string[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const nights: Night[] = [];
  const problems: string[] = [];
  for (const name of names.filter(isNightDate).sort()) {
    const r = await readNightRows(join(dir, name));
    if (r.ok) {
      nights.push({ date: name, rows: r.rows, origins: r.origins });
      if (r.problem) problems.push(r.problem);
    } else problems.push(r.message);
  }
  return { nights, problems };
}
