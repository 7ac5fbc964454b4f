// SLURM executor (issue 18), against the cluster SLURM_CONF points at (scripts/slurm-test-cluster.sh):
// - sbatch calls per 1,000 runs (target: one per resource group), from `labgate run --dry-run`;
// - time from `labgate run` to all tasks submitted, and to all runs final;
// - scheduling overhead per run against a bare `sbatch --array` of the same commands, in this run.
// Skipped, with the reason, when no SLURM cluster answers.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { table } from "./lib.js";

const N = Number(process.env.BENCH_SLURM_RUNS ?? 100);
const BIN = fileURLToPath(new URL("../bin/labgate.js", import.meta.url));
const env = {
  ...process.env,
  SLURM_CONF: process.env.SLURM_CONF ?? "/tmp/labgate-slurm/slurm.conf",
};

const up = spawnSync("sinfo", ["--noheader", "--format=%T"], { env, encoding: "utf8" });
if (up.error || up.status !== 0 || !/idle|mixed|allocated/.test(up.stdout)) {
  console.log(
    `skipped: no SLURM cluster answers (${up.error?.message ?? up.stderr?.trim() ?? up.stdout}); start one with scripts/slurm-test-cluster.sh start`,
  );
  process.exit(0);
}

const NOOP =
  'while [ $# -gt 0 ]; do [ "$1" = --result-file ] && out=$2; shift; done\nmkdir -p "$(dirname "$out")"\nprintf \'{"metrics": {"x": 1}}\' > "$out"\n';

function repo(experiments) {
  const dir = join(mkdtempSync(join(tmpdir(), "labgate-bench-slurm-")), "repo");
  mkdirSync(join(dir, "experiments"), { recursive: true });
  mkdirSync(join(dir, ".github"), { recursive: true });
  writeFileSync(join(dir, "noop.sh"), NOOP);
  writeFileSync(
    join(dir, ".github/labgate.yml"),
    "runner_pools:\n  - name: cluster\n    labels: [self-hosted, gpu]\n    executor: slurm\n    gpus_per_machine: 2\n    slurm: { poll_seconds: 1, min_time_minutes: 1, max_concurrent: 64 }\n",
  );
  writeFileSync(
    join(dir, "experiments/definitions.json"),
    JSON.stringify({
      version: 1,
      project: "bench",
      title: "SLURM executor",
      hypotheses: [{ id: "H1", claim: "c", metric: "x", direction: "higher" }],
      methods: [{ id: "m", label: "M", group: "ours" }],
      datasets: [{ id: "d", label: "D", metric: "x" }],
      defaults: {
        phase: "full",
        method: "m",
        dataset: "d",
        hypotheses: ["H1"],
        expected_duration_hours: 0.01,
      },
      experiments,
    }),
  );
  writeFileSync(join(dir, ".gitignore"), ".labgate/\n");
  const git = (...a) => execFileSync("git", a, { cwd: dir });
  git("init", "-q", "-b", "main");
  git("-c", "user.name=b", "-c", "user.email=b@e", "add", "-A");
  git("-c", "user.name=b", "-c", "user.email=b@e", "commit", "-qm", "bench");
  return dir;
}

const seeds = (n) => Array.from({ length: n }, (_, i) => i + 1);
const command =
  "sh noop.sh --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}";

// 1. sbatch calls for 1,000 runs in two resource groups (CPU runs, GPU runs).
const big = repo([
  { id: "cpu", command, seeds: seeds(500), vram_mb: 0 },
  { id: "gpu", command, seeds: seeds(500), vram_mb: 1000 },
]);
const dry = execFileSync(process.execPath, [BIN, "run", "--dry-run"], {
  cwd: big,
  env,
  encoding: "utf8",
});
const sbatchLines = dry.split("\n").filter((l) => l.startsWith("sbatch ")).length;

// 2. labgate run on N no-op runs, to all submitted and to all final.
const small = repo([{ id: "noop", command, seeds: seeds(N), vram_mb: 0 }]);
const t0 = Date.now();
let submittedMs = null;
const child = spawn(process.execPath, [BIN, "run"], {
  cwd: small,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
child.stdout.on("data", (b) => {
  out += b;
  if (submittedMs === null && /submitted job array/.test(String(b))) submittedMs = Date.now() - t0;
});
const code = await new Promise((r) => child.on("exit", r));
const labgateMs = Date.now() - t0;
if (code !== 0) console.log(`labgate run exited ${code}:\n${out.split("\n").slice(-8).join("\n")}`);

// 3. The same commands as a bare job array.
const bare = mkdtempSync(join(tmpdir(), "labgate-bench-slurm-bare-"));
writeFileSync(join(bare, "noop.sh"), NOOP);
const b0 = Date.now();
const id = execFileSync(
  "sbatch",
  [
    "--parsable",
    `--array=0-${N - 1}%64`,
    "--job-name=bench-bare",
    "--output=/dev/null",
    `--chdir=${bare}`,
    "--wrap=sh noop.sh --result-file out/$SLURM_ARRAY_TASK_ID.json",
  ],
  { env, encoding: "utf8" },
).trim();
for (;;) {
  const q = execFileSync(
    "squeue",
    [
      "--noheader",
      "--array",
      `--jobs=${id}`,
      "--states=PENDING,RUNNING,COMPLETING,CONFIGURING",
      "--format=%i",
    ],
    {
      env,
      encoding: "utf8",
    },
  );
  if (q.trim() === "") break;
  await new Promise((r) => setTimeout(r, 200));
}
const bareMs = Date.now() - b0;

table(
  ["figure", "value"],
  [
    ["sbatch calls for 1,000 runs in 2 resource groups", `${sbatchLines} (target: 2)`],
    [`labgate run -> all ${N} tasks submitted`, `${submittedMs} ms`],
    [`labgate run -> all ${N} runs final`, `${labgateMs} ms`],
    [`bare sbatch --array of the same ${N} commands -> all done`, `${bareMs} ms`],
    [
      "scheduling overhead per run (labgate - bare) / N",
      `${((labgateMs - bareMs) / N).toFixed(1)} ms`,
    ],
  ],
);
for (const d of [big, small]) rmSync(join(d, ".."), { recursive: true, force: true });
rmSync(bare, { recursive: true, force: true });
