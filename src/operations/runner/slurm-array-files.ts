import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { resumeArgsOf } from "../../core/runner/resume-argv.js";
import { type SlurmArray, sbatchArgs } from "../../core/slurm/slurm-arrays.js";
import {
  batchScriptPath,
  manifestPath,
  SlurmTaskManifest,
  taskOutputPattern,
} from "../../core/slurm/slurm-task-manifest.js";
import { containedReader } from "../contained-files.js";
import { metricsCaptureOf } from "./capture-metrics.js";
import type { PreparedRun, SchedulerContext } from "./run-scheduler.js";

/** The manifest of a labgate array of this checkout, or undefined (not ours, unreadable). */
export async function readManifest(
  cwd: string,
  name: string,
): Promise<SlurmTaskManifest | undefined> {
  let path: string;
  try {
    path = manifestPath(name);
  } catch {
    return undefined;
  }
  const got = await containedReader(cwd, 256 * 1024 * 1024)(path);
  if (!got.ok) return undefined;
  try {
    const parsed = SlurmTaskManifest.safeParse(JSON.parse(got.text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The manifest and batch script of one array, written where its tasks read them; sbatch's argv. */
export async function prepareArray(
  cwd: string,
  array: SlurmArray,
  members: readonly PreparedRun[],
  o: {
    dispatchDir: string;
    ctx: Pick<SchedulerContext, "timeoutFactor" | "killGraceMs" | "maxResultBytes">;
    labgate: readonly string[];
    exportNames: readonly string[];
  },
): Promise<string[]> {
  const manifest: SlurmTaskManifest = {
    version: 1,
    name: array.name,
    dispatch_dir: o.dispatchDir,
    timeout_factor: o.ctx.timeoutFactor,
    kill_grace_ms: o.ctx.killGraceMs,
    max_result_bytes: o.ctx.maxResultBytes ?? 16 * 1024 * 1024,
    runs: members.map((p) => ({
      entry: { ...p.entry },
      argv: p.argv,
      retries: p.run.retries,
      supports_resume: p.supportsResume,
      resume_args: resumeArgsOf(p.run, p.supportsResume),
      capture: metricsCaptureOf(p.run),
    })),
  };
  const manifestFile = resolve(cwd, manifestPath(array.name));
  const script = resolve(cwd, batchScriptPath(array.name));
  await mkdir(dirname(manifestFile), { recursive: true });
  await writeFile(manifestFile, `${JSON.stringify(manifest)}\n`);
  await writeFile(script, batchScript(o.labgate, manifestPath(array.name)));
  await chmod(script, 0o755);
  return sbatchArgs(
    array,
    { cwd, script, output: resolve(cwd, taskOutputPattern(array.name)) },
    o.exportNames,
    o.ctx.killGraceMs / 1000,
  );
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The batch script: labgate's per-run step, exec'd so that SLURM's signals reach it. */
export function batchScript(labgate: readonly string[], manifest: string): string {
  return `#!/bin/sh\n# A labgate SLURM array task (docs/runners.md): the run at SLURM_ARRAY_TASK_ID of the manifest.\nexec ${[...labgate, "--manifest", manifest].map(quote).join(" ")}\n`;
}
