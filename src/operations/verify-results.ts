import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Config } from "../core/config/config-schema.js";
import { messageOf } from "../core/failure/failure.js";
import { RESULTS_FILES, resultsFilePath, runResultPath } from "../core/paths/layout.js";
import { badRunIdMessage, isValidRunId, runIdParts } from "../core/plan/run-id.js";
import { ALL_RESULTS_COLUMNS } from "../core/results/all-results-csv.js";
import { parseCsvLine } from "../core/results/csv-field.js";
import type { ProvenanceFile } from "../core/results/provenance.js";
import {
  describeMachine,
  isMachineFacts,
  machineDifferences,
  machinesOf,
  OriginTally,
} from "../core/results/run-origin.js";
import { commitExists } from "../git/commit-exists.js";
import type { GitRepo } from "../git/git-repo.js";
import { differsFrom, lastCommitTouching } from "../git/last-commit-touching.js";
import { SOURCE_COMMIT_TRAILER, trailerValues } from "../git/trailers.js";
import { containedDirProblem, containedReader, MAX_STATE_FILE_BYTES } from "./contained-files.js";
import { runResultReader } from "./write-results.js";

export interface VerifyOutcome {
  ok: boolean;
  /** One line per mismatch, each naming the file, the row or run, and what is wrong. */
  problems: string[];
  checked: { rows: number; commits: number; resultFiles: number; resultsCommit?: string };
  /**
   * What provenance says beyond the commit, not problems: runs made with uncommitted changes
   * (`labgate run --allow-dirty`), and the machines (GPU, driver, CUDA, interpreter, lock file).
   */
  notes: string[];
}

/**
 * `labgate verify` (docs/results.md): every all_results.csv row's `git_commit` exists in history; the
 * results commit (the last commit that changed all_results.csv) names each of them in a
 * `Labgate-Source-Commit` trailer; and every result file's sha256 matches provenance.json.
 */
export async function verifyResults(
  deps: { git: GitRepo },
  input: { cwd: string; config: Pick<Config, "results_dir"> },
): Promise<VerifyOutcome> {
  const dir = input.config.results_dir.replace(/\/+$/, "");
  const csvPath = resultsFilePath(input.config, RESULTS_FILES.allResults);
  const problems: string[] = [];
  const notes: string[] = [];
  const checked: VerifyOutcome["checked"] = { rows: 0, commits: 0, resultFiles: 0 };

  const rows = await readCommitsOfRows(input.cwd, csvPath, problems);
  if (rows === undefined) return { ok: false, problems, checked, notes };
  checked.rows = rows.count;

  const exists = new Map<string, boolean>();
  for (const [sha, at] of rows.commits) {
    const ok = await commitExists(deps.git, sha);
    exists.set(sha, ok);
    if (!ok)
      problems.push(
        `${csvPath}: ${at.count} row(s) (first at line ${at.line}) name git_commit ${sha}, which is not in this repository's history (fetch it, or re-run those runs from a commit that is)`,
      );
  }
  checked.commits = rows.commits.size;

  const results = await lastCommitTouching(deps.git, csvPath);
  if (results === undefined) {
    problems.push(
      `${csvPath}: not committed yet, so no results commit names its source; run \`labgate aggregate\` (without --no-commit)`,
    );
  } else {
    checked.resultsCommit = results.sha;
    const named = trailerValues(results.message, SOURCE_COMMIT_TRAILER);
    if (named.length === 0)
      problems.push(
        `results commit ${results.sha.slice(0, 12)} (the last commit that changed ${csvPath}) carries no ${SOURCE_COMMIT_TRAILER} trailer: the results were committed by hand; re-run \`labgate aggregate\``,
      );
    else
      for (const [sha, at] of rows.commits)
        if (!named.some((n) => n.startsWith(sha) || sha.startsWith(n)))
          problems.push(
            `${csvPath}: ${at.count} row(s) (first at line ${at.line}) name git_commit ${sha}, but results commit ${results.sha.slice(0, 12)} names only ${named.map((n) => n.slice(0, 12)).join(", ")} in its ${SOURCE_COMMIT_TRAILER} trailers`,
          );
    if (await differsFrom(deps.git, results.sha, csvPath))
      problems.push(
        `${csvPath}: differs from its results commit ${results.sha.slice(0, 12)} (changed since); restore it with \`git checkout ${results.sha.slice(0, 12)} -- ${csvPath}\` or re-run \`labgate aggregate\``,
      );
  }

  checked.resultFiles = await checkResultFiles(input.cwd, dir, problems, notes);
  return { ok: problems.length === 0, problems, checked, notes };
}

