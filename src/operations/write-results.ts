import { hash } from "node:crypto";
import { resolve } from "node:path";
import type { Config } from "../core/config/config-schema.js";
import type { LoadedDefinitions } from "../core/definitions/validate-definitions.js";
import { RESULTS_FILES, runResultPath } from "../core/paths/layout.js";
import { badRunIdMessage, isValidRunId, parseRunId } from "../core/plan/run-id.js";
import { aggregateRows } from "../core/results/aggregate-rows.js";
import { aggregatedCsv, aggregatedJson } from "../core/results/aggregated-files.js";
import { allResultsHeader, allResultsRows } from "../core/results/all-results-csv.js";
import { CHART_FILE, designChartSpec, warmUpChartSpec } from "../core/results/chart-spec.js";
import { designTable } from "../core/results/design-table.js";
import {
  provenanceHead,
  provenanceLine,
  provenanceRecord,
  provenanceTail,
  runOriginOf,
} from "../core/results/provenance.js";
import { type FailedRun, renderResultsReadme } from "../core/results/render-results-readme.js";
import { parseResultFile } from "../core/results/result-file-schema.js";
import { OriginTally } from "../core/results/run-origin.js";
import { type RunResult, variantOf } from "../core/results/run-result.js";
import { StatsAccumulator } from "../core/results/stats-accumulator.js";
import { ARCHIVED_PILOT_PHASE } from "../core/state/merge-sidecars.js";
import { FINAL_STATUSES, type RunStatus, type StateEntry } from "../core/state/state-entry.js";
import { containedReader, MAX_RESULT_FILE_BYTES, RESULT_CAP_HINT } from "./contained-files.js";
import { preloadChartRenderer, renderChartSvg } from "./results/render-chart-svg.js";
import { type AtomicFile, openAtomic } from "./results/write-atomic.js";

export interface ExportResultsInput {
  /** The merged dispatch state, every phase (archived pilots included). */
  entries: Iterable<StateEntry>;
  loaded: Pick<LoadedDefinitions, "definitions" | "experiments">;
  config: Pick<Config, "results_dir">;
  /** This workflow run's URL, or `local:<host>`: for runs whose entry carries none. */
  runUrl: string;
  clock: () => Date;
  /** Only this phase's runs in the tables; default: every run that is not an archived pilot. */
  phase?: "pilot" | "full";
  /**
   * A done run's raw result file, undefined when it is missing, or why it was not read (a link,
   * a folder, over the size cap: see `readRunResult`).
   */
  readResult(entry: StateEntry): Promise<string | undefined | { refused: string }>;
  /**
   * "when-elsewhere": write `runs/<run_id>.json` only for runs whose result file is not already
   * there (the local runner writes it there). "always": include every one (a Git Data API commit).
   */
  copyRunFiles: "always" | "when-elsewhere";
}

/** Where the files go: the disk (streamed, atomic) or memory (for a Git Data API commit). */
export interface ResultsTarget {
  open(path: string): Promise<{
    /** A promise only when the caller must wait (backpressure) before writing more. */
    write(chunk: string): Promise<void> | undefined;
    close(): Promise<void>;
  }>;
}

export interface ExportOutcome {
  /** Repo-relative paths of every file written, runs/ copies included. */
  files: string[];
  /** Distinct `git_commit`s of the runs in the tables, in first-seen order. */
  sourceCommits: string[];
  warnings: string[];
  counts: Partial<Record<RunStatus, number>>;
  rows: number;
  /**
   * Result paths (repo-relative) that were refused (a directory, a link, over the size cap): the
   * run is listed as failed, and the results commit leaves the path out.
   */
  refused: string[];
}

/** Result files read ahead in parallel while earlier ones are processed. */
const READ_AHEAD = 64;

/**
 * Writes every docs/results.md output for the given state, in one pass over the runs: all_results.csv
 * and provenance.json are streamed as each result file is read, so memory does not grow with
 * the number of rows; the aggregates, the README and the chart follow from the running stats.
 */
