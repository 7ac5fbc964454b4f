import type { ResolvedExperiment } from "../core/definitions/definitions-schema.js";
import { splitCommand } from "../core/definitions/split-command.js";

/**
 * Repo files the experiments' commands name (`experiments/scripts/train.py`), so the app can read
 * them all in one request before the code-review gate asks for them one by one.
 */
export function scriptPaths(experiments: readonly ResolvedExperiment[]): string[] {
  const paths = new Set<string>();
  for (const exp of experiments) {
    const split = splitCommand(exp.command);
    if (!split.ok) continue;
    for (const arg of split.argv) {
      if (arg.startsWith("-") || arg.includes("{") || arg.startsWith("/") || arg.includes("="))
        continue;
      if (/\.[A-Za-z0-9]{1,5}$/.test(arg) || arg.includes("/")) paths.add(arg.replace(/^\.\//, ""));
    }
  }
  return [...paths].sort();
}