interface RowCommits {
  count: number;
  /** Distinct git_commit -> how many rows, and the line of the first. */
  commits: Map<string, { count: number; line: number }>;
}

/**
 * Streams all_results.csv: 10^6 rows are read line by line, never held whole. Opened only as a
 * regular file inside the checkout (`containedReader(...).open`): a link is refused, so its
 * target's first line is never quoted as a bad header.
 */
async function readCommitsOfRows(
  cwd: string,
  rel: string,
  problems: string[],
): Promise<RowCommits | undefined> {
  // Streamed, so no cap on its size is needed.
  const opened = await containedReader(cwd, Number.MAX_SAFE_INTEGER).open(rel);
  if (!opened.ok) {
    problems.push(
      opened.code === "missing"
        ? `${rel}: not found; run \`labgate aggregate\` first`
        : `${rel}: refused, not read: ${opened.message} — commit the results themselves (re-run \`labgate aggregate\`)`,
    );
    return undefined;
  }
  const commits = new Map<string, { count: number; line: number }>();
  let count = 0;
  let line = 0;
  let col = -1;
  let missing = { count: 0, line: 0 };
  const stream = opened.handle.createReadStream({ encoding: "utf8" });
  try {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const text of lines) {
      line++;
      if (line === 1) {
        const header = parseCsvLine(text);
        const expected = ALL_RESULTS_COLUMNS.join(",");
        if (header.slice(0, ALL_RESULTS_COLUMNS.length).join(",") !== expected) {
          problems.push(`${rel}:1: header is "${text}"; expected it to start with "${expected}"`);
          return undefined;
        }
        col = header.indexOf("git_commit");
        continue;
      }
      if (text === "") continue;
      count++;
      const sha = parseCsvLine(text)[col] ?? "";
      if (sha === "") {
        if (missing.count++ === 0) missing = { count: 1, line };
        continue;
      }
      const seen = commits.get(sha);
      if (seen) seen.count++;
      else commits.set(sha, { count: 1, line });
    }
  } finally {
    stream.destroy(); // closes the file, also when the header was wrong
  }
  if (missing.count > 0)
    problems.push(
      `${rel}: ${missing.count} row(s) (first at line ${missing.line}) have no git_commit, so they map to no commit`,
    );
  return { count, commits };
}

/**
 * Each provenance record's file hashes to its sha256; each runs/*.json has a record. provenance.json
 * and the result files are data a PR or a run wrote: a record's file is read only at its run's path
 * (`runResultPath`), and every file only as a regular file inside the checkout (`containedReader`;
 * docs/security.md, "Paths come from the plan"), so a `result_file` of `../../x` or a committed
 * link is reported, never read.
 */
