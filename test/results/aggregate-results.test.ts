import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregateResults } from "../../src/operations/aggregate-results.js";
import { clock, finishedStudy, logSink, RUN_URL } from "./results-fixture.js";

describe("aggregateResults", () => {
  it("writes every docs/results.md output and commits them with state.json in one commit with trailers", async () => {
    const { repo, source, loaded, config } = await finishedStudy();
    const { log, warn } = logSink();
    const out = await aggregateResults(
      { git: repo.repo, log, clock },
      { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: true },
    );
    expect(warn).toEqual([]);
    expect(out.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const r = (p: string) => readFileSync(join(repo.dir, p), "utf8");

    const message = await repo.git.raw(["log", "-1", "--format=%B"]);
    expect(message.trim().split("\n").slice(-2)).toEqual([
      `Labgate-Source-Commit: ${source}`,
      `Labgate-Run: ${RUN_URL}`,
    ]);
    const committed = (await repo.git.raw(["show", "--name-only", "--format=", "HEAD"]))
      .trim()
      .split("\n")
      .sort();
    expect(committed).toContain("dispatch/state.json");
    for (const f of [
      "all_results.csv",
      "aggregated.csv",
      "aggregated.json",
      "README.md",
      "design-table.svg",
      "provenance.json",
      "runs/ours-toy__lr-0.1_s1.json",
    ])
      expect(committed).toContain(`experiments/results/${f}`);
    expect(committed.filter((f) => f.endsWith(".status.json"))).toEqual([]);
    expect(
      await repo.git.raw([
        "status",
        "--porcelain",
        "--",
        "experiments/results",
        "dispatch/state.json",
      ]),
    ).toBe("");

    // Pilots are archived (not deleted) once the full phase is in the state.
    const state = JSON.parse(r("dispatch/state.json"));
    expect(state.experiments.find((e: { id: string }) => e.id === "pilot-ours-toy_s1").phase).toBe(
      "pilot (archived)",
    );
    expect(state.experiments).toHaveLength(19);

    const csv = r("experiments/results/all_results.csv").trim().split("\n");
    expect(csv[0]).toBe(
      "exp_id,method,dataset,group,metric,seed,value,host,gpu,finished_at,git_commit",
    );
    expect(csv).toContain(
      `ours-toy__lr-0.1,ours,toy,ours,accuracy,1,0.85,gpu-box-1,0,2025-02-28T10:11:00Z,${source}`,
    );
    // 16 done full runs x 2 metrics; the archived pilot is in provenance, not in the tables.
    expect(csv).toHaveLength(1 + 16 * 2);

    const agg = JSON.parse(r("experiments/results/aggregated.json"));
    const row = (exp: string, metric: string) =>
      agg.rows.find(
        (x: { exp_id: string; metric: string }) => x.exp_id === exp && x.metric === metric,
      );
    expect(row("ours-toy__lr-0.1", "accuracy")).toMatchObject({
      n: 3,
      best: true,
      baseline: "base",
    });
    expect(row("ours-toy__lr-0.1", "accuracy").delta_vs_baseline).toBeCloseTo(0.05, 10);
    expect(row("ours-toy__lr-0.1", "loss")).toMatchObject({ best: true });
    expect(row("base-toy", "accuracy")).toMatchObject({ best: false, delta_vs_baseline: null });
    expect(row("abl-toy", "accuracy").baseline).toBe("ours");
    expect(row("ours-big", "accuracy")).toMatchObject({ n: 2, best: true });

    const prov = JSON.parse(r("experiments/results/provenance.json"));
    expect(prov.runs).toHaveLength(17);
    for (const p of prov.runs)
      expect(
        createHash("sha256")
          .update(readFileSync(join(repo.dir, p.result_file)))
          .digest("hex"),
      ).toBe(p.sha256);
    expect(prov.runs[0]).toMatchObject({
      run_id: "pilot-ours-toy_s1",
      git_commit: source,
      run_url: RUN_URL,
      runner: "shard-0",
      host: "gpu-box-1",
    });

    const svg = r("experiments/results/design-table.svg");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("Ours w/o attention");
  });

  it("renders the results README (snapshot)", async () => {
    const { repo, loaded, config, source } = await finishedStudy();
    await aggregateResults(
      { git: repo.repo, log: logSink().log, clock },
      { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: false },
    );
    const readme = readFileSync(join(repo.dir, "experiments/results/README.md"), "utf8").replaceAll(
      source.slice(0, 12),
      "<source-sha>",
    );
    await expect(readme).toMatchFileSnapshot("__snapshots__/results-readme.md");
  });

  it("commits nothing but the outputs, and nothing twice", async () => {
    const { repo, loaded, config } = await finishedStudy();
    repo.write({ "notes.txt": "staged by the researcher\n" });
    await repo.git.add("notes.txt");
    const deps = { git: repo.repo, log: logSink().log, clock };
    const input = { cwd: repo.dir, config, loaded, runUrl: "local:box", commit: true };
    const first = await aggregateResults(deps, input);
    expect(first.commitSha).toBeDefined();
    const files = await repo.git.raw(["show", "--name-only", "--format=", "HEAD"]);
    expect(files).not.toContain("notes.txt");
    expect(await repo.git.raw(["diff", "--cached", "--name-only"])).toBe("notes.txt\n");
    const second = await aggregateResults(deps, input);
    expect(second.commitSha).toBeUndefined();
    expect((await repo.git.raw(["rev-list", "--count", "HEAD"])).trim()).toBe("3");
  });

  it("lists a done run whose result file is missing, and keeps going", async () => {
    const { repo, loaded, config } = await finishedStudy();
    const { rmSync } = await import("node:fs");
    rmSync(join(repo.dir, "experiments/results/runs/base-toy_s2.json"));
    const { log, warn } = logSink();
    await aggregateResults(
      { git: repo.repo, log, clock },
      { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: false },
    );
    expect(warn).toEqual([
      "base-toy_s2: done, but its result file experiments/results/runs/base-toy_s2.json is missing",
    ]);
    const readme = readFileSync(join(repo.dir, "experiments/results/README.md"), "utf8");
    expect(readme).toContain(
      "| base-toy_s2 | no-result | result file missing: experiments/results/runs/base-toy_s2.json |",
    );
    expect(existsSync(join(repo.dir, "experiments/results/all_results.csv"))).toBe(true);
  });
});
