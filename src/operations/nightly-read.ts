import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { isNightDate, type Night } from "../core/nightly/nightly-history.js";
import type { NightlyRow } from "../core/nightly/nightly-row.js";
import { parseAggregated } from "../core/nightly/parse-aggregated.js";

export const AGGREGATED_JSON = "aggregated.json";

export type ReadRowsResult =
  | { ok: true; file: string; rows: NightlyRow[] }
  | { ok: false; message: string };

/** Reads a night's rows from a directory holding aggregated.json, or from the file itself. */
export async function readNightRows(path: string): Promise<ReadRowsResult> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    return {
      ok: false,
      message: `${path}: no such file or directory; pass a nightly results folder (experiments/results/nightly/<date>) or an aggregated.json.`,
    };
  const file = info.isDirectory() ? join(path, AGGREGATED_JSON) : path;
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined)
    return {
      ok: false,
      message: `${file}: not found; a nightly folder holds the aggregated.json that \`labgate aggregate\` writes.`,
    };
  const parsed = parseAggregated(file, text);
  return parsed.ok ? { ok: true, file, rows: parsed.rows } : parsed;
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
    if (r.ok) nights.push({ date: name, rows: r.rows });
    else problems.push(r.message);
  }
  return { nights, problems };
}
