import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe } from "vitest";

/**
 * The SLURM tests run against the real single-node cluster of scripts/slurm-test-cluster.sh
 * (`npm run test:all` starts it and sets LABGATE_SLURM_TESTS=1). vitest.config.ts includes
 * test/slurm/ only when LABGATE_SLURM_TESTS=1, and then a cluster that does not answer FAILS the
 * tests, with how to start it.
 */
export const SLURM_ENV = {
  SLURM_CONF: process.env.SLURM_CONF ?? "/tmp/labgate-slurm/slurm.conf",
};

function clusterProblem(): string | undefined {
  const r = spawnSync("sinfo", ["--noheader", "--format=%T"], {
    env: { ...process.env, ...SLURM_ENV },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? "sinfo is not on PATH: slurm-wlm is not installed"
      : `sinfo did not answer (${code ?? r.error.message})`;
  }
  if (r.status !== 0) return `sinfo failed: ${r.stderr.trim()}`;
  if (!/^(idle|mixed|allocated)/m.test(r.stdout))
    return `no node is up (sinfo: ${r.stdout.trim() || "nothing"})`;
  return undefined;
}

export function describeSlurm(name: string, body: () => void): void {
  describe(name, () => {
    beforeAll(() => {
      const problem = clusterProblem();
      if (problem)
        throw new Error(
          `LABGATE_SLURM_TESTS=1 but the SLURM test cluster does not answer: ${problem}. Start it with \`scripts/slurm-test-cluster.sh install && scripts/slurm-test-cluster.sh start\` (as root; SLURM_CONF=${SLURM_ENV.SLURM_CONF}).`,
        );
    });
    body();
  });
}

/** A runner pool that submits to the test cluster: short polls, one-minute minimum --time. */
export function slurmConfig(slurm: Record<string, unknown> = {}, extra = ""): string {
  const opts = { poll_seconds: 1, min_time_minutes: 1, ...slurm };
  return `runner_pools:
  - name: cluster
    labels: [self-hosted, gpu]
    executor: slurm
    gpus_per_machine: 2
    gpu_memory_mb: 24576
    slurm: ${JSON.stringify(opts)}
kill_grace_seconds: 1
${extra}`;
}

/** The arrays labgate submitted from `dir`: one manifest per sbatch call. */
export function manifests(dir: string): string[] {
  const d = join(dir, ".labgate/slurm");
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith(".json")) : [];
}

/** This user's tasks SLURM holds: "<array>_<task> <state> <name>". */
export function squeue(): string[] {
  return execFileSync(
    "squeue",
    ["--me", "--noheader", "--array", "--states=all", "--format=%i %T %j"],
    { env: { ...process.env, ...SLURM_ENV }, encoding: "utf8" },
  )
    .split("\n")
    .filter(Boolean);
}

export function slurm(cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { env: { ...process.env, ...SLURM_ENV }, encoding: "utf8" });
}

/** Polls `check` every 200 ms until it returns a value, failing after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  ms = 120_000,
  /** Said in the error when the wait times out: what the process printed, say. */
  context: () => string = () => "",
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the tasks' labgate printed (SLURM's --output files), for a failing assertion's message. */
export function taskOutputs(dir: string): string {
  const d = join(dir, ".labgate/slurm");
  if (!existsSync(d)) return "";
  return readdirSync(d)
    .filter((f) => f.endsWith(".out"))
    .map((f) => `${f}: ${readFileSync(join(d, f), "utf8")}`)
    .join("\n");
}
