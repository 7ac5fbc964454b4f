// Runner overhead (issue 3): 200 no-op runs that write their result file, through the runner
// (runCampaign, as `labgate run` calls it, without aggregation) and spawned directly with the same
// argv and parallelism, in the same process and run. Target: < 20 ms overhead per run.
//
// Two workloads: `sh noop.sh` (starts in ~1 ms, so the runner's own cost shows clearly) one at a
// time, best of interleaved rounds; and `python3 -S noop.py`, the realistic case, two at a time.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRepo } from "../dist/git/git-repo.js";
import { runCampaign } from "../dist/operations/run-campaign.js";
import { table } from "./lib.js";

const N = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ARGS = "--seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}";

function campaign(program) {
  const dir = mkdtempSync(join(tmpdir(), "labgate-bench-runner-"));
  mkdirSync(join(dir, "experiments"), { recursive: true });
  // both accept --seed --checkpoint-dir --resume --dry-run and write {"metrics": ...}
  writeFileSync(
    join(dir, "noop.py"),
    "import sys\nout = sys.argv[sys.argv.index('--result-file') + 1]\nopen(out, 'w').write('{\"metrics\": {\"x\": 1}}')\n",
  );
  writeFileSync(
    join(dir, "noop.sh"),
    'while [ $# -gt 0 ]; do [ "$1" = --result-file ] && out=$2; shift; done\nprintf \'{"metrics": {"x": 1}}\' > "$out"\n',
  );
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
          command: `${program} ${ARGS}`,
          seeds: Array.from({ length: N }, (_, i) => i + 1),
          vram_mb: 0,
          expected_duration_hours: 0.01,
        },
      ],
    }),
  );
  const git = (...args) =>
    execFileSync("git", ["-c", "user.email=b@b", "-c", "user.name=b", ...args], { cwd: dir });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "bench");
  return dir;
}

/** The same argv, spawned directly (no shell), `parallel` at a time. */
async function direct(dir, program, parallel) {
  const out = join(dir, "direct");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const [file, ...pre] = program.split(" ");
  let next = 1;
  let first;
  const t0 = performance.now();
  const worker = async () => {
    while (next <= N) {
      const seed = next++;
      const args = [
        ...pre,
        "--seed",
        String(seed),
        "--checkpoint-dir",
        "/tmp/x",
        "--result-file",
        join(out, `${seed}.json`),
      ];
      await new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: dir, stdio: "ignore" });
        first ??= performance.now() - t0;
        child.on("error", reject);
        child.on("close", resolve);
      });
    }
  };
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: parallel }, worker));
  const cpu = process.cpuUsage(cpu0);
  return { wall: performance.now() - t0, first, cpu: (cpu.user + cpu.system) / 1000 };
}

async function runner(dir, parallel) {
  rmSync(join(dir, "dispatch"), { recursive: true, force: true });
  rmSync(join(dir, "experiments/results"), { recursive: true, force: true });
  let first;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await runCampaign(
    {
      git: GitRepo.open(dir),
      env: { ...process.env, PATH: `/nonexistent-no-gpu:${process.env.PATH}` },
      clock: () => new Date(),
      log: { info() {}, warn() {} },
      signal: new AbortController().signal,
      emit: (e) => {
        if (e.type === "start" && first === undefined) first = performance.now() - t0;
      },
    },
    { cwd: dir, parallel },
  );
  const cpu = process.cpuUsage(cpu0);
  if (result.kind !== "ran" || result.counts.done !== N)
    throw new Error(`runner did not finish ${N} runs: ${JSON.stringify(result.counts ?? result)}`);
  return { wall: performance.now() - t0, first, cpu: (cpu.user + cpu.system) / 1000 };
}

async function measure(program, parallel, rounds) {
  const dir = campaign(program);
  await direct(dir, program, parallel); // warm caches
  const ds = [];
  const rs = [];
  for (let i = 0; i < rounds; i++) {
    ds.push(await direct(dir, program, parallel));
    rs.push(await runner(dir, parallel));
  }
  rmSync(dir, { recursive: true, force: true });
  // other load on the machine only ever adds time: keep the best of each
  const best = (xs) => ({
    wall: Math.min(...xs.map((x) => x.wall)),
    first: Math.min(...xs.map((x) => x.first)),
    cpu: Math.min(...xs.map((x) => x.cpu)),
  });
  return { d: best(ds), r: best(rs) };
}

const f = (n) => n.toFixed(1);
const rows = [];
const verdicts = [];
for (const [program, parallel, rounds] of [
  ["sh noop.sh", 1, ROUNDS],
  ["python3 -S noop.py", 2, 1],
]) {
  const { d, r } = await measure(program, parallel, rounds);
  const label = `${program}, ${parallel} at a time`;
  rows.push([label, "wall, 200 runs (ms)", f(d.wall), f(r.wall), (r.wall / d.wall).toFixed(2)]);
  rows.push([label, "first process start (ms)", f(d.first), f(r.first), "-"]);
  rows.push([label, "CPU of this process (ms)", f(d.cpu), f(r.cpu), (r.cpu / d.cpu).toFixed(2)]);
  const perRun = ((r.wall - d.wall) * parallel) / N;
  verdicts.push(
    `${label}: overhead per run ${f(perRun)} ms of slot time (wall difference x parallelism / ${N}), ${f((r.cpu - d.cpu) / N)} ms CPU — ${perRun < 20 ? "OK" : "OVER TARGET"} (< 20 ms)`,
  );
}
table(["workload", "figure", "direct spawn", "labgate runner", "ratio"], rows);
console.log(`\n${verdicts.join("\n")}`);
console.log(
  "(the runner's time includes loading and planning the campaign, the git checks, the lock, a sidecar per status change, a capped log per run and checking each result file; not aggregation)",
);
