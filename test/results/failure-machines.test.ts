import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { aggregateResults } from "../../src/operations/aggregate-results.js";
import { clock, finishedStudy, logSink, RUN_URL, type Study } from "./results-fixture.js";

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

/** Rewrites the study's sidecars with the machine each run ran on, as `labgate run` records it. */
function onMachines(study: Study, machineOf: (e: StateEntry) => object | undefined) {
  for (const e of study.entries) {
    const machine = machineOf(e);
    study.repo.write({
      [`dispatch/${e.id}.status.json`]: `${JSON.stringify(machine ? { ...e, machine } : e, null, 2)}\n`,
    });
  }
}

async function readme(study: Study): Promise<string> {
  await aggregateResults(
    { git: study.repo.repo, log: logSink().log, clock },
    {
      cwd: study.repo.dir,
      config: study.config,
      loaded: study.loaded,
      runUrl: RUN_URL,
      commit: false,
    },
  );
  return readFileSync(join(study.repo.dir, "experiments/results/README.md"), "utf8").replaceAll(
    study.source.slice(0, 12),
    "<source-sha>",
  );
}

describe("results README: the machines of each failure group", () => {
  it("same code, new driver: the failing run ran on a newer driver than the passing ones, said in one line (golden)", async () => {
    const study = await finishedStudy();
    // ours-big seed 3 failed on the upgraded driver; its seeds 1 and 2 passed on the old one.
    // base-big seed 3 went on hold on the same machine its passing seeds ran on.
    onMachines(study, (e) => (e.id === "ours-big_s3" ? NEW_DRIVER : A100));
    const text = await readme(study);
    const section = text.slice(
      text.indexOf("### Machines of the failure groups"),
      text.indexOf("## Files"),
    );
    await expect(section).toMatchFileSnapshot("__snapshots__/failure-machines-new-driver.md");
    const lines = section.split("\n");
    const ours = lines.findIndex((l) => l.startsWith("- `ours-big`"));
    expect(lines[ours]).toBe(
      "- `ours-big`: failed on NVIDIA A100-SXM4-40GB (driver 550.54.14, CUDA 12.4), Python 3.11.9, requirements.txt aaaaaaaaaaaa (1 run); passed on NVIDIA A100-SXM4-40GB (driver 535.104.05, CUDA 12.2), Python 3.11.9, requirements.txt aaaaaaaaaaaa (2 runs)",
    );
    expect(lines[ours + 1]).toBe(
      "  - **the failing runs ran on a different machine than the passing ones**: same code (<source-sha>), machine changed: driver 535.104.05 → 550.54.14, CUDA 12.2 → 12.4",
    );
    // base-big failed where its passing runs passed: no change line for it.
    const base = lines.findIndex((l) => l.startsWith("- `base-big`"));
    expect(base).toBeGreaterThan(-1);
    expect(lines[base + 1]?.startsWith("  - ")).toBe(false);
  });

  it("a changed lock file and interpreter are a machine change too", async () => {
    const study = await finishedStudy();
    onMachines(study, (e) =>
      e.id === "ours-big_s3"
        ? { ...A100, interpreter_version: "Python 3.12.1", lock_sha256: "b".repeat(64) }
        : A100,
    );
    const text = await readme(study);
    expect(text).toContain(
      "machine changed: interpreter version Python 3.11.9 → Python 3.12.1, lock file sha256 aaaaaaaaaaaa → bbbbbbbbbbbb",
    );
  });

  it("new code on the same machine: the failing run ran at another commit, said in one line", async () => {
    const study = await finishedStudy();
    const later = "f".repeat(40);
    for (const e of study.entries) if (e.id === "ours-big_s3") e.git_commit = later;
    onMachines(study, () => A100);
    const text = await readme(study);
    expect(text).toContain(
      `  - **the failing runs ran at a different commit than the passing ones**: code changed (<source-sha> → ffffffffffff), same machine\n`,
    );
    expect(text).not.toContain("ran on a different machine");
  });

  it("failing runs on the machine of the passing ones: the machines, no change line", async () => {
    const study = await finishedStudy();
    onMachines(study, () => A100);
    const text = await readme(study);
    expect(text).toContain("### Machines of the failure groups");
    expect(text).not.toContain("ran on a different machine");
  });

  it("runs that recorded no machine (from before labgate recorded them): no machines section, the README as before", async () => {
    const study = await finishedStudy();
    const text = await readme(study);
    expect(text).not.toContain("Machines of the failure groups");
    expect(text).toContain(
      "| ours-big_s3 | failed | non-zero exit 1: ValueError: bad shape | 1 | gpu-box-1 |",
    );
  });

  it("only the failing run recorded its machine: the passing ones are an unrecorded machine, no change claimed", async () => {
    const study = await finishedStudy();
    onMachines(study, (e) => (e.id === "ours-big_s3" ? NEW_DRIVER : undefined));
    const text = await readme(study);
    expect(text).toContain("(1 run); passed on an unrecorded machine (2 runs)");
    expect(text).not.toContain("ran on a different machine");
  });
});
