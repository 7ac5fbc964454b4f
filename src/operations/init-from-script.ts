import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { substituteArgv } from "../core/definitions/command-placeholders.js";
import {
  definitionsFromScript,
  type FromScriptResult,
} from "../core/definitions/definitions-from-script.js";
import { splitCommand } from "../core/definitions/split-command.js";
import { validateDefinitions } from "../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { runProcess } from "../exec/run-process.js";
import { containedReader, isInside, writeContained } from "./contained-files.js";

export const DEFINITIONS_FILE = "experiments/definitions.json";

export type InitFromScriptResult =
  | ({ ok: true; file: string; dryRun: "ran" | "failed" | "none" } & FromScriptResult)
  | { ok: false; code: "not-in-repo" | "unreadable" | "not-python" | "exists"; message: string }
  | { ok: false; code: "invalid"; message: string; diagnostics: Diagnostic[] };

/**
 * `labgate init --from <script>`: reads the script's options, runs its dry-run once (its own
 * dry-run flag, seed 1, the first method, outputs under a temp `{checkpoint_dir}`) to see the
 * metric lines it prints, and writes experiments/definitions.json with `metrics_from` and
 * `script_flags` filled in, checked by `validateDefinitions` before it is written.
 */
export async function initFromScript(input: {
  cwd: string;
  script: string;
  force?: boolean;
  timeoutMs?: number;
}): Promise<InitFromScriptResult> {
  const root = resolve(input.cwd);
  const abs = resolve(root, input.script);
  if (!isInside(root, abs))
    return {
      ok: false,
      code: "not-in-repo",
      message: `${input.script} is not inside ${root}; run labgate init --from from the repository root`,
    };
  const rel = relative(root, abs).split("\\").join("/");
  if (!rel.endsWith(".py"))
    return {
      ok: false,
      code: "not-python",
      message: `${rel}: init --from reads Python scripts (argparse, click, typer); write the definitions by hand (docs/definitions.md)`,
    };
  const read = await containedReader(root, 4 * 1024 * 1024)(rel);
  if (!read.ok) return { ok: false, code: "unreadable", message: read.message };
  if (existsSync(resolve(root, DEFINITIONS_FILE)) && !input.force)
    return {
      ok: false,
      code: "exists",
      message: `${DEFINITIONS_FILE} exists; pass --force to replace it`,
    };
  const project =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "project";

  const first = definitionsFromScript({ script: rel, text: read.text, output: "", project });
  const defaults = first.definitions.defaults as {
    command: string;
    script_flags: Record<string, string | null>;
  };
  const methods = first.definitions.methods as { id: string }[];
  const dryFlag = defaults.script_flags.dry_run;
  let output = "";
  let dryRun: "ran" | "failed" | "none" = "none";
  if (dryFlag !== null) {
    const work = await mkdtemp(join(tmpdir(), "labgate-init-from-"));
    try {
      const values = {
        method: methods[0]?.id ?? "default",
        seed: "1",
        checkpoint_dir: work,
        run_id: "init-from",
        exp_id: "init-from",
        dataset: "data",
      };
      const split = splitCommand(defaults.command);
      const argv = split.ok ? substituteArgv(split.argv, values) : [];
      argv.push(...(dryFlag ?? "--dry-run").split(" "));
      const log = join(work, "dry-run.log");
      const o = await runProcess({
        argv,
        cwd: root,
        logFile: log,
        timeoutMs: input.timeoutMs ?? 120_000,
        killGraceMs: 2_000,
      });
      output = await readFile(log, "utf8").catch(() => "");
      dryRun = o.exitCode === 0 ? "ran" : "failed";
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const result = definitionsFromScript({ script: rel, text: read.text, output, project });
  if (dryRun === "failed")
    result.notes.push("its dry-run failed: see what it printed with the command above, --dry-run");
  const text = `${JSON.stringify(result.definitions, null, 2)}\n`;
  const checked = validateDefinitions(DEFINITIONS_FILE, text);
  if (!checked.loaded)
    return {
      ok: false,
      code: "invalid",
      message: `the definitions inferred from ${rel} do not validate; nothing was written`,
      diagnostics: checked.diagnostics,
    };
  const w = await writeContained(root, DEFINITIONS_FILE, text);
  if (!w.ok) return { ok: false, code: "unreadable", message: w.message };
  return { ok: true, file: DEFINITIONS_FILE, dryRun, ...result };
}
