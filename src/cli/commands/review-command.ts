import { renderVerdictMarkdown } from "../../core/gates/render-verdict-markdown.js";
import { GATES, type GateId } from "../../core/gates/verdict.js";
import { providerFromEnv } from "../../llm/provider-from-env.js";
import { diskWorkspace } from "../../operations/disk-workspace.js";
import { reviewGates } from "../../operations/review-gates.js";
import { type CliContext, EXIT_FAILED, EXIT_OK, UsageError } from "../cli-context.js";

export const reviewHelp = `labgate review [--gate definitions|code-review|design-debate|pilot]... [--json] [--no-dry-run]

Runs the review gates of the PR checks on this checkout and prints each verdict with its reasons
(file:line where it can) as markdown, the same text the GitHub check runs show.
  --gate G       only this gate (repeatable); all four by default
  --json         print { verdicts: [...] } as JSON instead
  --no-dry-run   skip running each distinct command with --dry-run; code review says "pending"
Exit 0 when no gate fails (pending gates do not fail), 1 when any gate fails.

An optional language-model reviewer joins the design debate when LABGATE_LLM_BASE_URL and
LABGATE_LLM_MODEL are set (any OpenAI-compatible chat-completions endpoint; LABGATE_LLM_API_KEY,
LABGATE_LLM_TIMEOUT_SECONDS). It can only make a reviewer stricter; off by default.`;

export interface ReviewArgs {
  gates: GateId[];
  json: boolean;
  dryRun: boolean;
}

export async function reviewCommand(ctx: CliContext, args: ReviewArgs): Promise<number> {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(ctx.cwd),
    only: args.gates,
    dryRun: args.dryRun ? "run" : "skip",
    cwd: ctx.cwd,
    provider: providerFromEnv(ctx.env),
  });
  const failed = verdicts.filter((v) => v.conclusion === "failure");
  if (args.json) ctx.stdout.write(`${JSON.stringify({ verdicts }, null, 2)}\n`);
  else {
    ctx.stdout.write(terminalText(verdicts.map((v) => renderVerdictMarkdown(v)).join("\n")));
    const line = verdicts.map((v) => `${v.gate} ${v.label}`).join(", ");
    ctx.stdout.write(
      `\n${failed.length === 0 ? "no gate failed" : `${failed.length} gate(s) failed`}: ${line}\n`,
    );
  }
  return failed.length > 0 ? EXIT_FAILED : EXIT_OK;
}

/**
 * The check-run markdown as a terminal shows it: the escapes that keep GitHub from reading HTML
 * or a mention (`&lt;`, `@` + zero-width space) are undone, so `accuracy 0.4 < min 0.8` reads so.
 */
export const terminalText = (markdown: string): string =>
  markdown.replace(/&lt;/g, "<").replace(/@\u200b/g, "@");

/** `--gate` values, checked: a typo is a usage error that lists the gates. */
export function gateArgs(v: string | boolean | string[] | undefined): GateId[] {
  if (v === undefined) return [];
  const list = (Array.isArray(v) ? v : [String(v)]).flatMap((s) => s.split(","));
  for (const g of list)
    if (!(GATES as readonly string[]).includes(g))
      throw new UsageError(`--gate must be one of ${GATES.join(", ")}; got "${g}"`);
  return list as GateId[];
}
