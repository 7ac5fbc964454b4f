import type { ScannedSource, StringLiteral } from "./scan-source.js";

/** What static reading found about a script's command-line interface. */
export interface DeclaredFlags {
  /** Parsers recognised, e.g. ["argparse"], ["commander"], ["sys.argv"]. */
  parsers: string[];
  /** Every option string declared, with the line that declares it. */
  declared: Map<string, { line: number; via: string }>;
  /** Set when some options are built at run time, so a missing flag cannot be ruled out. */
  dynamic?: string;
  /** The script reads raw argv itself (sys.argv, process.argv, "$@"): literals are the evidence. */
  manual?: string;
}

export function emptyDeclared(): DeclaredFlags {
  return { parsers: [], declared: new Map() };
}

export function declare(d: DeclaredFlags, flag: string, line: number, via: string): void {
  if (!d.declared.has(flag)) d.declared.set(flag, { line, via });
}

export function addParser(d: DeclaredFlags, parser: string): void {
  if (!d.parsers.includes(parser)) d.parsers.push(parser);
}

/** A call's argument span: from just after `(` to its matching `)`, skipping string literals. */
export function callSpan(src: ScannedSource, openParen: number): { from: number; to: number } {
  const byOffset = literalIndex(src);
  let depth = 0;
  for (let i = openParen; i < src.code.length; i++) {
    const lit = byOffset.get(i);
    if (lit) {
      i = lit.end - 1;
      continue;
    }
    const ch = src.code[i];
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return { from: openParen + 1, to: i };
    }
  }
  return { from: openParen + 1, to: src.code.length };
}

/**
 * The literals passed positionally at the top level of a call (`add_argument("-s", "--seed",
 * type=int, help="...")` gives `-s` and `--seed`, not the help text), and whether the first
 * argument is something other than a literal (a computed name).
 */
export function positionalLiterals(
  src: ScannedSource,
  span: { from: number; to: number },
): { literals: StringLiteral[]; firstIsComputed: boolean } {
  const inside = src.literals.filter((l) => l.offset >= span.from && l.end <= span.to);
  const literals: StringLiteral[] = [];
  for (const lit of inside) {
    const before = src.code.slice(span.from, lit.offset);
    if (depthOf(before, src, span.from) !== 0) continue;
    const lead = before.replace(/\s+$/, "");
    if (lead === "" || lead.endsWith(",")) {
      // a positional argument only if no keyword argument came before it
      if (!/\w\s*=[^=]/.test(stripLiterals(before, src, span.from))) literals.push(lit);
    }
  }
  const firstArg = src.code.slice(span.from, span.to).trimStart();
  const firstIsComputed =
    firstArg.length > 0 && !/^[rRbBuUfF]{0,2}["'`]/.test(firstArg) && !firstArg.startsWith(")");
  return { literals, firstIsComputed };
}

function literalIndex(src: ScannedSource): Map<number, StringLiteral> {
  const cached = indexCache.get(src);
  if (cached) return cached;
  const m = new Map(src.literals.map((l) => [l.offset, l]));
  indexCache.set(src, m);
  return m;
}
const indexCache = new WeakMap<ScannedSource, Map<number, StringLiteral>>();

/** Bracket depth of `segment` (which starts at `base`), not counting brackets inside literals. */
function depthOf(segment: string, src: ScannedSource, base: number): number {
  const plain = stripLiterals(segment, src, base);
  let depth = 0;
  for (const ch of plain) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  return depth;
}

function stripLiterals(segment: string, src: ScannedSource, base: number): string {
  const chars = segment.split("");
  for (const l of src.literals) {
    if (l.end <= base || l.offset >= base + segment.length) continue;
    for (let k = Math.max(l.offset, base); k < Math.min(l.end, base + segment.length); k++)
      chars[k - base] = "_";
  }
  return chars.join("");
}

/** Every match of `re` in the comment-free code, with its line. */
export function* matchesIn(src: ScannedSource, re: RegExp): Generator<RegExpExecArray> {
  const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
  for (let m = g.exec(src.code); m !== null; m = g.exec(src.code)) yield m;
}
