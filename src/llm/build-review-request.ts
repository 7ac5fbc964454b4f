import { readFileSync } from "node:fs";
import type { LoadedDefinitions } from "../core/definitions/validate-definitions.js";
import type { DebateRole, Finding } from "../core/gates/debate/debate-role.js";
import type { ReviewRequest } from "./review-provider.js";

/** The definitions are sent whole up to this size; a campaign is hand-written and small. */
const MAX_DEFINITIONS_CHARS = 60_000;

/** The role's prompt template: `templates/prompts/<role>.md` in the labgate package. */
export function promptTemplate(role: DebateRole): string {
  return readFileSync(new URL(`../../templates/prompts/${role}.md`, import.meta.url), "utf8");
}

/**
 * One role's request: the template as instructions, the campaign and the rules' findings as the
 * material. The model is asked for JSON only; `parseLlmVerdict` holds it to that.
 */
export function buildReviewRequest(
  role: DebateRole,
  loaded: LoadedDefinitions,
  findings: readonly Finding[],
  template: string = promptTemplate(role),
): ReviewRequest {
  let defs = JSON.stringify(loaded.definitions, null, 2);
  if (defs.length > MAX_DEFINITIONS_CHARS)
    defs = `${defs.slice(0, MAX_DEFINITIONS_CHARS)}\n… (truncated)`;
  const rules =
    findings.length === 0
      ? "The rules found nothing."
      : findings
          .map((f) => `- ${f.verdict}: ${f.message}${f.line ? ` (line ${f.line})` : ""}`)
          .join("\n");
  return {
    role,
    system: template,
    user: `definitions.json (${loaded.file}):\n\`\`\`json\n${defs}\n\`\`\`\n\nWhat labgate's rules found for this role:\n${rules}\n\nReply with the JSON object only.`,
  };
}