async function checkResultFiles(
  cwd: string,
  dir: string,
  problems: string[],
  notes: string[],
): Promise<number> {
  const provPath = resultsFilePath({ results_dir: dir }, RESULTS_FILES.provenance);
  const rerun = "re-run `labgate aggregate`";
  let prov: ProvenanceFile;
  const provText = await containedReader(cwd, MAX_STATE_FILE_BYTES)(provPath);
  if (!provText.ok) {
    problems.push(
      provText.code === "missing"
        ? `${provPath}: not found; run \`labgate aggregate\``
        : `${provPath}: refused, not read: ${provText.message} — commit provenance.json itself (${rerun})`,
    );
    return 0;
  }
  try {
    prov = JSON.parse(provText.text);
    if (!Array.isArray(prov.runs)) throw new Error('no "runs" list');
  } catch (err) {
    problems.push(`${provPath}: unreadable (${messageOf(err)}); ${rerun}`);
    return 0;
  }
  notes.push(...provenanceNotes(prov));
  const readRun = runResultReader(cwd, dir);
  const recorded = new Set<string>();
  let n = 0;
  for (const r of prov.runs) {
    const planned = isValidRunId(r.run_id)
      ? runResultPath({ results_dir: dir }, r.run_id)
      : undefined;
    if (planned === undefined || r.result_file !== planned) {
      problems.push(
        planned === undefined
          ? `${provPath}: ${badRunIdMessage(r.run_id, "run_id")}`
          : `${provPath}: run ${r.run_id} names result_file ${JSON.stringify(r.result_file)}, but its result file is ${planned}; it was not read. Re-run \`labgate aggregate\` to rewrite provenance.json from the plan`,
      );
      continue;
    }
    recorded.add(planned);
    const got = await readRun({ id: r.run_id });
    if (got === undefined) {
      problems.push(`${planned}: run ${r.run_id} is in ${provPath} but its result file is missing`);
      continue;
    }
    if (typeof got !== "string") {
      problems.push(
        `${planned}: refused, not read: ${got.refused} — commit the result file itself (${rerun})`,
      );
      continue;
    }
    n++;
    const sha = createHash("sha256").update(got).digest("hex");
    if (sha !== r.sha256)
      problems.push(
        `${planned}: sha256 ${sha.slice(0, 16)}… does not match ${provPath} (${String(r.sha256).slice(0, 16)}…) for run ${r.run_id}: the result file changed after it was recorded`,
      );
  }
  let names: string[] = [];
  const runsOutside = await containedDirProblem(cwd, `${dir}/runs`);
  if (runsOutside) problems.push(`${runsOutside}; its files were not listed`);
  else
    try {
      names = (await readdir(resolve(cwd, dir, "runs"))).filter((f) => f.endsWith(".json")).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  for (const name of names)
    if (!recorded.has(`${dir}/runs/${name}`))
      problems.push(
        `${dir}/runs/${name}: a result file that ${provPath} does not record; re-run \`labgate aggregate\` or remove it`,
      );
  return n;
}

/**
 * The dirty runs, one line each; the machines with how many runs each produced; and each
 * experiment whose done runs at one commit ran on more than one machine (same code, another
 * driver...), with the facts that differ.
 */
function provenanceNotes(prov: ProvenanceFile): string[] {
  const out: string[] = [];
  const machines = new Map<string, number>();
  const sameCode = new OriginTally();
  for (const r of prov.runs) {
    if (r.status === "done" && r.git_commit && isMachineFacts(r.machine))
      sameCode.add(`${runIdParts(r.run_id)?.variant ?? r.exp_id}\u0000${r.git_commit}`, {
        commit: r.git_commit,
        machine: r.machine,
      });
    if (r.dirty === true)
      out.push(
        `run ${r.run_id} ran with uncommitted changes (dirty, diff sha256 ${String(r.diff_sha256 ?? "?").slice(0, 16)}…): its numbers are not commit ${String(r.git_commit).slice(0, 12)}'s`,
      );
    if (isMachineFacts(r.machine)) {
      const key = describeMachine(r.machine);
      machines.set(key, (machines.get(key) ?? 0) + 1);
    }
  }
  for (const [key, n] of machines) out.push(`machine: ${key}: ${n} run(s)`);
  for (const group of sameCode.groups()) {
    const ms = machinesOf(sameCode.get(group));
    if (ms.length < 2) continue;
    const [exp, commit] = group.split("\u0000") as [string, string];
    out.push(
      `${exp}: its runs of the same code (${commit.slice(0, 12)}) ran on ${ms.length} machines, differing in ${machineDifferences(ms.map((m) => m.machine)).join("; ")}: compare its numbers by machine before trusting their mean`,
    );
  }
  return out;
}
