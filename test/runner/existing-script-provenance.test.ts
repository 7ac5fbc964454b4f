import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { FAKE_GPU_BIN, git, sidecars } from "./campaign-repo.js";
import { existingScriptRepo } from "./existing-script-repo.js";

const provenance = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "experiments/results/provenance.json"), "utf8")).runs as Record<
    string,
    any
  >[];

describe("provenance covers everything that runs (issue #16)", () => {
  it("an uncommitted edit to a module the script imports refuses the run, naming it; --allow-dirty runs and records dirty with the diff's hash", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }]);
    // the trainer imports model.py beside it: an edit there changes every number
    appendFileSync(join(dir, "word_language_model/model.py"), "\n# tuned by hand\n");

    const refused = await runCli(["run"], dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/files the experiments use have uncommitted changes/);
    expect(refused.stderr).toContain("  word_language_model/model.py");
    expect(refused.stderr).toMatch(/--allow-dirty/);
    expect(sidecars(dir).size).toBe(0);

    const dirty = await runCli(["run", "--allow-dirty"], dir);
    expect(dirty.code, dirty.stderr).toBe(0);
    expect(dirty.stderr).toMatch(
      /--allow-dirty: running with uncommitted changes to word_language_model\/model\.py/,
    );
    const [row] = provenance(dir);
    expect(row).toMatchObject({
      run_id: "lstm_s1",
      dirty: true,
      git_commit: git(dir, "rev-parse", "HEAD~1"),
    });
    expect(row?.diff_sha256).toMatch(/^[0-9a-f]{64}$/);
    const v = await runCli(["verify"], dir);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(
      /^note: run lstm_s1 ran with uncommitted changes \(dirty, diff sha256 [0-9a-f]{16}…\): its numbers are not commit [0-9a-f]{12}'s$/m,
    );
  }, 120_000);

  it("a clean run's rows carry no dirty flag; an edit to a file the commands do not use does not refuse", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }], { "NOTES.md": "notes\n" });
    appendFileSync(join(dir, "NOTES.md"), "more notes\n");
    const r = await runCli(["run"], dir);
    expect(r.code, r.stderr).toBe(0);
    const [row] = provenance(dir);
    expect(row?.dirty).toBeUndefined();
    expect(row?.diff_sha256).toBeUndefined();
  }, 120_000);

  it("a dataset folder outside the checkout is data: the run starts (no git 'outside repository') and its provenance names the folder", async () => {
    const data = join(tempDir("labgate-datasets-"), "wikitext-2");
    mkdirSync(data, { recursive: true });
    const dir = existingScriptRepo(
      [{ id: "lstm", method: "LSTM" }],
      {},
      {
        command: `python3 word_language_model/main.py --data ${data} --epochs 2 --model {method} --seed {seed} --save {checkpoint_dir}/model.pt`,
      },
    );
    const r = await runCli(["run"], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/outside repository/);
    const [row] = provenance(dir);
    expect(row?.data_paths).toEqual([data]);
  }, 120_000);

  it("records the machine: GPU model, driver and CUDA from nvidia-smi, the interpreter and its version, the lock file's sha256", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }], {
      "requirements.txt": "torch==2.3.1\n",
    });
    const r = await runCli(["run"], dir, {
      PATH: `${FAKE_GPU_BIN}:${process.env.PATH}`,
      FAKE_GPUS: "0, NVIDIA A100-SXM4-40GB, 40960, 0",
    });
    expect(r.code, r.stderr).toBe(0);
    const [row] = provenance(dir);
    expect(row?.machine).toEqual({
      gpu_model: "NVIDIA A100-SXM4-40GB",
      driver_version: "535.104.05",
      cuda_version: "12.2",
      interpreter: "python3",
      interpreter_version: expect.stringMatching(/^Python 3\.\d+/),
      lock_file: "requirements.txt",
      lock_sha256: createHash("sha256").update("torch==2.3.1\n").digest("hex"),
    });
    const v = await runCli(["verify"], dir);
    expect(v.stdout).toMatch(
      /^note: machine: NVIDIA A100-SXM4-40GB \(driver 535\.104\.05, CUDA 12\.2\), Python 3\.[\d.]+, requirements\.txt [0-9a-f]{12}: 1 run\(s\)$/m,
    );
  }, 120_000);
});
