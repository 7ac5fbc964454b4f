import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, git, sidecars } from "./campaign-repo.js";

/** Every `.tmp` file under `dir`, .git left out. */
function tmpFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".tmp") && !f.startsWith(".git/"),
  );
}

/** A valid result file of about `mb` MB: the metrics, and padding in meta. */
const bigResult = (mb: number) =>
  JSON.stringify({ metrics: { accuracy: 0.9 }, meta: { pad: "x".repeat(mb * 1024 * 1024) } });

const runs = (dir: string, id: string) => join(dir, "experiments/results/runs", `${id}.json`);

describe("one bad result file never blocks the others (issue #13)", () => {
  it("labgate aggregate: a directory and a 20 MB file at result paths fail those runs; the good ones are written and committed, no .tmp left", async () => {
    const dir = campaignRepo([
      { id: "good", mode: "ok", seeds: [1, 2] },
      { id: "folder", mode: "ok" },
      { id: "huge", mode: "ok" },
    ]);
    const first = await runCli(["run", "--parallel", "4"], dir);
    expect(first.code, first.stderr).toBe(0);
    // What a broken script (or a hand) leaves at two result paths after the runs said done.
    rmSync(runs(dir, "folder_s1"));
    mkdirSync(join(runs(dir, "folder_s1"), "inside"), { recursive: true });
    writeFileSync(join(runs(dir, "folder_s1"), "inside", "x"), "not a result");
    writeFileSync(runs(dir, "huge_s1"), bigResult(20));
    writeFileSync(runs(dir, "good_s2"), JSON.stringify({ metrics: { accuracy: 0.61 } }));

    const r = await runCli(["aggregate"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/folder_s1: .*is a directory/);
    expect(r.stderr).toMatch(/huge_s1: .*over the 16777216-byte limit/);
    expect(r.stderr).toMatch(/max_result_file_mb/);
    const csv = readFileSync(join(dir, "experiments/results/all_results.csv"), "utf8");
    expect(csv).toMatch(/^good,.*,accuracy,1,0\.51,/m);
    expect(csv).toMatch(/^good,.*,accuracy,2,0\.61,/m);
    expect(csv).not.toMatch(/^(folder|huge),/m);
    const readme = readFileSync(join(dir, "experiments/results/README.md"), "utf8");
    expect(readme).toMatch(/\| folder_s1 \| no-result \| result file refused: .*is a directory/);
    expect(readme).toMatch(/\| huge_s1 \| no-result \| result file refused: .*16777216-byte/);
    expect(tmpFiles(dir)).toEqual([]);
    // The commit holds the good outputs and never the refused paths.
    const committed = git(dir, "show", "--name-only", "--format=", "HEAD").split("\n");
    expect(committed).toContain("experiments/results/all_results.csv");
    expect(committed).toContain("experiments/results/runs/good_s2.json");
    expect(committed.filter((f) => /folder_s1|huge_s1/.test(f))).toEqual([]);
    expect(git(dir, "status", "--porcelain", "--", "experiments/results")).toMatch(/huge_s1/);
  }, 90_000);

  it("labgate aggregate that cannot write one output fails naming it and leaves no .tmp file", async () => {
    const dir = campaignRepo([{ id: "good", mode: "ok" }]);
    const first = await runCli(["run"], dir);
    expect(first.code, first.stderr).toBe(0);
    // A folder where the README goes: its rename fails after the other files were streamed.
    rmSync(join(dir, "experiments/results/README.md"));
    mkdirSync(join(dir, "experiments/results/README.md/inside"), { recursive: true });
    const r = await runCli(["aggregate", "--no-commit"], dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("README.md");
    expect(tmpFiles(dir)).toEqual([]);
  }, 120_000);

  it("labgate run: a run leaving a directory or a 20 MB file fails with the reason, the good runs are written; a configured cap lets the big one through", async () => {
    const dir = campaignRepo([
      { id: "good", mode: "ok", seeds: [1, 2] },
      { id: "folder", command: "python3 scripts/bad_result.py dir {result_file}" },
      { id: "huge", command: "python3 scripts/bad_result.py big {result_file}" },
    ]);
    writeFileSync(
      join(dir, "scripts/bad_result.py"),
      [
        "import json, os, sys",
        "mode, path = sys.argv[1], sys.argv[2]",
        "os.makedirs(os.path.dirname(path), exist_ok=True)",
        "if mode == 'dir':",
        "    os.makedirs(os.path.join(path, 'inside'))",
        "else:",
        "    open(path, 'w').write(json.dumps({'metrics': {'accuracy': 0.9}, 'meta': {'pad': 'x' * (20 << 20)}}))",
        "",
      ].join("\n"),
    );
    git(dir, "add", "scripts/bad_result.py");
    git(dir, "commit", "-q", "-m", "bad result script");

    const r = await runCli(["run", "--parallel", "4"], dir);
    expect(r.code).toBe(1); // its usual code when a run failed
    const s = sidecars(dir);
    expect(s.get("good_s1")?.status).toBe("done");
    expect(s.get("good_s2")?.status).toBe("done");
    expect(s.get("folder_s1")).toMatchObject({ status: "failed" });
    expect(s.get("folder_s1")?.reason).toMatch(/^invalid-result: .*is a directory/);
    expect(s.get("huge_s1")?.reason).toMatch(/^invalid-result: .*over the 16777216-byte limit/);
    expect(r.stdout).toMatch(/failed\s+huge_s1: invalid-result/);
    const csv = readFileSync(join(dir, "experiments/results/all_results.csv"), "utf8");
    expect(csv).toMatch(/^good,.*,accuracy,1,0\.51,/m);
    expect(csv).toMatch(/^good,.*,accuracy,2,0\.52,/m);
    expect(csv).not.toMatch(/^(folder|huge),/m);
    expect(r.stdout).toMatch(/results committed: [0-9a-f]{40}/);
    expect(tmpFiles(dir)).toEqual([]);
    const committed = git(dir, "show", "--name-only", "--format=", "HEAD");
    expect(committed).not.toMatch(/folder_s1|huge_s1/);

    // The cap is the config's: 32 MB lets the 20 MB result through.
    mkdirSync(join(dir, ".github"), { recursive: true });
    writeFileSync(join(dir, ".github/labgate.yml"), "max_result_file_mb: 32\n");
    git(dir, "add", ".github/labgate.yml");
    git(dir, "commit", "-q", "-m", "a larger cap");
    const again = await runCli(["run", "--only", "huge_s1"], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(sidecars(dir).get("huge_s1")?.status).toBe("done");
    expect(tmpFiles(dir)).toEqual([]);
  }, 120_000);
});
