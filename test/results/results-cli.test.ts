import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { finishedStudy } from "./results-fixture.js";

describe("labgate aggregate / report / verify", () => {
  it("aggregates and commits, reports the design table, verifies, then catches a tampered file", async () => {
    const { repo, source } = await finishedStudy();
    const env = { GITHUB_SERVER_URL: "", GITHUB_RUN_ID: "" };
    const agg = await runCli(["aggregate"], repo.dir, env);
    expect(agg.stderr).toBe("");
    expect(agg.code).toBe(0);
    expect(agg.stdout).toMatch(/merged 19 sidecar\(s\) into dispatch\/state\.json/);
    expect(agg.stdout).toMatch(/results commit: [0-9a-f]{40}\n$/);
    const message = await repo.git.raw(["log", "-1", "--format=%B"]);
    expect(message).toContain(`Labgate-Source-Commit: ${source}`);
    expect(message).toMatch(/Labgate-Run: local:\S+\n*$/);

    const report = await runCli(["report"], repo.dir);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("Design table (full phase");
    expect(report.stdout).toMatch(
      /Ours \[ours\] +0\.8617 ± 0\.01258 \(n=3\) \* Δ \+0\.05 \(better\) vs base/,
    );
    expect(report.stdout).toMatch(/ours-big_s3 +failed +1 +non-zero exit 1: ValueError: bad shape/);
    expect(report.stdout).toMatch(/base-big_s3 +on_hold/);

    const ok = await runCli(["verify"], repo.dir);
    expect(ok.stdout).toMatch(
      /^verified: 32 row\(s\) from 1 commit\(s\), named by results commit [0-9a-f]{12}; 17 result file\(s\) match provenance\.json\n$/,
    );
    expect(ok.code).toBe(0);

    const file = join(repo.dir, "experiments/results/runs/ours-big_s1.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"epochs": 5', '"epochs": 6'));
    const bad = await runCli(["verify"], repo.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^mismatch: experiments\/results\/runs\/ours-big_s1\.json: sha256 /);
    expect(bad.stderr).toContain("1 mismatch(es)");
  });

  it("aggregate --no-commit writes the files and commits nothing; a broken state.json is reported, not replaced", async () => {
    const { repo } = await finishedStudy();
    const before = await repo.git.revparse(["HEAD"]);
    const agg = await runCli(["aggregate", "--no-commit"], repo.dir);
    expect(agg.code).toBe(0);
    expect(agg.stdout).toContain("results written, not committed (--no-commit)");
    expect(await repo.git.revparse(["HEAD"])).toBe(before);

    writeFileSync(join(repo.dir, "dispatch/state.json"), "{ not json");
    const broken = await runCli(["aggregate", "--no-commit"], repo.dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^labgate aggregate: dispatch\/state\.json:1:\d+: not valid JSON/,
    );
    expect(broken.stderr).toContain("the last commit holds no copy of it");
    expect(broken.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(repo.dir, "dispatch/state.json"), "utf8")).toBe("{ not json");
  });

  it("report and verify say what to do when there are no results yet", async () => {
    const { repo } = await finishedStudy();
    const report = await runCli(["report"], repo.dir);
    expect(report.code).toBe(1);
    expect(report.stdout).toContain("No results in experiments/results/ yet");
    const verify = await runCli(["verify"], repo.dir);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain(
      "mismatch: experiments/results/all_results.csv: not found; run `labgate aggregate` first",
    );
  });
});
