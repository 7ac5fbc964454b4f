import type { ScriptLanguage } from "./resolve-script.js";

export interface StringLiteral {
  value: string;
  /** Offset of the opening quote, and just past the closing one. */
  offset: number;
  end: number;
  line: number;
}

export interface ScannedSource {
  text: string;
  /** The text with comments blanked out (newlines kept), so offsets and lines still match. */
  code: string;
  literals: StringLiteral[];
  lineAt(offset: number): number;
}

/**
 * A small lexer, enough for static checks: it finds string literals and comments in Python,
 * JavaScript/TypeScript and shell, so a flag named in a comment does not count and a `#` inside a
 * string is not a comment. It does not parse; regex literals and heredocs are read as code.
 */
export function scanSource(text: string, language: ScriptLanguage): ScannedSource {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const comments: [number, number][] = [];
  const literals: StringLiteral[] = [];
  const n = text.length;
  const node = language === "node";
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (
      c === HASH &&
      !node &&
      (language === "python" || i === 0 || isSpace(text.charCodeAt(i - 1)))
    ) {
      const end = eol(text, i);
      comments.push([i, end]);
      i = end;
    } else if (node && c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = eol(text, i);
      comments.push([i, end]);
      i = end;
    } else if (node && c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? n : close + 2;
      comments.push([i, end]);
      i = end;
    } else if (c === DQ || c === SQ || (c === BT && node)) {
      const ch = text[i] as string;
      const triple = language === "python" && text.startsWith(ch + ch + ch, i);
      const quote = triple ? ch + ch + ch : ch;
      const raw = language === "python" && /[rR]/.test(prefixOf(text, i));
      const escapes = !(language === "shell" && c === SQ) && !raw;
      const stopAtNewline = !triple && language !== "shell" && c !== BT;
      let j = i + quote.length;
      let value = "";
      let from = j;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === c && (!triple || text.startsWith(quote, j))) break;
        if (escapes && d === BACKSLASH && j + 1 < n) {
          value += `${text.slice(from, j)}${text[j + 1]}`;
          j += 2;
          from = j;
          continue;
        }
        if (stopAtNewline && d === NEWLINE) break;
        j++;
      }
      value += text.slice(from, j);
      const end = Math.min(n, j + (text.startsWith(quote, j) ? quote.length : 0));
      literals.push({ value, offset: i, end: Math.max(end, j), line: lineAt(i) });
      i = Math.max(end, j, i + 1);
    } else i++;
  }
  return { text, code: blankRanges(text, comments), literals, lineAt };
}

const HASH = 35;
const SLASH = 47;
const STAR = 42;
const DQ = 34;
const SQ = 39;
const BT = 96;
const BACKSLASH = 92;
const NEWLINE = 10;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The text with each range replaced by spaces (newlines kept), so offsets still line up. */
function blankRanges(text: string, ranges: readonly [number, number][]): string {
  if (ranges.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of ranges) {
    const comment = text.slice(from, to);
    out += text.slice(at, from);
    out += comment.includes("\n") ? comment.replace(/[^\n]/g, " ") : " ".repeat(to - from);
    at = to;
  }
  return out + text.slice(at);
}

function eol(text: string, from: number): number {
  const nl = text.indexOf("\n", from);
  return nl < 0 ? text.length : nl;
}

/** Python string prefix letters right before a quote: r"", f"", rb"". */
function prefixOf(text: string, quoteAt: number): string {
  let k = quoteAt;
  while (k > 0 && /[rRbBuUfF]/.test(text[k - 1] as string) && quoteAt - k < 2) k--;
  return /[A-Za-z0-9_]/.test(text[k - 1] ?? "") ? "" : text.slice(k, quoteAt);
}
