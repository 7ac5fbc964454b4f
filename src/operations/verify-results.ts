import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { SimpleGit } from "simple-git";
import type { Config } from "../core/config/config-schema.js";
import { ALL_RESULTS_COLUMNS } from "../core/results/all-results-csv.js";
import { parseCsvLine } from "../core/results/csv-field.js";
import type { ProvenanceFile } from "../core/results/provenance.js";
import { commitExists } from "../git/commit-exists.js";
import { differsFrom, lastCommitTouching } from "../git/last-commit-touching.js";
import { SOURCE_COMMIT_TRAILER, trailerValues } from "../git/trailers.js";

export interface VerifyOutcome {
  ok: boolean;
  /** One line per mismatch, each naming the file, the row or run, and what is wrong. */
  problems: string[];
  checked: { rows: number; commits: number; resultFiles: number; resultsCommit?: string };
}

/**
 * `labgate verify` (SPEC §5): every all_results.csv row's `git_commit` exists in history; the
 * results commit (the last commit that changed all_results.csv) names each of them in a
 * `Labgate-Source-Commit` trailer; and every result file's sha256 matches provenance.json.
 */
export async function verifyResults(
  deps: { git: SimpleGit },
  input: { cwd: string; config: Pick<Config, "results_dir"> },
): Promise<VerifyOutcome> {
  const dir = input.config.results_dir.replace(/\/+$/, "");
  const csvPath = `${dir}/all_results.csv`;
  const problems: string[] = [];
  const checked: VerifyOutcome["checked"] = { rows: 0, commits: 0, resultFiles: 0 };

  const rows = await readCommitsOfRows(resolve(input.cwd, csvPath), csvPath, problems);
  if (rows === undefined) return { ok: false, problems, checked };
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

  checked.resultFiles = await checkResultFiles(input.cwd, dir, problems);
  return { ok: problems.length === 0, problems, checked };
}

interface RowCommits {
  count: number;
  /** Distinct git_commit -> how many rows, and the line of the first. */
  commits: Map<string, { count: number; line: number }>;
}

/** Streams all_results.csv: 10^6 rows are read line by line, never held whole. */
async function readCommitsOfRows(
  abs: string,
  rel: string,
  problems: string[],
): Promise<RowCommits | undefined> {
  const commits = new Map<string, { count: number; line: number }>();
  let count = 0;
  let line = 0;
  let col = -1;
  let missing = { count: 0, line: 0 };
  try {
    const lines = createInterface({
      input: createReadStream(abs, "utf8"),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
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
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      problems.push(`${rel}: not found; run \`labgate aggregate\` first`);
      return undefined;
    }
    throw err;
  }
  if (missing.count > 0)
    problems.push(
      `${rel}: ${missing.count} row(s) (first at line ${missing.line}) have no git_commit, so they map to no commit`,
    );
  return { count, commits };
}

/** Each provenance record's file hashes to its sha256; each runs/*.json has a record. */
async function checkResultFiles(cwd: string, dir: string, problems: string[]): Promise<number> {
  const provPath = `${dir}/provenance.json`;
  let prov: ProvenanceFile;
  try {
    prov = JSON.parse(await readFile(resolve(cwd, provPath), "utf8"));
    if (!Array.isArray(prov.runs)) throw new Error('no "runs" list');
  } catch (err) {
    problems.push(
      (err as NodeJS.ErrnoException).code === "ENOENT"
        ? `${provPath}: not found; run \`labgate aggregate\``
        : `${provPath}: unreadable (${(err as Error).message}); re-run \`labgate aggregate\``,
    );
    return 0;
  }
  const recorded = new Set<string>();
  let n = 0;
  for (const r of prov.runs) {
    recorded.add(r.result_file);
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(cwd, r.result_file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      problems.push(
        `${r.result_file}: run ${r.run_id} is in ${provPath} but its result file is missing`,
      );
      continue;
    }
    n++;
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (sha !== r.sha256)
      problems.push(
        `${r.result_file}: sha256 ${sha.slice(0, 16)}… does not match ${provPath} (${String(r.sha256).slice(0, 16)}…) for run ${r.run_id}: the result file changed after it was recorded`,
      );
  }
  let names: string[] = [];
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
