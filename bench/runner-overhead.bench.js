// Runner overhead (issue 3): 200 no-op runs (a tiny python3 script that writes its result),
// through the runner and spawned directly with the same parallelism, in the same run.
// Figures: time from start to the first run's process start; wall-clock and CPU overhead per run.
// Target: < 20 ms overhead per run.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { runCampaign } from "../dist/operations/run-campaign.js";
import { table } from "./lib.js";

const N = 200;
const PARALLEL = 2;
const dir = mkdtempSync(join(tmpdir(), "labgate-bench-runner-"));
mkdirSync(join(dir, "experiments"), { recursive: true });
writeFileSync(
  join(dir, "noop.py"),
  [
    "import json, sys, time",
    "t = time.time()",
    "out = sys.argv[sys.argv.index('--result-file') + 1]",
    "open(out, 'w').write(json.dumps({'metrics': {'x': 1}, 'meta': {'t': t}}))",
    "# accepts --seed --checkpoint-dir --resume --dry-run",
    "",
  ].join("\n"),
);
const command =
  "python3 -S noop.py --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}";
writeFileSync(
  join(dir, "experiments/definitions.json"),
  JSON.stringify({
    version: 1,
    project: "bench",
    title: "Runner overhead",
    hypotheses: [{ id: "H1", claim: "c", metric: "x", direction: "higher" }],
    methods: [{ id: "m", label: "M", group: "ours" }],
    datasets: [{ id: "d", label: "D", metric: "x" }],
    experiments: [
      {
        id: "noop",
        phase: "full",
        method: "m",
        dataset: "d",
        hypotheses: ["H1"],
        command,
        seeds: Array.from({ length: N }, (_, i) => i + 1),
        vram_mb: 0,
        expected_duration_hours: 0.01,
      },
    ],
  }),
);
const sh = (...args) => execFileSync("git", args, { cwd: dir });
sh("init", "-q");
sh("-c", "user.email=b@b", "-c", "user.name=b", "add", "-A");
sh("-c", "user.email=b@b", "-c", "user.name=b", "commit", "-qm", "bench");

// Baseline: the same 200 argv, spawned directly (no shell), PARALLEL at a time.
async function direct() {
  const out = join(dir, "direct");
  mkdirSync(out, { recursive: true });
  let next = 1;
  const t0 = performance.now();
  let firstSpawn;
  const worker = async () => {
    while (next <= N) {
      const seed = next++;
      await new Promise((resolve, reject) => {
        const child = spawn(
          "python3",
          [
            "-S",
            "noop.py",
            "--seed",
            String(seed),
            "--checkpoint-dir",
            "/tmp/x",
            "--result-file",
            join(out, `${seed}.json`),
          ],
          { cwd: dir, stdio: "ignore" },
        );
        firstSpawn ??= performance.now() - t0;
        child.on("error", reject);
        child.on("close", resolve);
      });
    }
  };
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { wall: performance.now() - t0, first: firstSpawn, cpu: (cpu.user + cpu.system) / 1000 };
}

async function runner() {
  rmSync(join(dir, "dispatch"), { recursive: true, force: true });
  rmSync(join(dir, "experiments/results"), { recursive: true, force: true });
  let first;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await runCampaign(
    {
      git: simpleGit(dir),
      env: { ...process.env, PATH: `/nonexistent-no-gpu:${process.env.PATH}` },
      clock: () => new Date(),
      log: { info() {}, warn() {} },
      signal: new AbortController().signal,
      emit: (e) => {
        if (e.type === "start" && first === undefined) first = performance.now() - t0;
      },
    },
    { cwd: dir, parallel: PARALLEL },
  );
  const cpu = process.cpuUsage(cpu0);
  if (result.kind !== "ran" || result.counts.done !== N)
    throw new Error(`runner did not finish ${N} runs: ${JSON.stringify(result.counts ?? result)}`);
  return { wall: performance.now() - t0, first, cpu: (cpu.user + cpu.system) / 1000 };
}

// Interleaved rounds, best of each: other load on the machine only ever adds time.
await direct(); // warm the page cache and python's startup
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ds = [];
const rs = [];
for (let i = 0; i < ROUNDS; i++) {
  ds.push(await direct());
  rs.push(await runner());
}
const best = (xs, k) => Math.min(...xs.map((x) => x[k]));
const d = { wall: best(ds, "wall"), first: best(ds, "first"), cpu: best(ds, "cpu") };
const r = { wall: best(rs, "wall"), first: best(rs, "first"), cpu: best(rs, "cpu") };
const perRunWall = (r.wall - d.wall) / N;
const perRunCpu = (r.cpu - d.cpu) / N;
const f = (n) => n.toFixed(1);
table(
  ["", "direct spawn", "labgate runner", "ratio"],
  [
    ["wall, 200 runs (ms)", f(d.wall), f(r.wall), (r.wall / d.wall).toFixed(2)],
    ["first process start (ms)", f(d.first), f(r.first), "-"],
    ["CPU of this process (ms)", f(d.cpu), f(r.cpu), (r.cpu / d.cpu).toFixed(2)],
  ],
);
console.log(
  `\nbest of ${ROUNDS} interleaved rounds; overhead per run: ${f(perRunWall)} ms wall-clock at ${PARALLEL} runs at a time, ${f(perRunCpu)} ms CPU (target < 20 ms) — ${perRunWall < 20 ? "OK" : "OVER TARGET"}`,
);
console.log(
  `(the runner's time includes planning, the git checks, the lock, a sidecar per status change and a capped log per run; not aggregation.) ${readdirSync(join(dir, "dispatch")).length} sidecars, ${readFileSync(join(dir, ".labgate/logs/noop_s1.log"), "utf8").length} bytes in the first log`,
);
rmSync(dir, { recursive: true, force: true });
