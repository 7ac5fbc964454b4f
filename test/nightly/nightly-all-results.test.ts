import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllResultsCsv } from "../../src/core/nightly/parse-all-results.js";
import { asGitRepo } from "../../src/git/git-repo.js";
import { readNightsAtRef } from "../../src/operations/nightly-history-git.js";
import { createTestRepo } from "../helpers/git-repo.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");
const HEADER = "exp_id,method,dataset,group,metric,seed,value,host,gpu,finished_at,git_commit";

/** An all_results.csv as labgate (or another tool with the same columns) writes it. */
const csv = (rows: [string, string, number, number][]) =>
  `${HEADER}\n${rows
    .map(
      ([exp, metric, seed, value]) =>
        `${exp},fusion,iris,ours,${metric},${seed},${value},h,0,2025-05-01T03:00:00Z,abc`,
    )
    .join("\n")}\n`;

describe("nightly compare from a folder holding only all_results.csv", () => {
  it("computes n, mean and std per series from the canonical columns", () => {
    const r = parseAllResultsCsv(
      "a/all_results.csv",
      csv([
        ["full-fusion-iris", "accuracy", 1, 0.95],
        ["full-fusion-iris", "accuracy", 2, 0.96],
        ["full-fusion-iris", "accuracy", 3, 0.97],
        ["full-fusion-iris", "macro_f1", 1, 0.9],
      ]),
    );
    expect(r).toEqual({
      ok: true,
      rows: [
        {
          exp_id: "full-fusion-iris",
          method: "fusion",
          dataset: "iris",
          metric: "accuracy",
          n: 3,
          mean: 0.96,
          std: 0.01,
        },
        {
          exp_id: "full-fusion-iris",
          method: "fusion",
          dataset: "iris",
          metric: "macro_f1",
          n: 1,
          mean: 0.9,
          std: 0,
        },
      ],
    });
  });

  it("names the file, the line and what is wrong", () => {
    expect(parseAllResultsCsv("a/all_results.csv", "exp_id,metric,score\nx,acc,1\n")).toEqual({
      ok: false,
      message:
        "a/all_results.csv:1: no `value` column; a results table needs at least exp_id, metric and value (header found: exp_id,metric,score).",
    });
    expect(
      parseAllResultsCsv("a/all_results.csv", `${HEADER}\nx,m,d,g,acc,1,oops,h,0,t,c\n`),
    ).toEqual({
      ok: false,
      message: 'a/all_results.csv:2: value "oops" of x acc is not a number.',
    });
  });

  it("labgate nightly compare: an older night with only all_results.csv against tonight's aggregated.json", async () => {
    const dir = tempDir();
    cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"));
    const before = join(dir, "history/2025-05-01");
    mkdirSync(before, { recursive: true });
    writeFileSync(
      join(before, "all_results.csv"),
      csv([1, 2, 3, 4, 5].map((s) => ["full-fusion-iris", "accuracy", s, 0.955 + s * 0.002])),
    );
    const tonight = join(dir, "history/2025-05-02");
    mkdirSync(tonight, { recursive: true });
    writeFileSync(
      join(tonight, "aggregated.json"),
      JSON.stringify({
        rows: [{ exp_id: "full-fusion-iris", metric: "accuracy", n: 5, mean: 0.9, std: 0.004 }],
      }),
    );
    const r = await runCli(["nightly", "compare", "history/2025-05-01", "history/2025-05-02"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /full-fusion-iris\s+accuracy\s+higher\s+0\.961 ± 0\.003162 \(n=5\)\s+0\.9 ± 0\.004 \(n=5\)\s+-0\.061\s+-6\.35%\s+\S+\s+regression/,
    );

    const empty = join(dir, "history/empty");
    mkdirSync(empty);
    const bad = await runCli(["nightly", "compare", "history/empty", "history/2025-05-02"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("history/empty: no aggregated.json or all_results.csv in it");
  });

  it("the history on the nightly branch: a night with only all_results.csv is read; aggregated.json wins where both are", async () => {
    const repo = await createTestRepo();
    const dir = "experiments/results/nightly";
    await repo.commit({
      [`${dir}/2025-05-01/all_results.csv`]: csv([
        ["full-fusion-iris", "accuracy", 1, 0.95],
        ["full-fusion-iris", "accuracy", 2, 0.97],
      ]),
      [`${dir}/2025-05-02/all_results.csv`]: csv([["full-fusion-iris", "accuracy", 1, 0.1]]),
      [`${dir}/2025-05-02/aggregated.json`]: JSON.stringify([
        { exp_id: "full-fusion-iris", metric: "accuracy", n: 2, mean: 0.9, std: 0.01 },
      ]),
    });
    const { nights, problems } = await readNightsAtRef(asGitRepo(repo.git), "HEAD", dir);
    expect(problems).toEqual([]);
    expect(nights.map((n) => [n.date, n.rows.map((r) => [r.n, r.mean])])).toEqual([
      ["2025-05-01", [[2, 0.96]]],
      ["2025-05-02", [[2, 0.9]]],
    ]);
  });
});
