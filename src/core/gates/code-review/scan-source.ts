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
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
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
  const code = text.split("");
  const literals: StringLiteral[] = [];
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (code[k] !== "\n") code[k] = " ";
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (
      ch === "#" &&
      language !== "node" &&
      (language === "python" || /\s|^$/.test(text[i - 1] ?? ""))
    ) {
      const end = eol(text, i);
      blank(i, end);
      i = end;
    } else if (language === "node" && ch === "/" && next === "/") {
      const end = eol(text, i);
      blank(i, end);
      i = end;
    } else if (language === "node" && ch === "/" && next === "*") {
      const close = text.indexOf("*/", i + 2);
      const end = close < 0 ? text.length : close + 2;
      blank(i, end);
      i = end;
    } else if (ch === '"' || ch === "'" || (ch === "`" && language === "node")) {
      const triple = language === "python" && text.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      const raw = language === "python" && /[rR]/.test(prefixOf(text, i));
      const escapes = !(language === "shell" && ch === "'") && !raw;
      let j = i + quote.length;
      let value = "";
      while (j < text.length && !text.startsWith(quote, j)) {
        if (escapes && text[j] === "\\" && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (!triple && language !== "shell" && ch !== "`" && text[j] === "\n") break;
        value += text[j];
        j++;
      }
      const end = Math.min(text.length, j + quote.length);
      literals.push({ value, offset: i, end, line: lineAt(i) });
      i = end;
    } else i++;
  }
  return { text, code: code.join(""), literals, lineAt };
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
