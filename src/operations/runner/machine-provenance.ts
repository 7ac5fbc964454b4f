import { createHash } from "node:crypto";
import { lstat, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { execa } from "execa";
import { splitCommand } from "../../core/definitions/split-command.js";
import { resolveScript } from "../../core/gates/code-review/resolve-script.js";
import { lockFileCandidates, locksFor } from "../../core/gates/debate/lock-files.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { untrustedEnv } from "../../exec/untrusted-env.js";

/** Interpreters asked for their version; a repository's own program is never run for it. */
const INTERPRETER = /^(python(\d+(\.\d+)?)?|node|bun|Rscript|julia)$/;

/**
 * What produced a run's numbers besides the commit, per experiment (docs/results.md, provenance):
 * the GPU model, driver and CUDA versions (from `nvidia-smi`, null without one), the interpreter
 * the command starts and its version, and the lock file that pins its environment with its
 * sha256. Asked once per campaign; a question that fails answers null.
 */
export async function machineProvenance(
  cwd: string,
  env: NodeJS.ProcessEnv,
  runs: readonly PlannedRun[],
): Promise<Map<string, Record<string, string | null>>> {
  const gpu = await gpuFacts(env);
  const versions = new Map<string, Promise<string | null>>();
  const out = new Map<string, Record<string, string | null>>();
  for (const run of runs) {
    if (out.has(run.exp_id)) continue;
    const split = splitCommand(run.experiment.command);
    const argv = split.ok ? split.argv : [];
    const program = argv.find((a) => INTERPRETER.test(a.slice(a.lastIndexOf("/") + 1))) ?? null;
    let version: Promise<string | null> = Promise.resolve(null);
    if (program !== null) {
      version = versions.get(program) ?? programVersion(program, cwd, env);
      versions.set(program, version);
    }
    const target = resolveScript(argv);
    const scriptDir = target.ok ? dirname(target.candidates[0] as string) : ".";
    const lock = await lockFileOf(cwd, target.ok ? target.language : "shell", scriptDir);
    out.set(run.exp_id, {
      ...gpu,
      interpreter: program,
      interpreter_version: await version,
      lock_file: lock?.path ?? null,
      lock_sha256: lock?.sha256 ?? null,
    });
  }
  return out;
}

async function gpuFacts(env: NodeJS.ProcessEnv): Promise<Record<string, string | null>> {
  const query = await run(
    "nvidia-smi",
    ["--query-gpu=name,driver_version", "--format=csv,noheader"],
    env,
  );
  const [name, driver] = (query?.split(/\r?\n/)[0] ?? "").split(",").map((s) => s.trim());
  const banner = name ? await run("nvidia-smi", [], env) : null;
  const cuda = /CUDA Version:\s*([\d.]+)/.exec(banner ?? "")?.[1] ?? null;
  return { gpu_model: name || null, driver_version: driver || null, cuda_version: cuda };
}

async function programVersion(
  program: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const out = await run(program, ["--version"], env, cwd);
  return out?.split(/\r?\n/)[0]?.trim() || null;
}

async function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<string | null> {
  const r = await execa(file, args, {
    env: untrustedEnv(env),
    extendEnv: false,
    reject: false,
    timeout: 15_000,
    stdin: "ignore",
    all: true,
    cwd,
  });
  return r.failed || r.exitCode !== 0 ? null : String(r.all ?? r.stdout);
}

async function lockFileOf(
  cwd: string,
  language: "python" | "node" | "shell",
  scriptDir: string,
): Promise<{ path: string; sha256: string } | null> {
  const candidates = locksFor(language, lockFileCandidates(scriptDir === "." ? [] : [scriptDir]));
  // the nearest to the script first: the deepest folder wins
  candidates.sort((a, b) => b.split("/").length - a.split("/").length);
  for (const rel of candidates) {
    const abs = resolve(cwd, rel);
    const st = await lstat(abs).catch(() => undefined);
    if (!st?.isFile() || st.size > 64 * 1024 * 1024) continue;
    const text = await readFile(abs);
    return { path: rel, sha256: createHash("sha256").update(text).digest("hex") };
  }
  return null;
}
