import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/temp-dir.js";
import { FIXTURES, git } from "./campaign-repo.js";

/**
 * A research repository as labgate finds it: `word_language_model/` holds a trainer in the style
 * of pytorch/examples' word_language_model/main.py (argparse, `--save model.pt`, its own
 * `--dry-run`, no `--resume`, metrics only printed) and the sibling modules it imports. `extra`
 * adds files (path → text); `experiments` are written into definitions.json as given, on top of
 * defaults that run the trainer. Committed.
 */
export function existingScriptRepo(
  experiments: Record<string, unknown>[],
  extra: Record<string, string> = {},
  defaults: Record<string, unknown> = {},
): string {
  const dir = join(tempDir("labgate-existing-"), "repo");
  mkdirSync(join(dir, "experiments"), { recursive: true });
  cpSync(join(FIXTURES, "word_lm"), join(dir, "word_language_model"), { recursive: true });
  for (const [path, text] of Object.entries(extra)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const definitions = {
    version: 1,
    project: "word-lm",
    title: "Word-level language models on wikitext-2",
    hypotheses: [{ id: "H1", claim: "GRU beats LSTM", metric: "valid_ppl", direction: "lower" }],
    methods: [
      { id: "LSTM", label: "LSTM", group: "baseline" },
      { id: "GRU", label: "GRU", group: "ours" },
    ],
    datasets: [{ id: "wt2", label: "wikitext-2", metric: "valid_ppl" }],
    defaults: {
      phase: "full",
      dataset: "wt2",
      seeds: [1],
      expected_duration_hours: 0.01,
      vram_mb: 0,
      retries: 0,
      hypotheses: ["H1"],
      command:
        "python3 word_language_model/main.py --epochs 3 --model {method} --seed {seed} --save {checkpoint_dir}/model.pt",
      metrics_from: {
        stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)", test_ppl: "test ppl\\s+([0-9.]+)" },
      },
      script_flags: {
        checkpoint_dir: "--save {checkpoint_dir}/model.pt",
        resume: null,
        dry_run: "--dry-run",
      },
      ...defaults,
    },
    experiments,
  };
  writeFileSync(
    join(dir, "experiments/definitions.json"),
    `${JSON.stringify(definitions, null, 2)}\n`,
  );
  writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
  git(dir, "init", "-q", "--initial-branch=main");
  git(dir, "config", "user.name", "Test Researcher");
  git(dir, "config", "user.email", "researcher@example.com");
  git(dir, "config", "commit.gpgsign", "false");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "an existing research repository");
  return dir;
}

/** valid ppl the stand-in trainer prints for its last epoch (see word_lm/model.py), rounded as printed. */
export function expectedValidPpl(epochs: number, seed: number, model: "LSTM" | "GRU"): number {
  const loss = 3 + 3 / epochs + (seed % 7) / 100 + (model === "GRU" ? 0.25 : 0) - 0.1;
  return Number(Math.exp(loss).toFixed(2));
}
