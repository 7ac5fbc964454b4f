import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.js";
import type { CliContext } from "./cli-context.js";

/** Errors and warnings go to stderr, one `file:line:col: severity: path: message` block each. */
export function printDiagnostics(ctx: CliContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (errors > 0)
    ctx.stderr.write(`${errors} error(s). Fix them and run \`labgate validate\` again.\n`);
}
