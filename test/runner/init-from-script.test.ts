import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { one } from "../gates/gate-helpers.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { FIXTURES, git, resultOf, sidecars } from "./campaign-repo.js";

/** A research repository with only its trainer (pytorch/examples word_language_model style). */
function bareRepo(): string {
  const dir = join(tempDir("labgate-init-from-"), "word-lm");
  mkdirSync(dir, { recursive: true });
  cpSync(join(FIXTURES, "word_lm"), join(dir, "word_language_model"), { recursive: true });
  writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
  git(dir, "init", "-q", "--initial-branch=main");
  git(dir, "config", "user.name", "Test Researcher");
  git(dir, "config", "user.email", "researcher@example.com");
  git(dir, "config", "commit.gpgsign", "false");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "the trainer");
  return dir;
}

describe("labgate init --from <script> (issue #16)", () => {
  it("writes definitions for the trainer as it is; they validate, pass code review and run as written, nothing landing in the working tree", async () => {
    const dir = bareRepo();
    const init = await runCli(["init", "--from", "word_language_model/main.py"], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/wrote experiments\/definitions\.json/);
    expect(init.stdout).toMatch(/--save \(default model\.pt\) now writes into \{checkpoint_dir\}/);
    expect(init.stdout).toMatch(/no resume option: a retry starts over/);

    const defs = JSON.parse(readFileSync(join(dir, "experiments/definitions.json"), "utf8"));
    // --model's values (listed in its help) become methods, its default the baseline
    expect(defs.methods.map((m: { id: string }) => m.id)).toEqual([
      "LSTM",
      "RNN_TANH",
      "RNN_RELU",
      "GRU",
      "Transformer",
    ]);
    expect(defs.methods[0].group).toBe("baseline");
    // every other method is compared with it, so Δ and the verdicts have a baseline
    expect(defs.experiments[0]).toEqual({ id: "lstm", method: "LSTM" });
    expect(defs.experiments[3]).toEqual({
      id: "gru",
      method: "GRU",
      baseline: { method: "LSTM" },
      hypotheses: ["H3"],
    });
    expect(defs.defaults.command).toBe(
      "python3 word_language_model/main.py --model {method} --seed {seed} --save {checkpoint_dir}/model.pt",
    );
    expect(defs.defaults.script_flags).toEqual({
      checkpoint_dir: "--save {checkpoint_dir}/model.pt",
      resume: null,
    });
    // the printed metrics become declared metrics, each with a regex
    expect(Object.keys(defs.defaults.metrics_from.stdout)).toEqual(
      expect.arrayContaining(["valid_ppl", "valid_loss", "test_ppl", "test_loss"]),
    );
    expect(defs.hypotheses[0]).toMatchObject({ metric: "valid_ppl", direction: "lower" });
    expect(defs.metrics.valid_ppl).toEqual({ direction: "lower" });

    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "labgate init --from");
    const validate = await runCli(["validate"], dir);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const { verdicts } = await reviewGates({
      workspace: diskWorkspace(dir),
      only: ["code-review"],
      dryRun: "run",
      cwd: dir,
    });
    const review = one(verdicts);
    expect(review.reasons.filter((r) => r.severity === "blocking")).toEqual([]);
    expect(review.label).toBe("CODE_APPROVED");

    const run = await runCli(
      ["run", "--phase", "full", "--only", "lstm_*,gru_*", "--parallel", "4"],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect([...sidecars(dir).values()].map((e) => e.status)).toEqual(Array(6).fill("done"));
    expect(resultOf(dir, "gru_s2").metrics.valid_ppl).toBeGreaterThan(0);
    expect(
      git(dir, "status", "--porcelain", "--untracked-files=all")
        .split("\n")
        .filter((l) => l !== "" && !/experiments\/results|dispatch\//.test(l)),
    ).toEqual([]);
  }, 180_000);

  it("refuses to replace existing definitions without --force, and a script outside the repository", async () => {
    const dir = bareRepo();
    expect((await runCli(["init", "--from", "word_language_model/main.py"], dir)).code).toBe(0);
    const again = await runCli(["init", "--from", "word_language_model/main.py"], dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(
      /experiments\/definitions\.json exists; pass --force to replace it/,
    );
    const outside = await runCli(["init", "--from", "../elsewhere/train.py"], dir);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/is not inside/);
  }, 120_000);

  it("a script that prints nothing but writes a metrics file: metrics_from reads that file, and the verdict compares with the baseline", async () => {
    const dir = join(tempDir("labgate-init-from-file-"), "vision");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "train.py"),
      [
        "import argparse, json, os",
        "p = argparse.ArgumentParser()",
        'p.add_argument("--arch", default="small", choices=["small", "large"], help="backbone")',
        'p.add_argument("--seed", type=int, default=0)',
        'p.add_argument("--output-dir", default="outputs", help="checkpoints and metrics")',
        'p.add_argument("--smoke-test", action="store_true", help="one batch")',
        "a = p.parse_args()",
        "os.makedirs(a.output_dir, exist_ok=True)",
        'acc = (0.80 if a.arch == "small" else 0.90) + a.seed / 1000',
        'with open(os.path.join(a.output_dir, "metrics.json"), "w") as f:',
        '    json.dump({"epoch": 3, "val": {"accuracy": acc, "loss": 1 - acc}}, f)',
        'print("saved to", a.output_dir)',
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
    git(dir, "init", "-q", "--initial-branch=main");
    git(dir, "config", "user.name", "Test Researcher");
    git(dir, "config", "user.email", "researcher@example.com");
    git(dir, "config", "commit.gpgsign", "false");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "the trainer");

    const init = await runCli(["init", "--from", "train.py"], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(
      /wrote \{checkpoint_dir\}\/metrics\.json: metrics_from reads accuracy, loss at key val/,
    );
    const defs = JSON.parse(readFileSync(join(dir, "experiments/definitions.json"), "utf8"));
    expect(defs.defaults.metrics_from).toEqual({
      file: "{checkpoint_dir}/metrics.json",
      format: "json",
      key: "val",
    });
    expect(defs.defaults.command).toBe(
      "python3 train.py --arch {method} --seed {seed} --output-dir {checkpoint_dir}",
    );
    expect(defs.hypotheses[0]).toMatchObject({ metric: "accuracy", direction: "higher" });

    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "labgate init --from");
    const run = await runCli(["run", "--phase", "full"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(dir, "large_s2").metrics).toEqual({ accuracy: 0.902, loss: 1 - 0.902 });
    const readme = readFileSync(join(dir, "experiments/results/README.md"), "utf8");
    // large (0.90x) beats small (0.80x) on every seed: the claim "large beats small" holds
    expect(readme).toMatch(/\| H1 \| large beats small on accuracy [^\n]*\| [^|]*supported \|/);
  }, 180_000);

  it("a script inside a package that imports its siblings runs as python3 -m, so its dry-run and its runs work", async () => {
    const dir = join(tempDir("labgate-init-from-pkg-"), "optim");
    mkdirSync(join(dir, "pkg"), { recursive: true });
    writeFileSync(join(dir, "pkg/__init__.py"), "");
    writeFileSync(join(dir, "pkg/model.py"), "def score(seed):\n    return 0.9 + seed / 1000\n");
    writeFileSync(
      join(dir, "pkg/train.py"),
      [
        "import argparse",
        "from pkg.model import score",
        "p = argparse.ArgumentParser()",
        'p.add_argument("--method", choices=["sgd", "adam"], default="sgd")',
        'p.add_argument("--seed", type=int, default=0)',
        'p.add_argument("--ckpt-dir", default="ckpt")',
        'p.add_argument("--dry-run", action="store_true")',
        "a = p.parse_args()",
        's = score(a.seed) + (0.02 if a.method == "adam" else 0)',
        'print(f"step=0 eval/accuracy={s:.4f} eval/loss={1 - s:.4f}")',
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
    git(dir, "init", "-q", "--initial-branch=main");
    git(dir, "config", "user.name", "Test Researcher");
    git(dir, "config", "user.email", "researcher@example.com");
    git(dir, "config", "commit.gpgsign", "false");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "the trainer");

    const init = await runCli(["init", "--from", "pkg/train.py"], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/lies in a package: it runs as python3 -m pkg\.train/);
    expect(init.stdout).toMatch(/metrics seen in the dry-run: eval_accuracy, eval_loss/);
    const defs = JSON.parse(readFileSync(join(dir, "experiments/definitions.json"), "utf8"));
    expect(defs.defaults.command).toBe(
      "python3 -m pkg.train --method {method} --seed {seed} --ckpt-dir {checkpoint_dir}",
    );
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "labgate init --from");
    const run = await runCli(["run", "--phase", "full"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(dir, "adam_s3").metrics.eval_accuracy).toBe(0.923);
  }, 180_000);

  it("adds the .gitignore lines; labgate init afterwards keeps these definitions; a failing dry-run and one writing into the tree are told", async () => {
    const dir = join(tempDir("labgate-init-from-told-"), "proj");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "train.py"),
      [
        "import argparse, os, sys",
        "p = argparse.ArgumentParser()",
        'p.add_argument("--seed", type=int, default=0)',
        'p.add_argument("--dry-run", action="store_true")',
        "a = p.parse_args()",
        'os.makedirs("logs", exist_ok=True)',
        'open("logs/train.log", "w").write("x")',
        'print("loss=0.5")',
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(dir, "crash.py"),
      [
        "import argparse",
        "p = argparse.ArgumentParser()",
        'p.add_argument("--dry-run", action="store_true")',
        "p.parse_args()",
        'raise FileNotFoundError("data/train.txt")',
        "",
      ].join("\n"),
    );
    git(dir, "init", "-q", "--initial-branch=main");
    git(dir, "config", "user.name", "Test Researcher");
    git(dir, "config", "user.email", "researcher@example.com");
    git(dir, "config", "commit.gpgsign", "false");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "the trainers");

    const crash = await runCli(["init", "--from", "crash.py"], dir);
    expect(crash.code, crash.stderr).toBe(0);
    expect(crash.stdout).toMatch(/its dry-run failed \(exit 1\): python3 crash\.py --dry-run/);
    expect(crash.stdout).toMatch(/FileNotFoundError: data\/train\.txt/);

    const init = await runCli(["init", "--from", "train.py", "--force"], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/its dry-run wrote into the working tree: logs\/train\.log/);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^\.labgate\/$/m);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toMatch(/^dispatch\/\*\.status\.json$/m);
    const mine = readFileSync(join(dir, "experiments/definitions.json"), "utf8");

    const full = await runCli(["init"], dir);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/kept {3}experiments\/definitions\.json/);
    expect(readFileSync(join(dir, "experiments/definitions.json"), "utf8")).toBe(mine);
    expect(readFileSync(join(dir, ".github/labgate.yml"), "utf8")).toMatch(/runner_pools/);
    expect(() => readFileSync(join(dir, "experiments/scripts/train.py"))).toThrow();
  }, 180_000);
});
