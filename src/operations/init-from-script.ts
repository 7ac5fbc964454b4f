import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { substituteArgv } from "../core/definitions/command-placeholders.js";
import {
  definitionsFromScript,
  type FromScriptResult,
} from "../core/definitions/definitions-from-script.js";
import {
  type MetricsFileCandidate,
  metricsFileCandidate,
} from "../core/definitions/metrics-file-candidate.js";
import { splitCommand } from "../core/definitions/split-command.js";
import { validateDefinitions } from "../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { runProcess } from "../exec/run-process.js";
import { GitRepo } from "../git/git-repo.js";
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

  const module = packageModule(root, rel);
  const first = definitionsFromScript({
    script: rel,
    text: read.text,
    output: "",
    project,
    module,
  });
  const defaults = first.definitions.defaults as {
    command: string;
    script_flags: Record<string, string | null>;
  };
  const methods = first.definitions.methods as { id: string }[];
  const dryFlag = defaults.script_flags.dry_run;
  let output = "";
  let dryRun: "ran" | "failed" | "none" = "none";
  let metricsFile: MetricsFileCandidate | undefined;
  let ranAs = "";
  let failure = "";
  let wroteIntoTree: string[] = [];
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
      const repo = GitRepo.open(root);
      const inRepo = await repo.isRepo();
      const before = new Set(inRepo ? await repo.unstagedFiles() : []);
      const o = await runProcess({
        argv,
        cwd: root,
        logFile: log,
        timeoutMs: input.timeoutMs ?? 120_000,
        killGraceMs: 2_000,
      });
      output = await readFile(log, "utf8").catch(() => "");
      dryRun = o.exitCode === 0 ? "ran" : "failed";
      ranAs = argv.join(" ");
      if (dryRun === "failed") {
        const tail = output.trimEnd().split(/\r?\n/).slice(-5).join("\n      ");
        failure = `its dry-run failed (${o.exitCode === null ? "it did not finish" : `exit ${o.exitCode}`}): ${ranAs}${tail ? `\n      ${tail}` : ""}`;
      }
      if (inRepo) wroteIntoTree = (await repo.unstagedFiles()).filter((f) => !before.has(f));
      if (dryRun === "ran") metricsFile = await findMetricsFile(work, "dry-run.log");
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const result = definitionsFromScript({
    script: rel,
    text: read.text,
    output,
    project,
    module,
    metricsFile,
  });
  if (dryRun === "failed") result.notes.push(failure);
  if (wroteIntoTree.length > 0)
    result.notes.push(
      `its dry-run wrote into the working tree: ${wroteIntoTree.slice(0, 10).join(", ")}${wroteIntoTree.length > 10 ? ", …" : ""}; give that path {checkpoint_dir} in the command, or the code-review check will ask you to (${ranAs})`,
    );
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

/**
 * The first metrics file (json, jsonl, csv; at most 1 MiB, at most three folders deep, sorted by
 * path) the dry-run wrote under its `{checkpoint_dir}`, other than labgate's own log.
 */
async function findMetricsFile(
  dir: string,
  ownLog: string,
): Promise<MetricsFileCandidate | undefined> {
  const files: string[] = [];
  const walk = async (rel: string, depth: number) => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory() && depth < 3) await walk(path, depth + 1);
      else if (e.isFile() && path !== ownLog && /\.(json|jsonl|csv)$/i.test(e.name))
        files.push(path);
    }
  };
  await walk("", 0);
  for (const file of files.sort()) {
    const size = (await stat(join(dir, file))).size;
    if (size > 1024 * 1024) continue;
    const found = metricsFileCandidate(file, await readFile(join(dir, file), "utf8"));
    if (found) return found;
  }
  return undefined;
}

/**
 * `pkg.sub.train` for `pkg/sub/train.py` when every folder on the way holds an `__init__.py`
 * and the top one sits at the repository root (where labgate runs commands); else undefined.
 */
function packageModule(root: string, rel: string): string | undefined {
  const parts = rel.replace(/\.py$/, "").split("/");
  if (parts.length < 2) return undefined;
  const folders = parts.slice(0, -1);
  for (let i = 1; i <= folders.length; i++)
    if (!existsSync(join(root, ...folders.slice(0, i), "__init__.py"))) return undefined;
  return parts.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) ? parts.join(".") : undefined;
}
