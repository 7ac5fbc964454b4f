import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { git } from "./campaign-repo.js";

/**
 * Commits `scripts/attempts.py` into a campaign repo: a real script that counts its attempts in
 * `{checkpoint_dir}/attempts`, then, by --mode:
 *   missing-module  imports a module that does not exist (ModuleNotFoundError at start)
 *   oom             prints a CUDA out-of-memory error and exits 1
 *   preempt         without --resume: saves {checkpoint_dir}/model.pt (never creating the folder)
 *                   and exits 1; with --resume: reads it back and writes the result
 */
export function addAttemptsScript(dir: string): void {
  writeFileSync(
    join(dir, "scripts/attempts.py"),
    `import argparse, json, os, sys
p = argparse.ArgumentParser()
p.add_argument("--mode", required=True)
p.add_argument("--seed", type=int, required=True)
p.add_argument("--checkpoint-dir", required=True)
p.add_argument("--result-file", required=True)
p.add_argument("--resume", action="store_true")
p.add_argument("--dry-run", action="store_true")
a = p.parse_args()
with open(os.path.join(a.checkpoint_dir, "attempts"), "a") as f:
    f.write("resume\\n" if a.resume else "first\\n")
if a.mode == "missing-module":
    import labgate_no_such_module  # noqa
elif a.mode == "oom":
    print("RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB", file=sys.stderr)
    sys.exit(1)
elif a.mode == "preempt":
    model = os.path.join(a.checkpoint_dir, "model.pt")
    if not a.resume:
        with open(model, "w") as f:
            f.write("epoch 1 weights")
        print("preempted after epoch 1, checkpoint saved", flush=True)
        sys.exit(1)
    with open(model) as f:
        saved = f.read()
    os.makedirs(os.path.dirname(a.result_file), exist_ok=True)
    with open(a.result_file, "w") as f:
        json.dump({"metrics": {"accuracy": 0.7}, "meta": {"resumed_from": saved}}, f)
`,
  );
  git(dir, "add", "scripts/attempts.py");
  git(dir, "commit", "-q", "-m", "attempts script");
}

export const attemptsCommand = (mode: string) =>
  `python3 scripts/attempts.py --mode ${mode} --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}`;
