import type { Verdict, VerdictReason } from "./verdict.js";

/** GitHub's limit for a check run's `output.summary` and `output.text` (docs/github-limits.md). */
export const MAX_CHECK_TEXT = 65_535;
/** One reason or cell longer than this is cut, so a single huge message cannot crowd out the rest. */
const MAX_CELL = 1_000;

const ICON: Record<Verdict["conclusion"], string> = {
  success: "✅",
  failure: "❌",
  neutral: "⏸️",
};
const SEVERITY: Record<VerdictReason["severity"], string> = {
  blocking: "❌ blocking",
  warning: "⚠️ warning",
  info: "ℹ️ info",
};
const SEVERITY_ORDER: Record<VerdictReason["severity"], number> = {
  blocking: 0,
  warning: 1,
  info: 2,
};

/** `CODE_REVISE — 2 blocking item(s) in 1 script` — one line for a check run title or a dashboard cell. */
export function renderVerdictTitle(v: Verdict): string {
  return oneLine(`${v.label} — ${v.summary}`, 250);
}

/**
 * A verdict as GitHub markdown: heading, summary, reasons (blocking first, then by file and line),
 * then the gate's tables. Pure and deterministic. Never longer than `maxChars` (default 65,535):
 * past that, whole lines are dropped from the end and a visible note says how many.
 */
export function renderVerdictMarkdown(v: Verdict, maxChars = MAX_CHECK_TEXT): string {
  const lines: string[] = [
    `### ${ICON[v.conclusion]} labgate/${v.gate}: ${escapeInline(v.label)}`,
    "",
    escapeInline(oneLine(v.summary, MAX_CELL)),
  ];
  const reasons = sortReasons(v.reasons);
  if (reasons.length > 0) {
    const hasRole = reasons.some((r) => r.role);
    lines.push(
      "",
      hasRole ? "| severity | role | where | reason |" : "| severity | where | reason |",
      hasRole ? "| --- | --- | --- | --- |" : "| --- | --- | --- |",
    );
    for (const r of reasons) {
      const cells = [SEVERITY[r.severity]];
      if (hasRole) cells.push(cell(r.role ?? ""));
      cells.push(r.file ? `\`${cell(where(r))}\`` : "", cell(r.message));
      lines.push(`| ${cells.join(" | ")} |`);
    }
  }
  for (const t of v.tables ?? []) {
    lines.push("", `#### ${escapeInline(t.title)}`, "");
    if (t.rows.length === 0) {
      lines.push("_(none)_");
      continue;
    }
    lines.push(
      `| ${t.header.map(cell).join(" | ")} |`,
      `| ${t.header.map(() => "---").join(" | ")} |`,
    );
    for (const row of t.rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
  }
  return fitWithinLimit(lines, maxChars);
}

/** Reasons in reading order: blocking first, then warnings, then info; within one, by file and line. */
export function sortReasons(reasons: readonly VerdictReason[]): VerdictReason[] {
  return reasons
    .map((r, i) => ({ r, i }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.r.severity] - SEVERITY_ORDER[b.r.severity] ||
        (a.r.file ?? "\uffff").localeCompare(b.r.file ?? "\uffff") ||
        (a.r.line ?? 0) - (b.r.line ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.r);
}

export function where(r: VerdictReason): string {
  if (!r.file) return "";
  return r.line === undefined
    ? r.file
    : `${r.file}:${r.line}${r.column === undefined ? "" : `:${r.column}`}`;
}

function fitWithinLimit(lines: readonly string[], maxChars: number): string {
  const full = `${lines.join("\n")}\n`;
  if (full.length <= maxChars) return full;
  const note = (n: number) =>
    `\n> **Truncated:** ${n} more line(s) not shown to stay within GitHub's ${maxChars.toLocaleString("en")}-character limit. Run \`labgate review --json\` for every reason.\n`;
  const reserve = note(lines.length).length;
  let out = "";
  let kept = 0;
  for (const line of lines) {
    if (out.length + line.length + 1 + reserve > maxChars) break;
    out += `${line}\n`;
    kept++;
  }
  return `${out}${note(lines.length - kept)}`;
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s*[\r\n]+\s*/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A table cell: one line, pipes escaped, HTML-ish brackets neutralised, length capped. */
function cell(s: string): string {
  return escapeInline(oneLine(s, MAX_CELL)).replace(/\|/g, "\\|");
}

/** Untrusted text (script output, PR content) must not open HTML or mention people. */
function escapeInline(s: string): string {
  return s.replace(/</g, "&lt;").replace(/@(?=[A-Za-z0-9])/g, "@\u200b");
}