export async function exportResults(
  input: ExportResultsInput,
  target: ResultsTarget,
): Promise<ExportOutcome> {
  const dir = input.config.results_dir.replace(/\/+$/, "");
  const runPath = (id: string) => runResultPath(input.config, id);
  const defs = input.loaded.definitions;
  const generated = input.clock().toISOString();
  const groupOf = new Map(defs.methods.map((m) => [m.id, m.group as string]));
  const inTables = (e: StateEntry) =>
    input.phase ? e.phase === input.phase : e.phase !== ARCHIVED_PILOT_PHASE;
  const files: string[] = [];
  const warnings: string[] = [];
  const counts: Partial<Record<RunStatus, number>> = {};
  const failures: FailedRun[] = [];
  const refused: string[] = [];
  const sourceCommits = new Set<string>();
  /** The commits and machines of the passing runs, for the README's failure groups. */
  const passing = new OriginTally();
  const acc = new StatsAccumulator();
  let total = 0;
  let rows = 0;
  let provenanceCount = 0;

  const open = async (name: string) => {
    files.push(`${dir}/${name}`);
    return target.open(`${dir}/${name}`);
  };
  // The chart comes last, but vega's modules load (in a worker thread) while the runs stream.
  preloadChartRenderer(warmUpChartSpec(defs));
  const csv = await open(RESULTS_FILES.allResults);
  const provenance = await open(RESULTS_FILES.provenance);
  await csv.write(allResultsHeader());
  await provenance.write(provenanceHead(defs.project, generated));

  /** Copies a result file into runs/ (when it is not already there). */
  const copyRunFile = async (path: string, text: string) => {
    files.push(path);
    const f = await target.open(path);
    await f.write(text);
    await f.close();
  };

  // record and handle return a promise only when there is something to wait for (a copy, a
  // flush to disk): at 10^5 runs an `await` per run on a plain value is a measurable cost.

  /** Keeps the raw bytes (runs/ copy + provenance) of every result file that exists, any status. */
  const record = (entry: StateEntry, text: string) => {
    const path = runPath(entry.id);
    // crypto.hash: one call, no Hash object per file (2-3x faster over 10^6 small files).
    const sha256 = hash("sha256", text, "hex");
    const copying =
      input.copyRunFiles === "always" || !isAt(entry.result_file, path)
        ? copyRunFile(path, text)
        : undefined;
    const line = provenanceLine(
      provenanceRecord(entry, path, sha256, input.runUrl),
      provenanceCount++ === 0,
    );
    const flushing = provenance.write(line);
    const wait = copying && flushing ? Promise.all([copying, flushing]) : (copying ?? flushing);
    return { path, sha256, wait };
  };

  const handle = (
    entry: StateEntry,
    read: string | undefined | { refused: string },
  ): Promise<unknown> | undefined => {
    const shown = inTables(entry);
    let text: string | undefined;
    if (typeof read === "object") {
      warnings.push(`${entry.id}: its result file was not read: ${read.refused}`);
      refused.push(runPath(entry.id));
      if (shown && entry.status === "done")
        failures.push({
          ...failureOf(entry),
          status: "no-result",
          reason: `result file refused: ${read.refused}`,
        });
      return undefined;
    } else text = read;
    if (entry.status !== "done") return text === undefined ? undefined : record(entry, text).wait;
    if (text === undefined) {
      warnings.push(`${entry.id}: done, but its result file ${entry.result_file} is missing`);
      if (shown)
        failures.push({
          ...failureOf(entry),
          status: "no-result",
          reason: `result file missing: ${entry.result_file}`,
        });
      return undefined;
    }
    const { path, sha256, wait } = record(entry, text);
    const parsed = parseResultFile(text);
    if (!parsed.ok) {
      warnings.push(`${entry.result_file}: ${parsed.message} (run ${entry.id})`);
      if (shown)
        failures.push({
          ...failureOf(entry),
          status: "no-result",
          reason: `invalid result file: ${parsed.message}`,
        });
      return wait;
    }
    const result = parsed.value;
    if (!shown) return wait;
    const run: RunResult = { entry, result, sha256, path };
    const flushing = csv.write(allResultsRows(run, groupOf.get(entry.method) ?? ""));
    if (entry.git_commit) sourceCommits.add(entry.git_commit);
    else warnings.push(`${entry.id}: no git_commit recorded; its rows cannot be verified`);
    const exp_id = variantOf(entry);
    passing.add(exp_id, runOriginOf(entry));
    for (const metric in result.metrics) {
      rows++;
      acc.add(exp_id, entry, metric, result.metrics[metric] as number);
    }
    return wait && flushing ? Promise.all([wait, flushing]) : (wait ?? flushing);
  };

  let pending: { entry: StateEntry; text: ReturnType<ExportResultsInput["readResult"]> }[] = [];
  const drain = async () => {
    const texts = await Promise.all(pending.map((p) => p.text));
    for (let i = 0; i < pending.length; i++) {
      const waiting = handle((pending[i] as (typeof pending)[number]).entry, texts[i]);
      if (waiting) await waiting;
    }
    pending = [];
  };
  for (const entry of input.entries) {
    // The id names files below (runs/<run_id>.json): one that no plan could make is never used.
    if (!isValidRunId(entry.id)) {
      warnings.push(badRunIdMessage(entry.id, "a state entry's id"));
      continue;
    }
    if (inTables(entry)) {
      total++;
      counts[entry.status] = (counts[entry.status] ?? 0) + 1;
      if (entry.status === "failed" || entry.status === "on_hold" || entry.status === "cancelled")
        failures.push(failureOf(entry));
    }
    // Failed or stopped runs may have left a result file too: it is kept with its provenance.
    if (entry.status !== "done" && !FINAL_STATUSES.includes(entry.status)) continue;
    pending.push({ entry, text: input.readResult(entry) });
    if (pending.length >= READ_AHEAD) await drain();
  }
  await drain();
  await provenance.write(provenanceTail(provenanceCount > 0));
  await csv.close();
  await provenance.close();

  const aggregated = aggregateRows(acc, defs, input.loaded.experiments);
  const commits = [...sourceCommits];
  const meta = { project: defs.project, generated, source_commits: commits };
  const writeWhole = async (name: string, content: string) => {
    const f = await open(name);
    await f.write(content);
    await f.close();
  };
  const table = designTable(aggregated, defs, input.loaded.experiments);
  const spec = designChartSpec(table);
  // The chart renders (in its worker thread) while the other files are made and written.
  const svg = spec ? renderChartSvg(spec) : undefined;
  svg?.catch(() => undefined); // awaited below: this only keeps an early failure from going unhandled
  await writeWhole(RESULTS_FILES.aggregatedCsv, aggregatedCsv(aggregated));
  await writeWhole(
    RESULTS_FILES.aggregatedJson,
    aggregatedJson(aggregated, { ...meta, hypotheses: table.hypotheses }),
  );
  const readme = renderResultsReadme({
    title: defs.title,
    project: defs.project,
    updated: generated,
    counts,
    total,
    sourceCommits: commits,
    runUrl: input.runUrl,
    table,
    rows: aggregated,
    failures,
    passing,
    chart: spec ? CHART_FILE : undefined,
  });
  if (svg) await writeWhole(CHART_FILE, await svg);
  await writeWhole(RESULTS_FILES.readme, readme);
  return { files, sourceCommits: commits, warnings, counts, rows, refused };
}

