import {
  addParser,
  callSpan,
  type DeclaredFlags,
  declare,
  emptyDeclared,
  matchesIn,
  positionalLiterals,
} from "./declared-flags.js";
import type { ScannedSource } from "./scan-source.js";

/**
 * Options a Node script declares with `util.parseArgs`, commander or yargs, or reads from
 * process.argv (minimist, mri and hand-written loops).
 */
export function nodeFlags(src: ScannedSource): DeclaredFlags {
  const d = emptyDeclared();
  const { code } = src;
  const parseArgs = /\bparseArgs\s*\(/.test(code);
  const commander = /["']commander["']/.test(code);
  const yargs = /["']yargs(\/[\w/]+)?["']/.test(code);
  if (parseArgs) addParser(d, "parseArgs");
  if (commander) addParser(d, "commander");
  if (yargs) addParser(d, "yargs");

  // parseArgs options and yargs .options({...}): keys whose value is an object such as { type: ... }
  if (parseArgs || yargs) {
    for (const m of matchesIn(
      src,
      /(?:^|[{,\s])(["']?)([A-Za-z][\w-]*)\1\s*:\s*\{\s*(type|alias|describe|description|default|demandOption|short|boolean)\s*:/m,
    )) {
      const name = m[2] as string;
      declare(
        d,
        `--${name}`,
        src.lineAt(m.index + m[0].indexOf(name)),
        parseArgs ? "parseArgs" : "yargs",
      );
      if (yargs) declare(d, `--${kebab(name)}`, src.lineAt(m.index), "yargs");
    }
  }
  for (const m of matchesIn(
    src,
    /(?:\.(?:option|requiredOption|options|boolean|string|number|array|count)|\bnew\s+Option)\s*\(/,
  )) {
    const open = m.index + m[0].length - 1;
    const { literals, firstIsComputed } = positionalLiterals(src, callSpan(src, open));
    const first = literals[0];
    if (!first) {
      if (
        firstIsComputed &&
        !src.code
          .slice(open + 1)
          .trimStart()
          .startsWith("{")
      )
        d.dynamic ??= `an option at line ${src.lineAt(m.index)} has a computed name`;
      continue;
    }
    if (first.value.includes("--")) {
      // commander: "-s, --seed <n>", "--dry-run", "--no-resume"
      for (const f of first.value.matchAll(/--[A-Za-z0-9][\w-]*/g))
        declare(d, f[0], first.line, "commander");
    } else if (yargs && /^[A-Za-z][\w-]*$/.test(first.value)) {
      declare(d, `--${first.value}`, first.line, "yargs");
      declare(d, `--${kebab(first.value)}`, first.line, "yargs");
    }
  }
  if (/\bprocess\.argv\b/.test(code)) {
    addParser(d, "process.argv");
    d.manual = "process.argv";
  }
  if (/["'](minimist|mri|arg)["']/.test(code)) d.manual = "a permissive argv parser";
  return d;
}

/** yargs accepts `--checkpoint-dir` for an option declared as `checkpointDir`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
