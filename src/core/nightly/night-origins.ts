import { z } from "zod";
import { messageOf } from "../failure/failure.js";
import { runIdParts } from "../plan/run-id.js";
import { parseCsvLine } from "../results/csv-field.js";
import { isMachineFacts, OriginTally, type RunOrigin } from "../results/run-origin.js";

/**
 * What a night's numbers came from (docs/nightly.md): per exp_id (with params), the commits and
 * machines of its runs, from the night's `provenance.json`; a history without one (before labgate
 * recorded machines, or only an `all_results.csv`) still knows its commits but not its machines,
 * and `unknown` says why.
 */
export interface NightOrigins {
  /** Per exp_id, the distinct origins of its done runs. */
  byExp: Record<string, RunOrigin[]>;
  /** The night's commits, for an exp_id no run record names (aggregated.json's source_commits). */
  commits: string[];
  /** Why the night's machines are unknown, when they are. */
  unknown?: string;
}

const ProvenanceRun = z.looseObject({
  run_id: z.string(),
  exp_id: z.string().optional(),
  status: z.string().optional(),
  git_commit: z.string().nullable().optional(),
  machine: z.unknown().optional(),
});
const ProvenanceShape = z.looseObject({ runs: z.array(z.unknown()) });

/**
 * A night's origins from its provenance.json text (the file `labgate aggregate` writes): the done
 * runs' commits and machines per exp_id. A record that is not a run is skipped; a file that is not
 * provenance is an error naming it.
 */
export function originsFromProvenance(
  file: string,
  text: string,
): { ok: true; origins: NightOrigins } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      message: `${file}: not valid JSON (${messageOf(err)}); machines unknown for this night.`,
    };
  }
  const shape = ProvenanceShape.safeParse(json);
  if (!shape.success)
    return {
      ok: false,
      message: `${file}: expected { "runs": [...] } as \`labgate aggregate\` writes it; machines unknown for this night.`,
    };
  const tally = new OriginTally();
  const exps = new Set<string>();
  const commits = new Set<string>();
  let machines = 0;
  for (const raw of shape.data.runs) {
    const r = ProvenanceRun.safeParse(raw);
    if (!r.success || (r.data.status !== undefined && r.data.status !== "done")) continue;
    const exp = runIdParts(r.data.run_id)?.variant ?? r.data.exp_id;
    if (!exp) continue;
    const machine = isMachineFacts(r.data.machine) ? r.data.machine : null;
    if (machine) machines++;
    const commit = r.data.git_commit ?? null;
    if (commit) commits.add(commit);
    tally.add(exp, { commit, machine });
    exps.add(exp);
  }
  const byExp: Record<string, RunOrigin[]> = {};
  for (const exp of exps) byExp[exp] = tally.get(exp);
  return {
    ok: true,
    origins: {
      byExp,
      commits: [...commits],
      ...(machines === 0
        ? { unknown: `its ${baseName(file)} records no machine for its runs` }
        : {}),
    },
  };
}

/**
 * A night read from `all_results.csv` alone (a history from before labgate, or another tool's):
 * its commits per exp_id from the `git_commit` column when it has one; its machines unknown.
 */
export function originsFromAllResults(file: string, text: string): NightOrigins {
  const lines = text.split(/\r?\n/);
  const header = parseCsvLine(lines[0] ?? "").map((h) => h.trim());
  const [iExp, iCommit] = [header.indexOf("exp_id"), header.indexOf("git_commit")];
  const tally = new OriginTally();
  const exps = new Set<string>();
  if (iExp >= 0 && iCommit >= 0)
    for (const line of lines.slice(1)) {
      if (line.trim() === "") continue;
      const f = parseCsvLine(line);
      const exp = f[iExp];
      if (!exp) continue;
      // one row per (run, metric): counts are of rows, only the distinct commits matter here
      tally.add(exp, { commit: f[iCommit]?.trim() || null, machine: null });
      exps.add(exp);
    }
  const byExp: Record<string, RunOrigin[]> = {};
  for (const exp of exps) byExp[exp] = tally.get(exp);
  return {
    byExp,
    commits: [],
    unknown: `no provenance.json beside its ${baseName(file)} (from before labgate recorded machines)`,
  };
}

/** A night read from aggregated.json without a provenance.json: its source commits, no machine. */
export function originsFromAggregated(file: string, text: string): NightOrigins {
  let commits: string[] = [];
  try {
    const json = JSON.parse(text) as { source_commits?: unknown };
    if (Array.isArray(json?.source_commits))
      commits = json.source_commits.filter((c): c is string => typeof c === "string" && c !== "");
  } catch {
    // parseAggregated reports a broken file; the origins are only unknown
  }
  return {
    byExp: {},
    commits,
    unknown: `no provenance.json beside its ${baseName(file)} (from before labgate recorded machines)`,
  };
}

/**
 * Provenance first; where it is missing or unreadable, what the results file itself says
 * (`fallback`), with the reason the machines are unknown.
 */
export function mergeOrigins(
  provenance: NightOrigins | undefined,
  fallback: NightOrigins,
): NightOrigins {
  if (!provenance) return fallback;
  return {
    byExp: provenance.byExp,
    commits: provenance.commits.length > 0 ? provenance.commits : fallback.commits,
    ...(provenance.unknown ? { unknown: provenance.unknown } : {}),
  };
}

const baseName = (file: string) => file.slice(file.lastIndexOf("/") + 1);

/** The origins of one exp_id's runs that night; the night's commits when no run names it. */
export function originsOfExp(origins: NightOrigins, expId: string): RunOrigin[] {
  return origins.byExp[expId] ?? origins.commits.map((commit) => ({ commit, machine: null }));
}
