import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { normalizeDefinitions } from "../core/autofix/normalize-definitions.js";
import type { FixerSpec } from "../core/autofix/plan-fixers.js";
import { splitCommand } from "../core/definitions/split-command.js";
import { runProcess } from "../exec/run-process.js";

export interface FixerRun {
  ok: boolean;
  timedOut: boolean;
  detail: string;
  durationMs: number;
}

/** Runs one fixer in the worktree: a command (argv, no shell, its timeout) or a built-in. */
export async function runFixer(
  fixer: FixerSpec,
  opts: { cwd: string; logFile: string; definitionsPath: string; env: NodeJS.ProcessEnv },
): Promise<FixerRun> {
  const started = Date.now();
  if (fixer.builtin === "normalize-definitions") {
    const path = join(opts.cwd, opts.definitionsPath);
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined)
      return {
        ok: false,
        timedOut: false,
        detail: `${opts.definitionsPath} not found`,
        durationMs: 0,
      };
    const out = normalizeDefinitions(text);
    if (!out.ok)
      return {
        ok: false,
        timedOut: false,
        detail: `${opts.definitionsPath}: ${out.message}`,
        durationMs: 0,
      };
    if (out.changed) await writeFile(path, out.text);
    return { ok: true, timedOut: false, detail: "", durationMs: Date.now() - started };
  }
  const split = splitCommand(fixer.command ?? "");
  if (!split.ok || split.argv.length === 0)
    return {
      ok: false,
      timedOut: false,
      detail: `command cannot run: ${split.ok ? "it is empty" : split.message}; fix autofix.commands in .github/labgate.yml`,
      durationMs: 0,
    };
  const r = await runProcess({
    argv: split.argv,
    cwd: opts.cwd,
    env: opts.env,
    logFile: opts.logFile,
    timeoutMs: fixer.timeout_seconds * 1000,
    killGraceMs: 2000,
  });
  const last = r.logTail.trim().split("\n").at(-1)?.trim().slice(0, 160) ?? "";
  const detail = r.spawnError
    ? `could not start: ${r.spawnError.message}`
    : r.timedOut
      ? `stopped after ${fixer.timeout_seconds}s (timeout_seconds)`
      : r.exitCode !== 0
        ? `exit ${r.exitCode ?? r.signal}${last ? `: ${last}` : ""}`
        : "";
  return { ok: detail === "", timedOut: r.timedOut, detail, durationMs: r.durationMs };
}
