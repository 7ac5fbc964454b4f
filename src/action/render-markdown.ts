import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { formatDiagnostic } from "../core/diagnostics/format-diagnostic.js";

/** A GitHub-flavoured markdown table; cells are escaped so a `|` in a value cannot break it. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  const cell = (v: unknown) =>
    String(v ?? "")
      .replace(/\|/g, "\\|")
      .replace(/\n/g, " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export function diagnosticsList(diagnostics: readonly Diagnostic[]): string {
  return `\`\`\`\n${diagnostics.map((d) => formatDiagnostic(d)).join("\n")}\n\`\`\``;
}
