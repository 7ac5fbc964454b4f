import { splitCommand } from "../../core/definitions/split-command.js";
import type { LoadedDefinitions } from "../../core/definitions/validate-definitions.js";
import {
  type CommandUse,
  scriptCandidates,
} from "../../core/gates/code-review/code-review-gate.js";
import { importClosure } from "../../core/gates/code-review/import-graph.js";
import { resolveScript } from "../../core/gates/code-review/resolve-script.js";
import { forwardedScript } from "../../core/gates/code-review/shell-forward.js";
import type { DebateScript } from "../../core/gates/debate/debate-input.js";
import { readImportClosure } from "../read-import-closure.js";
import type { Workspace } from "../workspace.js";

export interface CollectedScripts {
  commands: CommandUse[];
  /** Every script candidate that exists, by repo-relative path. */
  files: Map<string, string>;
  /** The scripts found, each with the experiments that run it, in path order. */
  scripts: DebateScript[];
}

/** Reads the scripts that the experiments' commands run, through the workspace (disk or API). */
export async function collectScripts(
  loaded: LoadedDefinitions,
  ws: Workspace,
): Promise<CollectedScripts> {
  const commands: CommandUse[] = loaded.experiments.map((exp, i) => {
    const input = loaded.definitions.experiments[i] ?? { id: exp.id };
    const path = "command" in input ? ["experiments", i, "command"] : ["defaults", "command"];
    return {
      exp_id: exp.id,
      command: exp.command,
      file: loaded.file,
      ...loaded.locate(path),
      ...(exp.script_flags ? { scriptFlags: exp.script_flags } : {}),
    };
  });
  const files = new Map<string, string>();
  const read = async (paths: readonly string[]) => {
    for (const p of paths) {
      if (files.has(p)) continue;
      const text = await ws.readFile(p);
      if (text !== undefined) files.set(p, text);
    }
  };
  await read(scriptCandidates(commands));
  // a shell wrapper that passes "$@" on: read the script it runs too (one level)
  for (const [path, text] of [...files])
    if (/\.(ba|z)?sh$/.test(path)) {
      const next = forwardedScript(text);
      if (next?.ok) await read(next.candidates);
    }
  // and every repository module those scripts import, or that a wrapper runs (python -m ...)
  await readImportClosure(files, (p) => ws.readFile(p));
  const byPath = new Map<string, DebateScript>();
  for (const c of commands) {
    const split = splitCommand(c.command);
    const target = split.ok ? resolveScript(split.argv) : undefined;
    if (!target?.ok) continue;
    const path = target.candidates.find((p) => files.has(p));
    if (path === undefined) continue;
    const s = byPath.get(path);
    if (s) s.exp_ids.push(c.exp_id);
    else
      byPath.set(path, {
        path,
        language: target.language,
        text: files.get(path) as string,
        exp_ids: [c.exp_id],
        modules: importClosure(path, files)
          .slice(1)
          .map((m) => ({ path: m, text: files.get(m) as string })),
      });
  }
  const scripts = [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
  return { commands, files, scripts };
}
