/**
 * Splits a command string into argv the way a POSIX shell would tokenize words — whitespace
 * separates, single quotes are literal, double quotes and backslashes escape — but nothing is
 * expanded and no shell ever runs it (docs/definitions.md). Shell operators are rejected because without a
 * shell they would silently become arguments.
 *
 * Hand-written (about 40 lines) rather than a dependency because we need the failure position
 * for the validation message, which string-argv and friends do not report.
 */
export type SplitResult =
  | { ok: true; argv: string[] }
  | { ok: false; message: string; offset: number };

const OPERATORS = new Set(["|", "||", "&&", ";", ">", ">>", "<", "&", "2>", "2>&1", "$("]);

export function splitCommand(command: string): SplitResult {
  const argv: string[] = [];
  let current = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  let quoteStart = 0;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && i + 1 < command.length && '"\\$`'.includes(command[i + 1] as string))
        current += command[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      quoteStart = i;
      inWord = true;
    } else if (ch === "\\" && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(current);
      current = "";
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) return { ok: false, message: `unterminated ${quote} quote`, offset: quoteStart };
  if (inWord) argv.push(current);
  if (argv.length === 0) return { ok: false, message: "command is empty", offset: 0 };
  const op = argv.find((a) => OPERATORS.has(a));
  if (op)
    return {
      ok: false,
      message: `"${op}" is a shell operator, but commands run without a shell; wrap the pipeline in a script and call that`,
      offset: command.indexOf(op),
    };
  return { ok: true, argv };
}
