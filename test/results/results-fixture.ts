import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DEFAULT_CONFIG } from "../../src/core/config/config-schema.js";
import type { LoadedDefinitions } from "../../src/core/definitions/validate-definitions.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { loadCampaign } from "../../src/operations/load-campaign.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";
import { stateEntry } from "../helpers/state-fixture.js";

export const FIXED_NOW = new Date("2025-03-01T12:00:00Z");
export const clock = () => FIXED_NOW;
export const RUN_URL = "https://github.com/lab/study/actions/runs/42";

/** A small study: a baseline, ours (with an lr sweep) and an ablation on two datasets. */
export function studyDefinitions() {
  const cmd =
    "python3 train.py --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}";
  return {
    version: 1,
    project: "demo-study",
    title: "Ours vs the baseline on toy data",
    hypotheses: [
      { id: "H1", claim: "ours beats base", metric: "accuracy", direction: "higher" },
      { id: "H2", claim: "ours has lower loss", metric: "loss", direction: "lower" },
    ],
    methods: [
      { id: "base", label: "Baseline", group: "baseline" },
      { id: "ours", label: "Ours", group: "ours", components: ["attn"] },
      { id: "ours-no-attn", label: "Ours w/o attention", group: "ablation", ablates: "attn" },
    ],
    datasets: [
      { id: "toy", label: "Toy", metric: "accuracy" },
      { id: "big", label: "Big, noisy", metric: "accuracy" },
    ],
    defaults: {
      command: cmd,
      seeds: [1, 2, 3],
      expected_duration_hours: 0.1,
      vram_mb: 0,
      hypotheses: ["H1"],
    },
    experiments: [
      {
        id: "pilot-ours-toy",
        phase: "pilot",
        stage: 1,
        method: "ours",
        dataset: "toy",
        seeds: [1],
      },
      { id: "base-toy", phase: "full", method: "base", dataset: "toy" },
      {
        id: "ours-toy",
        phase: "full",
        method: "ours",
        dataset: "toy",
        params: { lr: [0.1, 0.01] },
        command: `${cmd} --lr {params.lr}`,
        baseline: { method: "base" },
      },
      {
        id: "abl-toy",
        phase: "full",
        method: "ours-no-attn",
        dataset: "toy",
        baseline: { method: "ours" },
      },
      { id: "base-big", phase: "full", method: "base", dataset: "big" },
      {
        id: "ours-big",
        phase: "full",
        method: "ours",
        dataset: "big",
        baseline: { method: "base" },
      },
    ],
  };
}

const ACCURACY: Record<string, number> = {
  "pilot-ours-toy": 0.8,
  "base-toy": 0.81,
  "ours-toy__lr-0.1": 0.86,
  "ours-toy__lr-0.01": 0.84,
  "abl-toy": 0.83,
  "base-big": 0.7,
  "ours-big": 0.74,
};

export interface Study {
  repo: TestRepo;
  source: string;
  loaded: LoadedDefinitions;
  config: typeof DEFAULT_CONFIG;
  entries: StateEntry[];
}

/**
 * A repo where the study's source is committed and every run has finished: sidecars and result
 * files as the runner leaves them. ours-big seed 3 failed, base-big seed 3 went on hold.
 */
export async function finishedStudy(): Promise<Study> {
  const repo = await createTestRepo();
  const defs = studyDefinitions();
  const source = await repo.commit(
    {
      "experiments/definitions.json": `${JSON.stringify(defs, null, 2)}\n`,
      "train.py": "print('train')\n",
    },
    "add the study",
  );
  const campaign = await loadCampaign(diskWorkspace(repo.dir));
  if (!campaign.loaded) throw new Error(JSON.stringify(campaign.diagnostics));
  const entries: StateEntry[] = [];
  for (const exp of defs.experiments) {
    const lrs = exp.params?.lr ?? [undefined];
    for (const lr of lrs)
      for (const seed of exp.seeds ?? [1, 2, 3]) {
        const variant = lr === undefined ? exp.id : `${exp.id}__lr-${lr}`;
        const id = `${variant}_s${seed}`;
        const failed = id === "ours-big_s3";
        const onHold = id === "base-big_s3";
        const entry = stateEntry({
          id,
          exp_id: exp.id,
          phase: exp.phase,
          stage: exp.stage ?? null,
          method: exp.method,
          dataset: exp.dataset,
          params: lr === undefined ? {} : { lr },
          seed,
          status: failed ? "failed" : onHold ? "on_hold" : "done",
          host: "gpu-box-1",
          gpu: seed === 2 ? "1" : "0",
          started: `2025-02-28T10:0${seed}:00Z`,
          finished: `2025-02-28T10:1${seed}:00Z`,
          exit_code: failed ? 1 : onHold ? null : 0,
          reason: failed
            ? "non-zero exit 1: ValueError: bad shape"
            : onHold
              ? "timeout after 0.2 h (2 x expected_duration_hours)"
              : null,
          git_commit: source,
          run_url: RUN_URL,
          job_id: "shard-0",
        });
        entries.push(entry);
        repo.write({ [`dispatch/${id}.status.json`]: `${JSON.stringify(entry, null, 2)}\n` });
        if (entry.status === "done") {
          const accuracy = (ACCURACY[variant] ?? 0.5) + (seed - 2) * 0.01 * (seed === 3 ? 1.5 : 1);
          const result = {
            metrics: {
              accuracy: Number(accuracy.toFixed(4)),
              loss: Number((1 - accuracy).toFixed(4)),
            },
            meta: { wandb_run_id: `wb-${id}`, epochs: 5 },
          };
          repo.write({ [entry.result_file]: `${JSON.stringify(result, null, 2)}\n` });
        }
      }
  }
  return { repo, source, loaded: campaign.loaded, config: campaign.config, entries };
}

export function logSink() {
  const info: string[] = [];
  const warn: string[] = [];
  return {
    info,
    warn,
    log: { info: (s: string) => info.push(s), warn: (s: string) => warn.push(s) },
  };
}

export const writeIn = (dir: string, path: string, text: string) =>
  writeFileSync(join(dir, path), text);
