import { describe, expect, it } from "vitest";
import {
  definitionsFromScript,
  printedMetrics,
  scriptOptions,
} from "../../src/core/definitions/definitions-from-script.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";

const CLICK = `import click

@click.command()
@click.option("--arch", type=click.Choice(["resnet18", "vit"]), default="vit")
@click.option("--random-seed", default=0)
@click.option("--output-dir", default="outputs/")
@click.option("--smoke-test", is_flag=True)
def main(arch, random_seed, output_dir, smoke_test):
    print(f"epoch=1 train_loss=0.52 val_acc=0.81")
    print(f"epoch=2 train_loss=0.31 val_acc=0.87")
`;

describe("labgate init --from: reading a script as it is", () => {
  it("reads click options, their choices, defaults and switches", () => {
    const opts = scriptOptions(CLICK);
    expect(opts.map((o) => o.names[0])).toEqual([
      "--arch",
      "--random-seed",
      "--output-dir",
      "--smoke-test",
    ]);
    expect(opts[0]).toMatchObject({ choices: ["resnet18", "vit"], default: "vit" });
    expect(opts[3]?.isSwitch).toBe(true);
  });

  it("finds key=value metrics, skipping counters; the last value printed is kept", () => {
    const got = printedMetrics(
      "epoch=1 train_loss=0.52 val_acc=0.81\nepoch=2 train_loss=0.31 val_acc=0.87\n",
    );
    expect(got.map((m) => [m.name, m.value])).toEqual([
      ["train_loss", 0.31],
      ["val_acc", 0.87],
    ]);
  });

  it("maps a click script's own flags into script_flags, and what it writes validates", () => {
    const r = definitionsFromScript({
      script: "train.py",
      text: CLICK,
      output: "epoch=2 train_loss=0.31 val_acc=0.87\n",
      project: "vision",
    });
    const defaults = r.definitions.defaults as Record<string, any>;
    expect(defaults.command).toBe(
      "python3 train.py --arch {method} --random-seed {seed} --output-dir {checkpoint_dir}",
    );
    expect(defaults.script_flags).toEqual({
      seed: "--random-seed {seed}",
      checkpoint_dir: "--output-dir {checkpoint_dir}",
      resume: null,
      dry_run: "--smoke-test",
    });
    // the default arch is the baseline
    expect(r.definitions.methods).toEqual([
      { id: "vit", label: "vit", group: "baseline" },
      { id: "resnet18", label: "resnet18", group: "ours" },
    ]);
    expect(r.definitions.hypotheses).toEqual([
      expect.objectContaining({ metric: "val_acc", direction: "higher" }),
    ]);
    const text = `${JSON.stringify(r.definitions, null, 2)}\n`;
    expect(validateDefinitions("experiments/definitions.json", text).diagnostics).toEqual([]);
  });

  it("one hypothesis per method against the baseline, each named only by its method's experiment", () => {
    const { definitions } = definitionsFromScript({
      script: "main.py",
      text: `import argparse
MODELS = ["LSTM", "GRU", "RNN_TANH"]
p = argparse.ArgumentParser()
p.add_argument("--model", choices=MODELS, default="LSTM")
p.add_argument("--dry-run", action="store_true")
`,
      output: "| end of epoch 1 | valid ppl 128.37\n",
      project: "lm",
    });
    const d = definitions as {
      hypotheses: { id: string; claim: string }[];
      defaults: { hypotheses: string[]; command: string };
      experiments: { id: string; hypotheses?: string[]; baseline?: { method: string } }[];
    };
    // choices=MODELS is read from the module's own list
    expect(d.defaults.command).toBe("python3 main.py --model {method}");
    expect(d.hypotheses.map((h) => [h.id, h.claim])).toEqual([
      ["H1", "GRU beats LSTM on valid_ppl"],
      ["H2", "RNN_TANH beats LSTM on valid_ppl"],
    ]);
    expect(d.defaults.hypotheses).toEqual(["H1", "H2"]);
    expect(d.experiments).toEqual([
      { id: "lstm", method: "LSTM" },
      { id: "gru", method: "GRU", baseline: { method: "LSTM" }, hypotheses: ["H1"] },
      {
        id: "rnn_tanh".replace("_", "-"),
        method: "RNN_TANH",
        baseline: { method: "LSTM" },
        hypotheses: ["H2"],
      },
    ]);
    expect(
      validateDefinitions("experiments/definitions.json", JSON.stringify(definitions)).loaded,
    ).toBeDefined();
  });

  it("a value printed with a percent sign is a metric", () => {
    const got = printedMetrics("Test set: Average loss: 0.4123, Accuracy: 82.41%\n");
    expect(got.map((m) => [m.name, m.value])).toEqual([
      ["loss", 0.4123],
      ["accuracy", 82.41],
    ]);
  });
});
