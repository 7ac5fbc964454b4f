import { addParser, type DeclaredFlags, emptyDeclared, matchesIn } from "./declared-flags.js";
import type { ScannedSource } from "./scan-source.js";

/**
 * Options a shell script handles: `case` patterns and `getopt --long` lists. A script that passes
 * "$@" on to another program accepts whatever that program accepts, which is not read here.
 */
export function shellFlags(src: ScannedSource): DeclaredFlags {
  const d = emptyDeclared();
  for (const m of matchesIn(src, /(?:^|[\s|(])(--[A-Za-z0-9][\w-]*)(?=[\s)|*=]|$)/m)) {
    addParser(d, "case");
    d.declared.has(m[1] as string) ||
      d.declared.set(m[1] as string, { line: src.lineAt(m.index), via: "case pattern" });
  }
  for (const m of matchesIn(
    src,
    /\bgetopt\b[^\n]*?(?:--long(?:options)?|-l)[\s=]+["']?([\w:,-]+)/,
  )) {
    addParser(d, "getopt");
    for (const name of (m[1] as string).split(","))
      if (name.replace(/:/g, ""))
        d.declared.set(`--${name.replace(/:/g, "")}`, { line: src.lineAt(m.index), via: "getopt" });
  }
  if (/"\$@"|\$@|\$\*/.test(src.code)) {
    d.manual = "$@";
    if (/\b(exec\s+)?\S+[^\n]*"\$@"/.test(src.code))
      d.dynamic ??= 'it passes "$@" on to another program, whose flags are not read here';
  } else if (/\$\{?[1-9]/.test(src.code)) d.manual = "positional parameters";
  return d;
}