/**
 * Reads a run's result file where the plan puts it, `<results_dir>/runs/<run_id>.json` under
 * `root`, never where the entry says (a state entry or a sidecar is data a PR or a run wrote):
 * only a regular file inside `root`, of at most `maxBytes` (the config's `max_result_file_mb`:
 * `resultFileCap`) (docs/security.md).
 */
export function runResultReader(
  root: string,
  resultsDir: string,
  maxBytes = MAX_RESULT_FILE_BYTES,
): (entry: Pick<StateEntry, "id">) => Promise<string | undefined | { refused: string }> {
  const read = containedReader(root, maxBytes);
  return async (entry) => {
    const id = parseRunId(entry.id, "run id");
    if (!id.ok) return { refused: id.message };
    const path = runResultPath({ results_dir: resultsDir }, id.id);
    let got: Awaited<ReturnType<typeof read>>;
    try {
      got = await read(path);
    } catch (err) {
      // An unreadable file (EACCES, EIO...) fails its run, not the whole aggregation.
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code !== "string") throw err;
      return { refused: `${path}: could not be read (${code})` };
    }
    if (got.ok) return got.text;
    if (got.code === "missing") return undefined;
    return {
      refused: got.code === "too-large" ? `${got.message} (${RESULT_CAP_HINT})` : got.message,
    };
  };
}

export interface OutputFile {
  path: string;
  content: string;
}

/** A target that keeps every file in memory, as `{ path, content }` (for a Git Data API commit). */
export function memoryTarget(): { target: ResultsTarget; outputs: OutputFile[] } {
  const outputs: OutputFile[] = [];
  return {
    outputs,
    target: {
      async open(path) {
        const parts: string[] = [];
        return {
          write: (chunk) => {
            parts.push(chunk);
            return undefined;
          },
          close: async () => {
            outputs.push({ path, content: parts.join("") });
          },
        };
      },
    },
  };
}

/**
 * A target that writes under `cwd`, each file atomically (temp + rename), streaming the big ones.
 * `abort` removes the temp files of those still open (the export failed midway).
 */
export function diskTarget(cwd: string): { target: ResultsTarget; abort(): Promise<void> } {
  const open = new Set<AtomicFile>();
  return {
    target: {
      async open(path) {
        const file = await openAtomic(resolve(cwd, path));
        open.add(file);
        return {
          write: (chunk) => file.write(chunk),
          close: () => {
            open.delete(file);
            return file.close();
          },
        };
      },
    },
    abort: async () => {
      await Promise.all([...open].map((f) => f.abort()));
    },
  };
}

const failureOf = (e: StateEntry): FailedRun => ({
  id: e.id,
  status: e.status,
  reason: e.reason,
  exit_code: e.exit_code,
  host: e.host,
  exp_id: variantOf(e),
  origin: runOriginOf(e),
});

const normalize = (p: string) => p.replace(/^\.\//, "").replace(/\/+/g, "/");

/** `normalize(p) === path`, without the two regex replaces where p has nothing to normalize. */
const isAt = (p: string, path: string) =>
  (p.startsWith("./") || p.includes("//") ? normalize(p) : p) === path;
