import { splitCommand } from "../../definitions/split-command.js";
import { resolveScript, type ScriptTarget } from "./resolve-script.js";

/**
 * The script a shell wrapper hands its arguments to: the first line that passes "$@" on to a
 * python, node or shell script (`exec python3 experiments/scripts/train.py "$@"`). Paths are read as the command's working
 * directory, the repository root, sees them; a line that computes the path (`$(dirname "$0")`)
 * is not followed.
 */
export function forwardedScript(shellText: string): ScriptTarget | undefined {
  for (const raw of shellText.split("\n")) {
    const line = raw.replace(/^\s*(exec\s+)?/, "");
    if (line.startsWith("#") || !/"\$@"|\$@/.test(line)) continue;
    const before = line.slice(0, line.search(/"\$@"|\$@/));
    if (/[$`]/.test(before)) continue;
    const split = splitCommand(before.trim());
    const target = split.ok ? resolveScript(split.argv) : undefined;
    if (target?.ok) return target;
  }
  return undefined;
}
