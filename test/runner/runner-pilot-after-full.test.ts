import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, git } from "./campaign-repo.js";

/** The rows of an all_results.csv of the experiment `exp`. */
const rowsOf = (csv: string, exp: string) => csv.split("\n").filter((l) => l.startsWith(`${exp},`));

describe("a pilot run after the full phase (issue #14: one results pipeline)", () => {
  it("commits results that still hold the full phase, as `labgate aggregate` would", async () => {
    const dir = campaignRepo([{ id: "good", seeds: [1, 2] }]);
    const full = await runCli(["run"], dir);
    expect(full.code, full.stderr).toBe(0);
    const fullRows = rowsOf(
      readFileSync(join(dir, "experiments/results/all_results.csv"), "utf8"),
      "good",
    );
    expect(fullRows.length).toBeGreaterThan(0);

    // A new pilot experiment is added to the campaign and run on its own.
    const path = join(dir, "experiments/definitions.json");
    const defs = JSON.parse(readFileSync(path, "utf8"));
    defs.experiments.push({
      id: "probe",
      phase: "pilot",
      stage: 1,
      command:
        "python3 scripts/fake_train.py --mode ok --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}",
    });
    writeFileSync(path, `${JSON.stringify(defs, null, 2)}\n`);
    git(dir, "commit", "-q", "-am", "add a pilot probe");

    const pilot = await runCli(["run", "--phase", "pilot"], dir);
    expect(pilot.code, pilot.stderr).toBe(0);
    // The results commit of the pilot run must not drop the full phase's rows.
    const committed = git(dir, "show", "HEAD:experiments/results/all_results.csv");
    expect(rowsOf(committed, "good")).toEqual(fullRows);
    // And it is what `labgate aggregate` makes of the same state: nothing more to commit.
    const before = git(dir, "rev-parse", "HEAD");
    const agg = await runCli(["aggregate"], dir);
    expect(agg.code, agg.stderr).toBe(0);
    expect(git(dir, "rev-parse", "HEAD")).toBe(before);
  }, 200_000);
});
