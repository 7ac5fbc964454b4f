import { createHash } from "node:crypto";
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregateResults } from "../../src/operations/aggregate-results.js";
import { verifyResults } from "../../src/operations/verify-results.js";
import { tempDir } from "../helpers/temp-dir.js";
import { clock, finishedStudy, logSink, RUN_URL } from "./results-fixture.js";

async function aggregatedStudy() {
  const study = await finishedStudy();
  const { repo, loaded, config } = study;
  await aggregateResults(
    { git: repo.repo, log: logSink().log, clock },
    { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: true },
  );
  return study;
}

describe("verifyResults", () => {
  it("passes on a fresh results commit", async () => {
    const { repo, config } = await aggregatedStudy();
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.problems).toEqual([]);
    expect(out.ok).toBe(true);
    expect(out.checked).toMatchObject({ rows: 32, commits: 1, resultFiles: 17 });
  });

  it("notes an experiment whose runs of the same code ran on two machines (same code, new driver), with what differs", async () => {
    const study = await finishedStudy();
    const a100 = {
      gpu_model: "NVIDIA A100-SXM4-40GB",
      driver_version: "535.104.05",
      cuda_version: "12.2",
      interpreter: "python3",
      interpreter_version: "Python 3.11.9",
      lock_file: "requirements.txt",
      lock_sha256: "a".repeat(64),
    };
    for (const e of study.entries) {
      const machine =
        e.id === "base-toy_s2"
          ? { ...a100, driver_version: "550.54.14", cuda_version: "12.4" }
          : a100;
      study.repo.write({
        [`dispatch/${e.id}.status.json`]: `${JSON.stringify({ ...e, machine }, null, 2)}\n`,
      });
    }
    const { repo, loaded, config, source } = study;
    await aggregateResults(
      { git: repo.repo, log: logSink().log, clock },
      { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: true },
    );
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.problems).toEqual([]);
    expect(out.notes).toContain(
      `base-toy: its runs of the same code (${source.slice(0, 12)}) ran on 2 machines, differing in driver 535.104.05, 550.54.14; CUDA 12.2, 12.4: compare its numbers by machine before trusting their mean`,
    );
    // one note: the other experiments ran on one machine each
    expect(out.notes.filter((n) => n.includes("ran on 2 machines"))).toHaveLength(1);
    expect(out.notes).toContain(
      "machine: NVIDIA A100-SXM4-40GB (driver 550.54.14, CUDA 12.4), Python 3.11.9, requirements.txt aaaaaaaaaaaa: 1 run(s)",
    );
  });

  it("names a tampered result file", async () => {
    const { repo, config } = await aggregatedStudy();
    const file = join(repo.dir, "experiments/results/runs/base-toy_s2.json");
    writeFileSync(file, readFileSync(file, "utf8").replace("0.81", "0.99"));
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.ok).toBe(false);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(
      /^experiments\/results\/runs\/base-toy_s2\.json: sha256 [0-9a-f]{16}… does not match experiments\/results\/provenance\.json .* for run base-toy_s2/,
    );
  });

  it("names a row whose commit is not in history, and a hand-made results commit without trailers", async () => {
    const { repo, config, source } = await aggregatedStudy();
    const csvPath = join(repo.dir, "experiments/results/all_results.csv");
    const lines = readFileSync(csvPath, "utf8").split("\n");
    const ghost = "0123456789abcdef0123456789abcdef01234567";
    lines[3] = (lines[3] as string).replace(source, ghost);
    writeFileSync(csvPath, lines.join("\n"));
    await repo.git.add(csvPath);
    await repo.git.commit("edit results by hand");
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual([
      `experiments/results/all_results.csv: 1 row(s) (first at line 4) name git_commit ${ghost}, which is not in this repository's history (fetch it, or re-run those runs from a commit that is)`,
      expect.stringMatching(
        /^results commit [0-9a-f]{12} \(the last commit that changed experiments\/results\/all_results\.csv\) carries no Labgate-Source-Commit trailer/,
      ),
    ]);
  });

  it("names rows whose commit exists but is not named by the results commit's trailers", async () => {
    const { repo, config, loaded } = await finishedStudy();
    const other = await repo.commit({ "other.txt": "x\n" }, "an unrelated commit");
    const sidecar = join(repo.dir, "dispatch/base-toy_s1.status.json");
    const entry = JSON.parse(readFileSync(sidecar, "utf8"));
    writeFileSync(sidecar, JSON.stringify({ ...entry, git_commit: other }));
    await aggregateResults(
      { git: repo.repo, log: logSink().log, clock },
      { cwd: repo.dir, config, loaded, runUrl: RUN_URL, commit: true },
    );
    // Both commits are in the trailers, so this passes; then drop one trailer by amending.
    expect((await verifyResults({ git: repo.repo }, { cwd: repo.dir, config })).ok).toBe(true);
    const message = await repo.git.raw(["log", "-1", "--format=%B"]);
    await repo.git.raw([
      "commit",
      "--amend",
      "-m",
      message.replace(`Labgate-Source-Commit: ${other}\n`, ""),
    ]);
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.problems).toEqual([
      expect.stringContaining(
        `all_results.csv: 2 row(s) (first at line 2) name git_commit ${other}, but results commit`,
      ),
    ]);
  });

  it("names a result file that provenance.json does not record, and a missing one", async () => {
    const { repo, config } = await aggregatedStudy();
    writeFileSync(join(repo.dir, "experiments/results/runs/stray_s1.json"), '{"metrics":{}}');
    const { rmSync } = await import("node:fs");
    rmSync(join(repo.dir, "experiments/results/runs/abl-toy_s1.json"));
    const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
    expect(out.problems).toEqual([
      "experiments/results/runs/abl-toy_s1.json: run abl-toy_s1 is in experiments/results/provenance.json but its result file is missing",
      "experiments/results/runs/stray_s1.json: a result file that experiments/results/provenance.json does not record; re-run `labgate aggregate` or remove it",
    ]);
  });

  describe("reads a result file only at its run's path, inside the checkout (docs/security.md)", () => {
    const PROV = "experiments/results/provenance.json";
    const RUN = "experiments/results/runs/base-toy_s2.json";
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");

    it("a provenance record naming ../../outside is refused, and the file outside is not read", async () => {
      const { repo, config } = await aggregatedStudy();
      const outside = join(tempDir("labgate-outside-"), "outside.json");
      writeFileSync(outside, '{"metrics":{"accuracy":0.5}}');
      const provPath = join(repo.dir, PROV);
      const prov = JSON.parse(readFileSync(provPath, "utf8"));
      const record = prov.runs.find((r: { run_id: string }) => r.run_id === "base-toy_s2");
      const named = relative(repo.dir, outside); // ../labgate-outside-xxx/outside.json
      Object.assign(record, { result_file: named, sha256: sha(readFileSync(outside, "utf8")) });
      writeFileSync(provPath, JSON.stringify(prov));
      const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
      expect(out.ok).toBe(false);
      expect(out.checked.resultFiles).toBe(16); // 17 runs; the record that climbs out is not read
      expect(out.problems).toEqual([
        `${PROV}: run base-toy_s2 names result_file ${JSON.stringify(named)}, but its result file is ${RUN}; it was not read. Re-run \`labgate aggregate\` to rewrite provenance.json from the plan`,
        `${RUN}: a result file that ${PROV} does not record; re-run \`labgate aggregate\` or remove it`,
      ]);
    });

    it("a result file replaced by a symbolic link to a copy outside the checkout is refused, not hashed", async () => {
      const { repo, config } = await aggregatedStudy();
      const copy = join(tempDir("labgate-outside-"), "copy.json");
      writeFileSync(copy, readFileSync(join(repo.dir, RUN), "utf8"));
      rmSync(join(repo.dir, RUN));
      symlinkSync(copy, join(repo.dir, RUN));
      const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
      expect(out.ok).toBe(false);
      expect(out.checked.resultFiles).toBe(16);
      expect(out.problems).toEqual([
        `${RUN}: refused, not read: ${RUN}: is a symbolic link, not a file (a link is never followed) — commit the result file itself (re-run \`labgate aggregate\`)`,
      ]);
    });

    it("a provenance.json linked to a file outside: refused, and nothing of that file is quoted", async () => {
      const { repo, config } = await aggregatedStudy();
      const secret = join(tempDir("labgate-outside-"), "secret");
      writeFileSync(secret, "LABGATE-CANARY-5f4dcc3b5aa765d6\n");
      rmSync(join(repo.dir, PROV));
      symlinkSync(secret, join(repo.dir, PROV));
      const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
      expect(out.ok).toBe(false);
      expect(out.problems.join("\n")).not.toContain("LABGATE-CA");
      expect(out.problems).toContain(
        `${PROV}: refused, not read: ${PROV}: is a symbolic link, not a file (a link is never followed) — commit provenance.json itself (re-run \`labgate aggregate\`)`,
      );
    });

    it("an all_results.csv linked to a file outside: refused, and its first line is not quoted", async () => {
      const { repo, config } = await aggregatedStudy();
      const secret = join(tempDir("labgate-outside-"), "secret.csv");
      writeFileSync(secret, "LABGATE-CANARY-5f4dcc3b5aa765d6,x\n1,2\n");
      const csv = "experiments/results/all_results.csv";
      rmSync(join(repo.dir, csv));
      symlinkSync(secret, join(repo.dir, csv));
      const out = await verifyResults({ git: repo.repo }, { cwd: repo.dir, config });
      expect(out.ok).toBe(false);
      expect(out.problems.join("\n")).not.toContain("LABGATE-CA");
      expect(out.problems).toEqual([
        `${csv}: refused, not read: ${csv}: is a symbolic link, not a file (a link is never followed) — commit the results themselves (re-run \`labgate aggregate\`)`,
      ]);
    });
  });
});
