import { resolve } from "node:path";
import { resumeArgsOf } from "../../core/runner/resume-argv.js";
import { type SlurmArray, sbatchArgs } from "../../core/slurm/slurm-arrays.js";
import {
  batchScriptPath,
  manifestPath,
  SlurmTaskManifest,
  taskOutputPattern,
} from "../../core/slurm/slurm-task-manifest.js";
import { type ContainedWrite, containedReader, writeContained } from "../contained-files.js";
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

/**
 * The manifest and batch script of one array, written where its tasks read them, and sbatch's
 * argv; or, when `.labgate/slurm` (or a folder above it) is a symbolic link leading out of the
 * checkout, why nothing was written (docs/security.md, "Paths come from the plan"). A link at the
 * manifest's or the script's own path is replaced, never written through.
 */
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
): Promise<{ ok: true; argv: string[] } | Extract<ContainedWrite, { ok: false }>> {
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
  const wroteManifest = await writeContained(
    cwd,
    manifestPath(array.name),
    `${JSON.stringify(manifest)}\n`,
  );
  if (!wroteManifest.ok) return wroteManifest;
  const wroteScript = await writeContained(
    cwd,
    batchScriptPath(array.name),
    batchScript(o.labgate, manifestPath(array.name)),
    { mode: 0o755 },
  );
  if (!wroteScript.ok) return wroteScript;
  // the task output goes to the same folder, just checked to lie in the checkout
  const argv = sbatchArgs(
    array,
    {
      cwd,
      script: resolve(cwd, batchScriptPath(array.name)),
      output: resolve(cwd, taskOutputPattern(array.name)),
    },
    o.exportNames,
    o.ctx.killGraceMs / 1000,
  );
  return { ok: true, argv };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The batch script: labgate's per-run step, exec'd so that SLURM's signals reach it. */
export function batchScript(labgate: readonly string[], manifest: string): string {
  return `#!/bin/sh\n# A labgate SLURM array task (docs/runners.md): the run at SLURM_ARRAY_TASK_ID of the manifest.\nexec ${[...labgate, "--manifest", manifest].map(quote).join(" ")}\n`;
}
