import { metricsFromProblems } from "../runner/metrics-from.js";
import { checkPlaceholders } from "./command-placeholders.js";
import type { ResolvedExperiment } from "./definitions-schema.js";
import { splitCommand } from "./split-command.js";

export interface ContractProblem {
  /** The experiment field the problem is in (its path is the experiment's or the defaults'). */
  field: "command" | "metrics_from" | "script_flags";
  /** Below that field. */
  path: (string | number)[];
  message: string;
  hint: string;
  /** Default: an error. */
  severity?: "warning";
  /**
   * The message is about the experiment as a whole: where it is reported at the experiment, it
   * is prefixed with the experiment's id; at `defaults`, with the experiments that inherit it.
   */
  aboutExperiment?: true;
}

/**
 * How the experiment's script hands labgate its metrics, and how it spells the contract's flags
 * (docs/definitions.md, "Existing scripts"): a `{result_file}` in the command or a `metrics_from`
 * (without either, the run could only fail after training); regexes that compile with the groups
 * they need; placeholders that exist.
 */
export function scriptContractProblems(exp: ResolvedExperiment): ContractProblem[] {
  const out: ContractProblem[] = [];
  const params = Object.keys(exp.params);
  const mf = exp.metrics_from;
  // a command that does not split is reported as such; its placeholders are not read
  if (!mf && splitCommand(exp.command).ok && !exp.command.includes("{result_file}"))
    out.push({
      field: "command",
      path: [],
      message:
        "the command has no {result_file} and there is no metrics_from, so a finished run would have no metrics",
      aboutExperiment: true,
      hint: 'pass {result_file} to a script that writes { "metrics": {...} } there, or say where the script\'s metrics are: "metrics_from": { "stdout": { "<metric>": "<regex with one group>" } } or { "file": "{checkpoint_dir}/metrics.json", "format": "json" }.',
    });
  if (mf) {
    for (const p of metricsFromProblems(mf)) out.push({ field: "metrics_from", ...p });
    if ("file" in mf)
      for (const p of checkPlaceholders(mf.file, params))
        out.push({
          field: "metrics_from",
          path: ["file"],
          message: p.message,
          hint: `fix the placeholder {${p.name}}.`,
        });
  }
  for (const [concept, spelling] of Object.entries(exp.script_flags ?? {})) {
    if (spelling === null || spelling === undefined) continue;
    const split = splitCommand(spelling);
    if (!split.ok)
      out.push({
        field: "script_flags",
        path: [concept],
        message: `${split.message} (at character ${split.offset + 1})`,
        hint: "spell the script's arguments as in the command: argv without a shell.",
      });
    else if (!split.argv[0]?.startsWith("-"))
      out.push({
        field: "script_flags",
        path: [concept],
        message: `"${spelling}" does not start with the script's flag`,
        hint: 'start with the flag the script declares, e.g. "--save {checkpoint_dir}/model.pt".',
      });
    // seed and checkpoint_dir are passed by the command itself: it should name the flag
    const flag = split.ok ? split.argv[0] : undefined;
    const commandArgv = splitCommand(exp.command);
    if (
      (concept === "seed" || concept === "checkpoint_dir") &&
      flag?.startsWith("-") &&
      commandArgv.ok &&
      !commandArgv.argv.some((a) => a === flag || a.startsWith(`${flag}=`))
    )
      out.push({
        field: "command",
        path: [],
        message: `script_flags.${concept} is "${spelling}", but the command does not pass ${flag}`,
        aboutExperiment: true,
        hint: `add "${spelling}" to the command, or the script uses its default${concept === "checkpoint_dir" ? " (and writes into the checkout)" : ""}.`,
        severity: "warning",
      });
    for (const p of checkPlaceholders(spelling, params))
      out.push({
        field: "script_flags",
        path: [concept],
        message: p.message,
        hint: `fix the placeholder {${p.name}}.`,
      });
  }
  return out;
}
