import type { DebateRole, LlmOpinion } from "../core/gates/debate/debate-role.js";

/** What one role's reviewer is asked: the rendered prompt template for that role. */
export interface ReviewRequest {
  role: DebateRole;
  /** The role's instructions (from `templates/prompts/<role>.md`). */
  system: string;
  /** The campaign and the rules' findings, as the reviewer should read them. */
  user: string;
}

/**
 * A language-model reviewer for the design debate. Optional and never on by default: with no
 * provider, the rules alone decide. A provider never throws for a bad reply, a timeout or an HTTP
 * error; it returns `{ ok: false, error }` and the rules decide that role.
 */
export interface ReviewProvider {
  readonly name: string;
  review(request: ReviewRequest): Promise<LlmOpinion>;
}
