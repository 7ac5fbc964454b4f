import type { ScriptFlags } from "../../definitions/definitions-schema.js";
import type { DeclaredFlags } from "./declared-flags.js";
import { nodeFlags } from "./node-flags.js";
import { pythonFlags } from "./python-flags.js";
import type { ScriptLanguage } from "./resolve-script.js";
import type { ScannedSource } from "./scan-source.js";
import { shellFlags } from "./shell-flags.js";

/** unsupported: the experiment says the script lacks it (`script_flags.<concept>: null`). */
export type FlagState = "accepted" | "missing" | "unknown" | "unsupported";

export interface FlagCheck {
  /** The contract's flag (`required_script_flags`). */
  flag: string;
  /** The script's own flag checked in its place (`script_flags`), when the experiment maps it. */
  spelled?: string;
  state: FlagState;
  /** Where it is declared (accepted), or where the parser is (missing). */
  line?: number;
  /** How we know: "argparse", "click", ... or why we cannot tell. */
  detail: string;
  /** Set when the evidence is in another file (the script a shell wrapper runs). */
  file?: string;
}

/** Parsers whose every option is a literal in the source: a flag they do not name is missing. */
const DECLARATIVE = new Set([
  "argparse",
  "click",
  "typer",
  "absl",
  "parseArgs",
  "commander",
  "yargs",
  "case",
  "getopt",
]);

/**
 * Does the script accept each flag? "accepted" and "missing" only where the source says so;
 * "unknown" (could not determine) where static reading cannot tell, never a guess.
 */
export function checkScriptFlags(
  src: ScannedSource,
  language: ScriptLanguage,
  flags: readonly string[],
): { parsers: string[]; checks: FlagCheck[] } {
  const d: DeclaredFlags =
    language === "python"
      ? pythonFlags(src)
      : language === "node"
        ? nodeFlags(src)
        : shellFlags(src);
  const literalLine = (flag: string) =>
    src.literals.find((l) => l.value === flag || l.value.startsWith(`${flag}=`))?.line;
  const checks = flags.map((flag): FlagCheck => {
    const found = d.declared.get(flag);
    if (found) return { flag, state: "accepted", line: found.line, detail: found.via };
    const lit = literalLine(flag);
    if (lit !== undefined && (d.manual || d.dynamic))
      return {
        flag,
        state: "accepted",
        line: lit,
        detail: `"${flag}" is matched against ${d.manual ?? "argv"}`,
      };
    const near = nearMiss(flag, d);
    // where one would add it: beside the near miss, else beside the first declared option
    const line = near.line ?? Math.min(...[...d.declared.values()].map((v) => v.line), Infinity);
    const at = Number.isFinite(line) ? { line } : {};
    if (d.dynamic) return { flag, state: "unknown", detail: `could not determine: ${d.dynamic}` };
    if (d.parsers.some((p) => DECLARATIVE.has(p)))
      return {
        flag,
        state: "missing",
        ...at,
        detail: `${d.parsers.filter((p) => DECLARATIVE.has(p)).join(" and ")} declares ${list(d)} but not ${flag}${near.text}`,
      };
    if (d.manual) {
      const word = flag.replace(/^-+/, "");
      const mentioned = [word, word.replace(/-/g, "_")].some((w) =>
        new RegExp(`\\b${w}\\b`).test(src.code),
      );
      return mentioned
        ? {
            flag,
            state: "unknown",
            detail: `could not determine: the script reads ${d.manual} by hand and mentions "${word}" but never the literal "${flag}"`,
          }
        : {
            flag,
            state: "missing",
            detail: `the script reads ${d.manual} by hand and never mentions "${flag}"`,
          };
    }
    return {
      flag,
      state: "unknown",
      detail:
        "could not determine: no argparse, click, typer, sys.argv, parseArgs, commander, yargs or process.argv use in this file; arguments may be parsed in a module it imports",
    };
  });
  return { parsers: d.parsers, checks };
}

function list(d: DeclaredFlags): string {
  const names = [...d.declared.keys()];
  if (names.length === 0) return "no options";
  return names.length > 8 ? `${names.slice(0, 8).join(", ")}, …` : names.join(", ");
}

/** `--checkpoint_dir` declared where `--checkpoint-dir` is required: say so, it is the usual slip. */
function nearMiss(flag: string, d: DeclaredFlags): { text: string; line?: number } {
  const norm = (f: string) => f.replace(/_/g, "-").toLowerCase();
  const hit = [...d.declared.entries()].find(([k]) => k !== flag && norm(k) === norm(flag));
  if (!hit) return { text: "" };
  return {
    text: ` (it declares ${hit[0]}; the command convention is ${flag}: add ${flag} as an alias)`,
    line: hit[1].line,
  };
}

/** The contract element each conventional flag stands for, and what lacking it costs. */
const CONCEPTS: Record<string, { concept: keyof ScriptFlags; without: string }> = {
  "--seed": {
    concept: "seed",
    without:
      "every seed of an experiment runs the same command, so its seeds differ only by chance",
  },
  "--checkpoint-dir": {
    concept: "checkpoint_dir",
    without: "the run keeps no checkpoint where labgate can find it, so nothing can resume",
  },
  "--resume": {
    concept: "resume",
    without: "a retry after a failure or a preemption starts over from the first step",
  },
  "--dry-run": {
    concept: "dry_run",
    without: "the code-review gate cannot try the command before the GPUs do",
  },
};

/**
 * `checkScriptFlags` for one experiment: where its `script_flags` map a contract element onto the
 * script's own flag (`--save {checkpoint_dir}/model.pt` for `--checkpoint-dir`), that flag is
 * checked instead; where they map it to null, it is `unsupported`, with what that costs.
 */
export function checkContractFlags(
  src: ScannedSource,
  language: ScriptLanguage,
  flags: readonly string[],
  mapping: ScriptFlags | undefined,
): { parsers: string[]; checks: FlagCheck[] } {
  const spelledOf = (flag: string): string | null | undefined => {
    const c = CONCEPTS[flag];
    const spelling = c && mapping ? mapping[c.concept] : undefined;
    if (spelling === null || spelling === undefined) return spelling;
    return spelling.trim().split(/[\s=]/)[0] || undefined;
  };
  const toCheck = flags.map((f) => spelledOf(f) ?? f);
  const { parsers, checks } = checkScriptFlags(src, language, toCheck);
  return {
    parsers,
    checks: flags.map((flag, i): FlagCheck => {
      const spelled = spelledOf(flag);
      const concept = CONCEPTS[flag];
      if (spelled === null && concept)
        return {
          flag,
          state: "unsupported",
          detail: `script_flags.${concept.concept} is null: ${concept.without}`,
        };
      const check = checks[i] as FlagCheck;
      if (spelled === undefined || spelled === null || !concept || spelled === flag) return check;
      return {
        ...check,
        flag,
        spelled,
        detail: `${check.detail} (script_flags.${concept.concept})`,
      };
    }),
  };
}
