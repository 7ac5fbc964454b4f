// Stopping a run (issue 13): the time from a run's time limit to the last process of the run
// gone, p50/p99 over 50 runs of a wrapper script whose trainer (a grandchild of the runner)
// ignores SIGTERM (it needs the SIGKILL after the grace) and of one whose trainer obeys it.
// Target: under grace + 1 s. Every process is checked gone (from /proc) when runProcess returns.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "../dist/exec/run-process.js";
import { table } from "./lib.js";

const N = Number(process.env.BENCH_RUNS ?? 50);
const LIMIT_MS = 300;
const GRACE_MS = Number(process.env.BENCH_GRACE_MS ?? 1000);
const WRAPPER = fileURLToPath(
  new URL("../test/fixtures/scripts/wrapper-ignores-term.sh", import.meta.url),
);
const OBEYS = [
  "sh",
  "-c",
  'echo $$ >> "$1"; sh -c \'echo $$ >> "$1"; exec sleep 90\' t "$1" & wait',
  "w",
];

const running = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    return s.slice(s.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
};

async function measure(argvOf) {
  const dir = mkdtempSync(join(tmpdir(), "labgate-bench-stop-"));
  const times = [];
  let left = 0;
  for (let i = 0; i < N; i++) {
    const pids = join(dir, `pids-${i}`);
    const t0 = performance.now();
    await runProcess({
      argv: argvOf(pids),
      cwd: dir,
      logFile: join(dir, `run-${i}.log`),
      timeoutMs: LIMIT_MS,
      killGraceMs: GRACE_MS,
      detached: true,
    });
    times.push(performance.now() - t0 - LIMIT_MS);
    for (const pid of readFileSync(pids, "utf8").split("\n").filter(Boolean).map(Number))
      if (running(pid)) left++;
  }
  rmSync(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(0);
  return { p50: q(0.5), p99: q(0.99), left };
}

const ignores = await measure((pids) => [WRAPPER, pids, "90"]);
const obeys = await measure((pids) => [...OBEYS, pids]);
table(
  [
    "trainer under a wrapper",
    "runs",
    "limit -> last process gone p50 ms",
    "p99 ms",
    "target ms",
    "processes left",
  ],
  [
    [
      "ignores SIGTERM (SIGKILL after the grace)",
      N,
      ignores.p50,
      ignores.p99,
      `< ${GRACE_MS + 1000}`,
      ignores.left,
    ],
    ["obeys SIGTERM", N, obeys.p50, obeys.p99, `< ${GRACE_MS + 1000}`, obeys.left],
  ],
);
