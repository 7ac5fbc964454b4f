import { describe, expect, it } from "vitest";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { existingScriptRepo } from "../runner/existing-script-repo.js";
import { one } from "./gate-helpers.js";

async function codeReview(dir: string, dryRun: "run" | "skip" = "run") {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(dir),
    only: ["code-review"],
    dryRun,
    cwd: dir,
  });
  return one(verdicts);
}

describe("code review of an existing script, through its script_flags (issue #16)", () => {
  it("checks the mapped flags (--save for --checkpoint-dir), says what no resume costs as a warning, and dry-runs with the script's own --dry-run", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }]);
    const v = await codeReview(dir);
    expect(v.reasons.filter((r) => r.severity === "blocking")).toEqual([]);
    expect(v.label).toBe("CODE_APPROVED");
    const warnings = v.reasons.filter((r) => r.severity === "warning").map((r) => r.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^word_language_model\/main\.py has no --resume \(used by 1 experiment: lstm\): script_flags\.resume is null: a retry after a failure or a preemption starts over from the first step/,
      ),
    );
    const table = v.tables?.[0];
    expect(table?.rows[0]).toEqual([
      "word_language_model/main.py",
      "argparse",
      "yes",
      "yes, as --save",
      "none (script_flags)",
      "yes",
      "lstm",
    ]);
    const dry = v.tables?.[1];
    expect(dry?.rows[0]?.[1]).toMatch(/ --save \S+\/model\.pt --dry-run$/);
    expect(dry?.rows[0]?.[2]).toBe("ok");
  }, 60_000);

  it("a mapped flag the script does not declare blocks, naming the script's own flag and where it was mapped", async () => {
    const dir = existingScriptRepo([
      {
        id: "lstm",
        method: "LSTM",
        script_flags: { checkpoint_dir: "--output-dir {checkpoint_dir}", resume: null },
      },
    ]);
    const v = await codeReview(dir, "skip");
    expect(v.label).toBe("CODE_REVISE");
    const blocking = v.reasons.filter((r) => r.severity === "blocking");
    expect(blocking).toHaveLength(1);
    expect(blocking[0]?.message).toMatch(
      /^word_language_model\/main\.py does not accept --output-dir: argparse declares .*--save.* but not --output-dir \(script_flags\.checkpoint_dir\)/,
    );
  }, 60_000);

  it("without script_flags the same script is asked for the literal contract flags (--checkpoint-dir, --resume) and blocks", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }], {}, { script_flags: {} });
    const v = await codeReview(dir, "skip");
    const blocking = v.reasons.filter((r) => r.severity === "blocking").map((r) => r.message);
    expect(blocking).toEqual([
      expect.stringMatching(/does not accept --checkpoint-dir/),
      expect.stringMatching(/does not accept --resume/),
    ]);
  }, 60_000);

  it("flags writes and downloads to fixed relative paths, in the script and in the modules it imports, naming the file that holds each", async () => {
    const dir = existingScriptRepo(
      [{ id: "mnist", method: "LSTM" }],
      {
        "mnist/main.py": [
          "import argparse",
          "import torch",
          "from torchvision import datasets",
          "from mnist.report import write_report",
          "p = argparse.ArgumentParser()",
          "p.add_argument('--seed', type=int)",
          "p.add_argument('--dry-run', action='store_true')",
          "a = p.parse_args()",
          "train = datasets.MNIST('../data', train=True, download=True)",
          "torch.save(model.state_dict(), 'mnist_cnn.pt')",
          "write_report()",
        ].join("\n"),
        "mnist/__init__.py": "",
        "mnist/report.py": [
          "import os",
          "def write_report():",
          "    with open('results.txt', 'w') as f:",
          "        f.write('ok')",
          "    with open('results.txt') as f:",
          "        return f.read()",
        ].join("\n"),
      },
      {
        command: "python3 -m mnist.main --seed {seed}",
        metrics_from: { stdout: { acc: "acc ([0-9.]+)" } },
        script_flags: { checkpoint_dir: null, resume: null },
      },
    );
    const v = await codeReview(dir, "skip");
    const blocking = v.reasons
      .filter((r) => r.severity === "blocking")
      .map((r) => `${r.file}:${r.line} ${r.message}`);
    expect(blocking).toEqual([
      expect.stringMatching(
        /^mnist\/main\.py:9 downloads data into "\.\.\/data", a fixed path relative to the checkout — /,
      ),
      expect.stringMatching(
        /^mnist\/main\.py:10 writes "mnist_cnn\.pt" at a fixed path relative to the working directory/,
      ),
      expect.stringMatching(
        /^mnist\/report\.py:3 writes "results\.txt" at a fixed path .*\(imported by mnist\/main\.py\)/,
      ),
    ]);
    // reading results.txt (no write mode) is not a write
    expect(blocking.some((b) => b.startsWith("mnist/report.py:5"))).toBe(false);
    expect(v.details).toMatchObject({
      scripts: [
        expect.objectContaining({
          path: "mnist/main.py",
          modules: ["mnist/report.py", "mnist/__init__.py"],
        }),
      ],
    });
  }, 60_000);

  it("the well-behaved trainer and its imported modules raise no hard-coded path (its --save default is a warning only)", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }]);
    const v = await codeReview(dir, "skip");
    expect(v.reasons.filter((r) => r.severity === "blocking")).toEqual([]);
    expect(v.details).toMatchObject({
      scripts: [
        expect.objectContaining({
          path: "word_language_model/main.py",
          modules: ["word_language_model/data.py", "word_language_model/model.py"],
        }),
      ],
    });
    expect(v.reasons.filter((r) => /model\.pt/.test(r.message))).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringMatching(
          /^"model\.pt" is a hard-coded default; fine while every command passes the flag/,
        ),
      }),
    ]);
  }, 60_000);

  it("reads through a shell wrapper that runs `python -m pkg.train` into the package's modules, and finds flags parsed in an imported module", async () => {
    const dir = existingScriptRepo(
      [{ id: "wrapped", method: "LSTM" }],
      {
        "run.sh": '#!/bin/sh\nset -e\nexec python3 -m pkg.train "$@"\n',
        "pkg/__init__.py": "",
        "pkg/train.py":
          "from pkg.config import parse\nfrom .secrets_here import TOKEN\nargs = parse()\n",
        "pkg/config.py": [
          "import argparse",
          "def parse():",
          "    p = argparse.ArgumentParser()",
          "    p.add_argument('--seed', type=int)",
          "    p.add_argument('--checkpoint-dir')",
          "    p.add_argument('--dry-run', action='store_true')",
          "    return p.parse_args()",
        ].join("\n"),
        "pkg/secrets_here.py": 'TOKEN = "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"\n',
      },
      {
        command: "sh run.sh --seed {seed} --checkpoint-dir {checkpoint_dir}",
        metrics_from: { stdout: { acc: "acc ([0-9.]+)" } },
        script_flags: { resume: null },
      },
    );
    const v = await codeReview(dir, "skip");
    const blocking = v.reasons.filter((r) => r.severity === "blocking");
    expect(blocking).toEqual([
      expect.objectContaining({
        file: "pkg/secrets_here.py",
        line: 1,
        message: expect.stringMatching(
          /^looks like a Hugging Face token \(hf_A\*+\) committed in pkg\/secrets_here\.py \(imported by run\.sh\)/,
        ),
      }),
    ]);
    const table = v.tables?.[0];
    expect(table?.rows[0]?.slice(0, 6)).toEqual([
      "run.sh",
      '"$@" → pkg/train.py, pkg/config.py: argparse',
      "yes",
      "yes",
      "none (script_flags)",
      "yes",
    ]);
  }, 60_000);

  it("a dry-run that writes into the checkout (the trainer's default --save model.pt) is CODE_REVISE naming the file; with --save {checkpoint_dir}/model.pt it leaves the tree as it found it", async () => {
    const dir = existingScriptRepo(
      [{ id: "lstm", method: "LSTM" }],
      {},
      {
        command: "python3 word_language_model/main.py --epochs 3 --model {method} --seed {seed}",
        script_flags: { resume: null, checkpoint_dir: null },
      },
    );
    const v = await codeReview(dir);
    expect(v.label).toBe("CODE_REVISE");
    const blocking = v.reasons.filter((r) => r.severity === "blocking").map((r) => r.message);
    expect(blocking).toEqual([
      expect.stringMatching(
        /^the dry-runs left 1 file in the checkout: model\.pt — a run writes only under \{checkpoint_dir\}/,
      ),
    ]);
    // the well-behaved command: nothing new in the checkout (__pycache__ from its imports aside)
    const clean = await codeReview(existingScriptRepo([{ id: "lstm", method: "LSTM" }]));
    expect(clean.label).toBe("CODE_APPROVED");
  }, 60_000);

  it("the design debate's determinism and lock-file findings come from the whole import closure, naming the module", async () => {
    const torchModel = "import torch\n\nclass RNNModel(object):\n    pass\n";
    const debate = async (extra: Record<string, string>) => {
      const dir = existingScriptRepo([{ id: "lstm", method: "LSTM", seeds: [1, 2, 3] }], extra);
      const { verdicts } = await reviewGates({
        workspace: diskWorkspace(dir),
        only: ["design-debate"],
        dryRun: "skip",
      });
      const roles = (
        one(verdicts).details as {
          roles: { role: string; findings: { message: string; file?: string; line?: number }[] }[];
        }
      ).roles;
      return roles.find((r) => r.role === "reproducibility-hawk")?.findings ?? [];
    };
    const flagged = await debate({
      "word_language_model/model.py": torchModel,
      "word_language_model/requirements.txt": "torch==2.3.1\n",
    });
    expect(flagged).toEqual([
      expect.objectContaining({
        file: "word_language_model/model.py",
        line: 1,
        message: expect.stringMatching(
          /^word_language_model\/model\.py \(imported by word_language_model\/main\.py\) \(run by lstm\) imports torch but never turns on deterministic kernels/,
        ),
      }),
    ]);
    // determinism turned on in another module of the closure counts; the lock file beside the module counts
    const fixed = await debate({
      "word_language_model/model.py": torchModel,
      "word_language_model/data.py":
        "import torch\ntorch.use_deterministic_algorithms(True)\n\nclass Corpus(object):\n    pass\n",
      "word_language_model/requirements.txt": "torch==2.3.1\n",
    });
    expect(fixed).toEqual([]);
  }, 60_000);
});
