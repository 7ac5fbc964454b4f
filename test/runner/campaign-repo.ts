import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../helpers/temp-dir.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/scripts/", import.meta.url));
export const FAKE_GPU_BIN = join(FIXTURES, "fake-gpu");

export interface TestExperiment {
  id: string;
  phase?: "pilot" | "full";
  stage?: number;
  /** fake_train.py --mode */
  mode?: string;
  /** Extra arguments for fake_train.py, e.g. "--sleep 0.5 --value 0.9". */
  args?: string;
  [field: string]: unknown;
}

/**
 * A real git repo holding a small campaign whose experiments run `test/fixtures/scripts/
 * fake_train.py` (copied to scripts/) in the given modes, committed. `config` is the text of
 * .github/labgate.yml.
 */
export function campaignRepo(experiments: TestExperiment[], config?: string): string {
  // The repo is a folder inside the temp dir, so the default checkpoint root beside it
  // (`../.labgate-checkpoints/repo`) is inside the temp dir too, and removed with it.
  const dir = join(tempDir("labgate-run-"), "repo");
  mkdirSync(join(dir, "scripts"), { recursive: true });
  mkdirSync(join(dir, "experiments"), { recursive: true });
  copyFileSync(join(FIXTURES, "fake_train.py"), join(dir, "scripts/fake_train.py"));
  const definitions = {
    version: 1,
    project: "runner-test",
    title: "Runner test",
    hypotheses: [{ id: "H1", claim: "ours beats base", metric: "accuracy", direction: "higher" }],
    methods: [
      { id: "base", label: "Baseline", group: "baseline" },
      { id: "ours", label: "Ours", group: "ours" },
    ],
    datasets: [{ id: "toy", label: "Toy", metric: "accuracy" }],
    defaults: {
      method: "ours",
      dataset: "toy",
      seeds: [1],
      expected_duration_hours: 0.01,
      vram_mb: 0,
      retries: 0,
      hypotheses: ["H1"],
      phase: "full",
    },
    experiments: experiments.map(({ mode, args, ...rest }) => ({
      command: `python3 scripts/fake_train.py --mode ${mode ?? "ok"}${args ? ` ${args}` : ""} --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}`,
      ...rest,
    })),
  };
  writeFileSync(
    join(dir, "experiments/definitions.json"),
    `${JSON.stringify(definitions, null, 2)}\n`,
  );
  if (config !== undefined) {
    mkdirSync(join(dir, ".github"), { recursive: true });
    writeFileSync(join(dir, ".github/labgate.yml"), config);
  }
  writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
  git(dir, "init", "-q", "--initial-branch=main");
  git(dir, "config", "user.name", "Test Researcher");
  git(dir, "config", "user.email", "researcher@example.com");
  git(dir, "config", "commit.gpgsign", "false");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "campaign");
  return dir;
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
}

/** Every sidecar in dispatch/, by run id. */
export function sidecars(dir: string): Map<string, Record<string, any>> {
  const out = new Map<string, Record<string, any>>();
  const d = join(dir, "dispatch");
  if (!existsSync(d)) return out;
  for (const f of readdirSync(d))
    if (f.endsWith(".status.json")) {
      try {
        const e = JSON.parse(readFileSync(join(d, f), "utf8"));
        out.set(e.id, e);
      } catch {
        // a malformed sidecar planted by the test
      }
    }
  return out;
}

export function resultOf(dir: string, runId: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, `experiments/results/runs/${runId}.json`), "utf8"));
}

export const FINAL = ["done", "failed", "on_hold", "cancelled"];
