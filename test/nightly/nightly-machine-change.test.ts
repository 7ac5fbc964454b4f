import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = join(import.meta.dirname, "../..");
const OLD_CODE = "1111111111111111111111111111111111111111";
const NEW_CODE = "2222222222222222222222222222222222222222";
const A100 = {
  gpu_model: "NVIDIA A100-SXM4-40GB",
  driver_version: "535.104.05",
  cuda_version: "12.2",
  interpreter: "python3",
  interpreter_version: "Python 3.11.9",
  lock_file: "requirements.txt",
  lock_sha256: "a".repeat(64),
};
const NEW_DRIVER = { ...A100, driver_version: "550.54.14", cuda_version: "12.4" };

interface NightSpec {
  fusion: number;
  /** provenance.json's runs: their commit and machine; none: no provenance.json (before labgate). */
  provenance?: { commit: string; machine?: object } | "broken";
}

/** A workspace with the example campaign and nights as `labgate aggregate` leaves them. */
function workspace(nights: Record<string, NightSpec>) {
  const dir = tempDir();
  cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"));
  for (const [date, spec] of Object.entries(nights)) {
    const d = join(dir, "nightly", date);
    mkdirSync(d, { recursive: true });
    const row = (exp_id: string, mean: number) => ({
      exp_id,
      metric: "accuracy",
      n: 3,
      mean,
      std: 0.003,
      direction: "higher",
    });
    writeFileSync(
      join(d, "aggregated.json"),
      JSON.stringify({
        source_commits: [
          spec.provenance === "broken" ? OLD_CODE : (spec.provenance?.commit ?? OLD_CODE),
        ],
        rows: [row("full-fusion-iris", spec.fusion), row("full-logreg-iris", 0.95)],
      }),
    );
    if (spec.provenance === "broken") writeFileSync(join(d, "provenance.json"), "{ not json");
    else if (spec.provenance) {
      const { commit, machine } = spec.provenance;
      const runs = ["full-fusion-iris", "full-logreg-iris"].flatMap((exp) =>
        [1, 2, 3].map((seed) => ({
          run_id: `${exp}_s${seed}`,
          exp_id: exp,
          phase: "full",
          status: "done",
          git_commit: commit,
          ...(machine ? { machine } : {}),
        })),
      );
      writeFileSync(
        join(d, "provenance.json"),
        JSON.stringify({ project: "p", generated: "", runs }),
      );
    }
  }
  return dir;
}

const compare = (dir: string, ...extra: string[]) =>
  runCli(["nightly", "compare", "nightly/2025-05-01", "nightly/2025-05-02", ...extra], dir);

describe("labgate nightly compare: what changed behind each regression", () => {
  it("same code, new driver: the regression names the driver and CUDA change, and says the code is the same", async () => {
    const dir = workspace({
      "2025-05-01": { fusion: 0.96, provenance: { commit: OLD_CODE, machine: A100 } },
      "2025-05-02": { fusion: 0.9, provenance: { commit: OLD_CODE, machine: NEW_DRIVER } },
    });
    const r = await compare(dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: same code (111111111111), machine changed: driver 535.104.05 → 550.54.14, CUDA 12.2 → 12.4\n",
    );
    // only regressions get the line
    expect(r.stdout).not.toContain("regression full-logreg-iris");

    const json = await compare(dir, "--json");
    expect(json.code).toBe(1);
    const fusion = JSON.parse(json.stdout).comparisons.find(
      (c: { exp_id: string }) => c.exp_id === "full-fusion-iris",
    );
    expect(fusion.origin).toMatchObject({
      code: "same",
      machine: "changed",
      commits: { before: ["111111111111"], after: ["111111111111"] },
      machineChanges: ["driver 535.104.05 → 550.54.14", "CUDA 12.2 → 12.4"],
    });
  });

  it("new code on the same machine", async () => {
    const dir = workspace({
      "2025-05-01": { fusion: 0.96, provenance: { commit: OLD_CODE, machine: A100 } },
      "2025-05-02": { fusion: 0.9, provenance: { commit: NEW_CODE, machine: A100 } },
    });
    const r = await compare(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: code changed (111111111111 → 222222222222), same machine\n",
    );
  });

  it("both changed: new code and a new lock file", async () => {
    const dir = workspace({
      "2025-05-01": { fusion: 0.96, provenance: { commit: OLD_CODE, machine: A100 } },
      "2025-05-02": {
        fusion: 0.9,
        provenance: { commit: NEW_CODE, machine: { ...A100, lock_sha256: "b".repeat(64) } },
      },
    });
    const r = await compare(dir);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: code changed (111111111111 → 222222222222) and machine changed: lock file sha256 aaaaaaaaaaaa → bbbbbbbbbbbb\n",
    );
  });

  it("neither changed: said, so the reader looks at noise or data", async () => {
    const dir = workspace({
      "2025-05-01": { fusion: 0.96, provenance: { commit: OLD_CODE, machine: A100 } },
      "2025-05-02": { fusion: 0.9, provenance: { commit: OLD_CODE, machine: A100 } },
    });
    const r = await compare(dir);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: same code (111111111111), same machine: neither explains it (seed noise, data or nondeterminism)\n",
    );
  });

  it("a history from before labgate (only all_results.csv, no provenance) still compares: the machine is unknown, and the line says why", async () => {
    const dir = workspace({
      "2025-05-02": { fusion: 0.9, provenance: { commit: NEW_CODE, machine: NEW_DRIVER } },
    });
    const before = join(dir, "nightly/2025-05-01");
    mkdirSync(before, { recursive: true });
    const header = "exp_id,method,dataset,group,metric,seed,value,host,gpu,finished_at,git_commit";
    writeFileSync(
      join(before, "all_results.csv"),
      `${header}\n${[1, 2, 3]
        .flatMap((s) => [
          `full-fusion-iris,fusion,iris,ours,accuracy,${s},${0.958 + s * 0.001},h,0,t,${OLD_CODE}`,
          `full-logreg-iris,logreg,iris,baseline,accuracy,${s},0.95,h,0,t,${OLD_CODE}`,
        ])
        .join("\n")}\n`,
    );
    const r = await compare(dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/full-fusion-iris\s+accuracy\s+higher\s+0\.96 ± .*regression/);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: code changed (111111111111 → 222222222222), machine unknown (2025-05-01: no provenance.json beside its all_results.csv (from before labgate recorded machines))\n",
    );
  });

  it("no provenance on either night (aggregated.json only): the commits the files name, machine unknown", async () => {
    const dir = workspace({ "2025-05-01": { fusion: 0.96 }, "2025-05-02": { fusion: 0.9 } });
    const r = await compare(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "regression full-fusion-iris accuracy: same code (111111111111), machine unknown (2025-05-01: no provenance.json beside its aggregated.json (from before labgate recorded machines); 2025-05-02: no provenance.json beside its aggregated.json (from before labgate recorded machines))\n",
    );
  });

  it("an unreadable provenance.json: the comparison still runs, the machine is unknown and the file is named", async () => {
    const dir = workspace({
      "2025-05-01": { fusion: 0.96, provenance: { commit: OLD_CODE, machine: A100 } },
      "2025-05-02": { fusion: 0.9, provenance: "broken" },
    });
    const r = await compare(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /regression full-fusion-iris accuracy: same code \(111111111111\), machine unknown \(2025-05-02: \S*nightly\/2025-05-02\/provenance\.json: not valid JSON .*; machines unknown for this night\.\)\n/,
    );
  });
});
