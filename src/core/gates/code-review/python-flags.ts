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

/** CLI libraries whose options cannot be read off the source without running it. */
const OPAQUE: [RegExp, string, string][] = [
  [/^\s*(import|from)\s+fire\b/m, "fire", "python-fire derives flags from function signatures"],
  [/^\s*(import|from)\s+hydra\b/m, "hydra", "hydra takes key=value overrides, not flags"],
  [/^\s*(import|from)\s+docopt\b/m, "docopt", "docopt declares flags in the usage text"],
  [
    /^\s*(import|from)\s+(tyro|jsonargparse|simple_parsing)\b/m,
    "dataclass CLI",
    "flags come from dataclasses",
  ],
];

/** Options a Python script declares with argparse, click, typer or absl, or reads from sys.argv. */
export function pythonFlags(src: ScannedSource): DeclaredFlags {
  const d = emptyDeclared();
  const { code } = src;

  if (/\bargparse\b|ArgumentParser\s*\(/.test(code)) addParser(d, "argparse");
  for (const m of matchesIn(src, /\.add_argument\s*\(/)) {
    const open = m.index + m[0].length - 1;
    const { literals, firstIsComputed } = positionalLiterals(src, callSpan(src, open));
    if (firstIsComputed)
      d.dynamic ??= `add_argument at line ${src.lineAt(m.index)} computes its option name`;
    for (const l of literals) if (l.value.startsWith("-")) declare(d, l.value, l.line, "argparse");
  }

  const usesClick = /^\s*(import|from)\s+click\b/m.test(code);
  const usesTyper = /^\s*(import|from)\s+typer\b/m.test(code);
  if (usesClick) addParser(d, "click");
  if (usesTyper) addParser(d, "typer");
  if (usesClick || usesTyper) {
    for (const m of matchesIn(src, /(?:\bclick\.|@|\btyper\.)(option|Option)\s*\(/)) {
      const open = m.index + m[0].length - 1;
      const { literals } = positionalLiterals(src, callSpan(src, open));
      const via = m[0].toLowerCase().includes("typer") ? "typer" : "click";
      for (const l of literals)
        for (const part of l.value.split("/"))
          if (part.trim().startsWith("-")) declare(d, part.trim(), l.line, via);
    }
  }
  if (usesTyper) typerParameters(src, d);

  for (const m of matchesIn(src, /\bflags\.DEFINE_\w+\s*\(\s*["'](\w[\w-]*)["']/)) {
    addParser(d, "absl");
    declare(d, `--${m[1]}`, src.lineAt(m.index), "absl");
  }
  for (const [re, name, why] of OPAQUE)
    if (re.test(code)) {
      addParser(d, name);
      d.dynamic ??= why;
    }
  if (/\bsys\.argv\b|from\s+sys\s+import\s+[^\n]*\bargv\b/.test(code)) {
    addParser(d, "sys.argv");
    d.manual = "sys.argv";
  }
  return d;
}

/**
 * typer turns a command function's parameters into options: `dry_run: bool = False` is
 * `--dry-run` (and `--no-dry-run`); `typer.Argument` parameters are positional.
 */
function typerParameters(src: ScannedSource, d: DeclaredFlags): void {
  const names = new Set<string>();
  for (const m of matchesIn(src, /\btyper\.run\s*\(\s*(\w+)/)) names.add(m[1] as string);
  for (const m of matchesIn(
    src,
    /@\w+\.command\s*\([^)]*\)\s*\n(?:\s*@[^\n]*\n)*\s*(?:async\s+)?def\s+(\w+)/,
  ))
    names.add(m[1] as string);
  if (names.size === 0) {
    d.dynamic ??=
      "typer is imported but no command function (`@app.command()` or `typer.run(f)`) was found";
    return;
  }
  for (const name of names) {
    const def = new RegExp(`def\\s+${name}\\s*\\(`).exec(src.code);
    if (!def) {
      d.dynamic ??= `typer command ${name} is defined in another module`;
      continue;
    }
    const span = callSpan(src, def.index + def[0].length - 1);
    for (const param of splitTopLevel(src.code.slice(span.from, span.to))) {
      const nameMatch = /^\s*(\w+)/.exec(param.text);
      if (!nameMatch || param.text.trimStart().startsWith("*")) continue;
      if (/typer\.Argument\s*\(/.test(param.text)) continue;
      if (/typer\.Option\s*\(\s*[^)\s]*["']-/.test(param.text)) continue; // named explicitly above
      const flag = `--${(nameMatch[1] as string).replace(/_/g, "-")}`;
      const line = src.lineAt(span.from + param.offset + (nameMatch.index ?? 0));
      declare(d, flag, line, "typer");
      if (/:\s*(Annotated\[\s*)?bool\b/.test(param.text))
        declare(d, `--no-${flag.slice(2)}`, line, "typer");
    }
  }
}

/** Splits a parameter list on top-level commas. */
function splitTopLevel(s: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ("([{".includes(ch)) depth++;
    else if (")]}".includes(ch)) depth--;
    else if (ch === "," && depth === 0) {
      out.push({ text: s.slice(start, i), offset: start });
      start = i + 1;
    }
  }
  if (s.slice(start).trim()) out.push({ text: s.slice(start), offset: start });
  return out;
}
