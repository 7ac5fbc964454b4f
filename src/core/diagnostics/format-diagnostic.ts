import type { Diagnostic } from "./diagnostic.js";

/** `file:line:col: error: experiments[2].seeds: message\n  hint` — the shape editors and CI logs link. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.path}: ${d.message}`;
  return d.hint ? `${head}\n  fix: ${d.hint}` : head;
}
