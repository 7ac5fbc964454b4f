import { asText, validDefinitions } from "../../helpers/definitions-fixture.js";

/** A real experiment script: stdlib python, the four flags, a result file; fails on `--fail-on`. */
export const TRAIN_PY = `import argparse, json, os, sys
p = argparse.ArgumentParser()
p.add_argument("--method"); p.add_argument("--dataset"); p.add_argument("--seed", type=int)
p.add_argument("--checkpoint-dir"); p.add_argument("--result-file"); p.add_argument("--resume", action="store_true")
p.add_argument("--dry-run", action="store_true"); p.add_argument("--fail-on", type=int, default=-1)
a = p.parse_args()
if a.dry_run:
    print("dry run ok"); sys.exit(0)
if a.seed == a.fail_on:
    print("diverged", file=sys.stderr); sys.exit(3)
os.makedirs(os.path.dirname(a.result_file), exist_ok=True)
acc = 0.7 + (0.1 if a.method == "ours" else 0) + a.seed / 1000
with open(a.result_file, "w") as f:
    json.dump({"metrics": {"accuracy": acc}, "meta": {"seed": a.seed}}, f)
`;

/** definitions.json + config + script for a campaign of `seeds` x 2 full runs; seed `failOn` fails. */
export function campaignFiles(
  opts: { seeds?: number[]; failOn?: number; machines?: number } = {},
): Record<string, string> {
  const d = validDefinitions();
  d.defaults.command = `python3 train.py --method {method} --dataset {dataset} --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file} --fail-on ${opts.failOn ?? -1}`;
  d.defaults.seeds = opts.seeds ?? [1, 2, 3];
  d.defaults.expected_duration_hours = 0.01;
  d.defaults.vram_mb = 0;
  d.experiments = [
    { id: "pilot-ours", phase: "pilot", stage: 1, method: "ours", dataset: "toy", seeds: [1] },
    { id: "full-base", phase: "full", method: "base", dataset: "toy" },
    { id: "full-ours", phase: "full", method: "ours", dataset: "toy" },
  ];
  return {
    "experiments/definitions.json": asText(d),
    "train.py": TRAIN_PY,
    ".github/labgate.yml": `runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: ${opts.machines ?? 2}\n    gpu_memory_mb: 24576\n`,
    ".gitignore": ".labgate/\n",
  };
}
