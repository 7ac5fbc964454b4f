import type { AutofixFailure } from "./autofix-failure.js";
import type { FixerOutcome } from "./fixer-outcome.js";

export interface AutofixBodyInput {
  /** The PR the fixes are for (this PR merges into its branch). */
  pr: number;
  prBranch: string;
  outcomes: readonly FixerOutcome[];
  /** The workflow run that ran the fixers: their logs are in its job log. */
  runUrl?: string;
  commit?: string;
}

/** A marker that lets anyone (and labgate) recognise its own auto-fix PR body. */
export const autofixMarker = (pr: number) => `<!-- labgate:autofix pr=${pr} -->`;

export const autofixTitle = (pr: number) => `labgate auto-fix for #${pr}`;

const STATUS: Record<FixerOutcome["status"], string> = {
  changed: "✅ changed files",
  unchanged: "no change",
  failed: "❌ failed",
  "timed-out": "⏱️ timed out",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function failureLine(f: AutofixFailure): string {
  const where = f.file ? ` (\`${f.file}${f.line ? `:${f.line}` : ""}\`)` : "";
  const subject = f.url ? `[${f.subject}](${f.url})` : `\`${f.subject}\``;
  const log = f.logUrl && f.logUrl !== f.url ? ` · [log](${f.logUrl})` : "";
  return `- ${subject} — ${f.kind}: ${cell(f.message)}${where}${log}`;
}

/**
 * The auto-fix PR body: which failures the fixes answer (linked to their runs and logs), what each
 * fixer did, and how to take the fix. Deterministic for the same input, so an update with nothing
 * new leaves the body as it was.
 */
export function renderAutofixBody(input: AutofixBodyInput): string {
  const changed = input.outcomes.filter((o) => o.status === "changed");
  const answered = new Map<string, AutofixFailure>();
  for (const o of changed)
    for (const f of o.answers) answered.set(`${f.source}\u0000${f.subject}\u0000${f.message}`, f);
  const lines = [
    autofixMarker(input.pr),
    `## ${autofixTitle(input.pr)}`,
    "",
    `Fixes made by the configured fixers on \`${input.prBranch}\`` +
      (input.commit ? ` at \`${input.commit.slice(0, 12)}\`` : "") +
      `. Merge this PR into #${input.pr} to take them; labgate rebuilds it on the PR's latest head each time the fixers run.`,
    "",
    `### Failures it answers (${answered.size})`,
    "",
    ...[...answered.values()].map(failureLine),
    "",
    "### Fixers",
    "",
    "| fixer | result | files | details |",
    "| --- | --- | --- | --- |",
    ...input.outcomes.map(
      (o) =>
        `| ${cell(o.name)} | ${STATUS[o.status]} | ${o.files.length === 0 ? "—" : cell(o.files.map((f) => `\`${f}\``).join(", "))} | ${cell(o.detail) || "—"} |`,
    ),
    "",
  ];
  if (input.runUrl) lines.push(`Fixer logs: [workflow run](${input.runUrl}).`, "");
  const failed = input.outcomes.filter((o) => o.status === "failed" || o.status === "timed-out");
  if (failed.length > 0)
    lines.push(
      `${failed.length} fixer(s) did not finish; they are not retried until the next failing run. Their partial changes are not included.`,
      "",
    );
  return lines.join("\n");
}
