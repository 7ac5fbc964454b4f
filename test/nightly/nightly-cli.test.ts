import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");

/** A repo dir with the example campaign and two dated nightly folders in the aggregate format. */
function workspace(tonight: { fusion: number; logreg: number }) {
  const dir = tempDir();
  cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"));
  const night = (date: string, fusion: number, logreg: number) => {
    const d = join(dir, "experiments/results/nightly", date);
    mkdirSync(d, { recursive: true });
    const row = (exp_id: string, method: string, mean: number) => ({
      exp_id,
      method,
      dataset: "iris",
      metric: "accuracy",
      group: "baseline",
      phase: "full",
      n: 5,
      mean,
      std: 0.004,
      min: mean - 0.005,
      max: mean + 0.005,
      best: false,
      delta_vs_baseline: null,
      baseline: null,
      direction: "higher",
    });
    writeFileSync(
      join(d, "aggregated.json"),
      JSON.stringify({
        project: "fusion-tabular",
        generated: `${date}T03:00:00Z`,
        source_commits: ["abc"],
        rows: [
          row("full-fusion-iris", "fusion", fusion),
          row("full-logreg-iris", "logreg", logreg),
        ],
      }),
    );
    return d;
  };
  night("2025-05-01", 0.96, 0.95);
  night("2025-05-04", tonight.fusion, tonight.logreg);
  return dir;
}

describe("labgate nightly compare <dir-a> <dir-b>", () => {
  it("prints the comparison table, the missed nights, and exits 1 on a regression", async () => {
    const dir = workspace({ fusion: 0.9, logreg: 0.951 });
    const r = await runCli(
      [
        "nightly",
        "compare",
        "experiments/results/nightly/2025-05-01",
        "experiments/results/nightly/2025-05-04",
      ],
      dir,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^exp_id\s+metric\s+better\s+previous\s+tonight\s+delta\s+change\s+noise band\s+status$/,
    );
    expect(lines[2]).toMatch(
      /^full-fusion-iris\s+accuracy\s+higher\s+0\.96 ± 0\.004 \(n=5\)\s+0\.9 ± 0\.004 \(n=5\)\s+-0\.06\s+-6\.25%\s+±0\.007589\s+regression$/,
    );
    expect(lines[3]).toMatch(/^full-logreg-iris .* steady$/);
    expect(r.stdout).toContain("1 regression(s), 0 improvement(s), 1 steady, 0 new, 0 missing");
    expect(r.stdout).toContain("missed night(s): 2025-05-02 … 2025-05-03 (2)");
  });

  it("exits 0 when nothing regressed, and --json gives the machine-readable comparison", async () => {
    const dir = workspace({ fusion: 0.961, logreg: 0.949 });
    const r = await runCli(
      [
        "nightly",
        "compare",
        "experiments/results/nightly/2025-05-01",
        "experiments/results/nightly/2025-05-04/aggregated.json",
        "--json",
      ],
      dir,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.threshold).toBe(0.02);
    expect(out.noise_k).toBe(3);
    expect(out.comparisons.map((c: any) => c.status)).toEqual(["steady", "steady"]);
  });

  it("names the missing file and exits 2; bad usage also exits 2", async () => {
    const dir = workspace({ fusion: 0.9, logreg: 0.9 });
    const missing = await runCli(
      ["nightly", "compare", "nope", "experiments/results/nightly/2025-05-04"],
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope: no such file or directory");
    expect(missing.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const usage = await runCli(["nightly", "compare", "only-one"], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("compare takes two folders (earlier, later), got 1");
  });

  it("nightly runs prints the --only globs of the experiments marked nightly", async () => {
    const r = await runCli(["nightly", "runs"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      "full-logreg-iris_s*,full-logreg-iris__*,full-fusion-iris_s*,full-fusion-iris__*",
    );
  });
});
